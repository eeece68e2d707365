#!/usr/bin/env bash
# JetStream side by side: runs nats-bench's js-* modes against our server in its two
# sync modes and against the reference nats-server, each run on a fresh server with
# JetStream on a fresh store directory (removed afterwards), alternating who goes
# first round by round. Prints a markdown table of medians, the ratios to
# nats-server and issue 13's targets. Also `compare.sh --jetstream`.
# See tools/bench/README.md.
set -uo pipefail

usage() {
    cat <<'EOF'
usage: tools/bench/compare.sh --jetstream [options]   (or tools/bench/compare_jetstream.sh)
  --quick            one round, smaller counts (about 3 minutes instead of about 15)
  --rounds N         rounds per server (default 3; --quick: 1)
  --only LIST        comma-separated scenarios: js-sync-file,js-async-file,js-sync-mem,js-async-mem,
                     js-streams-file,js-streams-mem,js-fill-mem,js-restart,fdatasync,
                     js-pull-100,js-pull-1000,js-pull-file,js-push,js-ordered,js-consumers (default: all)
  --consumers        the consumer scenarios alone (js-pull-100,js-pull-1000,js-push,js-ordered,js-consumers)
  --consumer-msgs N  messages stored for the consumers to drain (default 100000; --quick too)
  --restart-msgs N   messages stored before the restart (default 1000000; --quick too)
  --backend NAME     the store our server keeps file streams in: file (default) or rocksdb
                     (jetstream { file_backend: rocksdb }); the memory rows are the third backend
  --store-parent DIR where the temporary store directories go (default: $TMPDIR or /tmp);
                     it must be on the disk to be measured, not a tmpfs
  --ours PATH        our server binary (default: <repo>/build/bin/nats-server)
  --nats PATH        reference nats-server (default: /usr/bin/nats-server, /usr/sbin/nats-server, PATH)
  --bench PATH       nats-bench binary (default: <repo>/build/bin/nats-bench)
  --out FILE         also write the table to FILE
  -h, --help         this text
Servers: ours = our server with its default sync (fsync before each ack, group commit);
lazy = ours with jetstream { sync: "2m" } (nats-server's lazy fsync); nats = nats-server -js.
EOF
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=compare_common.sh
source "$here/compare_common.sh"
root=$(cd "$here/../.." && pwd)
ours_bin="$root/build/bin/nats-server"
bench_bin="$root/build/bin/nats-bench"
nats_bin=""
rounds=""
only=""
out_file=""
restart_msgs=1000000
consumer_msgs=100000
consumer_scenarios=js-pull-100,js-pull-1000,js-push,js-ordered,js-consumers
store_parent="${TMPDIR:-/tmp}"
quick=0
backend=file

while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) quick=1; shift ;;
        --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
        --only) only="${2:?--only needs a value}"; shift 2 ;;
        --consumers) only="$consumer_scenarios"; shift ;;
        --consumer-msgs) consumer_msgs="${2:?--consumer-msgs needs a value}"; shift 2 ;;
        --restart-msgs) restart_msgs="${2:?--restart-msgs needs a value}"; shift 2 ;;
        --store-parent) store_parent="${2:?--store-parent needs a value}"; shift 2 ;;
        --backend) backend="${2:?--backend needs a value}"; shift 2 ;;
        --ours) ours_bin="${2:?--ours needs a value}"; shift 2 ;;
        --nats) nats_bin="${2:?--nats needs a value}"; shift 2 ;;
        --bench) bench_bin="${2:?--bench needs a value}"; shift 2 ;;
        --out) out_file="${2:?--out needs a value}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "compare_jetstream.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

# Counts: against nats-server on this 2-core machine a synchronous publish takes about
# 100-300 µs, an async one with a window of 256 about 10-20 µs; --quick divides by 4.
if [[ $quick -eq 1 ]]; then
    : "${rounds:=1}"
    div=4
else
    : "${rounds:=3}"
    div=1
fi
[[ "$backend" == file || "$backend" == rocksdb ]] ||
    { echo "compare_jetstream.sh: --backend must be file or rocksdb" >&2; exit 2; }
is_count "$rounds" || { echo "compare_jetstream.sh: --rounds must be a positive integer" >&2; exit 2; }
is_count "$consumer_msgs" || { echo "compare_jetstream.sh: --consumer-msgs must be a positive integer" >&2; exit 2; }
is_count "$restart_msgs" || { echo "compare_jetstream.sh: --restart-msgs must be a positive integer" >&2; exit 2; }
[[ -d "$store_parent" && -w "$store_parent" ]] ||
    { echo "compare_jetstream.sh: --store-parent $store_parent is not a writable directory" >&2; exit 2; }
[[ -z "$nats_bin" ]] && nats_bin=$(find_reference_server)
if [[ -z "$nats_bin" || ! -x "$nats_bin" ]]; then
    echo "compare_jetstream.sh: reference nats-server not found (apt-get install nats-server, or pass --nats PATH)" >&2
    exit 2
fi
if [[ ! -x "$bench_bin" ]]; then
    echo "compare_jetstream.sh: $bench_bin not found; build it first: cmake --build build --target nats-bench" >&2
    exit 2
fi
have_ours=1
if [[ ! -x "$ours_bin" ]]; then
    have_ours=0
    echo "compare_jetstream.sh: NOTE: our server $ours_bin does not exist yet; measuring nats-server only." >&2
fi

# name | label | metrics | servers | nats-bench arguments
# A metric is key:better[:targets], targets being ours>=X / lazy>=X / ours<=X on the
# ratio to nats-server (issue 13). `fdatasync` runs no server; js-restart is two steps
# (fill, then restart: see run_restart).
scenario_table() {
    cat <<EOF
fdatasync|disk: write 128 B + fdatasync|append_p50_us:lower preallocated_p50_us:lower overwrite_p50_us:lower append_mean_us:lower|none|--mode fdatasync --msgs 1000 --dir @STORE@
js-sync-file|file store, sync publish, 128 B|rate:higher:ours>=0.3,lazy>=1.5 p50_us:lower p99_us:lower server_cpu_us_per_msg:lower|ours lazy nats|--mode js-sync --storage file --msgs $((20000 / div))
js-async-file|file store, async publish (window 256), 128 B|rate:higher:ours>=1.0,lazy>=1.5 server_cpu_us_per_msg:lower|ours lazy nats|--mode js-async --storage file --window 256 --msgs $((400000 / div))
js-sync-mem|memory store, sync publish, 128 B|rate:higher:ours>=1.5 p50_us:lower p99_us:lower server_cpu_us_per_msg:lower|ours nats|--mode js-sync --storage memory --msgs $((20000 / div))
js-async-mem|memory store, async publish (window 256), 128 B|rate:higher:ours>=1.5 server_cpu_us_per_msg:lower|ours nats|--mode js-async --storage memory --window 256 --msgs $((400000 / div))
js-streams-file|200 empty file streams, server RSS|rss_per_stream_bytes:lower:ours<=1 create_s:lower|ours nats|--mode js-streams --storage file --streams 200
js-streams-mem|200 empty memory streams, server RSS|rss_per_stream_bytes:lower:ours<=1 create_s:lower|ours nats|--mode js-streams --storage memory --streams 200
js-fill-mem|$((1000000 / div)) messages of 128 B in a memory stream, server RSS|rss_per_million_bytes:lower:ours<=1 rate:higher|ours nats|--mode js-fill --storage memory --msgs $((1000000 / div)) --settle 1000
js-pull-100|pull consumer, fetch 100, ack each, $consumer_msgs stored 128 B msgs|rate:higher:ours>=1.5 server_cpu_us_per_msg:lower:ours<=0.5 client_cpu_us_per_msg:lower|ours nats|--mode js-pull --storage memory --batch 100 --msgs $consumer_msgs
js-pull-file|pull consumer on a file stream, fetch 100, ack each, $consumer_msgs stored 128 B msgs|rate:higher:ours>=1.0 server_cpu_us_per_msg:lower client_cpu_us_per_msg:lower|ours nats|--mode js-pull --storage file --batch 100 --msgs $consumer_msgs
js-pull-1000|pull consumer, fetch 1000, ack each, $consumer_msgs stored 128 B msgs|rate:higher:ours>=1.5 server_cpu_us_per_msg:lower:ours<=0.5 client_cpu_us_per_msg:lower|ours nats|--mode js-pull --storage memory --batch 1000 --msgs $consumer_msgs
js-push|push consumer, library auto-ack, $consumer_msgs stored 128 B msgs|rate:higher:ours>=1.5 server_cpu_us_per_msg:lower:ours<=0.5 client_cpu_us_per_msg:lower|ours nats|--mode js-push --storage memory --msgs $consumer_msgs
js-ordered|ordered consumer replay, $consumer_msgs stored 128 B msgs|rate:higher:ours>=1.5 server_cpu_us_per_msg:lower:ours<=0.5 client_cpu_us_per_msg:lower|ours nats|--mode js-ordered --storage memory --msgs $consumer_msgs
js-consumers|200 durable pull consumers on one stream, server RSS|rss_per_consumer_bytes:lower:ours<=1 create_s:lower|ours nats|--mode js-consumers --storage memory --consumers 200
js-restart|$restart_msgs messages of 128 B in a file stream: RSS, restart|rss_per_million_bytes:lower:ours<=1 rate:higher stop_s:lower restart_s:lower:ours<=1 restart_cpu_s:lower restart_rss_kib:lower|ours nats|--mode js-fill --storage file --msgs $restart_msgs --settle 1000 --stream restart
EOF
}

selected() {
    [[ -z "$only" ]] && return 0
    [[ ",$only," == *",$1,"* ]]
}
while IFS='|' read -r name _; do
    selected "$name" && any_selected=1
done < <(scenario_table)
if [[ -z "${any_selected:-}" ]]; then
    echo "compare_jetstream.sh: --only '$only' names no known scenario" >&2
    exit 2
fi

work_dir=$(mktemp -d)
run_dir=""
server_pid=""
server_port=""

# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
    stop_server 30
    [[ -n "$run_dir" ]] && rm -rf "$run_dir"
    rm -rf "$work_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The command line of a server kind on a port and store directory; lazy gets a config
# file beside the store.
server_command() { # kind port store -> sets server_cmd
    local kind="$1" port="$2" store="$3"
    case "$kind" in
        ours)
            # The default store with the flags nats-server takes too (the smoke test
            # runs nats-server as "ours"); another backend needs our config key.
            if [[ "$backend" == file ]]; then
                server_cmd=("$ours_bin" -a 127.0.0.1 -p "$port" -js -sd "$store")
            else
                printf 'jetstream {\n  store_dir: "%s"\n  file_backend: %s\n}\n' "$store" "$backend" >"$store.conf"
                server_cmd=("$ours_bin" -c "$store.conf" -a 127.0.0.1 -p "$port")
            fi ;;
        lazy)
            if [[ "$backend" == file ]]; then
                printf 'jetstream {\n  store_dir: "%s"\n  sync: "2m"\n}\n' "$store" >"$store.conf"
            else
                printf 'jetstream {\n  store_dir: "%s"\n  sync: "2m"\n  file_backend: %s\n}\n' "$store" "$backend" >"$store.conf"
            fi
            server_cmd=("$ours_bin" -c "$store.conf" -a 127.0.0.1 -p "$port") ;;
        nats) server_cmd=("$nats_bin" -a 127.0.0.1 -p "$port" -js -sd "$store") ;;
    esac
}

# Starts a server of the kind on a free port with its store in $run_dir/store; sets
# server_pid and server_port once the port accepts. Retries on a port race.
start_js_server() { # kind log
    local kind="$1" log="$2" port
    for _ in 1 2 3 4 5; do
        port=$(random_port)
        port_in_use "$port" && continue
        server_command "$kind" "$port" "$run_dir/store"
        "${server_cmd[@]}" >>"$log" 2>&1 &
        server_pid=$!
        for _ in $(seq 1 200); do
            kill -0 "$server_pid" 2>/dev/null || break
            if port_in_use "$port"; then
                server_port=$port
                return 0
            fi
            sleep 0.05
        done
        stop_server
    done
    echo "compare_jetstream.sh: could not start $kind; last log lines:" >&2
    tail -5 "$log" >&2
    return 1
}

declare -A values   # "scenario|server|metric" -> space-separated values of good rounds
declare -A failures # "scenario|server" -> count
notes=()

fail_run() { # scenario server round why log
    failures["$1|$2"]=$(( ${failures["$1|$2"]:-0} + 1 ))
    notes+=("$2 $1 round $3: $4")
    echo "  $1/$2 round $3: FAILED: $4" >&2
    if [[ -s "$5" ]]; then
        echo "  last server log lines ($2):" >&2
        tail -3 "$5" | sed 's/^/    /' >&2
    fi
}

# One nats-bench run against the server on $server_port; prints its JSON. Its
# watchdog fires 15 s past --timeout; `timeout` is the last resort.
bench() { # timeout args...
    local t="$1"
    shift
    timeout -k 5 $((t + 30)) "$bench_bin" --json --timeout "$t" "$@" 2>>"$work_dir/bench.err"
}

bench_failure() { # json rc -> reason
    local why
    why=$(json_field "$1" error)
    why=${why#\"}
    why=${why%\"}
    [[ -z "$why" ]] && why="nats-bench exited with status $2 and no result"
    echo "$why"
}

# Keeps the run's metrics (extra key=value pairs override or add to the JSON's) and
# appends them to $summary for the progress line.
record() { # scenario server metrics json [key=value...]
    local scenario="$1" server="$2" metrics="$3" out="$4" token metric v kv
    shift 4
    for token in $metrics; do
        metric=${token%%:*}
        v=$(json_field "$out" "$metric")
        for kv in "$@"; do [[ "${kv%%=*}" == "$metric" ]] && v=${kv#*=}; done
        [[ -z "$v" ]] && continue
        values["$scenario|$server|$metric"]+="$v "
        summary+=" $metric=$v"
    done
    for metric in client_cpu_s server_cpu_s; do
        v=$(json_field "$out" "$metric")
        [[ -n "$v" ]] && summary+=" $metric=$v"
    done
}

# js-restart: fill a file stream, stop the server (SIGTERM, as an operator would),
# start it again on the same store and time until the stream answers with the
# full count (nats-bench --mode js-restart, clock started just before the exec).
run_restart() { # scenario server round metrics log args...
    local scenario="$1" server="$2" round="$3" metrics="$4" log="$5"
    shift 5
    local fill rc
    fill=$(bench 300 --server "nats://127.0.0.1:$server_port" --pid "$server_pid" "$@")
    rc=$?
    if [[ "$(json_field "$fill" ok)" != true ]]; then
        fail_run "$scenario" "$server" "$round" "fill: $(bench_failure "$fill" "$rc")" "$log"
        return 1
    fi
    local t_stop=$EPOCHREALTIME
    stop_server 120
    local stop_s
    stop_s=$(awk -v a="$t_stop" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.3f", b - a }')
    server_command "$server" "$server_port" "$run_dir/store"
    local started=$EPOCHREALTIME
    "${server_cmd[@]}" >>"$log" 2>&1 &
    server_pid=$!
    local again
    again=$(bench 300 --server "nats://127.0.0.1:$server_port" --mode js-restart --stream restart \
            --msgs "$restart_msgs" --started-at "$started" --pid "$server_pid")
    rc=$?
    if [[ "$(json_field "$again" ok)" != true ]]; then
        fail_run "$scenario" "$server" "$round" "restart: $(bench_failure "$again" "$rc")" "$log"
        return 1
    fi
    record "$scenario" "$server" "$metrics" "$fill" "stop_s=$stop_s" \
        "restart_s=$(json_field "$again" restart_s)" "restart_cpu_s=$(json_field "$again" server_cpu_s)" \
        "restart_rss_kib=$(json_field "$again" rss_kib)"
}

run_one() { # scenario server round metrics args...
    local scenario="$1" server="$2" round="$3" metrics="$4"
    shift 4
    local log="$work_dir/$scenario-$server-$round.log" t0=$EPOCHREALTIME
    summary=""
    run_dir=$(mktemp -d "$store_parent/nmk-js-bench.XXXXXX")
    if [[ "$server" == none ]]; then
        local out rc
        out=$(bench 120 "${@//@STORE@/$run_dir}")
        rc=$?
        if [[ "$(json_field "$out" ok)" == true ]]; then
            record "$scenario" "$server" "$metrics" "$out"
        else
            fail_run "$scenario" "$server" "$round" "$(bench_failure "$out" "$rc")" "$log"
        fi
    elif ! start_js_server "$server" "$log"; then
        fail_run "$scenario" "$server" "$round" "server did not start" "$log"
    elif [[ "$scenario" == js-restart ]]; then
        run_restart "$scenario" "$server" "$round" "$metrics" "$log" "$@"
    else
        local out rc
        out=$(bench 120 --server "nats://127.0.0.1:$server_port" --pid "$server_pid" "$@")
        rc=$?
        local died=0
        kill -0 "$server_pid" 2>/dev/null || died=1
        if [[ "$(json_field "$out" ok)" == true && $died -eq 0 ]]; then
            record "$scenario" "$server" "$metrics" "$out"
        else
            local why
            why=$(bench_failure "$out" "$rc")
            [[ $died -eq 1 ]] && why="server exited during the run; $why"
            fail_run "$scenario" "$server" "$round" "$why" "$log"
        fi
    fi
    stop_server 30
    rm -rf "$run_dir"
    run_dir=""
    if [[ -n "$summary" ]]; then
        summary+=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf " (%.1f s)", b - a }')
        echo "  $scenario/$server round $round:$summary" >&2
    fi
}

load_start=$(load_average)
started=$SECONDS
servers=(nats)
[[ $have_ours -eq 1 ]] && servers=(ours lazy nats)
echo "compare_jetstream.sh: $rounds round(s); servers: ${servers[*]} (our file streams on: $backend); reference: $nats_bin" \
     "($("$nats_bin" --version 2>/dev/null)); stores under $store_parent; load average $load_start" >&2
for round in $(seq 1 "$rounds"); do
    while IFS='|' read -r name _ metrics kinds args; do
        selected "$name" || continue
        order=()
        for kind in $kinds; do
            [[ "$kind" == none || " ${servers[*]} " == *" $kind "* ]] && order+=("$kind")
        done
        # Rotate who goes first each round, so drift on a shared machine hits all alike.
        for ((i = 0; i < ${#order[@]}; i++)); do
            # shellcheck disable=SC2086  # args is a list of flags
            run_one "$name" "${order[(i + round - 1) % ${#order[@]}]}" "$round" "$metrics" $args
        done
    done < <(scenario_table)
done

fmt_value() { # number metric -> display
    [[ -z "$1" ]] && { echo "—"; return; }
    case "$2" in
        *_us) awk -v v="$1" 'BEGIN { printf "%.1f", v }' ;;
        *_us_per_msg) awk -v v="$1" 'BEGIN { printf "%.2f", v }' ;;
        *_s) awk -v v="$1" 'BEGIN { printf "%.2f", v }' ;;
        *) awk -v v="$1" 'BEGIN { printf "%.0f", v }' ;;
    esac
}
metric_label() {
    case "$1" in
        rate) echo "msgs/s" ;;
        p50_us) echo "publish p50 µs" ;; p99_us) echo "publish p99 µs" ;;
        server_cpu_us_per_msg) echo "server CPU µs/msg" ;;
        rss_per_stream_bytes) echo "RSS bytes/stream" ;;
        rss_per_consumer_bytes) echo "RSS bytes/consumer" ;;
        client_cpu_us_per_msg) echo "client CPU µs/msg" ;;
        rss_per_million_bytes) echo "RSS bytes per million msgs" ;;
        create_s) echo "seconds to create them" ;;
        stop_s) echo "seconds to stop (SIGTERM)" ;;
        restart_s) echo "restart: seconds to full count" ;;
        restart_cpu_s) echo "restart: server CPU s" ;;
        restart_rss_kib) echo "restart: RSS KiB after" ;;
        *) echo "$1" ;;
    esac
}
ratio() { # a b -> a/b or —
    if [[ -n "$1" && -n "$2" ]]; then
        awk -v o="$1" -v n="$2" 'BEGIN { if (n == 0) print "—"; else printf "%.2f", o / n }'
    else
        echo "—"
    fi
}
# "ours>=0.3,lazy>=1.5" and the ratios -> "ours ≥ 0.3 ✓, lazy ≥ 1.5 ✗"
targets_met() { # targets ours_ratio lazy_ratio
    local out="" t who op want r mark
    IFS=',' read -ra list <<<"$1"
    for t in "${list[@]}"; do
        [[ "$t" =~ ^(ours|lazy)(\>=|\<=)([0-9.]+)$ ]] || continue
        who=${BASH_REMATCH[1]} op=${BASH_REMATCH[2]} want=${BASH_REMATCH[3]}
        r=$2
        [[ "$who" == lazy ]] && r=$3
        mark="?"
        if [[ "$r" != "—" ]]; then
            mark=$(awk -v r="$r" -v w="$want" -v op="$op" \
                   'BEGIN { ok = (op == ">=") ? (r >= w) : (r <= w); print ok ? "✓" : "✗" }')
        fi
        [[ -n "$out" ]] && out+=", "
        out+="$who ${op/>=/≥} $want $mark"
    done
    out=${out//<=/≤}
    echo "${out:-}"
}

table=$(
    echo "| scenario | metric | ours (fsync before ack) | ours (lazy, sync 2m) | nats-server | ours/nats | lazy/nats | target | better |" |
        { [[ "$backend" == file ]] && cat || sed "s/| ours (fsync/| ours, $backend store (fsync/; s/| ours (lazy/| ours, $backend store (lazy/"; }
    echo "|---|---|---:|---:|---:|---:|---:|---|---|"
    while IFS='|' read -r name label metrics kinds _; do
        selected "$name" || continue
        [[ "$backend" != file ]] && label=${label/file store/$backend store}
        [[ "$kinds" == none ]] && continue
        for token in $metrics; do
            IFS=':' read -r metric better targets <<<"$token"
            o=$(median "${values["$name|ours|$metric"]:-}")
            l=$(median "${values["$name|lazy|$metric"]:-}")
            n=$(median "${values["$name|nats|$metric"]:-}")
            ro=$(ratio "$o" "$n")
            rl=$(ratio "$l" "$n")
            mark() { [[ -n "${failures["$name|$1"]:-}" ]] && echo " ⚠${failures["$name|$1"]}"; }
            lazy_cell="$(fmt_value "$l" "$metric")$(mark lazy)"
            [[ " $kinds " != *" lazy "* ]] && { lazy_cell="n/a"; rl="—"; }
            echo "| $label | $(metric_label "$metric") | $(fmt_value "$o" "$metric")$(mark ours) | $lazy_cell |" \
                 "$(fmt_value "$n" "$metric")$(mark nats) | $ro | $rl | $(targets_met "${targets:-}" "$ro" "$rl") | $better |"
        done
    done < <(scenario_table)
    echo
    if selected fdatasync; then
        d() { fmt_value "$(median "${values["fdatasync|none|$1"]:-}")" "$1"; }
        echo "Disk under $store_parent, one 128 B pwrite + fdatasync (median of rounds, p50 of 1000):" \
             "appending $(d append_p50_us) µs (mean $(d append_mean_us)), into fallocate()d space" \
             "$(d preallocated_p50_us) µs, overwriting written space $(d overwrite_p50_us) µs."
    fi
    echo "Median of $rounds round(s) per server; each run on a fresh server with JetStream on a fresh store" \
         "directory, 127.0.0.1, servers rotating who goes first. Target: issue 13's (publish, streams, restart) or issue 14's (consumers) bound on the ratio to nats-server."
    echo "ours/nats > 1 is better for 'higher' rows, < 1 for 'lower' rows. ⚠N: N round(s) failed and were left out."
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'); load average (1/5/15 min) at start: $load_start, at end: $(load_average)."
    [[ $have_ours -eq 0 ]] && echo "Our server ($ours_bin) was not built, so only nats-server was measured."
    for note in "${notes[@]}"; do echo "- $note"; done
)
echo "compare_jetstream.sh: done in $((SECONDS - started)) s" >&2
echo "$table"
[[ -n "$out_file" ]] && echo "$table" >"$out_file"
exit 0
