#include "run_progress.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace nats::bench {
namespace {

using namespace std::chrono_literals;

TEST(BenchRunProgress, EverySubscriberMustFinish) {
    run_progress p(2, false, 3, nullptr);
    for (std::uint64_t n = 1; n <= 3; ++n) p.delivered(n);
    EXPECT_FALSE(p.wait_until(std::chrono::steady_clock::now() + 5ms));
    EXPECT_EQ(p.finished_ns(), 0);
    std::thread other([&] {
        for (std::uint64_t n = 1; n <= 3; ++n) p.delivered(n);
    });
    EXPECT_TRUE(p.wait_until(std::chrono::steady_clock::now() + 5s));
    other.join();
    EXPECT_GT(p.finished_ns(), 0);
}

TEST(BenchRunProgress, GroupFinishesOnTotal) {
    run_progress p(4, true, 5, std::make_unique<delivery_tracker>(5));
    EXPECT_TRUE(p.group());
    ASSERT_NE(p.tracker(), nullptr);
    for (int i = 0; i < 4; ++i) p.delivered(1);  // four members, one message each
    EXPECT_FALSE(p.wait_until(std::chrono::steady_clock::now() + 5ms));
    p.delivered(2);
    EXPECT_TRUE(p.wait_until(std::chrono::steady_clock::now() + 1s));
}

}  // namespace
}  // namespace nats::bench
