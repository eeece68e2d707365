#include "delivery_tracker.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace nats::bench {
namespace {

TEST(BenchDeliveryTracker, AllOnceIsExactlyOnce) {
    delivery_tracker t(5);
    for (std::uint64_t i = 0; i < 5; ++i) EXPECT_TRUE(t.record(i));
    const auto v = t.check();
    EXPECT_TRUE(v.exactly_once());
    EXPECT_EQ(v.once, 5u);
}

TEST(BenchDeliveryTracker, FindsMissingDuplicatesAndStrangers) {
    delivery_tracker t(4);
    t.record(0);
    t.record(1);
    t.record(1);
    t.record(1);
    EXPECT_FALSE(t.record(4));
    EXPECT_FALSE(t.record(UINT64_MAX));
    const auto v = t.check();
    EXPECT_FALSE(v.exactly_once());
    EXPECT_EQ(v.once, 1u);
    EXPECT_EQ(v.missing, 2u);
    EXPECT_EQ(v.duplicates, 2u);
    EXPECT_EQ(v.out_of_range, 2u);
}

TEST(BenchDeliveryTracker, DuplicatesSaturateInsteadOfWrapping) {
    delivery_tracker t(1);
    for (int i = 0; i < 300; ++i) t.record(0);
    const auto v = t.check();
    EXPECT_EQ(v.missing, 0u);
    EXPECT_EQ(v.duplicates, 254u);
    EXPECT_FALSE(v.exactly_once());
}

TEST(BenchDeliveryTracker, ConcurrentDisjointRecording) {
    constexpr std::uint64_t n = 40'000;
    delivery_tracker t(n);
    std::vector<std::thread> threads;
    for (std::uint64_t k = 0; k < 4; ++k)
        threads.emplace_back([&, k] {
            for (std::uint64_t i = k; i < n; i += 4) t.record(i);
        });
    for (auto& th : threads) th.join();
    EXPECT_TRUE(t.check().exactly_once());
}

}  // namespace
}  // namespace nats::bench
