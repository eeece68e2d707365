#include "percentiles.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nats::bench {

std::uint64_t percentile(std::vector<std::uint64_t>& samples, double p) {
    if (samples.empty()) return 0;
    if (!std::is_sorted(samples.begin(), samples.end())) std::sort(samples.begin(), samples.end());
    p = std::clamp(p, 0.0, 100.0);
    // Nearest rank: the smallest sample with at least p% of samples at or below it.
    // The epsilon keeps binary rounding (99.9% of 1000 = 999.0000000000001) from
    // pushing the rank one sample up.
    auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(samples.size()) - 1e-9));
    if (rank == 0) rank = 1;
    return samples[rank - 1];
}

latency_summary summarize_latencies(std::vector<std::uint64_t> samples_ns) {
    latency_summary s;
    s.count = samples_ns.size();
    if (samples_ns.empty()) return s;
    auto us = [](std::uint64_t ns) { return static_cast<double>(ns) / 1000.0; };
    s.p50_us = us(percentile(samples_ns, 50));
    s.p90_us = us(percentile(samples_ns, 90));
    s.p99_us = us(percentile(samples_ns, 99));
    s.p999_us = us(percentile(samples_ns, 99.9));
    s.max_us = us(samples_ns.back());
    const long double total = std::accumulate(samples_ns.begin(), samples_ns.end(), 0.0L);
    s.mean_us = static_cast<double>(total / static_cast<long double>(samples_ns.size()) / 1000.0L);
    return s;
}

}  // namespace nats::bench
