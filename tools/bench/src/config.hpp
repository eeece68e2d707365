#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace nats::bench {

enum class mode {
    pub,
    pubsub,
    fanout,
    queue,
    reqrep,
    idle,
    connz,
    js_sync,     // JetStream: one publisher waiting for each ack
    js_async,    // JetStream: async publishes, a window of acks outstanding
    js_streams,  // JetStream: server RSS per empty stream
    js_fill,     // JetStream: server RSS per stored message (the stream is kept)
    js_restart,  // JetStream: time until a restarted server serves a stream's full count
    js_pull,     // JetStream: a pull consumer fetching and acking a filled stream
    js_push,     // JetStream: a push consumer (library auto-ack) draining a filled stream
    js_ordered,  // JetStream: an ordered consumer replaying a filled stream
    js_consumers,  // JetStream: server RSS per durable consumer
    fdatasync    // no server: the disk's write + fdatasync latency
};

enum class storage { file, memory };

// Everything one run needs; filled from the command line by parse_args.
struct config {
    bench::mode mode = mode::pubsub;
    std::string server = "nats://127.0.0.1:4222";
    std::uint64_t msgs = 0;        // 0: the mode's default (see default_msgs)
    std::uint32_t size = 16;       // payload bytes
    std::uint32_t pubs = 1;        // publisher connections
    std::uint32_t subs = 0;        // subscriber connections (idle: subscriptions per connection); 0: mode default
    std::uint32_t conns = 2000;    // idle connections (connz mode: 10000)
    long pid = 0;                  // server pid: RSS readings (idle), CPU time (others)
    double timeout_s = 30;         // hard bound on the whole run
    std::uint64_t window = 0;      // max messages in flight between publishers and subscribers; 0: auto
    std::uint32_t iobuf = 1 << 20; // libnats read/write buffer per connection
    std::uint64_t warmup = 500;    // reqrep: requests not measured
    std::uint32_t settle_ms = 300; // idle: wait before reading RSS
    std::string subject;           // empty: derived from the mode and our pid
    std::string ack_subject;       // pubsub: publish with this reply subject and count what arrives on it
    std::string monitor;           // connz: the server's monitoring URL, http://127.0.0.1:<port>
    double phase_s = 10;           // connz: length of each phase (without, then with monitor reads)
    std::vector<std::string> read_paths;  // connz: monitor paths fetched in turn during the second phase
    bench::storage storage = storage::file;  // js-*: the stream's storage
    std::uint32_t streams = 200;   // js-streams: empty streams to create
    std::uint32_t consumers = 200; // js-consumers: durable consumers to create
    std::uint32_t batch = 100;     // js-pull: messages per fetch
    std::string stream;            // js-*: stream name (default derived from the mode and our pid)
    double started_at = 0;         // js-restart: unix time (s) the server process was started; 0: our own start
    std::string dir;               // fdatasync: directory for the scratch file
    bool json = false;
};

// Thrown for a bad command line; main prints it with the usage text.
struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

const char* mode_name(bench::mode m);
const char* storage_name(bench::storage s);
bool is_jetstream(bench::mode m);
const char* usage_text();

// Parses argv (without argv[0]) and applies per-mode defaults. Throws usage_error.
config parse_args(const std::vector<std::string>& args);

std::uint64_t default_msgs(bench::mode m, std::uint32_t size);
std::uint32_t default_subs(bench::mode m);

// Messages allowed in flight before publishers wait: bounds client memory and keeps
// the server below its slow-consumer limit while still covering many write buffers.
std::uint64_t auto_window(std::uint32_t size);

// connz mode: the monitor paths read when --read-path is not given.
std::vector<std::string> default_read_paths(std::uint32_t conns);

// connz mode: room for connecting the idle connections, both phases and teardown.
double default_connz_timeout(double phase_s);

}  // namespace nats::bench
