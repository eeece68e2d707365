#!/usr/bin/env bash
# The fault suite's long form, one command: every fault of tests/durability and the kill -9
# loop of the integration tests, on the file store and on the RocksDB store, then one
# markdown table (cycles run, messages acknowledged, lost, corruptions injected and
# detected). The short forms run in CI (ctest -L durability, and
# Backends/JetStreamCrash.* in integration_tests); this runs them longer.
#
#   tools/fault_suite.sh                      # 100 kill cycles, 30 power cuts, 40 corruption rounds, 20 consumer cycles
#   tools/fault_suite.sh --kill-cycles 20 --cuts 10 --rounds 12 --consumer-cycles 6
#   tools/fault_suite.sh --backends rocksdb --out /tmp/faults.md
#
# Needs a build with tests (tools/test.sh, or tools/build.sh build -DNMK_BUILD_TESTS=ON),
# /usr/bin/python3 with python3-fusepy and /dev/fuse for the power cuts and the full disk.
set -uo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
build="$root/build"
kill_cycles=100
cuts=30
rounds=40
consumer_cycles=20
backends="file rocksdb"
out_file=""
seed=${NMK_FAULT_SEED:-$RANDOM}

usage() { sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --kill-cycles) kill_cycles="$2"; shift 2 ;;
        --cuts) cuts="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --consumer-cycles) consumer_cycles="$2"; shift 2 ;;
        --backends) backends="$2"; shift 2 ;;
        --build) build="$2"; shift 2 ;;
        --seed) seed="$2"; shift 2 ;;
        --out) out_file="$2"; shift 2 ;;
        -h|--help) usage; exit 0 ;;
        *) echo "fault_suite.sh: unknown option '$1'" >&2; usage >&2; exit 2 ;;
    esac
done

server="$build/bin/nats-server"
tests="$build/bin/integration_tests"
shim="$build/lib/libnmk_fault_shim.so"
py=/usr/bin/python3
durability="$root/tests/durability"
for f in "$server" "$tests" "$shim"; do
    [[ -e "$f" ]] || { echo "fault_suite.sh: $f is missing: build with tests first" >&2; exit 2; }
done

logs=$(mktemp -d /tmp/nmk-fault-suite-XXXXXX)
rows=()
failed=0
started=$SECONDS

config_of() { [[ "$1" == rocksdb ]] && echo 'jetstream { file_backend: rocksdb }' || echo ''; }
# The JSON summary line a durability script printed, or {}.
summary_of() { grep -h '^summary: ' "$1" | tail -1 | sed 's/^summary: //' || true; }
field() { # json key -> value or "—"
    "$py" -c 'import json,sys; d=json.loads(sys.argv[1] or "{}"); print(d.get(sys.argv[2], "—"))' "$1" "$2" 2>/dev/null || echo "—"
}
verdict() { [[ "$1" -eq 0 ]] && echo "passed" || { failed=1; echo "**FAILED** (log: $2)"; }; }

for backend in $backends; do
    config=$(config_of "$backend")
    echo "fault_suite.sh: $backend: kill -9 loop, $kill_cycles cycles" >&2
    log="$logs/kill-$backend.log"
    NMK_CRASH_CYCLES=$kill_cycles timeout 7200 "$tests" --gtest_filter="Backends/JetStreamCrash.*/$backend" >"$log" 2>&1
    rc=$?
    rows+=("| $backend | kill -9 loop (publish window 64) | $kill_cycles | every ack checked each restart | 0 unless failed | — | $(verdict $rc "$log") |")

    echo "fault_suite.sh: $backend: power cuts, $cuts cycles" >&2
    log="$logs/power-cut-$backend.log"
    timeout 7200 "$py" "$durability/power_cut_test.py" --server "$server" --cycles "$cuts" --seed "$seed" --cut mixed \
        ${config:+--config "$config"} >"$log" 2>&1
    rc=$?
    s=$(summary_of "$log")
    rows+=("| $backend | power cut (kill -9, unsynced writes dropped, clean and torn) | $(field "$s" cycles) | $(field "$s" acked) | $(field "$s" lost) | — | $(verdict $rc "$log") |")

    echo "fault_suite.sh: $backend: consumer acks across kill -9, $consumer_cycles cycles" >&2
    log="$logs/consumer-$backend.log"
    timeout 7200 "$py" "$durability/consumer_kill_test.py" --server "$server" --cycles "$consumer_cycles" --seed "$seed" \
        ${config:+--config "$config"} >"$log" 2>&1
    rc=$?
    s=$(summary_of "$log")
    rows+=("| $backend | consumer double acks across kill -9 | $(field "$s" cycles) | $(field "$s" published) published, $(field "$s" acks_confirmed) acks confirmed | 0 acks undone unless failed | — | $(verdict $rc "$log") |")

    echo "fault_suite.sh: $backend: random corruption, $rounds rounds" >&2
    log="$logs/corruption-$backend.log"
    timeout 7200 "$py" "$durability/random_corruption_test.py" --server "$server" --rounds "$rounds" --seed "$seed" \
        ${config:+--config "$config"} >"$log" 2>&1
    rc=$?
    s=$(summary_of "$log")
    rows+=("| $backend | one bit flipped or a file cut, random file and offset | $(field "$s" rounds) | 240 per round | wrong served: $(field "$s" wrong) | injected $(field "$s" injected): harmless $(field "$s" harmless), detected $(field "$s" detected), cut tail $(field "$s" cut_tail), undetected $(field "$s" undetected) | $(verdict $rc "$log") |")

    echo "fault_suite.sh: $backend: full disk and I/O errors" >&2
    log="$logs/full-disk-$backend.log"
    timeout 600 "$py" "$durability/full_disk_test.py" --server "$server" ${config:+--config "$config"} >"$log" 2>&1
    rc=$?
    rows+=("| $backend | full disk (ENOSPC), then space freed, kill -9 and a cut | 1 | $(grep -o 'every one of the [0-9]*' "$log" | grep -o '[0-9]*$' || echo —) | 0 unless failed | — | $(verdict $rc "$log") |")
    log="$logs/io-error-$backend.log"
    timeout 600 "$py" "$durability/io_error_test.py" --server "$server" --shim "$shim" ${config:+--config "$config"} >"$log" 2>&1
    rc=$?
    rows+=("| $backend | EIO on write, then on fsync (LD_PRELOAD shim) | 1 | $(grep -o '^[0-9]* acknowledged' "$log" | grep -o '^[0-9]*' || echo —) | 0 unless failed | restarts needed: $(grep -o "restarts needed to recover: .*" "$log" | sed 's/restarts needed to recover: //' || echo —) | $(verdict $rc "$log") |")
done

table=$(
    echo "| backend | fault | cycles / rounds | messages acknowledged | lost | corruptions | result |"
    echo "|---|---|---:|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "tools/fault_suite.sh --kill-cycles $kill_cycles --cuts $cuts --rounds $rounds --consumer-cycles $consumer_cycles" \
         "--seed $seed; $(date -u '+%Y-%m-%d %H:%M UTC'), $((SECONDS - started)) s, load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)."
    echo "Logs: $logs"
)
echo "$table"
[[ -n "$out_file" ]] && echo "$table" >"$out_file"
exit $failed
