#include "config.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <string_view>

namespace nats::bench {
namespace {

// Whole-string unsigned parse with an upper bound; rejects signs, blanks and suffixes.
std::uint64_t parse_unsigned(std::string_view flag, std::string_view text, std::uint64_t max) {
    std::uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size())
        throw usage_error(std::string(flag) + ": not a non-negative integer: '" + std::string(text) + "'");
    if (value > max)
        throw usage_error(std::string(flag) + ": " + std::string(text) + " is above the limit " + std::to_string(max));
    return value;
}

double parse_seconds(std::string_view flag, std::string_view text, double max) {
    double value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size() || !std::isfinite(value) ||
        value <= 0 || value > max)
        throw usage_error(std::string(flag) + ": expected seconds in (0, " + std::to_string(static_cast<int>(max)) +
                          "]: '" + std::string(text) + "'");
    return value;
}

constexpr bench::mode all_modes[] = {mode::pub,       mode::pubsub,     mode::fanout,     mode::queue,
                                     mode::reqrep,    mode::idle,       mode::connz,      mode::js_sync,
                                     mode::js_async,  mode::js_streams, mode::js_fill,    mode::js_restart,
                                     mode::js_pull,   mode::js_push,    mode::js_ordered, mode::js_consumers,
                                     mode::fdatasync};

bench::mode parse_mode(std::string_view text) {
    for (auto m : all_modes)
        if (text == mode_name(m)) return m;
    throw usage_error("--mode: unknown mode '" + std::string(text) +
                      "' (pub|pubsub|fanout|queue|reqrep|idle|connz|js-sync|js-async|js-streams|js-fill|js-restart|"
                      "js-pull|js-push|js-ordered|js-consumers|fdatasync)");
}

bench::storage parse_storage(std::string_view text) {
    for (auto s : {storage::file, storage::memory})
        if (text == storage_name(s)) return s;
    throw usage_error("--storage: expected file or memory: '" + std::string(text) + "'");
}

// nats-server refuses stream names with these (they would break the API subjects or paths).
void check_stream_name(const std::string& name) {
    if (name.empty() || name.size() > 255 || name.find_first_of(" \t\r\n.*>/\\") != std::string::npos)
        throw usage_error("--stream: a stream name without whitespace, '.', '*', '>', '/' or '\\': '" + name + "'");
}

constexpr std::uint32_t max_payload = 64u << 20;

// The idle sockets of connz mode never answer the server's PINGs (every 2 minutes
// by default), so a phase must end well before the server would call them stale.
constexpr double max_phase_s = 120;

// Goes into an HTTP request line as is, so it must be a plain absolute path.
void check_read_path(const std::string& path) {
    if (path.empty() || path.front() != '/' || path.find_first_of(" \t\r\n") != std::string::npos)
        throw usage_error("--read-path: expected an absolute path without whitespace, like /connz?limit=10: '" +
                          path + "'");
}

// Defaults and checks of the JetStream modes and fdatasync.
config finish_jetstream(config c, bool window_given) {
    if (!window_given) c.window = c.mode == mode::js_fill ? 1024 : 256;
    if (c.window == 0) throw usage_error("--window: must be at least 1");
    if ((c.mode == mode::js_streams || c.mode == mode::js_fill || c.mode == mode::js_consumers) && c.pid == 0)
        throw usage_error(std::string("--pid: ") + mode_name(c.mode) + " mode needs the server's pid");
    if (c.mode == mode::js_restart && c.stream.empty())
        throw usage_error("--stream: js-restart mode needs the name of the stream to wait for");
    if (c.mode == mode::fdatasync && c.dir.empty()) throw usage_error("--dir: fdatasync mode needs a directory");
    return c;
}

}  // namespace

const char* mode_name(bench::mode m) {
    switch (m) {
        case mode::pub: return "pub";
        case mode::pubsub: return "pubsub";
        case mode::fanout: return "fanout";
        case mode::queue: return "queue";
        case mode::reqrep: return "reqrep";
        case mode::idle: return "idle";
        case mode::connz: return "connz";
        case mode::js_sync: return "js-sync";
        case mode::js_async: return "js-async";
        case mode::js_streams: return "js-streams";
        case mode::js_fill: return "js-fill";
        case mode::js_restart: return "js-restart";
        case mode::js_pull: return "js-pull";
        case mode::js_push: return "js-push";
        case mode::js_ordered: return "js-ordered";
        case mode::js_consumers: return "js-consumers";
        case mode::fdatasync: return "fdatasync";
    }
    return "?";
}

const char* storage_name(bench::storage s) { return s == storage::memory ? "memory" : "file"; }

bool is_jetstream(bench::mode m) {
    return m == mode::js_sync || m == mode::js_async || m == mode::js_streams || m == mode::js_fill ||
           m == mode::js_restart || m == mode::js_pull || m == mode::js_push || m == mode::js_ordered ||
           m == mode::js_consumers;
}

const char* usage_text() {
    return "usage: nats-bench --mode pub|pubsub|fanout|queue|reqrep|idle|connz [options]\n"
           "       nats-bench --mode js-sync|js-async|js-streams|js-fill|js-restart [options]\n"
           "       nats-bench --mode js-pull|js-push|js-ordered|js-consumers [options]\n"
           "       nats-bench --mode fdatasync --dir DIR [--msgs N] [--size B]\n"
           "  --server URL     server to measure (default nats://127.0.0.1:4222)\n"
           "  --msgs N         messages to publish, or requests to time (default depends on mode and size)\n"
           "  --size B         payload bytes (default 16, js-* and fdatasync 128; queue mode needs >= 8)\n"
           "  --pubs N         publisher connections (default 1)\n"
           "  --subs N         subscriber connections (pubsub 1, fanout 4, queue 4);\n"
           "                   idle mode: subscriptions per idle connection (default 0; connz: 1)\n"
           "  --conns N        idle connections to open (idle mode: default 2000; connz: 10000)\n"
           "  --pid PID        server process: idle mode reads its VmRSS (required there);\n"
           "                   other modes report its CPU time (server_cpu_s)\n"
           "  --timeout S      hard bound on the run in seconds (default 30; connz: 2 phases + 90)\n"
           "  --window N       max messages in flight publisher->subscribers (default: ~16 MiB worth);\n"
           "                   js-async and js-fill: publishes awaiting their ack (default 256; js-fill 1024)\n"
           "  --iobuf B        libnats buffer size per connection (default 1048576)\n"
           "  --warmup N       reqrep, js-sync, js-async: untimed requests or publishes first (default 500)\n"
           "  --settle MS      idle: wait before each RSS reading (default 300)\n"
           "  --subject S      subject to use (default bench.<mode>.<pid>)\n"
           "  --ack-subject S  pubsub: publish with reply subject S and count the messages arriving on S\n"
           "                   (a service, e.g. the bench_ack plugin, answers each one there)\n"
           "  --monitor URL    connz: the server's monitoring port, http://127.0.0.1:<port> (required)\n"
           "  --phase S        connz: seconds of request/reply without, then with monitor reads (default 10)\n"
           "  --read-path P    connz: monitor path to fetch in a loop; repeat for several, taken in turn\n"
           "                   (default /connz?limit=<conns> and /connz?subs=1)\n"
           "  --storage S      js-*: file (default) or memory stream storage\n"
           "  --streams N      js-streams: empty streams to create (default 200)\n"
           "  --consumers N    js-consumers: durable consumers to create (default 200)\n"
           "  --batch N        js-pull: messages per fetch (default 100)\n"
           "  --stream NAME    js-*: stream name (default bench-<mode>-<pid>; js-restart: required)\n"
           "  --started-at T   js-restart: unix time in seconds when the server process was started\n"
           "                   (default: when nats-bench started); --msgs is the count to wait for\n"
           "  --dir DIR        fdatasync: directory on the disk to measure (required)\n"
           "  --json           print one JSON object instead of text\n";
}

std::uint64_t default_msgs(bench::mode m, std::uint32_t size) {
    switch (m) {
        case mode::reqrep: return 20'000;
        case mode::idle: return 0;
        case mode::connz: return 0;  // connz runs for a time, not a count
        case mode::js_sync: return 10'000;
        case mode::js_async: return 200'000;
        case mode::js_streams: return 0;
        case mode::js_fill: return 1'000'000;
        case mode::js_restart: return 1'000'000;
        case mode::js_pull:
        case mode::js_push:
        case mode::js_ordered: return 100'000;
        case mode::js_consumers: return 0;
        case mode::fdatasync: return 2'000;
        default: return size <= 256 ? 1'000'000 : 200'000;
    }
}

std::uint32_t default_subs(bench::mode m) {
    switch (m) {
        case mode::pubsub: return 1;
        case mode::fanout: return 4;
        case mode::queue: return 4;
        case mode::connz: return 1;  // so /connz?subs=1 has something to list
        default: return 0;
    }
}

std::uint64_t auto_window(std::uint32_t size) {
    constexpr std::uint64_t budget = 16u << 20;
    constexpr std::uint64_t per_msg_overhead = 48;  // MSG control line and client bookkeeping
    const std::uint64_t w = budget / (size + per_msg_overhead);
    return w < 1024 ? 1024 : w;
}

std::vector<std::string> default_read_paths(std::uint32_t conns) {
    return {"/connz?limit=" + std::to_string(conns), "/connz?subs=1"};
}

double default_connz_timeout(double phase_s) { return 2 * phase_s + 90; }

config parse_args(const std::vector<std::string>& args) {
    config c;
    bool subs_given = false;
    bool mode_given = false;
    bool conns_given = false;
    bool timeout_given = false;
    bool size_given = false;
    bool window_given = false;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string& flag = args[i];
        if (flag == "--json") {
            c.json = true;
            continue;
        }
        if (flag == "-h" || flag == "--help") throw usage_error("");
        if (i + 1 >= args.size()) throw usage_error(flag + ": missing value");
        const std::string& v = args[++i];
        if (flag == "--mode") {
            c.mode = parse_mode(v);
            mode_given = true;
        } else if (flag == "--server") {
            if (v.empty()) throw usage_error("--server: empty URL");
            c.server = v;
        } else if (flag == "--msgs") {
            c.msgs = parse_unsigned(flag, v, std::uint64_t{1} << 32);
            if (c.msgs == 0) throw usage_error("--msgs: must be at least 1");
        } else if (flag == "--size") {
            c.size = static_cast<std::uint32_t>(parse_unsigned(flag, v, max_payload));
            size_given = true;
        } else if (flag == "--pubs") {
            c.pubs = static_cast<std::uint32_t>(parse_unsigned(flag, v, 64));
            if (c.pubs == 0) throw usage_error("--pubs: must be at least 1");
        } else if (flag == "--subs") {
            c.subs = static_cast<std::uint32_t>(parse_unsigned(flag, v, 1000));
            subs_given = true;
        } else if (flag == "--conns") {
            c.conns = static_cast<std::uint32_t>(parse_unsigned(flag, v, 100'000));
            if (c.conns == 0) throw usage_error("--conns: must be at least 1");
            conns_given = true;
        } else if (flag == "--pid") {
            c.pid = static_cast<long>(parse_unsigned(flag, v, std::numeric_limits<int>::max()));
            if (c.pid == 0) throw usage_error("--pid: must be a process id");
        } else if (flag == "--timeout") {
            c.timeout_s = parse_seconds(flag, v, 3600);
            timeout_given = true;
        } else if (flag == "--window") {
            c.window = parse_unsigned(flag, v, std::uint64_t{1} << 32);
            window_given = true;
        } else if (flag == "--iobuf") {
            c.iobuf = static_cast<std::uint32_t>(parse_unsigned(flag, v, 64u << 20));
            if (c.iobuf < 4096) throw usage_error("--iobuf: must be at least 4096");
        } else if (flag == "--warmup") {
            c.warmup = parse_unsigned(flag, v, 1'000'000);
        } else if (flag == "--settle") {
            c.settle_ms = static_cast<std::uint32_t>(parse_unsigned(flag, v, 60'000));
        } else if (flag == "--subject") {
            if (v.empty() || v.find_first_of(" \t\r\n") != std::string::npos)
                throw usage_error("--subject: must be non-empty without whitespace");
            c.subject = v;
        } else if (flag == "--ack-subject") {
            if (v.empty() || v.find_first_of(" \t\r\n*>") != std::string::npos)
                throw usage_error("--ack-subject: must be a literal subject");
            c.ack_subject = v;
        } else if (flag == "--monitor") {
            if (v.rfind("http://", 0) != 0) throw usage_error("--monitor: expected http://<host>:<port>: '" + v + "'");
            c.monitor = v;
        } else if (flag == "--phase") {
            c.phase_s = parse_seconds(flag, v, max_phase_s);
        } else if (flag == "--read-path") {
            check_read_path(v);
            c.read_paths.push_back(v);
        } else if (flag == "--storage") {
            c.storage = parse_storage(v);
        } else if (flag == "--streams") {
            c.streams = static_cast<std::uint32_t>(parse_unsigned(flag, v, 100'000));
            if (c.streams == 0) throw usage_error("--streams: must be at least 1");
        } else if (flag == "--consumers") {
            c.consumers = static_cast<std::uint32_t>(parse_unsigned(flag, v, 100'000));
            if (c.consumers == 0) throw usage_error("--consumers: must be at least 1");
        } else if (flag == "--batch") {
            c.batch = static_cast<std::uint32_t>(parse_unsigned(flag, v, 100'000));
            if (c.batch == 0) throw usage_error("--batch: must be at least 1");
        } else if (flag == "--stream") {
            check_stream_name(v);
            c.stream = v;
        } else if (flag == "--started-at") {
            c.started_at = parse_seconds(flag, v, 1e11);
        } else if (flag == "--dir") {
            if (v.empty()) throw usage_error("--dir: empty path");
            c.dir = v;
        } else {
            throw usage_error("unknown option '" + flag + "'");
        }
    }
    if (!mode_given) throw usage_error("--mode is required");
    if (!subs_given) c.subs = default_subs(c.mode);
    if (!size_given && (is_jetstream(c.mode) || c.mode == mode::fdatasync)) c.size = 128;
    if (c.msgs == 0) c.msgs = default_msgs(c.mode, c.size);
    if (is_jetstream(c.mode) || c.mode == mode::fdatasync) return finish_jetstream(c, window_given);
    if (c.window == 0) c.window = auto_window(c.size);
    const bool has_subscribers = c.mode == mode::pubsub || c.mode == mode::fanout || c.mode == mode::queue;
    if (has_subscribers && c.subs == 0) throw usage_error("--subs: this mode needs at least 1 subscriber");
    if (c.mode == mode::queue && c.size < 8)
        throw usage_error("--size: queue mode needs at least 8 bytes to carry sequence numbers");
    if (c.mode == mode::idle && c.pid == 0) throw usage_error("--pid: idle mode needs the server's pid");
    if (c.mode == mode::connz) {
        if (c.monitor.empty()) throw usage_error("--monitor: connz mode needs the server's monitoring URL");
        if (!conns_given) c.conns = 10'000;
        if (c.read_paths.empty()) c.read_paths = default_read_paths(c.conns);
        if (!timeout_given) c.timeout_s = default_connz_timeout(c.phase_s);
        if (c.timeout_s < 2 * c.phase_s)
            throw usage_error("--timeout: shorter than the two phases of " + std::to_string(c.phase_s) + " s");
        return c;
    }
    if (c.mode != mode::idle && c.msgs < c.pubs) throw usage_error("--msgs: fewer messages than publishers");
    return c;
}

}  // namespace nats::bench
