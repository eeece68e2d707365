// Sync modes: group commit (batch), always, lazy; and what a failed fsync does.

#include <gtest/gtest.h>

#include <map>
#include <thread>

#include "syncer.hpp"
#include "test_support.hpp"

namespace store_file::testing {
namespace {

struct DoneCounter {
    std::mutex mutex;
    std::condition_variable cv;
    std::map<int, int> calls;  // done id -> times called
    std::map<int, nmk_store_status> statuses;

    sdk::Stream::SyncDone make(int id) {
        return [this, id](nmk_store_status status, std::string_view) {
            std::lock_guard lock(mutex);
            ++calls[id];
            statuses[id] = status;
            cv.notify_all();
        };
    }
    bool wait_for(std::size_t count) {
        std::unique_lock lock(mutex);
        return cv.wait_for(lock, std::chrono::seconds(20), [&] { return calls.size() >= count; });
    }
};

Syncer& syncer_of(sdk::Store& store) { return *dynamic_cast<FileStore&>(store).context().syncer(); }

TEST(SyncTest, OneFdatasyncCoversManyAppendsAndEveryDoneRunsOnce) {
    TempDir dir;
    auto io = std::make_shared<FaultyIo>();
    auto store = open_store(dir.path(), R"({"sync":"batch"})", {}, io);
    auto stream = store->open_stream("A", "S");
    io->sync_delay_ms = 300;  // the first sync is slow: the rest queue up behind it
    DoneCounter dones;
    stream->append(1, 1, "a", "", "x");
    stream->sync(dones.make(0));
    for (int i = 1; i <= 200; ++i) {
        stream->append(static_cast<std::uint64_t>(i + 1), 1, "a", "", "x");
        stream->sync(dones.make(i));
    }
    ASSERT_TRUE(dones.wait_for(201));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a second call would show up here
    std::lock_guard lock(dones.mutex);
    for (int i = 0; i <= 200; ++i) {
        EXPECT_EQ(dones.calls[i], 1) << i;
        EXPECT_EQ(dones.statuses[i], NMK_STORE_OK) << i;
    }
    // 201 syncs, but only a few rounds: the first, then one for all that queued behind it.
    EXPECT_LE(syncer_of(*store).rounds(), 3u);
    EXPECT_LE(syncer_of(*store).fdatasyncs(), 3u);
}

TEST(SyncTest, SyncWithNothingNewCompletesInsideTheCall) {
    TempDir dir;
    auto store = open_store(dir.path());
    auto stream = store->open_stream("A", "S");
    stream->append(1, 1, "a", "", "x");
    EXPECT_EQ(sync_and_wait(*stream), NMK_STORE_OK);
    bool called = false;
    stream->sync([&](nmk_store_status status, std::string_view) {
        called = true;
        EXPECT_EQ(status, NMK_STORE_OK);
    });
    EXPECT_TRUE(called);
}

TEST(SyncTest, ManyStreamsOnManyThreadsGetEveryDoneOnce) {
    TempDir dir;
    auto store = open_store(dir.path());
    DoneCounter dones;
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&, t] {
            auto stream = store->open_stream("A", "S" + std::to_string(t));
            for (int i = 1; i <= 100; ++i) {
                stream->append(static_cast<std::uint64_t>(i), 1, "a", "", "x");
                stream->sync(dones.make(t * 1000 + i));
            }
        });
    }
    for (auto& thread : threads) thread.join();
    ASSERT_TRUE(dones.wait_for(400));
    std::lock_guard lock(dones.mutex);
    EXPECT_EQ(dones.calls.size(), 400u);
    for (const auto& [id, calls] : dones.calls) EXPECT_EQ(calls, 1) << id;
}

TEST(SyncTest, ClosingRunsQueuedDones) {
    TempDir dir;
    auto io = std::make_shared<FaultyIo>();
    auto store = open_store(dir.path(), "{}", {}, io);
    auto stream = store->open_stream("A", "S");
    io->sync_delay_ms = 50;
    DoneCounter dones;
    for (int i = 1; i <= 10; ++i) {
        stream->append(static_cast<std::uint64_t>(i), 1, "a", "", "x");
        stream->sync(dones.make(i));
    }
    stream.reset();
    store.reset();  // the syncer drains its queue before it stops
    std::lock_guard lock(dones.mutex);
    EXPECT_EQ(dones.calls.size(), 10u);
}

TEST(SyncTest, FailedFsyncStopsEveryLaterWriteAndSync) {
    TempDir dir;
    LogLines log;
    auto io = std::make_shared<FaultyIo>();
    auto store = open_store(dir.path(), "{}", log.sink(), io);
    auto stream = store->open_stream("A", "S");
    auto other = store->open_stream("A", "T");
    stream->append(1, 1, "a", "", "x");
    io->fail_sync_errno = EIO;
    EXPECT_EQ(sync_and_wait(*stream), NMK_STORE_IO_ERROR);
    io->fail_sync_errno = 0;  // a later fsync "succeeding" must not be believed
    EXPECT_EQ(sync_and_wait(*stream), NMK_STORE_CLOSED);
    EXPECT_EQ(sync_and_wait(*other), NMK_STORE_CLOSED);
    try {
        stream->append(2, 1, "a", "", "x");
        FAIL() << "append after a failed fsync";
    } catch (const sdk::StoreError& error) {
        EXPECT_EQ(error.store_status(), NMK_STORE_CLOSED);
    }
    EXPECT_THROW(other->append(1, 1, "a", "", "x"), sdk::StoreError);
    EXPECT_THROW(stream->remove(1), sdk::StoreError);
    EXPECT_THROW(stream->purge("", 0, 0), sdk::StoreError);
    EXPECT_THROW(stream->write_meta("m"), sdk::StoreError);
    EXPECT_TRUE(load(*stream, 1));  // reads still work
    EXPECT_TRUE(log.contains("fdatasync failed"));
    // Reopening re-reads what is on disk and accepts writes again.
    stream.reset();
    other.reset();
    store = open_store(dir.path(), "{}", {}, io);
    stream = store->open_stream("A", "S");
    stream->append(2, 1, "a", "", "x");
    EXPECT_EQ(sync_and_wait(*stream), NMK_STORE_OK);
}

TEST(SyncTest, AlwaysSyncsInsideEveryAppend) {
    TempDir dir;
    auto io = std::make_shared<FaultyIo>();
    auto store = open_store(dir.path(), R"({"sync":"always"})", {}, io);
    auto stream = store->open_stream("A", "S");
    stream->append(1, 1, "a", "", "x");
    const std::uint64_t before = io->fdatasyncs;
    for (int i = 2; i <= 11; ++i) stream->append(static_cast<std::uint64_t>(i), 1, "a", "", "x");
    EXPECT_EQ(io->fdatasyncs - before, 10u);
    bool called = false;
    stream->sync([&](nmk_store_status status, std::string_view) { called = status == NMK_STORE_OK; });
    EXPECT_TRUE(called);
    io->fail_sync_errno = EIO;
    try {
        stream->append(12, 1, "a", "", "x");
        FAIL() << "no error";
    } catch (const sdk::StoreError& error) {
        EXPECT_EQ(error.store_status(), NMK_STORE_IO_ERROR);
    }
    io->fail_sync_errno = 0;
    try {
        stream->append(13, 1, "a", "", "x");
        FAIL() << "no error";
    } catch (const sdk::StoreError& error) {
        EXPECT_EQ(error.store_status(), NMK_STORE_CLOSED);
    }
    EXPECT_EQ(stream->state().last_sequence, 11u);
}

TEST(SyncTest, LazyAcknowledgesAtOnceAndSyncsOnTheTimer) {
    TempDir dir;
    auto io = std::make_shared<FaultyIo>();
    auto store = open_store(dir.path(), R"({"sync":"30ms"})", {}, io);
    auto stream = store->open_stream("A", "S");
    stream->append(1, 1, "a", "", "x");
    const std::uint64_t before = io->fdatasyncs;
    bool called = false;
    stream->sync([&](nmk_store_status status, std::string_view) { called = status == NMK_STORE_OK; });
    EXPECT_TRUE(called);
    for (int i = 0; i < 100 && io->fdatasyncs == before; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    EXPECT_GT(io->fdatasyncs, before);
}

TEST(SyncTest, OptionsAreChecked) {
    TempDir dir;
    for (const char* bad : {R"({"sync":"sometimes"})", R"({"sync":"-1s"})", R"({"sync":5})", R"({"block_size":10})",
                            "[1]", "{not json"}) {
        try {
            open_store(dir.path(), bad);
            ADD_FAILURE() << bad;
        } catch (const sdk::StoreError& error) {
            EXPECT_EQ(error.store_status(), NMK_STORE_INVALID_ARGUMENT) << bad;
        }
    }
    EXPECT_NO_THROW(open_store(dir.path(), R"({"sync":"2m","unknown":true})"));
    EXPECT_NO_THROW(open_store(dir.path(), ""));
}

}  // namespace
}  // namespace store_file::testing
