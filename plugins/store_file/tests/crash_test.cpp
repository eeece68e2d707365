// kill -9 while appending with group commit: every sequence whose sync was acknowledged
// is there after the restart, with its bytes, and nothing is corrupt. (The page cache
// survives a killed process, so this checks the store's own consistency at any instant:
// in the middle of a write, a block roll, a snapshot; power cuts are another test.)

#include <poll.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <set>
#include <thread>

#include "test_support.hpp"

namespace store_file::testing {
namespace {

std::string payload_for(std::uint64_t seq) { return "crash-" + std::to_string(seq) + std::string(seq % 300, 'c'); }

// The child: appends from `first` on, one sync per `appends_per_sync` appends (as
// JetStream syncs once per read of publishes: the appends in between wait in the write
// buffer), and writes each acknowledged sequence to `ack_fd` (8 bytes) from the done.
// Runs until killed.
[[noreturn]] void run_child(const std::string& root, std::uint64_t first, int ack_fd, std::uint64_t appends_per_sync) {
    try {
        auto store = open_store(root, R"({"block_size":8192})");
        auto stream = store->open_stream("A", "CRASH");
        for (std::uint64_t seq = first;; ++seq) {
            stream->append(seq, static_cast<std::int64_t>(seq), "crash." + std::to_string(seq % 5), "",
                           payload_for(seq));
            if (seq % appends_per_sync != 0) continue;
            stream->sync([ack_fd, seq](nmk_store_status status, std::string_view) {
                if (status == NMK_STORE_OK) (void)!::write(ack_fd, &seq, sizeof seq);
            });
            if (seq % 64 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
    } catch (...) {
        ::_exit(3);
    }
}

void kill_nine_rounds(std::uint64_t appends_per_sync) {
    TempDir dir;
    std::uint64_t next = 1;
    std::set<std::uint64_t> acknowledged;
    for (int round = 0; round < 6; ++round) {
        int pipe_fds[2];
        ASSERT_EQ(::pipe(pipe_fds), 0);
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            ::close(pipe_fds[0]);
            run_child(dir.path(), next, pipe_fds[1], appends_per_sync);
        }
        ::close(pipe_fds[1]);
        // Kill only once the child has had an append acknowledged (a loaded machine can
        // take a while to get there), then after a while longer: mid-write, probably.
        std::uint64_t seq = 0;
        std::uint64_t acked_this_round = 0;
        pollfd first_ack{pipe_fds[0], POLLIN, 0};
        if (::poll(&first_ack, 1, 20'000) == 1 && ::read(pipe_fds[0], &seq, sizeof seq) == static_cast<ssize_t>(sizeof seq)) {
            acknowledged.insert(seq);
            ++acked_this_round;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(150 + 70 * round));
        ::kill(child, SIGKILL);
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFSIGNALED(status)) << "the child stopped by itself: " << status;
        while (::read(pipe_fds[0], &seq, sizeof seq) == static_cast<ssize_t>(sizeof seq)) {
            acknowledged.insert(seq);
            ++acked_this_round;
        }
        ::close(pipe_fds[0]);
        EXPECT_GT(acked_this_round, 0u) << "round " << round;

        auto store = open_store(dir.path(), R"({"block_size":8192})");
        auto stream = store->open_stream("A", "CRASH");
        const auto state = stream->state();
        EXPECT_EQ(state.corrupt, 0u);
        EXPECT_EQ(state.first_sequence, 1u);
        EXPECT_EQ(state.deleted, 0u) << "no gaps in the sequences";
        EXPECT_EQ(state.messages, state.last_sequence);
        ASSERT_FALSE(acknowledged.empty());
        ASSERT_GE(state.last_sequence, *acknowledged.rbegin()) << "an acknowledged append is missing";
        for (std::uint64_t s = 1; s <= state.last_sequence; ++s) {
            const auto m = load(*stream, s);
            ASSERT_TRUE(m) << s;
            ASSERT_EQ(m->payload, payload_for(s)) << s;
        }
        next = state.last_sequence + 1;
    }
}

TEST(CrashTest, KillNineNeverLosesAnAcknowledgedAppend) { kill_nine_rounds(1); }

// 37 appends per sync: most kills find appends in the write buffer (lost, never
// acknowledged) or a batch half written (a torn tail, dropped).
TEST(CrashTest, KillNineWithBatchedAppendsNeverLosesAnAcknowledgedOne) { kill_nine_rounds(37); }

}  // namespace
}  // namespace store_file::testing
