// The per-message index is not resident: a block's cache (where each of its messages is)
// is loaded when the block is used and dropped again. These tests drive reads across more
// blocks than the cache holds, damage a block while its cache is dropped, and reopen after
// a clean close (snapshot: no block read) and after a crash (every block scanned).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "test_support.hpp"

namespace store_file::testing {
namespace {

// Only the cache just loaded is kept besides the active block's.
constexpr const char* small_blocks = R"({"block_size":4096,"cache_bytes":0})";
constexpr std::uint64_t message_count = 240;  // about 12 a block: 20 blocks

std::string payload_of(std::uint64_t s) { return "payload-" + std::to_string(1000000 + s) + std::string(280, 'p'); }
std::string subject_of(std::uint64_t s) { return "lazy." + std::to_string(s % 5); }

// Flips one byte of the payload of message `s` in whichever block file holds it.
void damage_payload(const std::string& msgs_dir, std::uint64_t s) {
    const std::string needle = "payload-" + std::to_string(1000000 + s);
    for (const auto& entry : std::filesystem::directory_iterator(msgs_dir)) {
        if (entry.path().extension() != ".blk") continue;
        std::fstream file(entry.path(), std::ios::in | std::ios::out | std::ios::binary);
        std::string bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
        const auto at = bytes.find(needle);
        if (at == std::string::npos) continue;
        file.seekp(static_cast<std::streamoff>(at + needle.size() + 3));
        file.put('X');
        return;
    }
    FAIL() << "no block holds message " << s;
}

class LazyIndexTest : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = open_store(dir_.path(), small_blocks, logs_.sink());
        stream_ = store_->open_stream("A", "S");
        for (std::uint64_t s = 1; s <= message_count; ++s) {
            stream_->append(s, static_cast<std::int64_t>(s) * 1000, subject_of(s), "", payload_of(s));
        }
    }
    FileStream& file_stream() { return *dynamic_cast<FileStream*>(stream_.get()); }
    std::string msgs_dir() const { return stream_dir(dir_.path(), "A", "S") + "/msgs"; }
    void reopen(std::shared_ptr<FileIo> io = system_file_io()) {
        stream_.reset();
        store_ = open_store(dir_.path(), small_blocks, logs_.sink(), std::move(io));
        stream_ = store_->open_stream("A", "S");
    }

    TempDir dir_;
    LogLines logs_;
    std::unique_ptr<sdk::Store> store_;
    std::unique_ptr<sdk::Stream> stream_;
};

TEST_F(LazyIndexTest, WritingKeepsOnlyTheActiveBlocksCache) {
    ASSERT_GT(file_stream().block_count(), 15u);
    EXPECT_EQ(file_stream().cached_block_count(), 1u);
}

TEST_F(LazyIndexTest, ReadingEveryBlockKeepsFewCachesAndReloadsDroppedOnes) {
    for (int pass = 0; pass < 2; ++pass) {
        for (std::uint64_t s = 1; s <= message_count; ++s) {
            const auto m = load(*stream_, s);
            ASSERT_TRUE(m) << s;
            EXPECT_EQ(m->payload, payload_of(s));
            EXPECT_EQ(m->subject, subject_of(s));
            EXPECT_LE(file_stream().cached_block_count(), 2u);  // the active block's and the one in use
        }
    }
    // Backwards and by subject, each step in a block whose cache was dropped before.
    for (std::uint64_t s = message_count; s >= 7; s -= 7) ASSERT_EQ(load(*stream_, s)->payload, payload_of(s)) << s;
    std::uint64_t seen = 0;
    std::uint64_t from = 1;
    while (const auto m = load_next(*stream_, from, "lazy.3")) {
        EXPECT_EQ(m->sequence % 5, 3u);
        from = m->sequence + 1;
        ASSERT_LE(++seen, message_count);
    }
    EXPECT_EQ(seen, message_count / 5);
    EXPECT_EQ(load_last(*stream_, "lazy.1")->sequence, 236u);
    EXPECT_LE(file_stream().cached_block_count(), 2u);
    EXPECT_EQ(stream_->state().corrupt, 0u);
}

TEST(LazyIndexOptions, CacheBytesIsAByteCount) {
    TempDir dir;
    EXPECT_NO_THROW(open_store(dir.path(), R"({"cache_bytes":1048576})"));
    EXPECT_THROW(open_store(dir.path(), R"({"cache_bytes":-1})"), sdk::StoreError);
    EXPECT_THROW(open_store(dir.path(), R"({"cache_bytes":"4MB"})"), sdk::StoreError);
}

TEST(LazyIndexOptions, ABudgetKeepsSeveralFullBlocksCached) {
    TempDir dir;
    auto store = open_store(dir.path(), R"({"block_size":4096})");  // the default budget: all of them
    auto stream = store->open_stream("A", "S");
    for (std::uint64_t s = 1; s <= message_count; ++s) stream->append(s, 1, subject_of(s), "", payload_of(s));
    for (std::uint64_t s = 1; s <= message_count; ++s) ASSERT_TRUE(load(*stream, s));
    auto& file_stream = dynamic_cast<FileStream&>(*stream);
    EXPECT_EQ(file_stream.cached_block_count(), file_stream.block_count());
}

TEST_F(LazyIndexTest, RemovalsInDroppedBlocksKeepEveryCountRight) {
    // Each removal needs the message's subject and size: its block is loaded again.
    for (std::uint64_t s = 3; s <= message_count; s += 10) ASSERT_TRUE(stream_->remove(s));
    const std::uint64_t removed = (message_count - 3) / 10 + 1;
    const auto state = stream_->state();
    EXPECT_EQ(state.messages, message_count - removed);
    std::uint64_t subject_total = 0;
    stream_->subjects_state("", [&](std::string_view, const sdk::SubjectState& st) { subject_total += st.messages; });
    EXPECT_EQ(subject_total, state.messages);
    // lazy.3 lost its first message (3): the bound is found again in a dropped block.
    const auto three = stream_->subject_state("lazy.3");
    ASSERT_TRUE(three);
    EXPECT_EQ(three->first_sequence, 8u);
    EXPECT_EQ(three->last_sequence, 238u);
    EXPECT_EQ(stream_->purge("lazy.4", 0, 0), message_count / 5);
    std::uint64_t below = 0;
    for (std::uint64_t q = 1; q < 100; ++q) below += load(*stream_, q) ? 1 : 0;
    EXPECT_EQ(stream_->compact(100), below);
    EXPECT_EQ(stream_->sequence_for_time(150 * 1000), 150u);
    EXPECT_EQ(stream_->sequence_for_time(153 * 1000), 155u);  // 153 removed, 154 purged
    const auto kept = stream_->state();
    reopen();  // the snapshot says the same as the blocks
    EXPECT_EQ(stream_->state().messages, kept.messages);
    EXPECT_EQ(stream_->state().bytes, kept.bytes);
    EXPECT_EQ(stream_->state().first_sequence, 100u);
    EXPECT_EQ(stream_->subject_state("lazy.3")->first_sequence, 108u);
    EXPECT_EQ(stream_->sequence_for_time(153 * 1000), 155u);
}

TEST_F(LazyIndexTest, DamageInABlockWhoseCacheWasDroppedIsFoundWhenItIsLoadedAgain) {
    ASSERT_EQ(load(*stream_, 20)->payload, payload_of(20));  // loads block 2's cache
    for (std::uint64_t s = 100; s <= 200; s += 12) load(*stream_, s);  // and drops it
    ASSERT_LE(file_stream().cached_block_count(), 2u);
    const auto before = stream_->state();
    const auto subject_before = stream_->subject_state(subject_of(21));
    damage_payload(msgs_dir(), 21);
    // Loading a neighbour reloads the block: 21 no longer checks out and is counted then
    // (20 or 22 shares its block).
    ASSERT_EQ(load(*stream_, 20)->payload, payload_of(20));
    ASSERT_EQ(load(*stream_, 22)->payload, payload_of(22));
    const auto after = stream_->state();
    EXPECT_EQ(after.corrupt, 1u);
    EXPECT_EQ(after.messages, before.messages - 1);
    EXPECT_EQ(after.bytes, before.bytes - accounted_size(subject_of(21).size(), 0, payload_of(21).size()));
    EXPECT_EQ(stream_->subject_state(subject_of(21))->messages, subject_before->messages - 1);
    sdk::LoadResult result{};
    EXPECT_FALSE(load(*stream_, 21, &result));
    EXPECT_EQ(result, sdk::LoadResult::corrupt);
    EXPECT_EQ(load_next(*stream_, 21, "")->sequence, 22u);
    EXPECT_TRUE(logs_.contains("record of sequence 21"));
    EXPECT_EQ(stream_->state().corrupt, 1u);  // counted once
}

TEST_F(LazyIndexTest, OpeningAfterACleanCloseReadsNoBlock) {
    const auto expected = stream_->state();
    stream_.reset();
    ASSERT_TRUE(std::filesystem::exists(msgs_dir() + "/index.snap"));
    auto io = std::make_shared<FaultyIo>();
    reopen(io);
    const std::uint64_t preads_to_open = io->preads;  // the snapshot and meta files
    const auto state = stream_->state();
    EXPECT_TRUE(stream_->subject_state("lazy.2"));
    EXPECT_EQ(io->preads, preads_to_open);  // counts, bounds, first time: all from the snapshot
    EXPECT_LE(preads_to_open, 2u);
    EXPECT_EQ(state.messages, expected.messages);
    EXPECT_EQ(state.bytes, expected.bytes);
    EXPECT_EQ(state.first_time_ns, expected.first_time_ns);
    EXPECT_EQ(file_stream().cached_block_count(), 0u);
    stream_->append(message_count + 1, 1, "lazy.new", "", "after");  // loads the active block first
    EXPECT_EQ(load(*stream_, message_count + 1)->payload, "after");
    EXPECT_EQ(load(*stream_, message_count)->payload, payload_of(message_count));
    EXPECT_EQ(load(*stream_, 1)->payload, payload_of(1));
}

TEST_F(LazyIndexTest, OpeningAfterACrashScansAndDropsTheCachesItBuilt) {
    for (std::uint64_t s = 5; s <= message_count; s += 9) stream_->remove(s);
    // A crash: the files as they are while the stream is open (no snapshot).
    const std::string copy = dir_.path() + "/crashed";
    std::filesystem::create_directories(copy);
    std::filesystem::copy(dir_.path() + "/A", copy + "/A", std::filesystem::copy_options::recursive);
    const auto expected = stream_->state();
    auto crashed_store = open_store(copy, small_blocks);
    auto crashed = crashed_store->open_stream("A", "S");
    EXPECT_EQ(dynamic_cast<FileStream&>(*crashed).cached_block_count(), 1u);  // the active block's
    const auto state = crashed->state();
    EXPECT_EQ(state.messages, expected.messages);
    EXPECT_EQ(state.bytes, expected.bytes);
    EXPECT_EQ(state.first_sequence, expected.first_sequence);
    EXPECT_EQ(state.subjects, expected.subjects);
    for (std::uint64_t s = 1; s <= message_count; ++s) {
        const auto m = load(*crashed, s);
        EXPECT_EQ(m.has_value(), (s < 5 || (s - 5) % 9 != 0)) << s;
    }
}

}  // namespace
}  // namespace store_file::testing
