# Helpers shared by compare.sh and compare_jetstream.sh (sourced, not run).
# shellcheck shell=bash

is_count() { [[ "$1" =~ ^[1-9][0-9]*$ ]]; }

# The reference nats-server: Debian puts it in /usr/sbin, other installs in /usr/bin or PATH.
find_reference_server() {
    local candidate
    for candidate in /usr/bin/nats-server /usr/sbin/nats-server "$(command -v nats-server 2>/dev/null)"; do
        if [[ -n "$candidate" && -x "$candidate" ]]; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

random_port() { echo $((20000 + (RANDOM * 32768 + RANDOM) % 40000)); }

# Stops the server in $server_pid: SIGTERM, up to $1 seconds (default 3) to exit, then
# SIGKILL. Clears server_pid.
stop_server() {
    [[ -z "${server_pid:-}" ]] && return 0
    local grace_steps=$(( ${1:-3} * 20 ))
    kill -TERM "$server_pid" 2>/dev/null
    for _ in $(seq 1 "$grace_steps"); do
        kill -0 "$server_pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
    server_pid=""
}

json_field() { # json key -> raw value (number, true/false, or quoted string)
    sed -nE "s/.*\"$2\":(\"([^\"\\\\]|\\\\.)*\"|[^,}]*).*/\\1/p" <<<"$1"
}

median() { # space-separated numbers -> median, or empty
    tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g |
        awk '{ v[NR] = $1 } END { if (NR == 0) exit; if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

load_average() { cut -d' ' -f1-3 /proc/loadavg 2>/dev/null; }
