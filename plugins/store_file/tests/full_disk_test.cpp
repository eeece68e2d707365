// A full disk: appends fail with NMK_STORE_NO_SPACE, leave nothing half-written, and
// work again once there is room. Injected (FaultyIo) and real (RLIMIT_FSIZE in a child).

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "test_support.hpp"

namespace store_file::testing {
namespace {

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
    auto store = open_store(dir.path(), "{}", {}, io);
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
        auto store = open_store(dir.path(), "{}", {}, io);
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
    auto store = open_store(root, R"({"block_size":65536})");
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

}  // namespace
}  // namespace store_file::testing
