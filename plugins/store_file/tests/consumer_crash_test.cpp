// kill -9 while a consumer record is rewritten with group commit: after the restart the
// record is there, at least as new as the last acknowledged put, and its meta and state come
// from the same put. (The page cache survives a killed process, so this checks the two-slot
// scheme at any instant of a write; torn copies are ConsumerRecordsTest's.)

#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>

#include "test_support.hpp"

namespace store_file::testing {
namespace {

// Put number `n`; every 7th put replaces the meta too, so meta and state name the put that
// last wrote the meta (`k`). Sizes vary so a newer copy may be shorter than an older one.
std::string meta_for(std::uint64_t k) { return R"({"durable_name":"C","put":)" + std::to_string(k) + "}"; }
std::string state_for(std::uint64_t n, std::uint64_t k) {
    return std::to_string(n) + " " + std::to_string(k) + " " + std::string(n * 37 % 3000, 's');
}

// The child: puts from `first` on, one sync per put, and writes each acknowledged put number
// to `ack_fd` (8 bytes) from the done. Runs until killed.
[[noreturn]] void run_child(const std::string& root, std::uint64_t first, std::uint64_t meta_put, int ack_fd) {
    try {
        auto store = open_store(root);
        auto stream = store->open_stream("A", "CRASH");
        for (std::uint64_t n = first;; ++n) {
            if (n % 7 == 0 || n == 1) {
                meta_put = n;
                stream->consumer_put("C", meta_for(n), state_for(n, n));
            } else if (!stream->consumer_put_state("C", state_for(n, meta_put))) {
                ::_exit(4);
            }
            stream->sync([ack_fd, n](nmk_store_status status, std::string_view) {
                if (status == NMK_STORE_OK) (void)!::write(ack_fd, &n, sizeof n);
            });
            if (n % 16 == 0) std::this_thread::sleep_for(std::chrono::microseconds(300));
        }
    } catch (...) {
        ::_exit(3);
    }
}

TEST(ConsumerCrashTest, KillNineNeverLosesOrMixesAnAcknowledgedPut) {
    TempDir dir;
    std::uint64_t next = 1;
    std::uint64_t meta_put = 0;
    std::uint64_t acknowledged = 0;
    for (int round = 0; round < 6; ++round) {
        int pipe_fds[2];
        ASSERT_EQ(::pipe(pipe_fds), 0);
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            ::close(pipe_fds[0]);
            run_child(dir.path(), next, meta_put, pipe_fds[1]);
        }
        ::close(pipe_fds[1]);
        // The kill comes only after the first acknowledgement (bounded: 10 s), so a loaded
        // machine that is slow to start the child still tests something.
        std::uint64_t n = 0;
        std::uint64_t acked_this_round = 0;
        pollfd first{pipe_fds[0], POLLIN, 0};
        if (::poll(&first, 1, 10'000) == 1 && ::read(pipe_fds[0], &n, sizeof n) == static_cast<ssize_t>(sizeof n)) {
            acknowledged = std::max(acknowledged, n);
            ++acked_this_round;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(150 + 70 * round));
        ::kill(child, SIGKILL);
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFSIGNALED(status)) << "the child stopped by itself: " << status;
        while (::read(pipe_fds[0], &n, sizeof n) == static_cast<ssize_t>(sizeof n)) {
            acknowledged = std::max(acknowledged, n);
            ++acked_this_round;
        }
        ::close(pipe_fds[0]);
        EXPECT_GT(acked_this_round, 0u) << "round " << round;

        LogLines log;
        auto store = open_store(dir.path(), "{}", log.sink());
        auto stream = store->open_stream("A", "CRASH");
        int records = 0;
        std::string meta;
        std::string state;
        stream->consumer_list([&](const sdk::ConsumerRecordView& r) {
            ++records;
            meta = r.meta;
            state = r.state;
        });
        ASSERT_EQ(records, 1) << "round " << round;
        const std::uint64_t put = std::stoull(state);
        const std::uint64_t k = std::stoull(state.substr(state.find(' ') + 1));
        EXPECT_GE(put, acknowledged) << "an acknowledged put is missing, round " << round;
        EXPECT_EQ(meta, meta_for(k)) << "meta and state of different puts, round " << round;
        EXPECT_EQ(state, state_for(put, k));
        EXPECT_FALSE(log.contains("left out"));
        next = put + 1;
        meta_put = k;
    }
}

}  // namespace
}  // namespace store_file::testing
