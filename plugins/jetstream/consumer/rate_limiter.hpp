#pragma once
// A push consumer's `rate_limit_bps`, paced as nats-server 2.9.10 paces it: Go's
// golang.org/x/time/rate.Limiter with a limit of bps/8 bytes per second (integer
// division) and a burst of the largest message the stream may hold (setRateLimit). The
// bucket starts full; each delivery takes its size (subject, ack reply, headers, payload),
// and when that leaves the bucket owing, the message waits until the debt is paid
// (ReserveN then DelayFrom), so the first `burst` bytes go at once and the rest at the rate.
//
// Two cases where Go's limiter never lets a message through are not copied: a message
// larger than the burst (nats-server waits forever; here it waits for its own size at the
// rate) and bps below 8 (a limit of 0: Go allows one burst in total, then nothing; here
// the same, but the consumer stays usable for an update that raises the rate).

#include <cstdint>

namespace nmk::jetstream {

class RateLimiter {
public:
    RateLimiter(std::uint64_t bits_per_second, std::int64_t burst_bytes);

    // Takes `size` bytes at `now_ns`; returns how long the message must wait before it
    // goes out (0: at once), or -1 when it never may (a limit of 0 with its burst spent).
    std::int64_t reserve(std::int64_t size, std::int64_t now_ns);

private:
    double limit_;  // bytes per second
    double burst_;
    double tokens_;
    std::int64_t last_ns_ = 0;  // time of the last reservation (0: none yet)
};

}  // namespace nmk::jetstream
