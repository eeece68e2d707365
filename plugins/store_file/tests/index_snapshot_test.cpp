// The index snapshot written at a clean close: used instead of scanning, equal to what a
// scan rebuilds, refused when the blocks changed under it.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "test_support.hpp"

namespace store_file::testing {
namespace {

struct Snapshot {
    sdk::StreamState state{};
    std::map<std::string, std::tuple<std::uint64_t, std::uint64_t, std::uint64_t>> subjects;
    std::map<std::uint64_t, std::string> messages;

    static Snapshot of(sdk::Stream& stream) {
        Snapshot s;
        s.state = stream.state();
        stream.subjects_state("", [&](std::string_view subject, const sdk::SubjectState& st) {
            s.subjects[std::string(subject)] = {st.messages, st.first_sequence, st.last_sequence};
        });
        for (std::uint64_t q = 0; q <= s.state.last_sequence + 1; ++q) {
            if (const auto m = load(stream, q)) s.messages[q] = m->subject + "|" + m->payload;
        }
        return s;
    }
    void expect_equal(const Snapshot& other) const {
        EXPECT_EQ(state.messages, other.state.messages);
        EXPECT_EQ(state.bytes, other.state.bytes);
        EXPECT_EQ(state.first_sequence, other.state.first_sequence);
        EXPECT_EQ(state.last_sequence, other.state.last_sequence);
        EXPECT_EQ(state.first_time_ns, other.state.first_time_ns);
        EXPECT_EQ(state.last_time_ns, other.state.last_time_ns);
        EXPECT_EQ(state.deleted, other.state.deleted);
        EXPECT_EQ(state.subjects, other.state.subjects);
        EXPECT_EQ(subjects, other.subjects);
        EXPECT_EQ(messages, other.messages);
    }
};

class IndexSnapshotTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto store = open_store(dir_.path(), R"({"block_size":4096})");
        auto stream = store->open_stream("A", "S");
        const std::string payload(300, 'q');
        for (std::uint64_t s = 1; s <= 200; ++s) {
            stream->append(s, static_cast<std::int64_t>(s), "sub." + std::to_string(s % 7), "", payload + std::to_string(s));
        }
        stream->remove(1);
        stream->remove(100);
        stream->purge("sub.3", 0, 2);
        stream->compact(20);
        stream->truncate(190);
    }

    std::string snapshot_path() const { return stream_dir(dir_.path(), "A", "S") + "/msgs/index.snap"; }

    Snapshot open_and_read(std::uint64_t* preads = nullptr) {
        auto io = std::make_shared<FaultyIo>();
        auto store = open_store(dir_.path(), R"({"block_size":4096})", {}, io);
        auto stream = store->open_stream("A", "S");
        if (preads) *preads = io->preads;
        return Snapshot::of(*stream);
    }

    TempDir dir_;
};

TEST_F(IndexSnapshotTest, CleanCloseWritesOneAndOpenUsesItInsteadOfScanning) {
    ASSERT_TRUE(std::filesystem::exists(snapshot_path()));
    std::uint64_t with_snapshot = 0;
    const Snapshot fast = open_and_read(&with_snapshot);
    std::filesystem::remove(snapshot_path());  // as after a crash
    std::uint64_t scanning = 0;
    const Snapshot scanned = open_and_read(&scanning);
    fast.expect_equal(scanned);
    // 200 appended; 2 removed, 27 purged, 15 compacted away, 10 truncated.
    EXPECT_EQ(fast.state.messages, 146u);
    EXPECT_LE(with_snapshot, 2u);  // only the active block is read
    EXPECT_GT(scanning, 10u);
}

TEST_F(IndexSnapshotTest, WritesAfterAnOldSnapshotAreReplayed) {
    const std::string kept = dir_.path() + "/kept.snap";
    std::filesystem::copy_file(snapshot_path(), kept);
    {
        auto store = open_store(dir_.path(), R"({"block_size":4096})");
        auto stream = store->open_stream("A", "S");
        for (std::uint64_t s = 191; s <= 230; ++s) stream->append(s, 1, "late", "", std::string(500, 'l'));
        stream->remove(150);
    }
    const Snapshot expected = open_and_read();
    // A crash after those writes, with the old snapshot back (its removal was not durable).
    std::filesystem::remove(snapshot_path());
    std::filesystem::copy_file(kept, snapshot_path());
    const Snapshot recovered = open_and_read();
    recovered.expect_equal(expected);
    EXPECT_EQ(recovered.state.last_sequence, 230u);
}

TEST_F(IndexSnapshotTest, RefusedWhenBlocksItDescribesAreGone) {
    const std::string kept = dir_.path() + "/kept.snap";
    std::filesystem::copy_file(snapshot_path(), kept);
    {
        auto store = open_store(dir_.path(), R"({"block_size":4096})");
        auto stream = store->open_stream("A", "S");
        stream->compact(150);  // deletes front blocks
    }
    const Snapshot expected = open_and_read();
    std::filesystem::remove(snapshot_path());
    std::filesystem::copy_file(kept, snapshot_path());
    const Snapshot recovered = open_and_read();
    recovered.expect_equal(expected);
    EXPECT_EQ(recovered.state.first_sequence, 151u);  // 150 was purged: the next live one
}

TEST_F(IndexSnapshotTest, DamagedSnapshotIsIgnored) {
    std::filesystem::remove(snapshot_path());
    const Snapshot expected = open_and_read();  // writes a fresh one when it closes
    std::string bytes;
    {
        std::ifstream in(snapshot_path(), std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    bytes[bytes.size() / 2] ^= 0x04;
    {
        std::ofstream out(snapshot_path(), std::ios::binary | std::ios::trunc);
        out << bytes;
    }
    open_and_read().expect_equal(expected);
}

TEST_F(IndexSnapshotTest, DamageAtRestIsCaughtOnReadAfterASnapshotOpen) {
    // With a snapshot the blocks are not scanned at open; every read still checks its record.
    const std::string block = block_path(dir_.path(), "A", "S", 3);
    std::string bytes;
    {
        std::ifstream in(block, std::ios::binary);
        bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    // Block 3 holds sequences 23 to 33 (head 44 bytes, records 344): this is in 25's payload.
    bytes[44 + 2 * 344 + 100] ^= 0x01;
    {
        std::ofstream out(block, std::ios::binary | std::ios::trunc);
        out << bytes;
    }
    auto store = open_store(dir_.path());
    auto stream = store->open_stream("A", "S");
    const auto before = stream->state();
    std::uint64_t corrupt_loads = 0;
    for (std::uint64_t q = before.first_sequence; q <= before.last_sequence; ++q) {
        sdk::LoadResult result{};
        const auto m = load(*stream, q, &result);
        if (result == sdk::LoadResult::corrupt) ++corrupt_loads;
        if (m) {
            EXPECT_EQ(m->payload.substr(0, 300), std::string(300, 'q'));
        }
    }
    EXPECT_EQ(corrupt_loads, 1u);
    EXPECT_EQ(stream->state().corrupt, 1u);
    EXPECT_EQ(stream->state().messages, before.messages - 1);
}

// After a snapshot the rest of the last block is checked a window at a time for anything
// but zeros. Bytes far past the snapshot's end (a torn write of a later session whose
// snapshot removal was not durable) are still found, dropped as a torn write and zeroed.
TEST(IndexSnapshotTail, BytesFarPastTheSnapshotEndAreATornWrite) {
    TempDir dir;
    const std::string options = R"({"block_size":1048576})";
    {
        auto store = open_store(dir.path(), options);
        auto stream = store->open_stream("A", "S");
        for (std::uint64_t s = 1; s <= 10; ++s) stream->append(s, 1, "tail", "", std::string(100, 't'));
    }
    {
        std::fstream block(block_path(dir.path(), "A", "S", 1), std::ios::binary | std::ios::in | std::ios::out);
        block.seekp(700 * 1024);  // past the first windows of the check
        block.write("junk", 4);
    }
    LogLines logs;
    {
        auto io = std::make_shared<FaultyIo>();
        auto store = open_store(dir.path(), options, logs.sink(), io);
        auto stream = store->open_stream("A", "S");
        EXPECT_TRUE(logs.contains("torn write")) << (logs.lines.empty() ? "no log" : logs.lines.front());
        const auto state = stream->state();
        EXPECT_EQ(state.messages, 10u);
        EXPECT_EQ(state.corrupt, 0u);
        stream->append(11, 1, "tail", "", "after");
    }
    LogLines again;
    auto io = std::make_shared<FaultyIo>();
    auto store = open_store(dir.path(), options, again.sink(), io);
    auto stream = store->open_stream("A", "S");
    EXPECT_TRUE(again.lines.empty()) << again.lines.front();  // zeroed the first time
    EXPECT_EQ(stream->state().messages, 11u);
    EXPECT_EQ(load(*stream, 11)->payload, "after");
    EXPECT_LE(io->preads, 6u);  // the rest of the block in 256 KiB windows, not scanned record by record
}

}  // namespace
}  // namespace store_file::testing
