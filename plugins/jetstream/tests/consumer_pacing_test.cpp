// A consumer's rate limiter (Go's rate.Limiter as nats-server sets it up) and the
// sample_freq reading (strconv.Atoi, kept as int32), without a server.
#include <gtest/gtest.h>

#include "consumer/consumer_config.hpp"
#include "consumer/rate_limiter.hpp"

namespace nmk::jetstream {
namespace {

constexpr std::int64_t second = 1'000'000'000;

TEST(RateLimiter, TheBurstGoesAtOnceThenTheRestWaitsItsDebt) {
    RateLimiter limiter(16000, 1000);  // 2000 bytes per second, a bucket of 1000
    const std::int64_t t0 = 100 * second;
    EXPECT_EQ(limiter.reserve(400, t0), 0);
    EXPECT_EQ(limiter.reserve(400, t0), 0);
    // 200 left: 400 more owes 200 bytes, 100 ms at 2000 bytes/s.
    EXPECT_EQ(limiter.reserve(400, t0), second / 10);
    // The next one owes its own size on top: 600 bytes, 300 ms from t0.
    EXPECT_EQ(limiter.reserve(400, t0), 3 * second / 10);
    // Half a second later the debt is paid and 400 bytes came back: free again.
    EXPECT_EQ(limiter.reserve(400, t0 + 5 * second / 10), 0);
}

TEST(RateLimiter, TheBucketRefillsOnlyUpToTheBurst) {
    RateLimiter limiter(8000, 500);  // 1000 bytes per second
    EXPECT_EQ(limiter.reserve(500, 10 * second), 0);
    // An hour later the bucket holds 500, not 3.6 MB.
    EXPECT_EQ(limiter.reserve(500, 3610 * second), 0);
    EXPECT_EQ(limiter.reserve(100, 3610 * second), second / 10);
}

TEST(RateLimiter, ARateIsWholeBytesPerSecond) {
    // bps/8 with integer division: 15 bps is 1 byte per second.
    RateLimiter limiter(15, 10);
    EXPECT_EQ(limiter.reserve(10, second), 0);
    EXPECT_EQ(limiter.reserve(2, second), 2 * second);
}

TEST(RateLimiter, BelowEightBitsPerSecondOnlyTheBurstEverGoes) {
    RateLimiter limiter(7, 100);  // a limit of 0
    EXPECT_EQ(limiter.reserve(60, second), 0);
    EXPECT_EQ(limiter.reserve(40, 2 * second), 0);
    EXPECT_EQ(limiter.reserve(1, 1000 * second), -1);
}

TEST(RateLimiter, AMessageLargerThanTheBurstWaitsForItsSize) {
    // nats-server's limiter refuses it for ever; here it waits for the missing bytes.
    RateLimiter limiter(8000, 100);
    EXPECT_EQ(limiter.reserve(300, second), 2 * second / 10);
}

TEST(SamplePercent, ReadAsAtoiAndKeptAsInt32) {
    EXPECT_EQ(sample_percent(""), 0);
    EXPECT_EQ(sample_percent("50"), 50);
    EXPECT_EQ(sample_percent("50%"), 50);
    EXPECT_EQ(sample_percent("+50"), 50);
    EXPECT_EQ(sample_percent("250%"), 250);
    EXPECT_EQ(sample_percent("-5"), 0);
    EXPECT_EQ(sample_percent("abc"), 0);
    EXPECT_EQ(sample_percent("4294967296"), 0);   // 2^32 wraps to 0
    EXPECT_EQ(sample_percent("4294967346"), 50);  // 2^32 + 50
    EXPECT_EQ(sample_percent("2147483648"), 0);   // wraps negative: never sampled
}

}  // namespace
}  // namespace nmk::jetstream
