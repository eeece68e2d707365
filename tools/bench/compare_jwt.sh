#!/usr/bin/env bash
# User-JWT logins side by side (issue 17): our server and nats-server 2.9.10 start on the
# same operator-mode config (nats-bench-jwt setup), and nats-bench-jwt opens N connections
# with a creds file against each, alternating round by round. Prints medians of the server
# CPU per login (µs) and of logins per second, and the ratio ours/nats.
# usage: tools/bench/compare_jwt.sh [--conns N] [--rounds R] [--threads T] [--ours PATH] [--nats PATH]
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=compare_common.sh
source "$here/compare_common.sh"
root=$(cd "$here/../.." && pwd)
ours_bin="$root/build/bin/nats-server"
bench_bin="$root/build/bin/nats-bench-jwt"
nats_bin=$(find_reference_server) || { echo "no reference nats-server" >&2; exit 2; }
conns=5000 rounds=3 threads=2
while [[ $# -gt 0 ]]; do
    case "$1" in
        --conns) conns="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        --ours) ours_bin="$2"; shift 2 ;;
        --nats) nats_bin="$2"; shift 2 ;;
        --bench) bench_bin="$2"; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
work=$(mktemp -d)
trap 'stop_server; rm -rf "$work"' EXIT
"$bench_bin" setup "$work" || exit 3

server_pid=""
start_server() { # binary -> sets server_pid and port
    for _ in 1 2 3 4 5; do
        port=$(random_port)
        port_in_use "$port" || break
    done
    "$1" -c "$work/server.conf" -a 127.0.0.1 -p "$port" >"$work/server.log" 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do
        port_in_use "$port" && return 0
        sleep 0.05
    done
    echo "server $1 did not start:" >&2
    cat "$work/server.log" >&2
    return 1
}

declare -A cpu rate
echo "load average at start: $(load_average)"
for round in $(seq 1 "$rounds"); do
    for side in ours nats; do
        bin=$ours_bin
        [[ $side == nats ]] && bin=$nats_bin
        start_server "$bin" || exit 3
        out=$("$bench_bin" connect --server "nats://127.0.0.1:$port" --creds "$work/user.creds" \
              --conns "$conns" --threads "$threads" --pid "$server_pid")
        stop_server
        failed=$(json_field "$out" failed)
        server_cpu=$(json_field "$out" server_cpu_s)
        seconds=$(json_field "$out" seconds)
        [[ "$failed" != 0 ]] && echo "round $round $side: $failed logins failed" >&2
        per=$(awk -v c="$server_cpu" -v n="$conns" 'BEGIN { printf "%.1f", c * 1e6 / n }')
        r=$(awk -v s="$seconds" -v n="$conns" 'BEGIN { printf "%.0f", n / s }')
        echo "round $round $side: server CPU ${per} µs/login, ${r} logins/s ($out)"
        cpu[$side]+="$per "
        rate[$side]+="$r "
    done
done
echo "load average at end: $(load_average)"
ours_cpu=$(median "${cpu[ours]}") nats_cpu=$(median "${cpu[nats]}")
ours_rate=$(median "${rate[ours]}") nats_rate=$(median "${rate[nats]}")
echo
echo "| metric ($conns logins, $threads client threads, median of $rounds) | ours | nats-server | ours/nats |"
echo "|---|---:|---:|---:|"
awk -v o="$ours_cpu" -v n="$nats_cpu" 'BEGIN { printf "| server CPU per login (µs) | %s | %s | %.2f |\n", o, n, o / n }'
awk -v o="$ours_rate" -v n="$nats_rate" 'BEGIN { printf "| logins per second | %s | %s | %.2f |\n", o, n, o / n }'
