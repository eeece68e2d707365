#!/usr/bin/env bash
# KV and Object Store side by side (issue 15's targets): nats.go 1.22's KeyValue and
# ObjectStore APIs (tools/bench/go/kv_bench, built here offline in GOPATH mode) against
# our server with its default sync (fsync before ack), ours in lazy mode
# (jetstream { sync: "2m" }, nats-server's fsync) and nats-server 2.9.10 -js, each run on
# a fresh server and store, the order rotating round by round. Prints a markdown table
# of medians with the ratios to nats-server. See tools/bench/README.md.
set -uo pipefail

usage() {
    cat <<'EOF2'
usage: tools/bench/compare_kv.sh [--quick] [--rounds N] [--only LIST] [--ops N] [--object-mb N] [--ours PATH]
  --quick        one round, fewer operations
  --rounds N     rounds per server (default 3)
  --only LIST    comma-separated: kv-put-1,kv-put-4,kv-get-1,kv-get-4,obj-put,obj-get
  --ops N        KV operations per run (default 20000; --quick 5000)
  --object-mb N  object size in MiB (default 64)
  --ours PATH    our server binary (default: <repo>/build/bin/nats-server; its plugins from ../lib beside it)
EOF2
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=compare_common.sh
source "$here/compare_common.sh"
root=$(cd "$here/../.." && pwd)
ours_bin="$root/build/bin/nats-server"
bench_bin="$root/build/bin/kv_bench"
rounds=3
ops=20000
object_mb=64
only=""
while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) rounds=1; ops=5000; shift ;;
        --rounds) rounds="${2:?}"; shift 2 ;;
        --only) only="${2:?}"; shift 2 ;;
        --ops) ops="${2:?}"; shift 2 ;;
        --object-mb) object_mb="${2:?}"; shift 2 ;;
        --ours) ours_bin="${2:?}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "compare_kv.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
done
is_count "$rounds" && is_count "$ops" && is_count "$object_mb" || { usage >&2; exit 2; }
nats_bin=$(find_reference_server) || { echo "compare_kv.sh: no reference nats-server found" >&2; exit 2; }
[[ -x "$ours_bin" ]] || { echo "compare_kv.sh: build the server first (tools/build.sh)" >&2; exit 2; }

# The Go benchmark, rebuilt when its source is newer (offline: Debian's nats.go in GOPATH).
src="$here/go/kv_bench"
if [[ ! -x "$bench_bin" || "$src/main.go" -nt "$bench_bin" ]]; then
    (cd "$src" && GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= CGO_ENABLED=0 go build -o "$bench_bin" .) ||
        { echo "compare_kv.sh: could not build kv_bench (tools/test-deps.sh installs Go and nats.go)" >&2; exit 2; }
fi

# The Go client without transparent huge pages: with them (Debian 12's default "madvise"),
# Go 1.19's heap growth in a 64 MiB object get sometimes spends seconds in the kernel zeroing
# huge pages (clear_page_erms), against either server, so a run took 0.4 s or 3 s of client
# CPU at random. PR_SET_THP_DISABLE is inherited by the exec'd benchmark.
no_thp=(python3 -c 'import ctypes, os, sys
if ctypes.CDLL(None).prctl(41, 1, 0, 0, 0) != 0: sys.exit("prctl(PR_SET_THP_DISABLE) failed")
os.execv(sys.argv[1], sys.argv[1:])')

# name|what|kv_bench arguments|target (ours/nats)
scenarios() {
    cat <<EOF2
kv-put-1|KV put, 1 client, 128 B|--mode kv-put --clients 1 --ops $ops|1.5
kv-put-4|KV put, 4 clients, 128 B|--mode kv-put --clients 4 --ops $ops|1.5
kv-get-1|KV get, 1 client, 128 B|--mode kv-get --clients 1 --ops $ops|1.5
kv-get-4|KV get, 4 clients, 128 B|--mode kv-get --clients 4 --ops $ops|1.5
obj-put|Object put, $object_mb MiB|--mode obj-put --object-mb $object_mb|1.2
obj-get|Object get, $object_mb MiB|--mode obj-get --object-mb $object_mb|1.2
EOF2
}

work=$(mktemp -d)
server_pid=""
trap 'stop_server 10; rm -rf "$work"' EXIT
trap 'exit 130' INT TERM

start_kind() { # kind -> server_pid, port
    local kind="$1"
    rm -rf "$work/store" && mkdir -p "$work/store"
    for _ in 1 2 3 4 5; do
        port=$(random_port)
        port_in_use "$port" && continue
        case "$kind" in
            ours) "$ours_bin" -a 127.0.0.1 -p "$port" -js -sd "$work/store" >>"$work/$kind.log" 2>&1 & ;;
            lazy) printf 'jetstream {\n  store_dir: "%s"\n  sync: "2m"\n}\n' "$work/store" >"$work/lazy.conf"
                  "$ours_bin" -c "$work/lazy.conf" -a 127.0.0.1 -p "$port" >>"$work/$kind.log" 2>&1 & ;;
            nats) "$nats_bin" -a 127.0.0.1 -p "$port" -js -sd "$work/store" >>"$work/$kind.log" 2>&1 & ;;
        esac
        server_pid=$!
        for _ in $(seq 1 200); do
            port_in_use "$port" && return 0
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.05
        done
        stop_server
    done
    echo "compare_kv.sh: could not start $kind" >&2
    return 1
}

declare -A rate cpu
kinds=(ours lazy nats)
echo "compare_kv.sh: $rounds round(s), load $(load_average)" >&2
while IFS='|' read -r name what args target; do
    [[ -n "$only" && ",$only," != *",$name,"* ]] && continue
    for round in $(seq 1 "$rounds"); do
        # Rotate who goes first.
        for i in 0 1 2; do
            kind=${kinds[$(( (i + round) % 3 ))]}
            start_kind "$kind" || continue
            # shellcheck disable=SC2086
            out=$(timeout 600 "${no_thp[@]}" "$bench_bin" -url "nats://127.0.0.1:$port" -pid "$server_pid" $args 2>&1 | tail -1)
            stop_server 10
            r=$(json_field "$out" rate)
            if [[ -z "$r" ]]; then
                echo "  $name/$kind round $round: FAILED: $out" >&2
                continue
            fi
            [[ "$name" == obj-* ]] && r=$(json_field "$out" mb_per_s)
            rate["$name|$kind"]+="$r "
            cpu["$name|$kind"]+="$(json_field "$out" server_cpu_us_per_op) "
            echo "  $name/$kind round $round: $r" >&2
        done
    done
done < <(scenarios)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2f", a / b }'; }
echo "| scenario | unit | ours (fsync before ack) | ours (lazy) | nats-server | ours/nats | lazy/nats | server CPU µs/op ours / lazy / nats | target |"
echo "|---|---|---:|---:|---:|---:|---:|---|---|"
while IFS='|' read -r name what args target; do
    [[ -n "$only" && ",$only," != *",$name,"* ]] && continue
    unit="ops/s"; [[ "$name" == obj-* ]] && unit="MB/s"
    o=$(median "${rate["$name|ours"]:-}"); l=$(median "${rate["$name|lazy"]:-}"); n=$(median "${rate["$name|nats"]:-}")
    co=$(median "${cpu["$name|ours"]:-}"); cl=$(median "${cpu["$name|lazy"]:-}"); cn=$(median "${cpu["$name|nats"]:-}")
    printf '| %s | %s | %.0f | %.0f | %.0f | %s | %s | %.0f / %.0f / %.0f | ≥ %s |\n' "$what" "$unit" "${o:-0}" "${l:-0}" "${n:-0}" \
        "$(ratio "$o" "$n")" "$(ratio "$l" "$n")" "${co:-0}" "${cl:-0}" "${cn:-0}" "$target"
done < <(scenarios)
