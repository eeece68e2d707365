// The RocksDB store's fast paths keep its answers: the read-ahead buffer of an in-order
// reader (removals, purges and appends under it), and the clean-close snapshot whose
// removal rides on the stream's first change (a crash after a clean restart must not bring
// the old snapshot's counts back).

#include <filesystem>
#include <future>
#include <random>

#include <gtest/gtest.h>

#include "plugins/store_rocksdb/rocks_store.hpp"

namespace {

namespace fs = std::filesystem;
namespace rs = nats::store_rocksdb;
using nats_sdk::store::LoadResult;
using nats_sdk::store::MessageView;

fs::path fresh_dir(const char* name) {
    const fs::path dir = fs::temp_directory_path() / (std::string("rocks_speed_") + name + "_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

void sync_now(nats_sdk::store::Stream& s) {
    std::promise<nmk_store_status> done;
    s.sync([&](nmk_store_status st, std::string_view) { done.set_value(st); });
    ASSERT_EQ(done.get_future().get(), NMK_STORE_OK);
}

// What load() says for `seq`: its payload, "" when absent.
std::string payload_of(nats_sdk::store::Stream& s, std::uint64_t seq) {
    std::string out;
    const auto r = s.load(seq, [&](const MessageView& m) { out = std::string(m.payload); });
    return r == LoadResult::found ? out : std::string();
}

TEST(RocksSpeedPaths, ReadAheadFollowsRemovalsPurgesAndAppends) {
    const auto dir = fresh_dir("ahead");
    rs::RocksStore store(dir.string(), rs::RocksOptions{});
    auto s = store.open_stream("A", "S");
    for (std::uint64_t i = 1; i <= 2000; ++i) s->append(i, static_cast<std::int64_t>(i), i % 3 ? "a.x" : "a.y", "", "p" + std::to_string(i));
    for (std::uint64_t i = 1; i <= 100; ++i) ASSERT_EQ(payload_of(*s, i), "p" + std::to_string(i));
    // Removed under a filled buffer: never served again.
    ASSERT_TRUE(s->remove(101));
    ASSERT_TRUE(s->remove(150));
    EXPECT_EQ(payload_of(*s, 101), "");
    for (std::uint64_t i = 102; i <= 200; ++i) ASSERT_EQ(payload_of(*s, i), i == 150 ? "" : "p" + std::to_string(i));
    // load_next in order with a filter matching a share of the stream, through the buffer.
    std::uint64_t next = 201, seen = 0;
    for (;;) {
        std::uint64_t got = 0;
        if (s->load_next(next, "a.y", [&](const MessageView& m) { got = m.sequence; }) != LoadResult::found) break;
        ASSERT_EQ(got % 3, 0u);
        ASSERT_GE(got, next);
        ++seen;
        next = got + 1;
        if (got == 900) {
            EXPECT_EQ(s->purge("a.y", 0, 0), 665u);  // every a.y left (666, less 150)
        }
    }
    EXPECT_EQ(seen, 234u);  // 201..900: the a.y ones; none after the purge
    // Appends after the buffer reached the end are read too.
    for (std::uint64_t i = 2001; i <= 2010; ++i) s->append(i, 1, "a.x", "", "q");
    std::uint64_t got = 0;
    ASSERT_EQ(s->load_next(1995, "", [&](const MessageView& m) { got = m.sequence; }), LoadResult::found);
    EXPECT_EQ(got, 1996u);  // 1995 was an a.y, purged
    EXPECT_EQ(payload_of(*s, 2010), "q");
    s->truncate(2005);
    EXPECT_EQ(payload_of(*s, 2006), "");
    EXPECT_EQ(payload_of(*s, 2005), "q");
    s->compact(1999);
    EXPECT_EQ(payload_of(*s, 1000), "");
    fs::remove_all(dir);
}

TEST(RocksSpeedPaths, ACrashAfterACleanRestartKeepsTheNewMessages) {
    const auto dir = fresh_dir("snapshot");
    const auto image = dir.string() + "_image";
    {
        rs::RocksStore store(dir.string(), rs::RocksOptions{});
        auto s = store.open_stream("A", "S");
        for (std::uint64_t i = 1; i <= 10; ++i) s->append(i, 1, "a", "", "x");
        sync_now(*s);
    }  // clean close: a snapshot of 10 messages
    {
        rs::RocksStore store(dir.string(), rs::RocksOptions{});
        auto s = store.open_stream("A", "S");
        EXPECT_EQ(s->state().messages, 10u);
        for (std::uint64_t i = 11; i <= 15; ++i) s->append(i, 1, "b", "", "y");
        sync_now(*s);
        // What a power cut now leaves: the files as they are (the log synced).
        fs::remove_all(image);
        fs::copy(dir, image, fs::copy_options::recursive);
    }
    fs::remove(fs::path(image) / "rocksdb" / "LOCK");
    rs::RocksStore store(image, rs::RocksOptions{});
    auto s = store.open_stream("A", "S");
    const auto st = s->state();
    EXPECT_EQ(st.messages, 15u);
    EXPECT_EQ(st.last_sequence, 15u);
    EXPECT_TRUE(s->subject_state("b").has_value());
    fs::remove_all(dir);
    fs::remove_all(image);
}

}  // namespace
