#pragma once

#include <cstdint>
#include <vector>

namespace nats::bench {

// Nearest-rank percentile (p in [0, 100]) of samples; sorts them in place.
// Returns 0 for an empty set.
std::uint64_t percentile(std::vector<std::uint64_t>& samples, double p);

// Latency summary, nanoseconds in, microseconds out.
struct latency_summary {
    std::uint64_t count = 0;
    double p50_us = 0, p90_us = 0, p99_us = 0, p999_us = 0, max_us = 0, mean_us = 0;
};

latency_summary summarize_latencies(std::vector<std::uint64_t> samples_ns);

}  // namespace nats::bench
