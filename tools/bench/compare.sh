#!/usr/bin/env bash
# Runs nats-bench against our server (build/bin/nats-server) and the reference
# nats-server, alternating between them scenario by scenario and round by round,
# each run on a freshly started server on its own free 127.0.0.1 port with default
# settings (plus a monitoring port for the connz scenario). Prints a markdown
# table of medians and the ratio ours/nats.
# See tools/bench/README.md.
set -uo pipefail

usage() {
    cat <<'EOF'
usage: tools/bench/compare.sh [options]
  --quick          one round with smaller counts (~1 min instead of ~5 min)
  --rounds N       rounds per server (default 3; --quick: 1)
  --conns N        idle connections for the memory scenario (default 2000; --quick: 500)
  --connz-conns N  idle connections for the connz scenario (default 10000; --quick: 2000)
  --phase S        connz: seconds per phase, without then with /connz reads (default 10; --quick: 3)
  --only LIST      comma-separated scenarios: pub16,pub1k,pubsub16,pubsub1k,fanout16,
                   fanout1k,queue16,reqrep,idle,connz (default: all)
  --ours PATH      our server binary (default: <repo>/build/bin/nats-server)
  --nats PATH      reference nats-server (default: /usr/bin/nats-server, /usr/sbin/nats-server, PATH)
  --bench PATH     nats-bench binary (default: <repo>/build/bin/nats-bench)
  --out FILE       also write the table to FILE
  --jetstream      the JetStream scenarios instead (compare_jetstream.sh; --jetstream --help for its options)
  --consumers      the JetStream consumer scenarios alone (compare_jetstream.sh --consumers)
  -h, --help       this text
EOF
}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=compare_common.sh
source "$here/compare_common.sh"
for arg in "$@"; do
    if [[ "$arg" == --jetstream || "$arg" == --consumers ]]; then
        js_args=()
        for a in "$@"; do [[ "$a" != --jetstream ]] && js_args+=("$a"); done
        exec "$here/compare_jetstream.sh" "${js_args[@]}"
    fi
done
root=$(cd "$here/../.." && pwd)
ours_bin="$root/build/bin/nats-server"
bench_bin="$root/build/bin/nats-bench"
nats_bin=""
rounds=""
conns=""
connz_conns=""
phase=""
only=""
out_file=""
quick=0

while [[ $# -gt 0 ]]; do
    case "$1" in
        --quick) quick=1; shift ;;
        --rounds) rounds="${2:?--rounds needs a value}"; shift 2 ;;
        --conns) conns="${2:?--conns needs a value}"; shift 2 ;;
        --connz-conns) connz_conns="${2:?--connz-conns needs a value}"; shift 2 ;;
        --phase) phase="${2:?--phase needs a value}"; shift 2 ;;
        --only) only="${2:?--only needs a value}"; shift 2 ;;
        --ours) ours_bin="${2:?--ours needs a value}"; shift 2 ;;
        --nats) nats_bin="${2:?--nats needs a value}"; shift 2 ;;
        --bench) bench_bin="${2:?--bench needs a value}"; shift 2 ;;
        --out) out_file="${2:?--out needs a value}"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "compare.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

# Message counts: each throughput run takes roughly 0.3-2 s against nats-server on
# a 2-core machine; --quick divides them by 4.
if [[ $quick -eq 1 ]]; then
    : "${rounds:=1}" "${conns:=500}" "${connz_conns:=2000}" "${phase:=3}"
    div=4
else
    : "${rounds:=3}" "${conns:=2000}" "${connz_conns:=10000}" "${phase:=10}"
    div=1
fi
is_count "$rounds" || { echo "compare.sh: --rounds must be a positive integer" >&2; exit 2; }
is_count "$conns" || { echo "compare.sh: --conns must be a positive integer" >&2; exit 2; }
is_count "$connz_conns" || { echo "compare.sh: --connz-conns must be a positive integer" >&2; exit 2; }
{ is_count "$phase" && (( phase <= 120 )); } || { echo "compare.sh: --phase must be 1-120 seconds" >&2; exit 2; }

[[ -z "$nats_bin" ]] && nats_bin=$(find_reference_server)
if [[ -z "$nats_bin" || ! -x "$nats_bin" ]]; then
    echo "compare.sh: reference nats-server not found (apt-get install nats-server, or pass --nats PATH)" >&2
    exit 2
fi
if [[ ! -x "$bench_bin" ]]; then
    echo "compare.sh: $bench_bin not found; build it first: cmake --build build --target nats-bench" >&2
    exit 2
fi
servers=()
if [[ -x "$ours_bin" ]]; then
    servers+=(ours)
else
    echo "compare.sh: NOTE: our server $ours_bin does not exist yet; measuring nats-server only" \
         "(the 'ours' and ratio columns will be empty)." >&2
fi
servers+=(nats)

# name | label | metric keys in nats-bench's JSON | unit | better | nats-bench arguments
# A metric key may carry its own direction (key:higher) when it differs from the
# scenario's. @MONITOR@ in the arguments starts the server with a monitoring port
# (-m) and stands for its URL.
scenario_table() {
    cat <<EOF
pub16|publish only, 16 B|rate|msgs/s|higher|--mode pub --size 16 --msgs $((4000000 / div))
pub1k|publish only, 1 KiB|rate|msgs/s|higher|--mode pub --size 1024 --msgs $((800000 / div))
pubsub16|pub/sub 1:1, 16 B|rate|msgs/s|higher|--mode pubsub --size 16 --msgs $((1000000 / div))
pubsub1k|pub/sub 1:1, 1 KiB|rate|msgs/s|higher|--mode pubsub --size 1024 --msgs $((200000 / div))
fanout16|fan-out 1:4, 16 B (total delivered)|rate|msgs/s|higher|--mode fanout --subs 4 --size 16 --msgs $((500000 / div))
fanout1k|fan-out 1:4, 1 KiB (total delivered)|rate|msgs/s|higher|--mode fanout --subs 4 --size 1024 --msgs $((100000 / div))
queue16|queue group of 4, 16 B (exactly once)|rate|msgs/s|higher|--mode queue --subs 4 --size 16 --msgs $((1000000 / div))
reqrep|request/reply latency, 16 B|p50_us p90_us p99_us p999_us|µs|lower|--mode reqrep --size 16 --msgs $((10000 / div))
idle|$conns idle connections, server RSS|rss_per_conn_bytes rss_per_sub_bytes|bytes|lower|--mode idle --conns $conns --subs 5
connz|$connz_conns idle conns, request/reply while /connz is read|base_rate:higher read_rate:higher read_rate_ratio:higher base_p50_us read_p50_us base_p99_us read_p99_us read_p99_ratio base_max_us read_max_us fetch1_count:higher fetch1_p50_ms fetch1_max_ms fetch2_count:higher fetch2_p50_ms fetch2_max_ms|µs|lower|--mode connz --conns $connz_conns --phase $phase --timeout $((2 * phase + 90)) --monitor @MONITOR@
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
    echo "compare.sh: --only '$only' names no known scenario" >&2
    exit 2
fi

# Idle connections need one descriptor each, on both sides.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
notes=()
connz_fds=$((connz_conns + 256))
hard_fds=$(ulimit -Hn)
if selected connz && [[ "$hard_fds" != unlimited ]] && (( hard_fds < connz_fds )); then
    msg="connz skipped: $connz_conns idle connections need $connz_fds descriptors per process, but the hard"
    msg+=" limit (ulimit -Hn) is $hard_fds; raise it or pass a smaller --connz-conns"
    echo "compare.sh: $msg" >&2
    notes+=("$msg")
    skip_connz=1
fi

work_dir=$(mktemp -d)
server_pid=""
server_port=""
monitor_port=""

# shellcheck disable=SC2317  # called through the EXIT trap
cleanup() {
    stop_server 3
    rm -rf "$work_dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts $1 on a free port, and with a monitoring port if $3 is 1; sets server_pid,
# server_port and monitor_port. Retries on a port race.
start_server() {
    local bin="$1" log="$2" with_monitor="${3:-0}" port mport
    for _ in 1 2 3 4 5; do
        port=$(random_port)
        port_in_use "$port" && continue
        local extra=()
        mport=""
        if [[ $with_monitor -eq 1 ]]; then
            mport=$(random_port)
            [[ $mport -eq $port ]] && continue
            port_in_use "$mport" && continue
            extra=(-m "$mport")
        fi
        "$bin" -a 127.0.0.1 -p "$port" "${extra[@]}" >"$log" 2>&1 &
        server_pid=$!
        for _ in $(seq 1 100); do
            if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
            if port_in_use "$port" && { [[ -z "$mport" ]] || port_in_use "$mport"; }; then
                server_port=$port
                monitor_port=$mport
                return 0
            fi
            sleep 0.05
        done
        stop_server 3
    done
    echo "compare.sh: could not start $bin; last log:" >&2
    tail -5 "$log" >&2
    return 1
}

declare -A values   # "scenario|server|metric" -> space-separated values of good rounds
declare -A failures # "scenario|server" -> count

run_one() { # scenario server round metrics args...
    local scenario="$1" server="$2" round="$3" metrics="$4"
    shift 4
    local bin="$nats_bin"
    [[ "$server" == ours ]] && bin="$ours_bin"
    local log="$work_dir/$scenario-$server-$round.log"
    local t0=$EPOCHREALTIME
    local with_monitor=0 bench_timeout=30 prev="" arg
    for arg in "$@"; do
        [[ "$arg" == @MONITOR@ ]] && with_monitor=1
        [[ "$prev" == --timeout ]] && bench_timeout=$arg
        prev=$arg
    done
    if ! start_server "$bin" "$log" "$with_monitor"; then
        failures["$scenario|$server"]=$(( ${failures["$scenario|$server"]:-0} + 1 ))
        notes+=("$server $scenario round $round: server did not start")
        return
    fi
    local args=("${@//@MONITOR@/http://127.0.0.1:$monitor_port}")
    local out rc
    # nats-bench's watchdog fires 15 s past its own bound; this is the last resort.
    out=$(timeout -k 5 $((bench_timeout + 30)) "$bench_bin" --server "nats://127.0.0.1:$server_port" --json \
          --timeout 30 --pid "$server_pid" "${args[@]}" 2>>"$work_dir/bench.err")
    rc=$?
    local server_died=0
    kill -0 "$server_pid" 2>/dev/null || server_died=1
    stop_server 3
    local ok
    ok=$(json_field "$out" ok)
    if [[ $rc -eq 5 ]]; then # the machine cannot run it (e.g. descriptor limit): not a failure
        local why
        why=$(json_field "$out" error)
        notes+=("$server $scenario round $round: ${why//\"/}")
        echo "  $scenario/$server round $round: ${why//\"/}" >&2
        return
    fi
    if [[ "$ok" != true || $server_died -eq 1 ]]; then
        local why
        why=$(json_field "$out" error)
        why=${why#\"}
        why=${why%\"}
        [[ -z "$why" ]] && why="nats-bench exited with status $rc and no result"
        [[ $server_died -eq 1 ]] && why="server exited during the run; $why"
        if [[ -s "$log" ]]; then
            echo "  last server log lines ($server):" >&2
            tail -3 "$log" | sed 's/^/    /' >&2
        fi
        failures["$scenario|$server"]=$(( ${failures["$scenario|$server"]:-0} + 1 ))
        notes+=("$server $scenario round $round: $why")
        echo "  $scenario/$server round $round: FAILED: $why" >&2
        return
    fi
    local metric summary=""
    for metric in $metrics; do
        metric=${metric%%:*}
        local v
        v=$(json_field "$out" "$metric")
        [[ -z "$v" ]] && continue
        values["$scenario|$server|$metric"]+="$v "
        summary+=" $metric=$v"
    done
    local cpu
    for cpu in client_cpu_s server_cpu_s; do
        local c
        c=$(json_field "$out" "$cpu")
        [[ -n "$c" ]] && summary+=" $cpu=$c"
    done
    summary+=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf " (%.1f s)", b - a }')
    echo "  $scenario/$server round $round:$summary" >&2
}

load_start=$(load_average)
started=$SECONDS
echo "compare.sh: $rounds round(s); servers: ${servers[*]}; reference: $nats_bin ($("$nats_bin" --version 2>/dev/null))" >&2
for round in $(seq 1 "$rounds"); do
    # Alternate who goes first so drift on a shared machine hits both equally.
    order=("${servers[@]}")
    if (( round % 2 == 0 && ${#servers[@]} == 2 )); then order=("${servers[1]}" "${servers[0]}"); fi
    while IFS='|' read -r name label metrics _ better args; do
        selected "$name" || continue
        [[ "$name" == connz && -n "${skip_connz:-}" ]] && continue
        for server in "${order[@]}"; do
            # shellcheck disable=SC2086  # args is a list of flags
            run_one "$name" "$server" "$round" "$metrics" $args
        done
    done < <(scenario_table)
done

fmt_value() { # number metric -> display
    [[ -z "$1" ]] && { echo "—"; return; }
    case "$2" in
        *_ratio) awk -v v="$1" 'BEGIN { printf "%.2f", v }' ;;
        *_us | *_ms) awk -v v="$1" 'BEGIN { printf "%.1f", v }' ;;
        *) awk -v v="$1" 'BEGIN { printf "%.0f", v }' ;;
    esac
}
metric_label() {
    case "$1" in
        rate) echo "msgs/s" ;;
        p50_us) echo "p50 µs" ;; p90_us) echo "p90 µs" ;; p99_us) echo "p99 µs" ;; p999_us) echo "p99.9 µs" ;;
        rss_per_conn_bytes) echo "bytes/conn" ;;
        rss_per_sub_bytes) echo "bytes/sub" ;;
        base_rate) echo "round trips/s, no reads" ;;
        read_rate) echo "round trips/s, reading" ;;
        read_rate_ratio) echo "rate reading/no reads" ;;
        base_p50_us) echo "p50 µs, no reads" ;; read_p50_us) echo "p50 µs, reading" ;;
        base_p99_us) echo "p99 µs, no reads" ;; read_p99_us) echo "p99 µs, reading" ;;
        read_p99_ratio) echo "p99 reading/no reads" ;;
        base_max_us) echo "max µs, no reads" ;; read_max_us) echo "max µs, reading" ;;
        fetch1_count) echo "GET /connz?limit=$connz_conns answered" ;;
        fetch1_p50_ms) echo "GET /connz?limit=$connz_conns p50 ms" ;;
        fetch1_max_ms) echo "GET /connz?limit=$connz_conns max ms" ;;
        fetch2_count) echo "GET /connz?subs=1 answered" ;;
        fetch2_p50_ms) echo "GET /connz?subs=1 p50 ms" ;;
        fetch2_max_ms) echo "GET /connz?subs=1 max ms" ;;
        *) echo "$1" ;;
    esac
}

table=$(
    echo "| scenario | metric | ours | nats-server | ours/nats | better |"
    echo "|---|---|---:|---:|---:|---|"
    while IFS='|' read -r name label metrics _ better args; do
        selected "$name" || continue
        [[ "$name" == connz && -n "${skip_connz:-}" ]] && continue
        for token in $metrics; do
            metric=${token%%:*}
            row_better=$better
            [[ "$token" == *:* ]] && row_better=${token#*:}
            o=""; n=""
            [[ " ${servers[*]} " == *" ours "* ]] && o=$(median "${values["$name|ours|$metric"]:-}")
            n=$(median "${values["$name|nats|$metric"]:-}")
            ratio="—"
            if [[ -n "$o" && -n "$n" ]]; then
                ratio=$(awk -v o="$o" -v n="$n" 'BEGIN { if (n == 0) print "—"; else printf "%.2f", o / n }')
            fi
            mark_o=""; mark_n=""
            [[ -n "${failures["$name|ours"]:-}" ]] && mark_o=" ⚠${failures["$name|ours"]}"
            [[ -n "${failures["$name|nats"]:-}" ]] && mark_n=" ⚠${failures["$name|nats"]}"
            echo "| $label | $(metric_label "$metric") | $(fmt_value "$o" "$metric")$mark_o | $(fmt_value "$n" "$metric")$mark_n | $ratio | $row_better |"
        done
    done < <(scenario_table)
    echo
    echo "Median of $rounds round(s) per server; each run on a fresh server (default settings, 127.0.0.1)."
    echo "ours/nats > 1 is better for 'higher' rows, < 1 for 'lower' rows. ⚠N: N round(s) failed and were left out."
    echo "$(date -u '+%Y-%m-%d %H:%M UTC'); load average (1/5/15 min) at start: $load_start, at end: $(load_average)."
    if [[ " ${servers[*]} " != *" ours "* ]]; then
        echo "Our server ($ours_bin) was not built, so only nats-server was measured."
    fi
    for note in "${notes[@]}"; do echo "- $note"; done
)
echo "compare.sh: done in $((SECONDS - started)) s" >&2
echo "$table"
[[ -n "$out_file" ]] && echo "$table" >"$out_file"
exit 0
