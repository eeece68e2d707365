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
#include <string>
#include <thread>
#include <vector>

#include <rocksdb/db.h>

#include <nats_sdk/kinds/stream_store.hpp>

#include "plugins/store_rocksdb/rocks_format.hpp"

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
    void recover();
    void rebuild_from_records();
    // Removes the listed messages (sequence -> subject) in one write and fixes the counts.
    std::uint64_t remove_all(const std::map<std::uint64_t, std::string>& doomed);
    void refresh_first();
    void refresh_subject(const std::string& subject);
    void write_bounds(rocksdb::WriteBatch& batch) const;
    bool offer(const rocksdb::Iterator& it, std::string_view filter,
               const std::function<void(const nats_sdk::store::MessageView&)>& found);
    // The state-family key of consumer record `name` (refused when the name is not allowed).
    std::string consumer_key(std::string_view name) const;
    nats_sdk::store::LoadResult deliver(std::uint64_t sequence, std::string_view record,
                                        const std::function<void(const nats_sdk::store::MessageView&)>& found);

    RocksStore& store_;
    std::uint64_t id_;
    std::string prefix_;  // id_prefix(id_)
    StreamCounts counts_;
    std::map<std::string, SubjectInfo, std::less<>> subjects_;
    mutable std::uint64_t corrupt_ = 0;
};

class RocksStore final : public nats_sdk::store::Store {
public:
    RocksStore(const std::string& root, RocksOptions options);
    ~RocksStore() override;

    void list_streams(
        const std::function<void(std::string_view account, std::string_view stream, std::string_view meta)>& found) override;
    std::unique_ptr<nats_sdk::store::Stream> open_stream(std::string_view account, std::string_view stream) override;
    void delete_stream(std::string_view account, std::string_view stream) override;

    // ---- for RocksStream ----
    rocksdb::DB& db() { return *db_; }
    rocksdb::ColumnFamilyHandle* streams() { return handles_[1]; }
    rocksdb::ColumnFamilyHandle* messages() { return handles_[2]; }
    rocksdb::ColumnFamilyHandle* subjects() { return handles_[3]; }
    rocksdb::ColumnFamilyHandle* state() { return handles_[4]; }
    // A write: into the log (synced at once with sync "always"), durable after the next sync.
    void write(rocksdb::WriteBatch& batch);
    void write_durably(rocksdb::WriteBatch& batch);
    void sync(nats_sdk::store::Stream::SyncDone done);
    std::string meta_key_of(std::uint64_t id);

private:
    void syncer_loop();
    void resume_after_error();
    void write_with(const rocksdb::WriteOptions& options, rocksdb::WriteBatch& batch);
    void lazy_loop();

    RocksOptions options_;
    std::unique_ptr<rocksdb::DB> db_;
    std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // default, streams, msgs, subjects, state
    std::mutex ids_mutex_;
    std::mutex resume_mutex_;
    std::atomic<bool> write_failed_{false};
    std::atomic<int> last_failure_{NMK_STORE_IO_ERROR};
    std::uint64_t next_id_ = 1;
    std::map<std::uint64_t, std::string> keys_by_id_;  // id -> streams key

    // Group commit: completions waiting for the next fsync of the log.
    std::mutex sync_mutex_;
    std::condition_variable sync_wake_;
    std::vector<nats_sdk::store::Stream::SyncDone> waiting_;
    bool stopping_ = false;
    std::int64_t lazy_interval_ms_ = 0;
    std::thread syncer_;
};

class RocksBackend final : public nats_sdk::store::StoreBackend {
public:
    explicit RocksBackend(RocksOptions defaults = {}) : defaults_(std::move(defaults)) {}
    std::unique_ptr<nats_sdk::store::Store> open_store(std::string_view root_dir, std::string_view options_json) override;
    bool supports_consumer_records() const noexcept override { return true; }

private:
    RocksOptions defaults_;
};

}  // namespace nats::store_rocksdb
