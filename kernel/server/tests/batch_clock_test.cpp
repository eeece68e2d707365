// IoThread::batch_clock: the time activity stamps use. Read at most once per
// batch, so delivering many messages never costs a clock read each.
#include <gtest/gtest.h>

#include <thread>

#include "kernel/server/io_thread.hpp"

namespace nats::server {
namespace {

using namespace std::chrono_literals;

std::int64_t ns(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

TEST(BatchClock, OneReadingServesTheWholeBatch) {
    IoThread thread(0);
    const auto before = ns(std::chrono::steady_clock::now());
    const std::int64_t first = thread.batch_clock();
    std::this_thread::sleep_for(2ms);
    EXPECT_EQ(thread.batch_clock(), first) << "same batch, same time";
    EXPECT_GE(first, before);
}

TEST(BatchClock, ANewBatchReadsTheClockAgain) {
    IoThread thread(0);
    const std::int64_t first = thread.batch_clock();
    std::this_thread::sleep_for(2ms);
    thread.end_batch();
    const std::int64_t second = thread.batch_clock();
    EXPECT_GE(second - first, 2'000'000);
}

TEST(BatchClock, AReaderHandsOverTheTimeItAlreadyRead) {
    IoThread thread(0);
    const auto read_at = std::chrono::steady_clock::now() - 5s;
    thread.set_batch_clock(read_at);
    EXPECT_EQ(thread.batch_clock(), ns(read_at));
    thread.end_batch();
    EXPECT_GT(thread.batch_clock(), ns(read_at) + 4'000'000'000LL) << "only for the batch it was set in";
}

}  // namespace
}  // namespace nats::server
