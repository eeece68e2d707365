#pragma once
// The RocksDB stream store (backend "rocksdb" of kind jetstream.store 1.1): one RocksDB
// database per store root (<store_dir>/jetstream/rocksdb), every stream a key range in it
// (rocks_format.hpp). Appends go into RocksDB's write-ahead log; a sync fsyncs that log
// once for every append and consumer record written before it (group commit), so an ack
// still means "on disk". A stream keeps in memory only its counts and per-subject state
// (as nats-server's file store does), written as a snapshot at a clean close so a restart
// reads no messages; after a crash they are rebuilt from the records.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <thread>
#include <vector>

#include <rocksdb/db.h>
#include <rocksdb/options.h>

#include <nats_sdk/kinds/stream_store.hpp>

#include "plugins/store_rocksdb/rocks_format.hpp"
#include "plugins/store_rocksdb/rocks_log.hpp"
#include "plugins/store_rocksdb/rocks_readahead.hpp"
#include "plugins/store_rocksdb/rocks_wal_guard.hpp"

namespace nats::store_rocksdb {

// The backend's options (the open_store JSON and the plugin's block).
struct RocksOptions {
    std::string sync = "batch";          // batch, always, or a Go duration (lazy)
    std::uint64_t block_cache_bytes = 32u << 20;
    std::uint64_t write_buffer_bytes = 16u << 20;
    std::string compression = "lz4";     // none, snappy, lz4, zstd
};
// Reads the keys above from a JSON object; unknown keys are ignored. Throws StoreError
// (INVALID_ARGUMENT) on text that is not an object or a bad value.
RocksOptions read_options(std::string_view json, const RocksOptions& defaults);

class RocksStore;
class SequenceScan;

// Where the store's warnings and errors go (the server's log in the plugin).
using RocksLog = std::function<void(nmk_log_level, std::string_view)>;

class RocksStream final : public nats_sdk::store::Stream {
public:
    RocksStream(RocksStore& store, std::uint64_t id);
    ~RocksStream() override;

    void write_meta(std::string_view meta) override;
    void append(std::uint64_t sequence, std::int64_t time_ns, std::string_view subject, std::string_view headers,
                std::string_view payload) override;
    void sync(SyncDone done) override;
    nats_sdk::store::LoadResult load(std::uint64_t sequence,
                                     const std::function<void(const nats_sdk::store::MessageView&)>& found) override;
    nats_sdk::store::LoadResult load_next(std::uint64_t start, std::string_view filter,
                                          const std::function<void(const nats_sdk::store::MessageView&)>& found) override;
    nats_sdk::store::LoadResult load_last(std::string_view filter,
                                          const std::function<void(const nats_sdk::store::MessageView&)>& found) override;
    bool remove(std::uint64_t sequence) override;
    std::uint64_t purge(std::string_view filter, std::uint64_t below_sequence, std::uint64_t keep) override;
    std::uint64_t compact(std::uint64_t sequence) override;
    void truncate(std::uint64_t sequence) override;
    nats_sdk::store::StreamState state() const override;
    std::optional<nats_sdk::store::SubjectState> subject_state(std::string_view literal_subject) const override;
    void subjects_state(std::string_view filter,
                        const std::function<void(std::string_view, const nats_sdk::store::SubjectState&)>& found) const override;
    std::uint64_t sequence_for_time(std::int64_t time_ns) const override;

    void consumer_put(std::string_view name, std::string_view meta, std::string_view state) override;
    bool consumer_put_state(std::string_view name, std::string_view state) override;
    void consumer_list(const std::function<void(const nats_sdk::store::ConsumerRecordView&)>& found) override;
    bool consumer_delete(std::string_view name) override;

private:
    friend class RocksStore;
    void recover();
    // Counts and subjects from the records up to `ceiling` (after a crash or a reopen).
    void rebuild_from_records(std::uint64_t ceiling = ~std::uint64_t{0});
    // After the store replaced its database (a failed write, rocks_failure.cpp): forget
    // every append not covered by a successful sync. True when this call did it.
    bool catch_up();
    // Removes the listed messages (sequence -> subject) in one write and fixes the counts.
    std::uint64_t remove_all(const std::map<std::uint64_t, std::string>& doomed);
    void refresh_first();
    void refresh_subject(const std::string& subject);
    void write_bounds(rocksdb::WriteBatch& batch) const;
    // Writes a change to the stream's messages or counts (with the snapshot's removal when
    // one is still stored).
    void write_change(rocksdb::WriteBatch& batch);
    bool offer(const SequenceScan& it, std::string_view filter,
               const std::function<void(const nats_sdk::store::MessageView&)>& found);
    // Walks over this stream's messages, or one subject's index entries, past damage.
    SequenceScan message_scan() const;
    SequenceScan subject_scan(std::string_view subject) const;
    void note_damage(const char* what, std::uint64_t from, std::uint64_t to, const rocksdb::Status& why) const;
    // The state-family key of consumer record `name` (refused when the name is not allowed).
    std::string consumer_key(std::string_view name) const;
    nats_sdk::store::LoadResult deliver(std::uint64_t sequence, std::string_view record,
                                        const std::function<void(const nats_sdk::store::MessageView&)>& found);
    // The next message at or after `start` matching `filter` from the read-ahead buffer
    // (filling it when a reader walks in order). nullopt: the slow way must answer.
    std::optional<nats_sdk::store::LoadResult> load_ahead(std::uint64_t start, std::string_view filter,
                                                          const std::function<void(const nats_sdk::store::MessageView&)>& found);

    RocksStore& store_;
    std::uint64_t id_;
    std::string prefix_;  // id_prefix(id_)
    StreamCounts counts_;
    std::map<std::string, SubjectInfo, std::less<>> subjects_;
    mutable std::uint64_t corrupt_ = 0;
    // Damaged ranges already counted: what, and the first sequence.
    mutable std::set<std::pair<std::string, std::uint64_t>> damage_seen_;
    // The store's database generation this stream's counts belong to.
    std::uint64_t seen_epoch_ = 0;
    // The last sequence a sync made durable (shared with pending sync completions, which
    // may run after the stream is gone).
    std::shared_ptr<std::atomic<std::uint64_t>> durable_ = std::make_shared<std::atomic<std::uint64_t>>(0);
    // Above this nothing is served: records beyond the last sync that a read-only reopen
    // still sees (removed at the next writable reopen).
    std::uint64_t ceiling_ = ~std::uint64_t{0};
    // The epoch of the appends not yet covered by a sync request (0: none).
    std::uint64_t appended_in_ = 0;
    // The clean-close snapshot read at open is still stored: the next change removes it.
    bool snapshot_stale_ = false;
    // Records read ahead for an in-order reader; cleared by every change but an append.
    ReadAhead ahead_;
};

class RocksStore final : public nats_sdk::store::Store {
public:
    RocksStore(const std::string& root, RocksOptions options, RocksLog log = {});
    ~RocksStore() override;

    void list_streams(
        const std::function<void(std::string_view account, std::string_view stream, std::string_view meta)>& found) override;
    std::unique_ptr<nats_sdk::store::Stream> open_stream(std::string_view account, std::string_view stream) override;
    void delete_stream(std::string_view account, std::string_view stream) override;

    // ---- for RocksStream ----
    // Held (shared) by every call that touches the database; replacing the database after a
    // failed write holds it exclusively. A call made inside another on the same thread takes
    // nothing. A writing call first reopens a failed database; `stream` (when given) then
    // catches up with a reopen. Throws StoreError when the database cannot be used.
    class Access {
    public:
        Access(RocksStore& store, bool writing, RocksStream* stream = nullptr);
        ~Access();
        Access(const Access&) = delete;
        Access& operator=(const Access&) = delete;

    private:
        std::shared_lock<std::shared_mutex> lock_;
    };
    rocksdb::DB& db() { return *db_; }
    rocksdb::ColumnFamilyHandle* streams() { return handles_[1]; }
    rocksdb::ColumnFamilyHandle* messages() { return handles_[2]; }
    rocksdb::ColumnFamilyHandle* subjects() { return handles_[3]; }
    rocksdb::ColumnFamilyHandle* state() { return handles_[4]; }
    // A write: into the log (synced at once with sync "always"), durable after the next sync.
    void write(rocksdb::WriteBatch& batch);
    void write_durably(rocksdb::WriteBatch& batch);
    // `epoch`: the database generation the synced appends were made in; a sync that spans
    // a reopen fails (those appends were thrown away with the old database).
    void sync(std::uint64_t epoch, nats_sdk::store::Stream::SyncDone done);
    std::string meta_key_of(std::uint64_t id);
    // "account > stream" for log lines.
    std::string describe(std::uint64_t id);
    std::uint64_t epoch() const { return epoch_.load(std::memory_order_acquire); }
    // Writes are possible (no failure pending, not opened read-only).
    bool writable() const { return !failed_.load(std::memory_order_acquire) && !read_only_; }
    // Damage found in the database as a whole (opening it, a dropped log record): RocksDB
    // cannot say whose records were lost, so every stream counts it (state().corrupt).
    std::uint64_t store_corruption() const {
        return store_corruption_.load(std::memory_order_relaxed) + (info_log_ ? info_log_->corruption_reports() : 0);
    }
    // The status of the last failure (NO_SPACE or IO_ERROR).
    nmk_store_status last_failure() const { return static_cast<nmk_store_status>(last_failure_.load()); }
    void log(nmk_log_level level, const std::string& line) const {
        if (log_) log_(level, line);
    }

private:
    void syncer_loop();
    void write_with(const rocksdb::WriteOptions& options, rocksdb::WriteBatch& batch);
    void lazy_loop();
    // ---- rocks_failure.cpp ----
    // A failed write or log sync: RocksDB keeps the unsynced writes in its memtables and
    // refuses writes; the store refuses them too until it has reopened the database.
    void mark_failed(const rocksdb::Status& s, const char* what);
    void reopen_after_failure();
    rocksdb::Status open_db(bool read_only);
    void open_despite_damage();
    bool point_current_at_newest_manifest();
    void close_db(bool flush);
    [[noreturn]] void refuse_write() const;
    // A log write or sync failed under RocksDB (rocks_wal_guard.hpp): marks the store
    // failed and returns the failure.
    std::optional<rocksdb::Status> log_failure(const char* what);

    RocksOptions options_;
    RocksLog log_;
    std::string path_;
    std::shared_ptr<WalGuardFileSystem> wal_fs_ = std::make_shared<WalGuardFileSystem>();
    std::unique_ptr<rocksdb::Env> env_ = rocksdb::NewCompositeEnv(wal_fs_);
    std::shared_ptr<ForwardingLogger> info_log_;
    rocksdb::DBOptions db_options_;
    std::vector<rocksdb::ColumnFamilyDescriptor> families_;
    std::unique_ptr<rocksdb::DB> db_;
    std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // default, streams, msgs, subjects, state
    std::mutex ids_mutex_;
    // Database replacement (rocks_failure.cpp): gate_ is taken exclusively for it.
    std::shared_mutex gate_;
    std::atomic<std::uint64_t> epoch_{1};
    std::atomic<bool> failed_{false};
    bool read_only_ = false;  // written under gate_ held exclusively
    std::atomic<int> last_failure_{NMK_STORE_IO_ERROR};
    std::string failure_;  // the first failure's words, under gate_
    std::atomic<std::uint64_t> store_corruption_{0};  // damage found opening the database
    std::uint64_t next_id_ = 1;
    std::map<std::uint64_t, std::string> keys_by_id_;  // id -> streams key

    // Group commit: completions waiting for the next fsync of the log.
    std::mutex sync_mutex_;
    std::condition_variable sync_wake_;
    struct Waiting {
        std::uint64_t epoch;
        nats_sdk::store::Stream::SyncDone done;
    };
    std::vector<Waiting> waiting_;
    bool stopping_ = false;
    std::int64_t lazy_interval_ms_ = 0;
    std::thread syncer_;
};

class RocksBackend final : public nats_sdk::store::StoreBackend {
public:
    explicit RocksBackend(RocksOptions defaults = {}, RocksLog log = {})
        : defaults_(std::move(defaults)), log_(std::move(log)) {}
    std::unique_ptr<nats_sdk::store::Store> open_store(std::string_view root_dir, std::string_view options_json) override;
    bool supports_consumer_records() const noexcept override { return true; }

private:
    RocksOptions defaults_;
    RocksLog log_;
};

}  // namespace nats::store_rocksdb
