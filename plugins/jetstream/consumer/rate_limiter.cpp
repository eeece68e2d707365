#include "consumer/rate_limiter.hpp"

#include <algorithm>

namespace nmk::jetstream {

RateLimiter::RateLimiter(std::uint64_t bits_per_second, std::int64_t burst_bytes)
    : limit_(static_cast<double>(bits_per_second / 8)),
      burst_(static_cast<double>(std::max<std::int64_t>(burst_bytes, 0))),
      tokens_(burst_) {}

std::int64_t RateLimiter::reserve(std::int64_t size, std::int64_t now_ns) {
    const auto n = static_cast<double>(size);
    if (limit_ <= 0) {
        // Go's zero limit: the burst is a budget for all time.
        if (burst_ < n) return -1;
        burst_ -= n;
        return 0;
    }
    // advance(): refill by the time since the last reservation, never past the burst.
    if (last_ns_ != 0 && now_ns > last_ns_) tokens_ = std::min(burst_, tokens_ + limit_ * static_cast<double>(now_ns - last_ns_) / 1e9);
    last_ns_ = now_ns;
    tokens_ -= n;
    if (tokens_ >= 0) return 0;
    return static_cast<std::int64_t>(-tokens_ / limit_ * 1e9);
}

}  // namespace nmk::jetstream
