#!/usr/bin/env bash
# The plugin path (issue 11): a libnats publisher sends to bench.plugin with reply
# subject bench.ack; the bench_ack plugin answers each message with "+ACK" through
# the host API; a libnats subscriber counts the acks. Runs our server with 1 and 2
# I/O threads (NMK_IO_THREADS), with the plugin on the SDK 1.1 calls and on the
# SDK 1.0 ones (legacy), and prints acks/s and the server's CPU per message.
#
#   cmake --build build --target nats-bench nats-server bench_ack -j2
#   tools/bench/plugin_path.sh [--msgs N] [--size B] [--rounds N] [--threads "1 2"]
set -uo pipefail
cd "$(dirname "$0")/../.."

msgs=1000000 size=16 rounds=3 threads="1 2"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --msgs) msgs="$2"; shift 2 ;;
        --size) size="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        *) echo "usage: $0 [--msgs N] [--size B] [--rounds N] [--threads \"1 2\"]" >&2; exit 2 ;;
    esac
done
server=build/bin/nats-server bench=build/bin/nats-bench
for f in "$server" "$bench" build/lib/libbench_ack.so; do
    [[ -e "$f" ]] || { echo "plugin_path.sh: $f is missing (build nats-server nats-bench bench_ack)" >&2; exit 3; }
done

work=$(mktemp -d)
pid=""
stop() { [[ -n "$pid" ]] && kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; pid=""; }
trap 'stop; rm -rf "$work"' EXIT

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
json_field() { sed -nE "s/.*\"$2\":([^,}]*).*/\\1/p" <<<"$1"; }
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]}'; }

run() { # io_threads legacy -> "rate cpu_us_per_msg" or "fail"
    local port=$((20000 + RANDOM % 40000))
    port_in_use "$port" && port=$((port + 1))
    printf 'plugins {\n  load: ["bench_ack"]\n  bench_ack { subject: "bench.plugin", legacy: %s }\n}\n' "$2" >"$work/server.conf"
    NMK_IO_THREADS="$1" "$server" -c "$work/server.conf" -a 127.0.0.1 -p "$port" >"$work/server.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 100); do port_in_use "$port" && break; sleep 0.05; done
    local out
    out=$("$bench" --mode pubsub --server "nats://127.0.0.1:$port" --subject bench.plugin --ack-subject bench.ack \
        --msgs "$msgs" --size "$size" --pid "$pid" --json 2>/dev/null)
    local status=$?
    stop
    local rate cpu delivered
    rate=$(json_field "$out" rate) cpu=$(json_field "$out" server_cpu_s) delivered=$(json_field "$out" delivered)
    if [[ $status -ne 0 || -z "$rate" || -z "$cpu" ]]; then echo fail; return; fi
    echo "$rate $(awk -v c="$cpu" -v n="$delivered" 'BEGIN { printf "%.3f", (n > 0 ? c * 1e6 / n : 0) }')"
}

echo "| I/O threads | plugin calls | acks/s | server CPU µs/msg |"
echo "|---|---|---|---|"
for t in $threads; do
    for legacy in false true; do
        rates="" cpus="" fails=0
        for _ in $(seq 1 "$rounds"); do
            read -r r c <<<"$(run "$t" "$legacy")"
            if [[ "$r" == fail ]]; then fails=$((fails + 1)); continue; fi
            rates+=" $r" cpus+=" $c"
        done
        api=$([[ $legacy == true ]] && echo "SDK 1.0 (subscribe, publish)" || echo "SDK 1.1 (subscribe_ex, publish_ex)")
        note=$([[ $fails -gt 0 ]] && echo " ($fails failed)")
        echo "| $t | $api | $(median "$rates")$note | $(median "$cpus") |"
    done
done
echo
echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load average $(cut -d' ' -f1-3 /proc/loadavg), $msgs messages of $size B, median of $rounds"
