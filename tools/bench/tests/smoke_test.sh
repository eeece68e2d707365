#!/usr/bin/env bash
# End-to-end check of nats-bench and compare.sh against a real server, with tiny
# counts so it finishes in seconds. usage: smoke_test.sh <nats-bench> <nats-server>
set -uo pipefail
bench="${1:?usage: smoke_test.sh <nats-bench> <nats-server>}"
server_bin="${2:?usage: smoke_test.sh <nats-bench> <nats-server>}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
passed=0
failed=0
server_pid=""

cleanup() {
    if [[ -n "$server_pid" ]]; then
        kill "$server_pid" 2>/dev/null
        wait "$server_pid" 2>/dev/null
    fi
    return 0
}
trap cleanup EXIT

check() { # description, then a command that must succeed
    local what="$1"
    shift
    if "$@"; then
        passed=$((passed + 1))
    else
        failed=$((failed + 1))
        echo "FAIL: $what" >&2
    fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in 1 2 3 4 5; do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    mport=$((port + 1))
    port_open "$port" && continue
    port_open "$mport" && continue
    "$server_bin" -a 127.0.0.1 -p "$port" -m "$mport" >/dev/null 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do port_open "$port" && port_open "$mport" && break; sleep 0.05; done
    port_open "$port" && port_open "$mport" && break
    kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=""
done
[[ -n "$server_pid" ]] || { echo "could not start $server_bin" >&2; exit 1; }
url="nats://127.0.0.1:$port"

run() { timeout -k 2 40 "$bench" --server "$url" --json --timeout 20 "$@"; }
has() { grep -q -- "$2" <<<"$1"; }

out=$(run --mode pub --msgs 20000 --size 16)
check "pub ok" has "$out" '"ok":true'
check "pub sent all" has "$out" '"sent":20000'

out=$(run --mode pubsub --msgs 20000 --size 1024)
check "pubsub ok" has "$out" '"ok":true'
check "pubsub delivered all" has "$out" '"delivered":20000,"dropped":0'

out=$(run --mode fanout --msgs 5000 --size 16 --subs 3 --pubs 2)
check "fanout ok" has "$out" '"ok":true'
check "fanout delivered to every subscriber" has "$out" '"expected":15000,"delivered":15000'

out=$(run --mode queue --msgs 20000 --size 16)
check "queue ok" has "$out" '"ok":true'
check "queue exactly once" has "$out" '"exactly_once":true,"missing":0,"duplicates":0'

# A window far below the backlog still completes: the publisher waits, not drops.
out=$(run --mode pubsub --msgs 20000 --size 16 --window 1024)
check "small window completes" has "$out" '"delivered":20000,"dropped":0'

out=$(run --mode reqrep --msgs 200 --warmup 10)
check "reqrep ok" has "$out" '"ok":true'
check "reqrep completed all" has "$out" '"completed":200,"failures":0'
check "reqrep has p99.9" has "$out" '"p999_us":'

out=$(run --mode idle --conns 50 --subs 2 --settle 50 --pid "$server_pid")
check "idle ok" has "$out" '"ok":true'
check "idle opened all" has "$out" '"conns":50'
check "idle per-sub figure" has "$out" '"rss_per_sub_bytes":'

# 100 idle connections, 1 s per phase; the monitor must count them all.
out=$(run --mode connz --conns 100 --phase 1 --monitor "http://127.0.0.1:$mport" --pid "$server_pid")
check "connz ok" has "$out" '"ok":true'
check "connz opened all" has "$out" '"conns":100,'
check "connz timed both phases" grep -qE '"base_requests":[1-9][0-9]*,.*"read_requests":[1-9]' <<<"$out"
check "connz read /connz with every connection" grep -qE '"fetch1_path":"/connz\?limit=100","fetch1_count":[1-9][0-9]*,.*"fetch1_total":10[0-9],' <<<"$out"
check "connz read /connz?subs=1" has "$out" '"fetch2_path":"/connz?subs=1"'
check "connz idle connections survived" has "$out" '"idle_closed":0'
text=$(timeout -k 2 40 "$bench" --server "$url" --mode connz --conns 20 --phase 0.3 --monitor "http://127.0.0.1:$mport")
check "connz text shows phases side by side" grep -qE '^round trips/s +[0-9]+ +[0-9]+ +[0-9.]+$' <<<"$text"

# Too few descriptors allowed: skipped with a reason, not failed.
out=$(ulimit -n 200 && timeout -k 2 20 "$bench" --server "$url" --json --mode connz \
      --conns 1000 --phase 1 --monitor "http://127.0.0.1:$mport")
rc=$?
check "connz without descriptors exits 5" test "$rc" -eq 5
check "connz without descriptors says why" grep -qE '"error":"skipped: .*hard limit is 200' <<<"$out"

out=$(run --mode pub --msgs 10 --text-please 2>/dev/null)
check "bad option exits 2" test $? -eq 2

out=$(run --mode idle --conns 5 --pid 2147483640)
rc=$?
check "unreadable pid exits 3" test "$rc" -eq 3
check "unreadable pid explained" has "$out" 'cannot read VmRSS'

# A port nothing listens on: connection refused must be reported, not hang.
dead=$((port + 1))
while port_open "$dead"; do dead=$((dead + 1)); done
out=$(timeout -k 2 20 "$bench" --server "nats://127.0.0.1:$dead" --json --mode pub --msgs 10)
rc=$?
check "no server exits 3" test "$rc" -eq 3
check "no server reported" has "$out" '"ok":false'
out=$(timeout -k 2 20 "$bench" --server "$url" --json --mode connz --conns 5 --phase 1 \
      --monitor "http://127.0.0.1:$dead")
rc=$?
check "no monitoring port exits 3" test "$rc" -eq 3
check "no monitoring port reported" has "$out" 'did not answer'

# The comparison script, with the reference standing in for our server.
table=$(timeout -k 5 90 "$here/../compare.sh" --quick --only pub16,reqrep --bench "$bench" \
        --nats "$server_bin" --ours "$server_bin" 2>/dev/null)
check "compare prints a table row with a ratio" grep -qE '^\| publish only, 16 B \| msgs/s \| [0-9]+ \| [0-9]+ \| [0-9.]+ \| higher \|$' <<<"$table"
check "compare prints latency rows" grep -q 'p99.9 µs' <<<"$table"
table=$(timeout -k 5 90 "$here/../compare.sh" --quick --only connz --connz-conns 200 --phase 1 --bench "$bench" \
        --nats "$server_bin" --ours "$server_bin" 2>/dev/null)
check "compare runs connz with a monitoring port" grep -qE '^\| 200 idle conns, .* \| round trips/s, reading \| [0-9]+ \| [0-9]+ \| [0-9.]+ \| higher \|$' <<<"$table"
check "compare prints /connz timings" grep -qE '\| GET /connz\?limit=200 p50 ms \| [0-9.]+ \| [0-9.]+ \| [0-9.]+ \| lower \|' <<<"$table"
check "compare prints the load average" grep -q 'load average' <<<"$table"
table=$(ulimit -n 1000 && timeout -k 5 30 "$here/../compare.sh" --quick --only connz --connz-conns 2000 \
        --bench "$bench" --nats "$server_bin" --ours "$server_bin" 2>/dev/null)
check "compare skips connz when descriptors are short" grep -q '^- connz skipped: .*hard limit (ulimit -Hn) is 1000' <<<"$table"
table=$(timeout -k 5 60 "$here/../compare.sh" --quick --only pub16 --bench "$bench" --nats "$server_bin" \
        --ours /nonexistent/nats-server 2>&1)
check "compare skips a missing server" grep -q 'does not exist yet' <<<"$table"
check "compare still measures nats-server" grep -qE '^\| publish only, 16 B \| msgs/s \| — \| [0-9]+ \| — \|' <<<"$table"
"$here/../compare.sh" --only nosuch --bench "$bench" --nats "$server_bin" >/dev/null 2>&1
check "compare rejects unknown scenarios" test $? -eq 2

# JetStream modes, against the reference started with JetStream on a scratch store.
js_dir=$(mktemp -d)
kill "$server_pid" 2>/dev/null
wait "$server_pid" 2>/dev/null
server_pid=""
for _ in 1 2 3 4 5; do
    port=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
    port_open "$port" && continue
    "$server_bin" -a 127.0.0.1 -p "$port" -js -sd "$js_dir/store" >/dev/null 2>&1 &
    server_pid=$!
    for _ in $(seq 1 100); do port_open "$port" && break; sleep 0.05; done
    port_open "$port" && break
    kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; server_pid=""
done
url="nats://127.0.0.1:$port"
out=$(run --mode js-sync --msgs 200 --warmup 10 --pid "$server_pid")
check "js-sync ok" has "$out" '"ok":true'
check "js-sync stored warm-up and timed publishes" has "$out" '"published":200,"failures":0,'
check "js-sync stream count checked" has "$out" '"stored":210'
check "js-sync server CPU per message" has "$out" '"server_cpu_us_per_msg":'
out=$(run --mode js-async --storage memory --msgs 3000 --window 16 --pid "$server_pid")
check "js-async ok" has "$out" '"ok":true'
check "js-async every ack" has "$out" '"published":3000,"failures":0,'
out=$(run --mode js-streams --streams 5 --settle 10 --pid "$server_pid")
check "js-streams ok" has "$out" '"ok":true'
check "js-streams per-stream figure" grep -qE '"streams":5,.*"rss_per_stream_bytes":' <<<"$out"
out=$(run --mode js-fill --msgs 2000 --stream smoke_fill --settle 10 --pid "$server_pid")
check "js-fill ok" has "$out" '"ok":true'
check "js-fill per-million figure" grep -qE '"stored":2000' <<<"$out"
for m in "js-pull --batch 100" "js-pull --batch 7" "js-push" "js-ordered"; do
    # shellcheck disable=SC2086  # the mode and its flags
    out=$(run --mode $m --storage memory --msgs 2000 --pid "$server_pid")
    check "$m drains every message" grep -qE '"ok":true,.*"received":2000,.*"server_cpu_us_per_msg":' <<<"$out"
    check "$m consumer info checked" grep -qE '"delivered_stream_seq":2000,.*"num_pending":0,"num_ack_pending":0' <<<"$out"
done
out=$(run --mode js-pull --batch 100 --msgs 300 --pid "$server_pid")
check "js-pull on the file store" grep -qE '"ok":true,.*"fetches":3,.*"received":300' <<<"$out"
out=$(run --mode js-consumers --consumers 5 --settle 10 --pid "$server_pid")
check "js-consumers per-consumer figure" grep -qE '"ok":true,.*"consumers":5,.*"rss_per_consumer_bytes":' <<<"$out"
out=$(run --mode js-pull --stream smoke_fill --msgs 10)
check "js-pull on an existing stream name fails setup" grep -qE '"ok":false,"error":"creating stream smoke_fill' <<<"$out"
kill "$server_pid" 2>/dev/null
wait "$server_pid" 2>/dev/null
started=$EPOCHREALTIME
"$server_bin" -a 127.0.0.1 -p "$port" -js -sd "$js_dir/store" >/dev/null 2>&1 &
server_pid=$!
out=$(run --mode js-restart --stream smoke_fill --msgs 2000 --started-at "$started" --pid "$server_pid")
check "js-restart finds every message" grep -qE '"ok":true,.*"stored":2000,.*"restart_s":[0-9.]+' <<<"$out"
out=$(timeout -k 2 20 "$bench" --server "$url" --json --timeout 2 --mode js-restart --stream smoke_fill --msgs 2001)
check "js-restart short of the count exits 1" test $? -eq 1
check "js-restart says what it found" has "$out" 'the stream holds 2000 messages'
out=$(run --mode js-sync --stream smoke_fill --msgs 10)
check "js-sync on an existing stream name fails setup" grep -qE '"ok":false,"error":"creating stream smoke_fill' <<<"$out"
out=$(timeout -k 2 20 "$bench" --json --mode fdatasync --dir "$js_dir" --msgs 20)
check "fdatasync ok" has "$out" '"ok":true'
check "fdatasync three cases" grep -qE '"append_p50_us":.*"overwrite_p50_us":.*"preallocated_p50_us":' <<<"$out"
check "fdatasync removes its file" test -z "$(find "$js_dir" -maxdepth 1 -name 'nats-bench-fdatasync-*')"
out=$(timeout -k 2 20 "$bench" --json --mode fdatasync --dir /nonexistent/dir --msgs 2)
check "fdatasync without a directory exits 3" test $? -eq 3
table=$(timeout -k 5 120 "$here/../compare.sh" --jetstream --quick --only js-sync-mem,js-restart --restart-msgs 2000 \
        --bench "$bench" --nats "$server_bin" --ours "$server_bin" --store-parent "$js_dir" 2>/dev/null)
check "compare --jetstream prints a rate row with its target" \
    grep -qE '^\| memory store, sync publish, 128 B \| msgs/s \| [0-9]+ \| n/a \| [0-9]+ \| [0-9.]+ \| — \| ours ≥ 1.5 [✓✗] \| higher \|$' <<<"$table"
check "compare --jetstream times the restart" grep -qE '\| restart: seconds to full count \| [0-9.]+ \| n/a \| [0-9.]+ \|' <<<"$table"
table=$(timeout -k 5 120 "$here/../compare.sh" --consumers --only js-pull-100,js-consumers --consumer-msgs 2000 \
        --bench "$bench" --nats "$server_bin" --ours "$server_bin" --store-parent "$js_dir" 2>/dev/null)
check "compare --consumers prints the pull rate with its target" \
    grep -qE '^\| pull consumer, fetch 100, ack each, 2000 stored 128 B msgs \| msgs/s \| [0-9]+ \| n/a \| [0-9]+ \| [0-9.]+ \| — \| ours ≥ 1.5 [✓✗] \| higher \|$' <<<"$table"
check "compare --consumers prints memory per consumer" grep -qE '\| RSS bytes/consumer \| -?[0-9]+ \| n/a \| -?[0-9]+ \|' <<<"$table"
check "compare --jetstream removes its stores" test -z "$(find "$js_dir" -maxdepth 1 -name 'nmk-js-bench.*')"
rm -rf "$js_dir"

echo "$passed passed, $failed failed"
[[ $failed -eq 0 ]]
