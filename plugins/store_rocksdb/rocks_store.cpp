#include "plugins/store_rocksdb/rocks_store.hpp"

#include <filesystem>

#include <nlohmann/json.hpp>
#include <rocksdb/cache.h>
#include <rocksdb/listener.h>
#include <rocksdb/table.h>
#include <rocksdb/write_batch.h>

#include <nats_sdk/go_time.hpp>

namespace nats::store_rocksdb {

namespace {

using nats_sdk::store::StoreError;

[[noreturn]] void bad(const std::string& why) { throw StoreError(NMK_STORE_INVALID_ARGUMENT, why); }

void check(const rocksdb::Status& s, const char* what) {
    if (s.ok()) return;
    const nmk_store_status status = s.IsNoSpace() ? NMK_STORE_NO_SPACE
                                    : s.IsCorruption() ? NMK_STORE_CORRUPT
                                                       : NMK_STORE_IO_ERROR;
    throw StoreError(status, std::string("rocksdb ") + what + ": " + s.ToString());
}

rocksdb::CompressionType compression_of(const std::string& name) {
    if (name == "none") return rocksdb::kNoCompression;
    if (name == "snappy") return rocksdb::kSnappyCompression;
    if (name == "lz4") return rocksdb::kLZ4Compression;
    if (name == "zstd") return rocksdb::kZSTD;
    bad("rocksdb compression must be none, snappy, lz4 or zstd, got '" + name + "'");
}

std::uint64_t size_of(const nlohmann::json& v, const char* key) {
    if (!v.is_number_unsigned() && !(v.is_number_integer() && v.get<std::int64_t>() > 0)) bad(std::string(key) + " must be a positive size");
    return v.get<std::uint64_t>();
}

}  // namespace

RocksOptions read_options(std::string_view text, const RocksOptions& defaults) {
    const auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_discarded() || !json.is_object()) bad("store options must be a JSON object");
    RocksOptions o = defaults;
    if (auto it = json.find("sync"); it != json.end()) {
        if (!it->is_string()) bad("sync must be a string");
        o.sync = it->get<std::string>();
        if (o.sync != "batch" && o.sync != "always") {
            const auto d = nats_sdk::parse_go_duration(o.sync);
            if (!d || d->count() <= 0) bad("sync must be batch, always or a duration, got '" + o.sync + "'");
        }
    }
    if (auto it = json.find("block_cache"); it != json.end()) o.block_cache_bytes = size_of(*it, "block_cache");
    if (auto it = json.find("write_buffer"); it != json.end()) o.write_buffer_bytes = size_of(*it, "write_buffer");
    if (auto it = json.find("compression"); it != json.end()) {
        if (!it->is_string()) bad("compression must be a string");
        o.compression = it->get<std::string>();
        compression_of(o.compression);
    }
    return o;
}

// Turns RocksDB's own recovery off: after a failed write it would flush the memtables,
// making appends durable whose sync failed (their publishers got errors). The store
// recovers by reopening the database instead (rocks_failure.cpp).
class NoAutoRecovery final : public rocksdb::EventListener {
public:
    void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason, rocksdb::Status, bool* auto_recovery) override {
        *auto_recovery = false;
    }
};

RocksStore::RocksStore(const std::string& root, RocksOptions options, RocksLog log)
    : options_(std::move(options)), log_(std::move(log)), path_((std::filesystem::path(root) / "rocksdb").string()) {
    std::error_code ec;
    std::filesystem::create_directories(path_, ec);
    if (ec) throw StoreError(NMK_STORE_IO_ERROR, "cannot create " + path_ + ": " + ec.message());

    db_options_.env = env_.get();
    info_log_ = std::make_shared<ForwardingLogger>([this](nmk_log_level level, const std::string& line) { this->log(level, line); });
    db_options_.info_log = info_log_;
    db_options_.create_if_missing = true;
    db_options_.create_missing_column_families = true;
    db_options_.paranoid_checks = true;
    db_options_.max_total_wal_size = 64u << 20;
    // A damaged log record is dropped and counted (its "dropping N bytes; Corruption" line
    // reaches ForwardingLogger); the records after it are still recovered.
    db_options_.wal_recovery_mode = rocksdb::WALRecoveryMode::kSkipAnyCorruptedRecords;
    db_options_.keep_log_file_num = 2;
    db_options_.max_background_jobs = 2;
    // No background recovery after an error (see NoAutoRecovery).
    db_options_.max_bgerror_resume_count = 0;
    db_options_.listeners.push_back(std::make_shared<NoAutoRecovery>());
    // The log is written out by our sync (FlushWAL(true): one write and one fsync for the
    // whole group), not by a write() call per append.
    db_options_.manual_wal_flush = true;
    // Opening fast (a restart): table files opened by two threads (not sixteen started
    // and stopped on a two-core machine), no read of every table's properties for
    // statistics, and obsolete files deleted in the background rather than in Open.
    db_options_.max_file_opening_threads = 2;
    db_options_.skip_stats_update_on_db_open = true;
    db_options_.avoid_unnecessary_blocking_io = true;
    // All column families' memtables together stay within two write buffers.
    db_options_.db_write_buffer_size = 2 * options_.write_buffer_bytes;
    rocksdb::ColumnFamilyOptions cf;
    cf.write_buffer_size = options_.write_buffer_bytes;
    cf.max_write_buffer_number = 2;
    cf.compression = compression_of(options_.compression);
    rocksdb::BlockBasedTableOptions table;
    table.block_cache = rocksdb::NewLRUCache(options_.block_cache_bytes);
    cf.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
    for (const char* name : {rocksdb::kDefaultColumnFamilyName.c_str(), "streams", "msgs", "subjects", "state"})
        families_.emplace_back(name, cf);
    open_despite_damage();
    if (const auto f = log_failure("open")) check(*f, "open");

    // Stream ids: the highest in use, plus one.
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), streams()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
        const auto value = unseal(std::string_view(it->value().data(), it->value().size()));
        if (!value || value->size() < 8) continue;
        const std::uint64_t id = read_u64_be(*value);
        keys_by_id_[id] = it->key().ToString();
        next_id_ = std::max(next_id_, id + 1);
    }
    check(it->status(), "list streams");

    if (options_.sync == "batch") {
        syncer_ = std::thread([this] { syncer_loop(); });
    } else if (options_.sync != "always") {
        lazy_interval_ms_ = std::chrono::duration_cast<std::chrono::milliseconds>(*nats_sdk::parse_go_duration(options_.sync)).count();
        syncer_ = std::thread([this] { lazy_loop(); });
    }
}

RocksStore::~RocksStore() {
    {
        std::lock_guard lock(sync_mutex_);
        stopping_ = true;
    }
    sync_wake_.notify_all();
    if (syncer_.joinable()) syncer_.join();
    // After a failure the memtables hold writes whose sync failed: they are not flushed.
    close_db(writable());
}

void RocksStore::write_with(const rocksdb::WriteOptions& options, rocksdb::WriteBatch& batch) {
    if (!writable()) refuse_write();
    const rocksdb::Status s = db_->Write(options, &batch);
    if (!s.ok()) mark_failed(s, "write");
    check(s, "write");
    if (const auto f = log_failure("log write")) check(*f, "write");
}

void RocksStore::write(rocksdb::WriteBatch& batch) {
    rocksdb::WriteOptions w;
    w.sync = options_.sync == "always";
    write_with(w, batch);
}

void RocksStore::write_durably(rocksdb::WriteBatch& batch) {
    rocksdb::WriteOptions w;
    w.sync = true;
    write_with(w, batch);
}

void RocksStore::sync(std::uint64_t epoch, nats_sdk::store::Stream::SyncDone done) {
    if (options_.sync != "batch") return done(NMK_STORE_OK, {});  // always: synced already; lazy: by the timer
    {
        std::lock_guard lock(sync_mutex_);
        waiting_.push_back({epoch, std::move(done)});
    }
    sync_wake_.notify_one();
}

// One fsync of the log for everything written before it started: whoever asked for a
// sync while the previous one ran shares the next.
void RocksStore::syncer_loop() {
    for (;;) {
        std::vector<Waiting> batch;
        {
            std::unique_lock lock(sync_mutex_);
            sync_wake_.wait(lock, [&] { return stopping_ || !waiting_.empty(); });
            if (waiting_.empty() && stopping_) return;
            batch.swap(waiting_);
        }
        nmk_store_status status = NMK_STORE_OK;
        std::string error;
        std::uint64_t epoch = 0;
        {
            std::shared_lock gate(gate_);
            epoch = epoch_.load();
            if (!writable()) {
                status = static_cast<nmk_store_status>(last_failure_.load());
                error = "rocksdb is refusing writes after a failure: " + failure_;
            } else {
                rocksdb::Status s = db_->FlushWAL(true);
                if (!s.ok()) mark_failed(s, "sync");  // never acked: every later sync fails until the reopen
                else if (const auto f = log_failure("sync")) s = *f;
                if (!s.ok()) {
                    status = s.IsNoSpace() ? NMK_STORE_NO_SPACE : NMK_STORE_IO_ERROR;
                    error = "rocksdb sync: " + s.ToString();
                }
            }
        }
        for (auto& w : batch) {
            // Appends made before a reopen went with the old database: not durable.
            if (status == NMK_STORE_OK && w.epoch != epoch)
                w.done(NMK_STORE_IO_ERROR, "rocksdb was reopened after a failed write; these appends were dropped");
            else
                w.done(status, error);
        }
    }
}

void RocksStore::lazy_loop() {
    std::unique_lock lock(sync_mutex_);
    while (!stopping_) {
        sync_wake_.wait_for(lock, std::chrono::milliseconds(lazy_interval_ms_), [&] { return stopping_; });
        lock.unlock();
        {
            std::shared_lock gate(gate_);
            if (writable()) {
                if (const rocksdb::Status s = db_->FlushWAL(true); !s.ok()) mark_failed(s, "sync");
                else log_failure("sync");
            }
        }
        lock.lock();
    }
}

void RocksStore::list_streams(
    const std::function<void(std::string_view account, std::string_view stream, std::string_view meta)>& found) {
    Access access(*this, false);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), streams()));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
        const std::string_view key(it->key().data(), it->key().size());
        const auto value = unseal(std::string_view(it->value().data(), it->value().size()));
        const auto nul = key.find('\0');
        if (!value || value->size() < 8 || nul == std::string_view::npos) continue;
        found(key.substr(0, nul), key.substr(nul + 1), value->substr(8));
    }
    check(it->status(), "list streams");
}

std::string RocksStore::meta_key_of(std::uint64_t id) {
    std::lock_guard lock(ids_mutex_);
    return keys_by_id_.at(id);
}

std::string RocksStore::describe(std::uint64_t id) {
    std::lock_guard lock(ids_mutex_);
    const auto it = keys_by_id_.find(id);
    if (it == keys_by_id_.end()) return "#" + std::to_string(id);
    std::string name = it->second;
    if (const auto nul = name.find('\0'); nul != std::string::npos) name.replace(nul, 1, " > ");
    return name;
}

std::unique_ptr<nats_sdk::store::Stream> RocksStore::open_stream(std::string_view account, std::string_view stream) {
    const std::string key = stream_key(account, stream);
    Access access(*this, true);
    std::uint64_t id = 0;
    {
        std::lock_guard lock(ids_mutex_);
        for (const auto& [known, k] : keys_by_id_) {
            if (k == key) id = known;
        }
        if (id == 0) {
            id = next_id_++;
            std::string value;
            put_u64_be(value, id);
            rocksdb::WriteBatch batch;
            batch.Put(streams(), key, seal(std::move(value)));
            write_durably(batch);
            keys_by_id_[id] = key;
        }
    }
    return std::make_unique<RocksStream>(*this, id);
}

void RocksStore::delete_stream(std::string_view account, std::string_view stream) {
    const std::string key = stream_key(account, stream);
    Access access(*this, true);
    std::uint64_t id = 0;
    {
        std::lock_guard lock(ids_mutex_);
        for (const auto& [known, k] : keys_by_id_) {
            if (k == key) id = known;
        }
        if (id == 0) return;
        keys_by_id_.erase(id);
    }
    const std::string from = id_prefix(id), to = id_prefix(id + 1);
    rocksdb::WriteBatch batch;
    batch.Delete(streams(), key);
    for (auto* cf : {messages(), subjects(), state()}) batch.DeleteRange(cf, from, to);
    write_durably(batch);
}

std::unique_ptr<nats_sdk::store::Store> RocksBackend::open_store(std::string_view root_dir, std::string_view options_json) {
    return std::make_unique<RocksStore>(std::string(root_dir), read_options(options_json, defaults_), log_);
}

}  // namespace nats::store_rocksdb
