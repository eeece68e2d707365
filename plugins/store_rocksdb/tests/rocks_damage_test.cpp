// Damage under RocksDB itself: bytes flipped inside a table file's data blocks. A scan
// steps over what RocksDB cannot read (counted, logged, never served) and reaches the
// messages after it; the stream keeps taking appends.

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "plugins/store_rocksdb/rocks_store.hpp"

namespace {

namespace fs = std::filesystem;
namespace rs = nats::store_rocksdb;
using nats_sdk::store::LoadResult;
using nats_sdk::store::MessageView;

std::string payload_of(std::uint64_t seq) { return "payload-" + std::to_string(seq) + std::string(180, char('a' + seq % 26)); }

class RocksDamage : public ::testing::Test {
protected:
    void SetUp() override {
        root_ = fs::temp_directory_path() / ("nmk-rocks-damage-" + std::to_string(::getpid()) + "-" +
                                             ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(root_);
        fs::create_directories(root_);
    }
    void TearDown() override { fs::remove_all(root_); }

    std::unique_ptr<rs::RocksStore> open(std::vector<std::string>* lines = nullptr) {
        return std::make_unique<rs::RocksStore>(root_.string(), rs::RocksOptions{.sync = "batch", .compression = "none"},
                                                [lines](nmk_log_level, std::string_view line) {
                                                    if (lines) lines->emplace_back(line);
                                                });
    }

    // Flips `count` bytes in the middle third of the largest table file (its data blocks).
    void damage_largest_table(int count) {
        fs::path largest;
        for (const auto& e : fs::directory_iterator(root_ / "rocksdb")) {
            if (e.path().extension() == ".sst" && (largest.empty() || e.file_size() > fs::file_size(largest))) largest = e.path();
        }
        ASSERT_FALSE(largest.empty());
        const auto size = fs::file_size(largest);
        std::fstream f(largest, std::ios::in | std::ios::out | std::ios::binary);
        std::mt19937 rng(42);
        for (int i = 0; i < count; ++i) {
            const auto at = size / 3 + rng() % (size / 3);
            f.seekg(at);
            char c = 0;
            f.read(&c, 1);
            c ^= 0x10;
            f.seekp(at);
            f.write(&c, 1);
        }
    }

    fs::path root_;
};

TEST_F(RocksDamage, ScansStepOverDamagedBlocksAndNeverServeThem) {
    constexpr std::uint64_t count = 3000;
    {
        auto store = open();
        auto stream = store->open_stream("$G", "S");
        for (std::uint64_t seq = 1; seq <= count; ++seq) stream->append(seq, 1000 + seq, "s." + std::to_string(seq % 3), {}, payload_of(seq));
    }  // a clean close flushes everything into table files
    damage_largest_table(3);

    std::vector<std::string> lines;
    auto store = open(&lines);
    auto stream = store->open_stream("$G", "S");
    std::vector<std::uint64_t> served;
    std::uint64_t next = 1;
    for (int guard = 0; guard < 10000; ++guard) {
        std::uint64_t got = 0;
        const auto r = stream->load_next(next, ">", [&](const MessageView& m) {
            got = m.sequence;
            EXPECT_EQ(std::string(m.payload), payload_of(m.sequence)) << "damaged bytes served for " << m.sequence;
        });
        if (r != LoadResult::found) break;
        served.push_back(got);
        next = got + 1;
    }
    ASSERT_FALSE(served.empty());
    EXPECT_LT(served.size(), count) << "three flipped bytes in data blocks lost nothing";
    EXPECT_GT(served.size(), count / 2);
    EXPECT_EQ(served.back(), count) << "the scan stopped at the damage";
    EXPECT_GT(stream->state().corrupt, 0u);
    bool logged = false;
    for (const auto& line : lines) logged = logged || line.find("never served") != std::string::npos;
    EXPECT_TRUE(logged);

    // The last message for a subject and a point read past the damage work too.
    EXPECT_EQ(stream->load_last("s.0", [](const MessageView&) {}), LoadResult::found);
    EXPECT_EQ(stream->load(count, [](const MessageView&) {}), LoadResult::found);
    // And the stream takes new messages.
    stream->append(count + 1, 99999, "s.new", {}, "after");
    EXPECT_EQ(stream->load(count + 1, [](const MessageView& m) { EXPECT_EQ(std::string(m.payload), "after"); }),
              LoadResult::found);
}

// A table file cut short: the open goes to RepairDB (the cut file to lost/) instead of
// RocksDB 7.8 aborting on an assertion after a non-paranoid open (found by the fault
// suite's corruption rounds). What the cut file held is gone; the store opens, says so,
// and takes appends again.
TEST_F(RocksDamage, ATableFileCutShortIsRepairedNotACrash) {
    {
        auto store = open();
        auto stream = store->open_stream("$G", "S");
        for (std::uint64_t seq = 1; seq <= 500; ++seq) stream->append(seq, 1000 + seq, "s", {}, payload_of(seq));
    }
    std::vector<fs::path> tables;
    for (const auto& e : fs::directory_iterator(root_ / "rocksdb"))
        if (e.path().extension() == ".sst") tables.push_back(e.path());
    ASSERT_FALSE(tables.empty());
    for (const auto& t : tables) fs::resize_file(t, fs::file_size(t) * 2 / 3);

    std::vector<std::string> lines;
    auto store = open(&lines);  // must not abort
    bool repaired = false;
    for (const auto& line : lines) repaired = repaired || line.find("repairing it") != std::string::npos;
    EXPECT_TRUE(repaired);
    auto stream = store->open_stream("$G", "T");
    stream->append(1, 1, "t", {}, "after");
    EXPECT_EQ(stream->load(1, [](const MessageView& m) { EXPECT_EQ(std::string(m.payload), "after"); }),
              LoadResult::found);
}

}  // namespace
