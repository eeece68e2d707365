// A full disk: appends fail with NMK_STORE_NO_SPACE, leave nothing half-written, and
// work again once there is room. Injected (FaultyIo) and real (RLIMIT_FSIZE in a child).
// Appends written at once ("always", a new block, a filesystem without fallocate) fail one
// by one; appends batched in the write buffer (batch and lazy modes) fail at the write
// that flushes them, which fails their sync and the store, never reporting them durable.

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "test_support.hpp"

namespace store_file::testing {
namespace {

// Each append written at once (its own pwrite), so a failed write refuses that append.
constexpr const char* write_through = R"({"sync":"always"})";

nmk_store_status append_status(sdk::Stream& stream, std::uint64_t seq, std::string_view payload = "payload") {
    try {
        stream.append(seq, static_cast<std::int64_t>(seq), "disk.full", "", payload);
        return NMK_STORE_OK;
    } catch (const sdk::StoreError& error) {
        return error.store_status();
    }
}

TEST(FullDiskTest, WriteRefusedWithNoSpaceThenWorksAgain) {
    TempDir dir;
    auto io = std::make_shared<FaultyIo>();
    auto store = open_store(dir.path(), write_through, {}, io);
    auto stream = store->open_stream("A", "S");
    ASSERT_EQ(append_status(*stream, 1), NMK_STORE_OK);
    const auto before = stream->state();
    for (const int error_number : {ENOSPC, EDQUOT, EFBIG}) {
        io->fail_write_errno = error_number;
        EXPECT_EQ(append_status(*stream, 2), NMK_STORE_NO_SPACE) << error_number;
    }
    io->fail_write_errno = EIO;
    EXPECT_EQ(append_status(*stream, 2), NMK_STORE_IO_ERROR);
    const auto after = stream->state();
    EXPECT_EQ(after.messages, before.messages);
    EXPECT_EQ(after.last_sequence, 1u);
    io->fail_write_errno = 0;
    EXPECT_EQ(append_status(*stream, 2), NMK_STORE_OK);
    EXPECT_EQ(sync_and_wait(*stream), NMK_STORE_OK);
}

TEST(FullDiskTest, PartialWriteLeavesNoHalfRecord) {
    TempDir dir;
    auto io = std::make_shared<FaultyIo>();
    {
        auto store = open_store(dir.path(), write_through, {}, io);
        auto stream = store->open_stream("A", "S");
        ASSERT_EQ(append_status(*stream, 1), NMK_STORE_OK);
        io->write_short_by = 20;  // part of the record lands, then the disk is full
        EXPECT_EQ(append_status(*stream, 2, std::string(300, 'p')), NMK_STORE_NO_SPACE);
        io->fail_write_errno = 0;
        ASSERT_EQ(append_status(*stream, 2, "short"), NMK_STORE_OK);
        EXPECT_EQ(sync_and_wait(*stream), NMK_STORE_OK);
    }
    auto store = open_store(dir.path(), "{}", {}, io);
    auto stream = store->open_stream("A", "S");
    const auto state = stream->state();
    EXPECT_EQ(state.messages, 2u);
    EXPECT_EQ(state.corrupt, 0u);
    EXPECT_EQ(load(*stream, 2)->payload, "short");
}

TEST(FullDiskTest, NoRoomForANewBlock) {
    TempDir dir;
    auto io = std::make_shared<FaultyIo>();
    auto store = open_store(dir.path(), R"({"block_size":4096})", {}, io);
    auto stream = store->open_stream("A", "S");
    const std::string payload(1000, 'x');
    std::uint64_t seq = 1;
    for (; seq <= 3; ++seq) ASSERT_EQ(append_status(*stream, seq, payload), NMK_STORE_OK);
    io->fail_preallocate_errno = ENOSPC;
    EXPECT_EQ(append_status(*stream, seq, payload), NMK_STORE_NO_SPACE);  // block 1 is full
    EXPECT_FALSE(std::filesystem::exists(block_path(dir.path(), "A", "S", 2)));
    io->fail_preallocate_errno = 0;
    EXPECT_EQ(append_status(*stream, seq, payload), NMK_STORE_OK);
    EXPECT_EQ(stream->state().messages, 4u);
}

// The real thing: the kernel refuses writes past RLIMIT_FSIZE with EFBIG (SIGXFSZ
// ignored). Run in a child, whose exit code says which step failed.
int full_disk_child(const std::string& root) {
    ::signal(SIGXFSZ, SIG_IGN);
    auto store = open_store(root, R"({"block_size":65536,"sync":"always"})");
    auto stream = store->open_stream("A", "S");
    const std::string payload(100, 'y');
    std::uint64_t seq = 1;
    for (; seq <= 20; ++seq) {
        if (append_status(*stream, seq, payload) != NMK_STORE_OK) return 10;
    }
    rlimit limit{};
    ::getrlimit(RLIMIT_FSIZE, &limit);
    const rlimit original = limit;
    // Room for a few bytes of the next record only: a short write, then EFBIG.
    limit.rlim_cur = 44 + 20 * (36 + 9 + 100) + 10;
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 11;
    if (append_status(*stream, seq, payload) != NMK_STORE_NO_SPACE) return 12;
    if (append_status(*stream, seq, payload) != NMK_STORE_NO_SPACE) return 13;
    if (stream->state().messages != 20) return 14;
    if (::setrlimit(RLIMIT_FSIZE, &original) != 0) return 15;
    if (append_status(*stream, seq, "after") != NMK_STORE_OK) return 16;
    if (sync_and_wait(*stream) != NMK_STORE_OK) return 17;
    return 0;
}

TEST(FullDiskTest, FileSizeLimitInAChild) {
    TempDir dir;
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) ::_exit(full_disk_child(dir.path()));
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
    auto store = open_store(dir.path());
    auto stream = store->open_stream("A", "S");
    const auto state = stream->state();
    EXPECT_EQ(state.messages, 21u);
    EXPECT_EQ(state.corrupt, 0u);
    EXPECT_EQ(load(*stream, 21)->payload, "after");
    EXPECT_EQ(load(*stream, 20)->payload, std::string(100, 'y'));
}

// Batched appends: the write that flushes them fails. Their sync answers the error, the
// store refuses everything after (as after a failed fsync: those appends are indexed and
// cannot be taken back), what part of the write landed is zeroed, and reopening finds
// exactly what was synced before, nothing corrupt.
TEST(FullDiskTest, BatchedWriteFailureFailsItsSyncAndTheStore) {
    for (const bool partial : {false, true}) {
        SCOPED_TRACE(partial ? "partial write" : "write refused");
        TempDir dir;
        auto io = std::make_shared<FaultyIo>();
        {
            auto store = open_store(dir.path(), "{}", {}, io);
            auto stream = store->open_stream("A", "S");
            ASSERT_EQ(append_status(*stream, 1), NMK_STORE_OK);
            ASSERT_EQ(sync_and_wait(*stream), NMK_STORE_OK);
            ASSERT_EQ(append_status(*stream, 2, std::string(300, 'p')), NMK_STORE_OK);  // buffered
            ASSERT_EQ(append_status(*stream, 3, std::string(300, 'q')), NMK_STORE_OK);
            EXPECT_EQ(load(*stream, 3)->payload, std::string(300, 'q'));  // reads see the buffer
            if (partial) {
                io->write_short_by = 100;  // part of the batch lands, then the disk is full
            } else {
                io->fail_write_errno = ENOSPC;
            }
            EXPECT_EQ(sync_and_wait(*stream), NMK_STORE_NO_SPACE);
            io->fail_write_errno = 0;
            EXPECT_EQ(sync_and_wait(*stream), NMK_STORE_CLOSED);  // never durable, not even later
            EXPECT_EQ(append_status(*stream, 4), NMK_STORE_CLOSED);
            EXPECT_EQ(load(*stream, 1)->payload, "payload");
        }
        LogLines logs;
        auto store = open_store(dir.path(), "{}", logs.sink(), io);
        auto stream = store->open_stream("A", "S");
        const auto state = stream->state();
        EXPECT_EQ(state.corrupt, 0u);
        if (partial) {
            // The disk stayed full, so the landed part could not be zeroed either: a record
            // that landed whole may come back (its publish was answered with the error, as
            // one cut off by a crash may be there or not), the torn rest is dropped.
            EXPECT_LE(state.last_sequence, 2u);
            if (state.last_sequence == 2) {
                EXPECT_EQ(load(*stream, 2)->payload, std::string(300, 'p'));
            }
        } else {
            EXPECT_EQ(state.messages, 1u);
            EXPECT_EQ(state.last_sequence, 1u);
            EXPECT_TRUE(logs.lines.empty()) << logs.lines.front();  // nothing landed: nothing torn
        }
        const std::uint64_t next = state.last_sequence + 1;
        EXPECT_EQ(append_status(*stream, next, "again"), NMK_STORE_OK);
        EXPECT_EQ(sync_and_wait(*stream), NMK_STORE_OK);
        EXPECT_EQ(load(*stream, next)->payload, "again");
    }
}

// A failed flush forced by something other than a sync (here the buffer filling up)
// fails the store the same way: the append that needed room answers the error, the
// earlier batched ones are never reported durable.
TEST(FullDiskTest, BatchedWriteFailureWhenTheBufferFills) {
    TempDir dir;
    auto io = std::make_shared<FaultyIo>();
    auto store = open_store(dir.path(), "{}", {}, io);
    auto stream = store->open_stream("A", "S");
    const std::string payload(1000, 'z');
    ASSERT_EQ(append_status(*stream, 1, payload), NMK_STORE_OK);  // creates the block
    ASSERT_EQ(sync_and_wait(*stream), NMK_STORE_OK);
    std::uint64_t seq = 2;
    io->fail_write_errno = EIO;
    nmk_store_status status = NMK_STORE_OK;
    for (; seq <= 200 && status == NMK_STORE_OK; ++seq) status = append_status(*stream, seq, payload);
    EXPECT_EQ(status, NMK_STORE_IO_ERROR);
    EXPECT_GT(seq, 10u);  // several appends were batched before the buffer had to be written
    io->fail_write_errno = 0;
    EXPECT_EQ(sync_and_wait(*stream), NMK_STORE_CLOSED);
}

// The real thing in batch mode: RLIMIT_FSIZE makes the flush of a batch fail with EFBIG
// in a forked child; the parent then reopens and finds every synced message and nothing
// else, nothing corrupt.
int batched_full_disk_child(const std::string& root) {
    ::signal(SIGXFSZ, SIG_IGN);
    auto store = open_store(root, R"({"block_size":65536})");
    auto stream = store->open_stream("A", "S");
    const std::string payload(100, 'y');
    std::uint64_t seq = 1;
    for (; seq <= 20; ++seq) {
        if (append_status(*stream, seq, payload) != NMK_STORE_OK) return 10;
    }
    if (sync_and_wait(*stream) != NMK_STORE_OK) return 11;
    rlimit limit{};
    ::getrlimit(RLIMIT_FSIZE, &limit);
    limit.rlim_cur = 44 + 20 * (36 + 9 + 100) + 10;
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) return 12;
    for (; seq <= 25; ++seq) {
        if (append_status(*stream, seq, payload) != NMK_STORE_OK) return 13;  // batched
    }
    if (sync_and_wait(*stream) != NMK_STORE_NO_SPACE) return 14;
    if (append_status(*stream, seq, payload) != NMK_STORE_CLOSED) return 15;
    return 0;
}

TEST(FullDiskTest, BatchedFileSizeLimitInAChild) {
    TempDir dir;
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) ::_exit(batched_full_disk_child(dir.path()));
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFEXITED(status));
    ASSERT_EQ(WEXITSTATUS(status), 0);
    auto store = open_store(dir.path());
    auto stream = store->open_stream("A", "S");
    const auto state = stream->state();
    EXPECT_EQ(state.messages, 20u);
    EXPECT_EQ(state.last_sequence, 20u);
    EXPECT_EQ(state.corrupt, 0u);
    EXPECT_EQ(load(*stream, 20)->payload, std::string(100, 'y'));
}

}  // namespace
}  // namespace store_file::testing
