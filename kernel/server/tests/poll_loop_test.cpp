// run_polling: the I/O threads' loop polls for a short window before sleeping,
// so a peer answering within the window costs no sleep and wake-up; an idle
// loop sleeps and a stopped one returns. NMK_IO_POLL_US parsing.
#include <gtest/gtest.h>

#include <asio/post.hpp>
#include <asio/steady_timer.hpp>

#include <atomic>
#include <ctime>
#include <thread>

#include "kernel/server/poll_loop.hpp"

namespace nats::server {
namespace {

using namespace std::chrono_literals;

TEST(PollLoop, ParsesTheWindow) {
    EXPECT_EQ(parse_io_poll_window("0"), 0us);
    EXPECT_EQ(parse_io_poll_window("50"), 50us);
    EXPECT_EQ(parse_io_poll_window("1000"), 1000us);
    EXPECT_EQ(parse_io_poll_window("5000"), max_io_poll_window);
    EXPECT_EQ(parse_io_poll_window("99999999999999999999999"), max_io_poll_window);
    EXPECT_EQ(parse_io_poll_window("-1"), std::nullopt);
    EXPECT_EQ(parse_io_poll_window(""), std::nullopt);
    EXPECT_EQ(parse_io_poll_window("abc"), std::nullopt);
    EXPECT_EQ(parse_io_poll_window("50us"), std::nullopt);
    EXPECT_EQ(parse_io_poll_window(" 50"), std::nullopt);
}

// A ping-pong through two loops on their own threads: each handler posts the
// next one to the other loop, as a request and its answer alternate.
struct PingPong {
    asio::io_context a{1}, b{1};
    std::atomic<int> left;
    explicit PingPong(int rounds) : left(rounds) {}
    void hit(asio::io_context& here, asio::io_context& there) {
        (void)here;
        if (left.fetch_sub(1) <= 1) {
            a.stop();
            b.stop();
            return;
        }
        asio::post(there, [this, &there, &here] { hit(there, here); });
    }
};

std::uint64_t run_ping_pong(std::chrono::microseconds window, int rounds) {
    PingPong p(rounds);
    auto guard_a = asio::make_work_guard(p.a);
    auto guard_b = asio::make_work_guard(p.b);
    PollLoopCounts counts_a, counts_b;
    std::thread ta([&] { run_polling(p.a, window, &counts_a); });
    std::thread tb([&] { run_polling(p.b, window, &counts_b); });
    asio::post(p.a, [&p] { p.hit(p.a, p.b); });
    ta.join();
    tb.join();
    EXPECT_LE(p.left.load(), 0) << "every round ran";
    return counts_a.sleeps + counts_b.sleeps;
}

TEST(PollLoop, AnswersWithinTheWindowCostNoSleep) {
    constexpr int rounds = 2000;
    // A window far above a hand-over's time: almost every one is found by
    // polling. (Without polling each of the 2000 would be a sleep.)
    const std::uint64_t polling = run_ping_pong(1000us, rounds);
    EXPECT_LT(polling, static_cast<std::uint64_t>(rounds / 4))
        << "with a 1 ms window most hand-overs should be found by polling, not after a sleep";
}

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

TEST(PollLoop, AnIdleLoopSleepsInsteadOfPolling) {
    asio::io_context context(1);
    auto guard = asio::make_work_guard(context);
    PollLoopCounts counts;
    std::atomic<double> cpu{0};
    std::thread t([&] {
        const double start = thread_cpu_seconds();
        run_polling(context, max_io_poll_window, &counts);
        cpu = thread_cpu_seconds() - start;
    });
    // Three wake-ups 100 ms apart: each gap is far longer than the window.
    for (int i = 0; i < 3; ++i) {
        std::this_thread::sleep_for(100ms);
        asio::post(context, [] {});
    }
    std::this_thread::sleep_for(100ms);
    context.stop();
    t.join();
    // Polling after each of them would cost at most 4 windows (4 ms) of CPU; a
    // loop that polled through the idle time would have used ~400 ms.
    EXPECT_LT(cpu.load(), 0.1) << "an idle loop must sleep";
    EXPECT_GE(counts.sleeps, 3u);
}

TEST(PollLoop, WithoutAWindowItIsAsioRun) {
    PingPong p(100);
    auto guard = asio::make_work_guard(p.b);
    std::thread tb([&] { p.b.run(); });
    asio::post(p.a, [&p] { p.hit(p.a, p.b); });
    auto guard_a = asio::make_work_guard(p.a);
    run_polling(p.a, 0us);
    tb.join();
    EXPECT_LE(p.left.load(), 0);
}

TEST(PollLoop, StopEndsAPollingLoop) {
    asio::io_context context(1);
    auto guard = asio::make_work_guard(context);
    std::atomic<bool> done{false};
    std::thread t([&] {
        run_polling(context, max_io_poll_window);
        done = true;
    });
    // Keep it polling, then stop it from outside.
    for (int i = 0; i < 50; ++i) {
        asio::post(context, [] {});
        std::this_thread::sleep_for(100us);
    }
    context.stop();
    t.join();
    EXPECT_TRUE(done.load());
}

TEST(PollLoop, TimersFireWhilePolling) {
    asio::io_context context(1);
    auto guard = asio::make_work_guard(context);
    asio::steady_timer timer(context);
    std::atomic<bool> fired{false};
    timer.expires_after(5ms);
    timer.async_wait([&](const asio::error_code& ec) {
        fired = !ec;
        context.stop();
    });
    // A stream of posted work keeps the loop polling while the timer is due.
    std::atomic<bool> stop_feeding{false};
    std::thread feeder([&] {
        for (int i = 0; i < 20000 && !stop_feeding; ++i) {
            asio::post(context, [] {});
            std::this_thread::sleep_for(20us);
        }
    });
    run_polling(context, max_io_poll_window);
    stop_feeding = true;
    feeder.join();
    EXPECT_TRUE(fired.load());
}

}  // namespace
}  // namespace nats::server
