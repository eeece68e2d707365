// Consumer records of the file store (consumer_records.hpp): the slot format, the two-slot
// scheme that keeps the synced copy whole while newer ones are written, what recovery does
// with torn, damaged and half-created records, and failures of writes and syncs. The
// contract suite (file_contract_test.cpp) covers put, list, delete and reopen.

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "consumer_records.hpp"
#include "test_support.hpp"

namespace store_file::testing {
namespace {

namespace fs = std::filesystem;

using Records = std::map<std::string, std::pair<std::string, std::string>>;

Records listed(sdk::Stream& stream) {
    Records out;
    stream.consumer_list([&](const sdk::ConsumerRecordView& r) {
        out[std::string(r.name)] = {std::string(r.meta), std::string(r.state)};
    });
    return out;
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
}

// Flips one byte in the middle of a file.
void flip_middle_byte(const std::string& path) {
    std::string bytes = read_bytes(path);
    ASSERT_FALSE(bytes.empty()) << path;
    bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x20);
    write_bytes(path, bytes);
}

FileStream& file_stream(sdk::Stream& stream) { return dynamic_cast<FileStream&>(stream); }

class ConsumerRecordsTest : public ::testing::Test {
protected:
    std::string slot(const std::string& name, int n) const {
        return stream_dir(dir.path(), "ACC", "S") + "/obs/" + name + "/record." + std::to_string(n);
    }
    std::string record_dir(const std::string& name) const {
        return stream_dir(dir.path(), "ACC", "S") + "/obs/" + name;
    }
    std::unique_ptr<sdk::Store> open(const std::string& options = "{}") {
        return open_store(dir.path(), options, log.sink(), io);
    }

    TempDir dir;
    LogLines log;
    std::shared_ptr<FaultyIo> io = std::make_shared<FaultyIo>();
};

TEST(ConsumerSlotFormat, RoundTripsAndRefusesDamage) {
    const std::string state("\0\x01\xff binary", 10);
    const std::string bytes = encode_consumer_slot(42, R"({"durable_name":"C"})", state);
    ASSERT_EQ(bytes.size(), 24u + 20u + 10u + 8u);
    EXPECT_EQ(bytes.substr(0, 8), "NMKCONS1");
    const auto decoded = decode_consumer_slot(bytes);
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(decoded->generation, 42u);
    EXPECT_EQ(decoded->meta, R"({"durable_name":"C"})");
    EXPECT_EQ(decoded->state, state);
    EXPECT_TRUE(decode_consumer_slot(bytes + "rest of an older, longer record").has_value())
        << "bytes after the record are ignored";
    for (std::size_t at = 0; at < bytes.size(); ++at) {
        std::string damaged = bytes;
        damaged[at] = static_cast<char>(damaged[at] ^ 0x01);
        EXPECT_FALSE(decode_consumer_slot(damaged).has_value()) << "byte " << at << " flipped";
    }
    for (std::size_t size = 0; size < bytes.size(); ++size) {
        EXPECT_FALSE(decode_consumer_slot(bytes.substr(0, size)).has_value()) << "cut at " << size;
    }
}

TEST_F(ConsumerRecordsTest, StatePutsWriteWithoutSyncAndTheSyncCoversThem) {
    auto store = open();
    auto s = store->open_stream("ACC", "S");
    s->consumer_put("C", "meta", "state 0");
    ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK);
    const std::uint64_t before = io->fdatasyncs.load();
    for (int i = 1; i <= 100; ++i) {
        ASSERT_TRUE(s->consumer_put_state("C", "state " + std::to_string(i)));
    }
    EXPECT_EQ(io->fdatasyncs.load(), before) << "a state put does not sync";
    ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK);
    EXPECT_LE(io->fdatasyncs.load(), before + 2) << "one sync covers 100 state puts (the record's slot, the block)";
    EXPECT_EQ(listed(*s).at("C").second, "state 100");
}

TEST_F(ConsumerRecordsTest, TheSyncedCopyIsNeverOverwrittenBeforeTheNextSync) {
    auto store = open();
    auto s = store->open_stream("ACC", "S");
    s->consumer_put("C", "meta", "synced");
    const int first = file_stream(*s).consumers().pending_slot("C");
    ASSERT_TRUE(first == 0 || first == 1);
    s->consumer_put_state("C", "not synced yet");
    EXPECT_EQ(file_stream(*s).consumers().pending_slot("C"), first) << "no sync yet: the same slot again";
    s->consumer_put_state("C", "synced");
    ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK);
    const std::string durable = read_bytes(slot("C", first));
    ASSERT_EQ(decode_consumer_slot(durable)->state, "synced");

    EXPECT_EQ(file_stream(*s).consumers().pending_slot("C"), 1 - first) << "after the sync: the other slot";
    for (int i = 0; i < 5; ++i) {
        s->consumer_put_state("C", "newer " + std::to_string(i));
        EXPECT_EQ(read_bytes(slot("C", first)), durable) << "the synced copy stays untouched";
    }
    EXPECT_EQ(decode_consumer_slot(read_bytes(slot("C", 1 - first)))->state, "newer 4");
    ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK);
    s->consumer_put_state("C", "after the second sync");
    EXPECT_EQ(decode_consumer_slot(read_bytes(slot("C", first)))->state, "after the second sync")
        << "the slots alternate sync by sync";
}

TEST_F(ConsumerRecordsTest, ATornNewerCopyFallsBackToTheSyncedOne) {
    int newer = -1;
    {
        auto store = open();
        auto s = store->open_stream("ACC", "S");
        s->consumer_put("C", "meta", "synced state");
        ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK);
        s->consumer_put_state("C", "a newer state, torn by the crash");
        newer = file_stream(*s).consumers().pending_slot("C");
    }
    // The crash: the newer copy reached the disk only in part.
    const std::string whole = read_bytes(slot("C", newer));
    write_bytes(slot("C", newer), whole.substr(0, whole.size() - 5));
    {
        auto store = open();
        auto s = store->open_stream("ACC", "S");
        EXPECT_EQ(listed(*s), (Records{{"C", {"meta", "synced state"}}}));
        EXPECT_TRUE(log.contains("one copy is damaged")) << "the torn copy is logged";
        EXPECT_EQ(file_stream(*s).consumers().pending_slot("C"), newer) << "the torn slot is the one rewritten";
        ASSERT_TRUE(s->consumer_put_state("C", "after the crash"));
        ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK);
    }
    auto store = open();
    auto s = store->open_stream("ACC", "S");
    EXPECT_EQ(listed(*s), (Records{{"C", {"meta", "after the crash"}}}));
}

TEST_F(ConsumerRecordsTest, ARecordWithNoGoodCopyIsLoggedAndLeftOut) {
    {
        auto store = open();
        auto s = store->open_stream("ACC", "S");
        s->consumer_put("BAD", "meta", "state 1");
        s->consumer_put("GOOD", "meta", "state");
        ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK);
        s->consumer_put_state("BAD", "state 2");
    }
    flip_middle_byte(slot("BAD", 0));
    flip_middle_byte(slot("BAD", 1));
    {
        auto store = open();
        auto s = store->open_stream("ACC", "S");
        EXPECT_EQ(listed(*s), (Records{{"GOOD", {"meta", "state"}}}));
        EXPECT_TRUE(log.contains("left out: no copy of it passes its checksum"));
        EXPECT_TRUE(fs::exists(record_dir("BAD"))) << "left on disk for an operator";
        EXPECT_FALSE(s->consumer_put_state("BAD", "x")) << "a record left out does not exist";
        s->consumer_put("BAD", "new meta", "new state");  // JetStream recreates the consumer
        ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK);
    }
    auto store = open();
    auto s = store->open_stream("ACC", "S");
    EXPECT_EQ(listed(*s), (Records{{"BAD", {"new meta", "new state"}}, {"GOOD", {"meta", "state"}}}));
}

TEST_F(ConsumerRecordsTest, LeftoversOfACrashAreCleanedQuietly) {
    {
        auto store = open();
        auto s = store->open_stream("ACC", "S");
        s->consumer_put("KEPT", "meta", "state");
    }
    // A creation no sync covered (its slot empty), a delete cut short, things not ours.
    fs::create_directories(record_dir("HALF"));
    write_bytes(slot("HALF", 0), "");
    fs::create_directories(record_dir(".deleted-OLD"));
    write_bytes(record_dir(".deleted-OLD") + "/record.0", "whatever");
    fs::create_directories(record_dir(".hidden"));
    write_bytes(record_dir("a-file"), "not a directory");
    auto store = open();
    auto s = store->open_stream("ACC", "S");
    EXPECT_EQ(listed(*s), (Records{{"KEPT", {"meta", "state"}}}));
    EXPECT_FALSE(fs::exists(record_dir("HALF")));
    EXPECT_FALSE(fs::exists(record_dir(".deleted-OLD")));
    EXPECT_FALSE(log.contains("left out")) << "nothing here was ever promised";
}

TEST_F(ConsumerRecordsTest, DeleteIsOneRenameAndStaysDeleted) {
    {
        auto store = open();
        auto s = store->open_stream("ACC", "S");
        s->consumer_put("C", "meta", "state");
        s->consumer_put("D", "meta", "state");
        ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK);
        ASSERT_TRUE(s->consumer_delete("C"));
        EXPECT_FALSE(fs::exists(record_dir("C")));
        EXPECT_FALSE(fs::exists(record_dir(".deleted-C")));
        ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK);
    }
    auto store = open();
    auto s = store->open_stream("ACC", "S");
    EXPECT_EQ(listed(*s), (Records{{"D", {"meta", "state"}}}));
}

TEST_F(ConsumerRecordsTest, AlwaysModeSyncsEachPutBeforeItReturns) {
    auto store = open(R"({"sync": "always"})");
    auto s = store->open_stream("ACC", "S");
    s->consumer_put("C", "meta", "state");
    const std::uint64_t before = io->fdatasyncs.load();
    ASSERT_TRUE(s->consumer_put_state("C", "state 2"));
    EXPECT_GE(io->fdatasyncs.load(), before + 1);
    ASSERT_TRUE(s->consumer_put_state("C", "state 3"));
    EXPECT_GE(io->fdatasyncs.load(), before + 2);
}

TEST_F(ConsumerRecordsTest, AFailedSyncFailsTheStore) {
    auto store = open();
    auto s = store->open_stream("ACC", "S");
    s->consumer_put("C", "meta", "state");
    ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK);
    ASSERT_TRUE(s->consumer_put_state("C", "state"));  // one file to sync: an fdatasync
    io->fail_sync_errno = EIO;
    EXPECT_EQ(sync_and_wait(*s), NMK_STORE_IO_ERROR);
    io->fail_sync_errno = 0;
    try {
        s->consumer_put_state("C", "after");
        FAIL() << "a write after a failed sync";
    } catch (const sdk::StoreError& e) {
        EXPECT_EQ(e.store_status(), NMK_STORE_CLOSED);
    }
    EXPECT_EQ(listed(*s).at("C").second, "state") << "reads go on";
}

// Real system calls, with syncfs counted and failing on command.
class SyncfsIo final : public FileIo {
public:
    std::atomic<int> syncfs_calls{0};
    std::atomic<int> fdatasync_calls{0};
    std::atomic<int> fail_syncfs_errno{0};
    long pwrite(int fd, const void* data, std::size_t size, std::uint64_t offset) override {
        return real_->pwrite(fd, data, size, offset);
    }
    long pread(int fd, void* data, std::size_t size, std::uint64_t offset) override {
        return real_->pread(fd, data, size, offset);
    }
    int fdatasync(int fd) override {
        ++fdatasync_calls;
        return real_->fdatasync(fd);
    }
    int fsync(int fd) override { return real_->fsync(fd); }
    int preallocate(int fd, std::uint64_t size) override { return real_->preallocate(fd, size); }
    int ftruncate(int fd, std::uint64_t size) override { return real_->ftruncate(fd, size); }
    int sync_filesystem(int fd) override {
        ++syncfs_calls;
        if (const int e = fail_syncfs_errno.load()) return -e;
        return real_->sync_filesystem(fd);
    }

private:
    std::shared_ptr<FileIo> real_ = system_file_io();
};

TEST_F(ConsumerRecordsTest, ManyRecordsAreSyncedWithOneSyncfs) {
    auto counting = std::make_shared<SyncfsIo>();
    {
        auto store = open_store(dir.path(), "{}", log.sink(), counting);
        auto s = store->open_stream("ACC", "S");
        s->append(1, 1, "a.b", "", "a message in the active block");
        for (int i = 0; i < 10; ++i) s->consumer_put("C" + std::to_string(i), "meta", "state");
        ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK);
        for (int i = 0; i < 10; ++i) ASSERT_TRUE(s->consumer_put_state("C" + std::to_string(i), "state 2"));
        s->append(2, 2, "a.b", "", "another");
        const int syncfs_before = counting->syncfs_calls.load();
        const int fdatasync_before = counting->fdatasync_calls.load();
        ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK);
        EXPECT_EQ(counting->syncfs_calls.load(), syncfs_before + 1) << "10 records, one syncfs";
        EXPECT_EQ(counting->fdatasync_calls.load(), fdatasync_before) << "the block is covered by the syncfs too";

        ASSERT_TRUE(s->consumer_put_state("C0", "state 3"));
        ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK);
        EXPECT_EQ(counting->syncfs_calls.load(), syncfs_before + 1) << "one record: its own fdatasync";
        EXPECT_GT(counting->fdatasync_calls.load(), fdatasync_before);

        for (int i = 0; i < 10; ++i) ASSERT_TRUE(s->consumer_put_state("C" + std::to_string(i), "state 4"));
        counting->fail_syncfs_errno = EIO;
        EXPECT_EQ(sync_and_wait(*s), NMK_STORE_IO_ERROR) << "a failed syncfs is a failed sync";
        counting->fail_syncfs_errno = 0;
        EXPECT_THROW(s->consumer_put_state("C0", "state 5"), sdk::StoreError) << "the store failed";
    }
    const int before_reopen = counting->syncfs_calls.load();
    auto store = open_store(dir.path(), "{}", log.sink(), counting);
    auto s = store->open_stream("ACC", "S");
    const auto records = listed(*s);
    EXPECT_EQ(records.size(), 10u);
    EXPECT_EQ(records.at("C0").second, "state 4") << "written before the failed sync; the page cache still has it";
    EXPECT_EQ(counting->syncfs_calls.load(), before_reopen + 1) << "loading 10 records: one syncfs, not 20 fsyncs";
}

// Real system calls, but the next write of `size` bytes or more stops after half of them
// and fails with ENOSPC (once).
class HalfWriteIo final : public FileIo {
public:
    std::size_t fail_at_least = 0;  // 0: no failure armed
    long pwrite(int fd, const void* data, std::size_t size, std::uint64_t offset) override {
        if (fail_at_least != 0 && size >= fail_at_least) {
            fail_at_least = 0;
            (void)real_->pwrite(fd, data, size / 2, offset);
            return -ENOSPC;
        }
        return real_->pwrite(fd, data, size, offset);
    }
    long pread(int fd, void* data, std::size_t size, std::uint64_t offset) override {
        return real_->pread(fd, data, size, offset);
    }
    int fdatasync(int fd) override { return real_->fdatasync(fd); }
    int fsync(int fd) override { return real_->fsync(fd); }
    int preallocate(int fd, std::uint64_t size) override { return real_->preallocate(fd, size); }
    int ftruncate(int fd, std::uint64_t size) override { return real_->ftruncate(fd, size); }

private:
    std::shared_ptr<FileIo> real_ = system_file_io();
};

TEST_F(ConsumerRecordsTest, AFailedWriteLeavesTheCurrentCopyInItsSlot) {
    auto half = std::make_shared<HalfWriteIo>();
    {
        auto store = open_store(dir.path(), "{}", log.sink(), half);
        auto s = store->open_stream("ACC", "S");
        s->consumer_put("C", "meta", "small state");
        half->fail_at_least = 1000;
        try {
            s->consumer_put_state("C", std::string(5000, 'x'));
            FAIL() << "the half write succeeded";
        } catch (const sdk::StoreError& e) {
            EXPECT_EQ(e.store_status(), NMK_STORE_NO_SPACE) << e.what();
        }
        EXPECT_EQ(listed(*s).at("C").second, "small state");
        ASSERT_EQ(sync_and_wait(*s), NMK_STORE_OK) << "the store did not fail: the old copy was put back";
        half->fail_at_least = 1000;
        EXPECT_THROW(s->consumer_put("NEW", std::string(2000, 'm'), ""), sdk::StoreError);
        EXPECT_EQ(listed(*s).count("NEW"), 0u) << "a failed creation creates nothing";
    }
    auto store = open();
    auto s = store->open_stream("ACC", "S");
    EXPECT_EQ(listed(*s), (Records{{"C", {"meta", "small state"}}}));
    EXPECT_FALSE(log.contains("left out")) << "the failed creation left an empty slot, removed quietly";
}

TEST_F(ConsumerRecordsTest, RecordsSurviveTheStreamsOwnRecoveryAndSnapshot) {
    {
        auto store = open();
        auto s = store->open_stream("ACC", "S");
        for (std::uint64_t seq = 1; seq <= 50; ++seq) s->append(seq, static_cast<std::int64_t>(seq), "a.b", "", "p");
        s->consumer_put("C", "meta", "state at 50");
        s->purge("", 0, 0);
    }
    auto store = open();
    auto s = store->open_stream("ACC", "S");
    EXPECT_EQ(s->state().last_sequence, 50u);
    EXPECT_EQ(listed(*s), (Records{{"C", {"meta", "state at 50"}}})) << "closing synced the record with the block";
}

}  // namespace
}  // namespace store_file::testing
