// Every stream operation, checked before and after a reopen (the state must come back
// from the block files alone).

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "record_format.hpp"
#include "test_support.hpp"

namespace store_file::testing {
namespace {

class FileStreamTest : public ::testing::Test {
protected:
    void SetUp() override { open(); }

    void open(const std::string& options = R"({"block_size": 4096})") {
        stream_.reset();
        store_.reset();
        store_ = open_store(dir_.path(), options, log_.sink());
        stream_ = store_->open_stream("ACC", "S");
    }
    void reopen() { open(); }

    void append(std::uint64_t seq, std::string_view subject, std::string_view payload = "data",
                std::string_view headers = "") {
        stream_->append(seq, static_cast<std::int64_t>(seq) * 1000, subject, headers, payload);
    }

    TempDir dir_;
    LogLines log_;
    std::unique_ptr<sdk::Store> store_;
    std::unique_ptr<sdk::Stream> stream_;
};

TEST_F(FileStreamTest, FreshStreamIsAtZeroAndAPurgeMovesItToOne) {
    const auto state = stream_->state();
    EXPECT_EQ(state.messages, 0u);
    EXPECT_EQ(state.first_sequence, 0u);  // nats-server: 0 and 0 for a stream never written
    EXPECT_EQ(state.last_sequence, 0u);
    EXPECT_EQ(state.first_time_ns, 0);
    reopen();
    EXPECT_EQ(stream_->state().first_sequence, 0u);
    EXPECT_EQ(stream_->purge("", 0, 0), 0u);
    EXPECT_EQ(stream_->state().first_sequence, 1u);
    reopen();
    EXPECT_EQ(stream_->state().first_sequence, 1u);
    sdk::LoadResult result{};
    EXPECT_FALSE(load(*stream_, 1, &result));
    EXPECT_EQ(result, sdk::LoadResult::not_found);
    EXPECT_FALSE(load_last(*stream_, ""));
    EXPECT_EQ(stream_->sequence_for_time(5), 1u);
}

TEST_F(FileStreamTest, AppendAndLoadWithByteAccounting) {
    append(1, "a.b", "hello");
    append(2, "a.c", "world", "NATS/1.0\r\nK: v\r\n\r\n");
    for (int round = 0; round < 2; ++round) {
        const auto m = load(*stream_, 2);
        ASSERT_TRUE(m);
        EXPECT_EQ(m->subject, "a.c");
        EXPECT_EQ(m->payload, "world");
        EXPECT_EQ(m->headers, "NATS/1.0\r\nK: v\r\n\r\n");
        EXPECT_EQ(m->time_ns, 2000);
        const auto state = stream_->state();
        EXPECT_EQ(state.messages, 2u);
        EXPECT_EQ(state.bytes, accounted_size(3, 0, 5) + accounted_size(3, 18, 5));
        EXPECT_EQ(state.first_sequence, 1u);
        EXPECT_EQ(state.last_sequence, 2u);
        EXPECT_EQ(state.first_time_ns, 1000);
        EXPECT_EQ(state.last_time_ns, 2000);
        EXPECT_EQ(state.subjects, 2u);
        EXPECT_EQ(state.deleted, 0u);
        reopen();
    }
}

TEST_F(FileStreamTest, RefusesASequenceNotAboveTheLast) {
    append(5, "a");
    try {
        append(5, "a");
        FAIL() << "no error";
    } catch (const sdk::StoreError& error) {
        EXPECT_EQ(error.store_status(), NMK_STORE_INVALID_ARGUMENT);
    }
    EXPECT_THROW(append(3, "a"), sdk::StoreError);
    EXPECT_THROW(append(6, ""), sdk::StoreError);  // an empty subject
    EXPECT_EQ(stream_->state().messages, 1u);
}

TEST_F(FileStreamTest, GapsAreDeletedSequences) {
    append(1, "a");
    append(5, "a");
    for (int round = 0; round < 2; ++round) {
        const auto state = stream_->state();
        EXPECT_EQ(state.deleted, 3u);
        EXPECT_EQ(state.last_sequence, 5u);
        EXPECT_FALSE(load(*stream_, 3));
        ASSERT_TRUE(load_next(*stream_, 2, ""));
        EXPECT_EQ(load_next(*stream_, 2, "")->sequence, 5u);
        reopen();
    }
}

TEST_F(FileStreamTest, FirstAppendMayStartAnywhere) {
    append(1000, "a");
    EXPECT_EQ(stream_->state().first_sequence, 1000u);
    reopen();
    EXPECT_EQ(stream_->state().first_sequence, 1000u);
    EXPECT_EQ(stream_->state().deleted, 0u);
}

TEST_F(FileStreamTest, LoadNextAndLastByFilter) {
    append(1, "orders.new");
    append(2, "orders.paid");
    append(3, "users.new");
    append(4, "orders.new");
    for (int round = 0; round < 2; ++round) {
        EXPECT_EQ(load_next(*stream_, 0, "")->sequence, 1u);
        EXPECT_EQ(load_next(*stream_, 2, "orders.new")->sequence, 4u);
        EXPECT_EQ(load_next(*stream_, 1, "*.new")->sequence, 1u);
        EXPECT_EQ(load_next(*stream_, 2, "*.new")->sequence, 3u);
        EXPECT_EQ(load_next(*stream_, 1, "orders.>")->sequence, 1u);
        EXPECT_EQ(load_next(*stream_, 3, ">")->sequence, 3u);
        EXPECT_FALSE(load_next(*stream_, 5, ""));
        EXPECT_FALSE(load_next(*stream_, 1, "nothing.here"));
        EXPECT_FALSE(load_next(*stream_, 1, "x.*"));
        EXPECT_EQ(load_last(*stream_, "")->sequence, 4u);
        EXPECT_EQ(load_last(*stream_, "orders.paid")->sequence, 2u);
        EXPECT_EQ(load_last(*stream_, "users.*")->sequence, 3u);
        EXPECT_FALSE(load_last(*stream_, "nope"));
        reopen();
    }
}

TEST_F(FileStreamTest, RemoveMovesFirstAndSurvivesReopen) {
    for (std::uint64_t s = 1; s <= 5; ++s) append(s, s % 2 ? "odd" : "even");
    EXPECT_TRUE(stream_->remove(1));
    EXPECT_TRUE(stream_->remove(3));
    EXPECT_FALSE(stream_->remove(3));
    EXPECT_FALSE(stream_->remove(99));
    for (int round = 0; round < 2; ++round) {
        const auto state = stream_->state();
        EXPECT_EQ(state.messages, 3u);
        EXPECT_EQ(state.first_sequence, 2u);
        EXPECT_EQ(state.first_time_ns, 2000);
        EXPECT_EQ(state.deleted, 1u);
        EXPECT_FALSE(load(*stream_, 3));
        const auto odd = stream_->subject_state("odd");
        ASSERT_TRUE(odd);
        EXPECT_EQ(odd->messages, 1u);
        EXPECT_EQ(odd->first_sequence, 5u);
        EXPECT_EQ(odd->last_sequence, 5u);
        reopen();
    }
}

TEST_F(FileStreamTest, RemovingEverythingKeepsTheNextSequence) {
    append(1, "a");
    append(2, "a");
    stream_->remove(2);
    stream_->remove(1);
    for (int round = 0; round < 2; ++round) {
        const auto state = stream_->state();
        EXPECT_EQ(state.messages, 0u);
        EXPECT_EQ(state.first_sequence, 3u);
        EXPECT_EQ(state.last_sequence, 2u);
        EXPECT_EQ(state.last_time_ns, 2000);  // kept, as nats-server keeps LastTime
        EXPECT_FALSE(stream_->subject_state("a"));
        reopen();
    }
    append(3, "b");
    EXPECT_EQ(stream_->state().first_sequence, 3u);
}

TEST_F(FileStreamTest, PurgeAllKeepsTheNextSequence) {
    for (std::uint64_t s = 1; s <= 10; ++s) append(s, "a");
    EXPECT_EQ(stream_->purge("", 0, 0), 10u);
    for (int round = 0; round < 2; ++round) {
        const auto state = stream_->state();
        EXPECT_EQ(state.messages, 0u);
        EXPECT_EQ(state.bytes, 0u);
        EXPECT_EQ(state.first_sequence, 11u);
        EXPECT_EQ(state.last_sequence, 10u);
        EXPECT_EQ(state.subjects, 0u);
        reopen();
    }
    append(11, "a");
    EXPECT_EQ(stream_->state().first_sequence, 11u);
}

TEST_F(FileStreamTest, PurgeBySubjectWithKeepAndBelow) {
    for (std::uint64_t s = 1; s <= 10; ++s) append(s, s % 2 ? "odd" : "even");
    EXPECT_EQ(stream_->purge("odd", 0, 2), 3u);  // keeps 7 and 9
    EXPECT_EQ(stream_->purge("even", 7, 0), 3u); // 2, 4, 6
    for (int round = 0; round < 2; ++round) {
        EXPECT_EQ(stream_->state().messages, 4u);
        EXPECT_EQ(stream_->state().first_sequence, 7u);
        EXPECT_EQ(stream_->subject_state("odd")->first_sequence, 7u);
        EXPECT_EQ(stream_->subject_state("even")->messages, 2u);
        reopen();
    }
    EXPECT_EQ(stream_->purge("*", 0, 0), 4u);
    EXPECT_EQ(stream_->state().first_sequence, 11u);
    EXPECT_EQ(stream_->purge("odd", 0, 5), 0u);
}

TEST_F(FileStreamTest, PurgeRefusesSequenceWithKeep) {
    append(1, "a");
    try {
        stream_->purge("a", 5, 1);
        FAIL() << "no error";
    } catch (const sdk::StoreError& error) {
        EXPECT_EQ(error.store_status(), NMK_STORE_INVALID_ARGUMENT);
        EXPECT_STREQ(error.what(), "sequence > 1 && keep > 0 not allowed");
    }
}

TEST_F(FileStreamTest, PurgeAllWithKeepCompactsLikeNatsServer) {
    for (std::uint64_t s = 1; s <= 10; ++s) append(s, "a");
    EXPECT_EQ(stream_->purge("", 0, 3), 7u);
    EXPECT_EQ(stream_->state().first_sequence, 8u);
    EXPECT_EQ(stream_->purge(">", 0, 5), 0u);
    EXPECT_EQ(stream_->purge("", 9, 0), 1u);  // below 9: compact(9)
    reopen();
    EXPECT_EQ(stream_->state().first_sequence, 9u);
    EXPECT_EQ(stream_->state().messages, 2u);
}

TEST_F(FileStreamTest, CompactInsideAndBeyond) {
    for (std::uint64_t s = 1; s <= 10; ++s) append(s, "a");
    EXPECT_EQ(stream_->compact(4), 3u);
    reopen();
    EXPECT_EQ(stream_->state().first_sequence, 4u);
    EXPECT_EQ(stream_->state().messages, 7u);
    EXPECT_EQ(stream_->compact(100), 7u);
    for (int round = 0; round < 2; ++round) {
        const auto state = stream_->state();
        EXPECT_EQ(state.messages, 0u);
        EXPECT_EQ(state.first_sequence, 100u);
        EXPECT_EQ(state.last_sequence, 99u);
        reopen();
    }
    append(100, "a");
    EXPECT_EQ(stream_->state().messages, 1u);
}

TEST_F(FileStreamTest, TruncateDropsTheTail) {
    for (std::uint64_t s = 1; s <= 10; ++s) append(s, s <= 5 ? "low" : "high");
    stream_->truncate(5);
    for (int round = 0; round < 2; ++round) {
        const auto state = stream_->state();
        EXPECT_EQ(state.messages, 5u);
        EXPECT_EQ(state.last_sequence, 5u);
        EXPECT_EQ(state.last_time_ns, 5000);
        EXPECT_FALSE(stream_->subject_state("high"));
        EXPECT_FALSE(load(*stream_, 6));
        reopen();
    }
    append(6, "new");  // sequences above the cut are free again
    reopen();
    EXPECT_EQ(load(*stream_, 6)->subject, "new");
    EXPECT_EQ(stream_->state().messages, 6u);
}

TEST_F(FileStreamTest, TruncateBelowFirstThenReuseTheSequence) {
    append(5, "a");
    append(6, "a");
    EXPECT_EQ(stream_->state().first_time_ns, 5000);
    stream_->truncate(4);
    EXPECT_EQ(stream_->state().messages, 0u);
    EXPECT_EQ(stream_->state().first_sequence, 5u);
    stream_->append(5, 777, "b", "", "again");
    EXPECT_EQ(stream_->state().first_time_ns, 777);
    reopen();
    EXPECT_EQ(stream_->state().first_time_ns, 777);
    EXPECT_EQ(load(*stream_, 5)->payload, "again");
    EXPECT_FALSE(load(*stream_, 6));
}

TEST_F(FileStreamTest, SubjectsStateFiltersAndRefreshesBounds) {
    append(1, "a.1");
    append(2, "a.2");
    append(3, "a.1");
    append(4, "b.1");
    append(5, "a.1");
    stream_->remove(1);
    stream_->remove(5);
    std::map<std::string, sdk::SubjectState> seen;
    stream_->subjects_state("a.*", [&](std::string_view s, const sdk::SubjectState& st) { seen[std::string(s)] = st; });
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen["a.1"].messages, 1u);
    EXPECT_EQ(seen["a.1"].first_sequence, 3u);
    EXPECT_EQ(seen["a.1"].last_sequence, 3u);
    seen.clear();
    stream_->subjects_state("", [&](std::string_view s, const sdk::SubjectState& st) { seen[std::string(s)] = st; });
    EXPECT_EQ(seen.size(), 3u);
    EXPECT_EQ(load_last(*stream_, "a.1")->sequence, 3u);
}

TEST_F(FileStreamTest, SequenceForTime) {
    for (std::uint64_t s = 1; s <= 100; ++s) append(s, "a");
    stream_->remove(50);
    EXPECT_EQ(stream_->sequence_for_time(0), 1u);
    EXPECT_EQ(stream_->sequence_for_time(30000), 30u);
    EXPECT_EQ(stream_->sequence_for_time(29500), 30u);
    EXPECT_EQ(stream_->sequence_for_time(50000), 51u);
    EXPECT_EQ(stream_->sequence_for_time(100000), 100u);
    EXPECT_EQ(stream_->sequence_for_time(100001), 101u);
}

TEST_F(FileStreamTest, BlocksRollAndDeadFrontBlocksAreDeleted) {
    const std::string payload(500, 'x');
    for (std::uint64_t s = 1; s <= 40; ++s) append(s, "a", payload);
    auto* file_stream = dynamic_cast<FileStream*>(stream_.get());
    ASSERT_NE(file_stream, nullptr);
    const std::size_t blocks = file_stream->block_count();
    EXPECT_GT(blocks, 4u);
    for (std::uint64_t s = 1; s <= 30; ++s) stream_->remove(s);
    EXPECT_LT(file_stream->block_count(), blocks);
    EXPECT_FALSE(std::filesystem::exists(block_path(dir_.path(), "ACC", "S", 1)));
    reopen();
    EXPECT_EQ(stream_->state().first_sequence, 31u);
    EXPECT_EQ(stream_->state().messages, 10u);
    EXPECT_EQ(load(*stream_, 40)->payload, payload);
    stream_->compact(41);
    EXPECT_EQ(dynamic_cast<FileStream*>(stream_.get())->block_count(), 1u);
}

std::size_t open_descriptors() {
    std::size_t count = 0;
    for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) ++count;
    return count;
}

TEST_F(FileStreamTest, FullBlocksKeepFewDescriptorsOpen) {
    const std::string payload(1500, 'd');
    for (std::uint64_t s = 1; s <= 60; ++s) append(s, "a", payload);
    stream_.reset();
    const std::size_t before = open_descriptors();
    reopen();
    ASSERT_GT(dynamic_cast<FileStream*>(stream_.get())->block_count(), 20u);
    for (std::uint64_t s = 1; s <= 60; ++s) ASSERT_EQ(load(*stream_, s)->payload, payload) << s;
    for (std::uint64_t s = 60; s >= 1; --s) ASSERT_EQ(load(*stream_, s)->payload, payload) << s;
    EXPECT_LE(open_descriptors(), before + 1 + 4);  // the active block and at most 4 readers
}

TEST_F(FileStreamTest, RecordLargerThanABlockGetsItsOwnBlock) {
    const std::string big(20000, 'b');
    append(1, "a", "small");
    append(2, "a", big);
    append(3, "a", "small");
    reopen();
    EXPECT_EQ(load(*stream_, 2)->payload, big);
    EXPECT_EQ(load(*stream_, 3)->payload, "small");
}

TEST_F(FileStreamTest, MetaIsStoredAndListed) {
    stream_->write_meta(R"({"name":"S"})");
    stream_->write_meta(R"({"name":"S","v":2})");
    std::vector<std::string> found;
    store_->list_streams([&](std::string_view a, std::string_view s, std::string_view meta) {
        found.push_back(std::string(a) + "/" + std::string(s) + "=" + std::string(meta));
    });
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0], R"(ACC/S={"name":"S","v":2})");
}

}  // namespace
}  // namespace store_file::testing
