#include "percentiles.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>

namespace nats::bench {
namespace {

TEST(BenchPercentiles, NearestRankOnOneToThousand) {
    std::vector<std::uint64_t> v(1000);
    std::iota(v.begin(), v.end(), 1);
    std::shuffle(v.begin(), v.end(), std::mt19937(7));
    EXPECT_EQ(percentile(v, 50), 500u);
    EXPECT_EQ(percentile(v, 90), 900u);
    EXPECT_EQ(percentile(v, 99), 990u);
    EXPECT_EQ(percentile(v, 99.9), 999u);
    EXPECT_EQ(percentile(v, 100), 1000u);
    EXPECT_EQ(percentile(v, 0), 1u);
}

TEST(BenchPercentiles, SmallAndEmptySets) {
    std::vector<std::uint64_t> empty;
    EXPECT_EQ(percentile(empty, 50), 0u);
    std::vector<std::uint64_t> one{42};
    EXPECT_EQ(percentile(one, 99.9), 42u);
    std::vector<std::uint64_t> two{10, 20};
    EXPECT_EQ(percentile(two, 50), 10u);
    EXPECT_EQ(percentile(two, 51), 20u);
    EXPECT_EQ(percentile(two, 150), 20u);  // clamped
}

TEST(BenchPercentiles, SummaryConvertsToMicroseconds) {
    std::vector<std::uint64_t> ns(100);
    for (std::size_t i = 0; i < ns.size(); ++i) ns[i] = (i + 1) * 1000;  // 1..100 us
    const latency_summary s = summarize_latencies(ns);
    EXPECT_EQ(s.count, 100u);
    EXPECT_DOUBLE_EQ(s.p50_us, 50.0);
    EXPECT_DOUBLE_EQ(s.p90_us, 90.0);
    EXPECT_DOUBLE_EQ(s.p99_us, 99.0);
    EXPECT_DOUBLE_EQ(s.p999_us, 100.0);
    EXPECT_DOUBLE_EQ(s.max_us, 100.0);
    EXPECT_DOUBLE_EQ(s.mean_us, 50.5);
    EXPECT_EQ(summarize_latencies({}).count, 0u);
}

}  // namespace
}  // namespace nats::bench
