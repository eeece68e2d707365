#pragma once
// The summary `nats bench` prints: natscli's Pub/Sub stats block (from the
// nats.go bench package), with natscli's latency figures added for requesters,
// and the CSV it can save.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace nats::cli {

struct bench_sample {
    std::int64_t job_msgs = 0;          // messages this client was asked to send or receive
    std::uint64_t msg_bytes = 0;        // job_msgs * message size
    std::uint64_t io_msgs = 0;          // messages in + out on the connection (protocol count)
    std::chrono::steady_clock::time_point start;
    std::chrono::steady_clock::time_point end;
    std::vector<std::uint64_t> latencies_ns;  // one per request, sorted

    double seconds() const;
    std::int64_t rate() const;   // job messages per second
    double throughput() const;   // bytes per second
};

// The clients of one side aggregated: summed counts, the earliest start and
// the latest end, all latencies.
bench_sample aggregate(const std::vector<bench_sample>& samples);

// "1,234 msgs/sec ~ 1.21 MB/sec", plus " ~ min: 12.5us ~ avg: ... ~ P99.9: ...us"
// when the sample has latencies.
std::string sample_text(const bench_sample& s);

// The whole report; "No publisher or subscribers. Nothing to report." when empty.
std::string bench_report(const std::string& name, const std::vector<bench_sample>& pubs,
                         const std::vector<bench_sample>& subs);

// "#RunID,ClientID,MsgCount,MsgBytes,MsgsPerSec,BytesPerSec,DurationSecs", one
// row per client: subscribers S0.., then publishers P0...
std::string bench_csv(const std::string& run_id, const std::vector<bench_sample>& pubs,
                      const std::vector<bench_sample>& subs);

// natscli 0.2+'s report of one benchmark (one kind of client): for one client
// "NATS Core NATS publisher stats: 1,234 msgs/sec ~ 154 KiB/sec[ ~ min: ...]",
// for several a line per client, the aggregate, "message rates ..." and
// "latencies per operation ..." when there are latencies.
std::string bench_type_report(const std::string& name, const std::string& label,
                              const std::vector<bench_sample>& samples);
// Its sample text: the rate, go-humanize IBytes per second, the latencies.
std::string sample_text_iec(const bench_sample& s);
// natscli 0.2+'s CSV: one row per client ("P0", "S0", ...), with the latency
// columns when any client has latencies.
std::string bench_type_csv(const std::string& run_id, char prefix, const std::vector<bench_sample>& samples);

// The percentile of sorted latencies in microseconds (natscli's rank rule).
double latency_percentile_us(const std::vector<std::uint64_t>& sorted_ns, double percentile);

// Splits n messages over k clients as evenly as possible, the first ones
// taking the remainder.
std::vector<std::int64_t> messages_per_client(std::int64_t n, std::int64_t k);

} // namespace nats::cli
