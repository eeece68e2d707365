// Reopening after simulated crashes and damage: torn tails at random offsets, flipped
// bytes, a leftover meta temp file, a corrupt meta file.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <random>

#include "meta_file.hpp"
#include "record_format.hpp"
#include "test_support.hpp"

namespace store_file::testing {
namespace {

constexpr std::uint64_t message_count = 50;
const std::string payload_text = "payload-0123456789";

std::string payload_for(std::uint64_t seq) { return payload_text + std::to_string(seq); }

// The byte offset of message `seq` in block 1 (after the bounds record at its head).
std::uint64_t offset_of(std::uint64_t seq) {
    std::uint64_t offset = record_overhead + 8;
    for (std::uint64_t s = 1; s < seq; ++s) offset += record_size(3, 0, payload_for(s).size());
    return offset;
}

std::string read_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

class RecoveryTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto store = open_store(dir_.path());
        auto stream = store->open_stream("ACC", "S");
        for (std::uint64_t s = 1; s <= message_count; ++s) {
            stream->append(s, static_cast<std::int64_t>(s), "a.b", "", payload_for(s));
        }
        block_ = block_path(dir_.path(), "ACC", "S", 1);
        stream.reset();
        pristine_ = read_file(block_);
        drop_snapshot();
    }

    // What a crash leaves: no index snapshot (only a clean close writes one), so the
    // reopen scans and checks every block.
    void drop_snapshot() {
        std::filesystem::remove(stream_dir(dir_.path(), "ACC", "S") + "/msgs/index.snap");
    }

    std::unique_ptr<sdk::Stream> reopen() {
        stream_.reset();
        store_.reset();
        drop_snapshot();
        store_ = open_store(dir_.path(), "{}", log_.sink());
        stream_ = store_->open_stream("ACC", "S");
        return nullptr;
    }

    // Every message that loads must be the one written.
    void expect_served_messages_intact() {
        for (std::uint64_t s = 1; s <= stream_->state().last_sequence; ++s) {
            if (const auto m = load(*stream_, s)) {
                EXPECT_EQ(m->payload, payload_for(s)) << "sequence " << s;
                EXPECT_EQ(m->subject, "a.b");
            }
        }
    }

    TempDir dir_;
    LogLines log_;
    std::string block_;
    std::string pristine_;
    std::unique_ptr<sdk::Store> store_;
    std::unique_ptr<sdk::Stream> stream_;
};

TEST_F(RecoveryTest, CleanReopenRestoresEverything) {
    reopen();
    const auto state = stream_->state();
    EXPECT_EQ(state.messages, message_count);
    EXPECT_EQ(state.corrupt, 0u);
    expect_served_messages_intact();
}

TEST_F(RecoveryTest, TornTailCutAtRandomOffsetsIsDropped) {
    std::mt19937 random(1234);
    const std::uint64_t from = offset_of(message_count - 5);
    const std::uint64_t end = offset_of(message_count + 1);
    for (int round = 0; round < 25; ++round) {
        const std::uint64_t cut = from + random() % (end - from);
        std::string bytes = pristine_.substr(0, cut);
        write_file(block_, bytes);  // a file shorter than its last record
        // The previous round's appends went to a new block (a cut file has no room left).
        for (std::uint32_t id = 2; id < 10; ++id) std::filesystem::remove(block_path(dir_.path(), "ACC", "S", id));
        reopen();
        std::uint64_t whole = 0;
        while (whole < message_count && offset_of(whole + 2) <= cut) ++whole;
        const auto state = stream_->state();
        EXPECT_EQ(state.messages, whole) << "cut at " << cut;
        EXPECT_EQ(state.last_sequence, whole);
        EXPECT_EQ(state.corrupt, 0u);
        if (cut != offset_of(whole + 1)) {
            EXPECT_TRUE(log_.contains("torn write")) << cut;
        }
        expect_served_messages_intact();
        // The stream goes on where it stopped, and that survives another reopen.
        stream_->append(whole + 1, 1, "a.b", "", payload_for(whole + 1));
        reopen();
        EXPECT_EQ(stream_->state().messages, whole + 1);
        EXPECT_EQ(stream_->state().corrupt, 0u);
        expect_served_messages_intact();
    }
}

TEST_F(RecoveryTest, TornTailZeroedInsideThePreallocatedFileIsDropped) {
    // A power cut that kept the start of the last record but not its end: the rest of
    // the preallocated file is still zeros.
    const std::uint64_t start = offset_of(message_count);
    std::string bytes = pristine_;
    std::fill(bytes.begin() + static_cast<long>(start + 10), bytes.begin() + static_cast<long>(offset_of(message_count + 1)),
              '\0');
    write_file(block_, bytes);
    reopen();
    EXPECT_EQ(stream_->state().messages, message_count - 1);
    EXPECT_EQ(stream_->state().corrupt, 0u);
    EXPECT_TRUE(log_.contains("bytes of a torn write"));
    // The dropped bytes were zeroed: a shorter record written there leaves no remains.
    stream_->append(message_count, 7, "a.b", "", "x");
    reopen();
    EXPECT_EQ(stream_->state().messages, message_count);
    EXPECT_EQ(stream_->state().corrupt, 0u);
    EXPECT_EQ(load(*stream_, message_count)->payload, "x");
}

TEST_F(RecoveryTest, FlippedPayloadByteIsReportedAndSkipped) {
    std::string bytes = pristine_;
    bytes[offset_of(20) + record_header_size + 5] ^= 0x01;
    write_file(block_, bytes);
    reopen();
    auto state = stream_->state();
    EXPECT_EQ(state.corrupt, 1u);
    EXPECT_EQ(state.messages, message_count - 1);
    sdk::LoadResult result{};
    EXPECT_FALSE(load(*stream_, 20, &result));
    EXPECT_EQ(result, sdk::LoadResult::corrupt);
    EXPECT_EQ(load_next(*stream_, 20, "")->sequence, 21u);
    EXPECT_EQ(load_next(*stream_, 20, "a.b")->sequence, 21u);
    expect_served_messages_intact();
    EXPECT_EQ(stream_->state().corrupt, 1u);  // counted once
    EXPECT_TRUE(log_.contains("sequence 20"));
}

TEST_F(RecoveryTest, FlippedLengthFieldLosesOnlyThatRecord) {
    std::string bytes = pristine_;
    bytes[offset_of(10) + 2] ^= 0x40;  // the length becomes huge
    write_file(block_, bytes);
    reopen();
    const auto state = stream_->state();
    EXPECT_EQ(state.corrupt, 1u);
    EXPECT_EQ(state.messages, message_count - 1);
    EXPECT_EQ(state.last_sequence, message_count);
    expect_served_messages_intact();
    EXPECT_FALSE(load(*stream_, 10));
}

TEST_F(RecoveryTest, FlippedByteInTheLastRecordIsCorruptNotDropped) {
    std::string bytes = pristine_;
    bytes[offset_of(message_count) + record_header_size + 1] ^= 0x20;
    write_file(block_, bytes);
    reopen();
    EXPECT_EQ(stream_->state().corrupt, 1u);
    EXPECT_EQ(stream_->state().last_sequence, message_count);
    sdk::LoadResult result{};
    load(*stream_, message_count, &result);
    EXPECT_EQ(result, sdk::LoadResult::corrupt);
    // Appending continues after it.
    stream_->append(message_count + 1, 1, "a.b", "", payload_for(message_count + 1));
    reopen();
    EXPECT_EQ(load(*stream_, message_count + 1)->payload, payload_for(message_count + 1));
}

TEST_F(RecoveryTest, DamageAfterOpenIsCaughtOnRead) {
    reopen();
    std::string bytes = pristine_;
    const int fd = ::open(block_.c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    const char bad = static_cast<char>(pristine_[offset_of(7) + record_header_size + 3] ^ 0x08);
    ASSERT_EQ(::pwrite(fd, &bad, 1, static_cast<off_t>(offset_of(7) + record_header_size + 3)), 1);
    ::close(fd);
    sdk::LoadResult result{};
    EXPECT_FALSE(load(*stream_, 7, &result));
    EXPECT_EQ(result, sdk::LoadResult::corrupt);
    EXPECT_FALSE(load(*stream_, 7, &result));
    EXPECT_EQ(result, sdk::LoadResult::corrupt);
    const auto state = stream_->state();
    EXPECT_EQ(state.corrupt, 1u);
    EXPECT_EQ(state.messages, message_count - 1);
    EXPECT_EQ(stream_->subject_state("a.b")->messages, message_count - 1);
    EXPECT_EQ(load_next(*stream_, 7, "")->sequence, 8u);
}

TEST_F(RecoveryTest, RandomFlipsNeverServeWrongData) {
    std::mt19937 random(99);
    const std::uint64_t end = offset_of(message_count + 1);
    for (int round = 0; round < 40; ++round) {
        std::string bytes = pristine_;
        const std::uint64_t at = random() % end;
        bytes[at] = static_cast<char>(bytes[at] ^ (1 << (random() % 8)));
        write_file(block_, bytes);
        reopen();
        expect_served_messages_intact();
        const auto state = stream_->state();
        EXPECT_GE(state.messages + state.corrupt, message_count - 2) << "flip at " << at;
    }
}

TEST_F(RecoveryTest, EmptyBlockFromACrashDuringARollIsUsed) {
    // The crash came after the next block was created and before anything in it
    // reached the disk: a zero-filled file.
    const std::string next = block_path(dir_.path(), "ACC", "S", 2);
    write_file(next, std::string(8192, '\0'));
    reopen();
    EXPECT_EQ(stream_->state().messages, message_count);
    EXPECT_EQ(stream_->state().corrupt, 0u);
    stream_->append(message_count + 1, 1, "a.b", "", payload_for(message_count + 1));
    reopen();
    EXPECT_EQ(stream_->state().messages, message_count + 1);
    EXPECT_EQ(stream_->state().corrupt, 0u);
    expect_served_messages_intact();
}

TEST_F(RecoveryTest, MissingMiddleBlockIsReported) {
    const std::string big(3000, 'z');
    {
        auto store = open_store(dir_.path(), R"({"block_size":4096})");
        auto stream = store->open_stream("ACC", "T");
        for (std::uint64_t s = 1; s <= 3; ++s) stream->append(s, 1, "big", "", big);
    }
    ASSERT_TRUE(std::filesystem::exists(block_path(dir_.path(), "ACC", "T", 3)));
    std::filesystem::remove(block_path(dir_.path(), "ACC", "T", 2));
    auto store = open_store(dir_.path(), "{}", log_.sink());
    auto stream = store->open_stream("ACC", "T");
    EXPECT_EQ(stream->state().corrupt, 1u);
    EXPECT_EQ(stream->state().messages, 2u);
    EXPECT_TRUE(log_.contains("2.blk is missing"));
    EXPECT_EQ(load(*stream, 1)->payload, big);
    EXPECT_FALSE(load(*stream, 2));
    EXPECT_EQ(load(*stream, 3)->payload, big);
}

TEST_F(RecoveryTest, LeftoverMetaTempFileIsIgnored) {
    reopen();
    stream_->write_meta("first");
    stream_.reset();
    const std::string dir = stream_dir(dir_.path(), "ACC", "S");
    write_file(dir + "/" + std::string(meta_temp_name), "half-written");
    std::string meta;
    store_->list_streams([&](std::string_view, std::string_view, std::string_view m) { meta = m; });
    EXPECT_EQ(meta, "first");
    reopen();
    EXPECT_FALSE(std::filesystem::exists(dir + "/" + std::string(meta_temp_name)));
}

TEST_F(RecoveryTest, CorruptMetaIsReportedNotListedNotDeleted) {
    reopen();
    stream_->write_meta("config");
    stream_.reset();
    const std::string path = stream_dir(dir_.path(), "ACC", "S") + "/" + std::string(meta_file_name);
    std::string bytes = read_file(path);
    bytes.back() ^= 1;
    write_file(path, bytes);
    int listed = 0;
    store_->list_streams([&](std::string_view, std::string_view, std::string_view) { ++listed; });
    EXPECT_EQ(listed, 0);
    EXPECT_TRUE(log_.contains("checksum"));
    EXPECT_TRUE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace store_file::testing
