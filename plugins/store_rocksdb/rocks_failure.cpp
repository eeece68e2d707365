// What the RocksDB store does after a failed write or log sync (a full disk, an I/O error).
//
// With manual_wal_flush an append lands in RocksDB's memtable and log buffer at once; the
// group commit's FlushWAL(true) writes and fsyncs the log. When that fails, the appends it
// covered are in the memtables but not on disk, and their publishers got errors. RocksDB's
// own Resume() would flush those memtables (making refused messages durable), and after a
// failed fsync the kernel may have dropped the dirty pages anyway (fsyncgate). So:
//   - the first failure marks the store failed: every later write and sync is refused with
//     its status (NO_SPACE for a full disk), reads keep working on the old database;
//   - the next writing call closes the database without flushing and opens it again, so
//     RocksDB recovers from what its files really hold; if that fails (still full), the
//     database is opened read-only, so reads keep working, and the next write tries again;
//   - each new database is a new epoch: a stream that sees one forgets every append after
//     its last successful sync (deleting such records once writable) and rebuilds its
//     counts from the records, so nothing its publishers were refused is ever served, and a
//     sync that spans a reopen fails.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>

#include <rocksdb/write_batch.h>

#include "plugins/store_rocksdb/rocks_scan.hpp"
#include "plugins/store_rocksdb/rocks_store.hpp"

namespace nats::store_rocksdb {

namespace {

using nats_sdk::store::StoreError;

// How deep the calling thread is in calls on the store: only the outermost takes the gate.
thread_local int access_depth = 0;

std::mutex failure_mutex;  // guards RocksStore::failure_ (written by any thread that fails)

}  // namespace

RocksStore::Access::Access(RocksStore& store, bool writing, RocksStream* stream) {
    if (access_depth == 0) {
        if (writing && store.failed_.load(std::memory_order_acquire)) store.reopen_after_failure();
        lock_ = std::shared_lock(store.gate_);
        if (!store.db_) throw StoreError(NMK_STORE_IO_ERROR, "rocksdb could not be reopened after a failure");
    }
    ++access_depth;
    try {
        if (stream != nullptr) stream->catch_up();
        if (writing && !store.writable()) store.refuse_write();
    } catch (...) {
        --access_depth;
        throw;
    }
}

RocksStore::Access::~Access() { --access_depth; }

void RocksStore::mark_failed(const rocksdb::Status& s, const char* what) {
    {
        std::lock_guard lock(failure_mutex);
        if (failed_.load(std::memory_order_acquire)) return;
        last_failure_.store(s.IsNoSpace() ? NMK_STORE_NO_SPACE : NMK_STORE_IO_ERROR);
        failure_ = std::string(what) + ": " + s.ToString();
        failed_.store(true, std::memory_order_release);
    }
    log(NMK_LOG_ERROR, "rocksdb store " + path_ + ": " + what + " failed (" + s.ToString() +
                           "); writes are refused and what was not synced is dropped when the database is reopened");
}

std::optional<rocksdb::Status> RocksStore::log_failure(const char* what) {
    const auto f = wal_fs_->failure();
    if (!f) return std::nullopt;
    mark_failed(*f, what);
    return rocksdb::Status(*f);
}

void RocksStore::refuse_write() const {
    std::string why;
    {
        std::lock_guard lock(failure_mutex);
        why = failure_;
    }
    throw StoreError(static_cast<nmk_store_status>(last_failure_.load()), "rocksdb is refusing writes after a failed " + why);
}

rocksdb::Status RocksStore::open_db(bool read_only) {
    rocksdb::DB* db = nullptr;
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    const rocksdb::Status s = read_only ? rocksdb::DB::OpenForReadOnly(db_options_, path_, families_, &handles, &db)
                                        : rocksdb::DB::Open(db_options_, path_, families_, &handles, &db);
    if (s.ok()) {
        db_.reset(db);
        handles_ = std::move(handles);
    }
    return s;
}

void RocksStore::close_db(bool flush) {
    if (!db_) return;
    if (flush) {
        db_->FlushWAL(true);
        // Memtables to table files now, so the next open has no log to replay (a restart
        // with a million messages otherwise re-reads them all from the log).
        rocksdb::FlushOptions options;
        options.wait = true;
        db_->Flush(options, handles_);
    }
    for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
    handles_.clear();
    db_->Close();
    db_.reset();
}

void RocksStore::reopen_after_failure() {
    std::unique_lock lock(gate_);
    if (!failed_.load(std::memory_order_acquire)) return;  // another thread did it
    const bool was_read_only = read_only_;
    close_db(false);
    wal_fs_->clear();  // the failure belonged to the old log
    rocksdb::Status s = open_db(false);
    if (s.ok()) {
        if (const auto f = wal_fs_->failure()) {  // the new log could not be written either
            close_db(false);
            s = *f;
        }
    }
    if (s.ok()) {
        read_only_ = false;
        failed_.store(false, std::memory_order_release);
        epoch_.fetch_add(1, std::memory_order_acq_rel);
        log(NMK_LOG_WARN, "rocksdb store " + path_ + ": reopened after the failure, accepting writes again");
        return;
    }
    if (s.IsNoSpace()) last_failure_.store(NMK_STORE_NO_SPACE);
    const rocksdb::Status r = open_db(true);
    read_only_ = r.ok();
    // A read-only database opened again holds what the last one held: the streams have
    // caught up with it already.
    if (!was_read_only || !r.ok()) epoch_.fetch_add(1, std::memory_order_acq_rel);
    if (!was_read_only) {
        log(NMK_LOG_ERROR, "rocksdb store " + path_ + ": cannot reopen (" + s.ToString() + "); " +
                               (r.ok() ? "serving reads only" : "cannot open read-only either: " + r.ToString()) +
                               " until a write succeeds in reopening it");
    }
}

// Damage that stops RocksDB from opening: a table file whose footer, index or properties
// fail their checksum (paranoid checks read them all at open), a damaged or cut MANIFEST.
// First without paranoid checks (a damaged table is then found when read, and the scans
// step over it); then RocksDB's RepairDB, which rebuilds the MANIFEST from the table and
// log files it can read and moves the others to lost/.
void RocksStore::open_despite_damage() {
    rocksdb::Status s = open_db(false);
    // A table file cut short (its size below what the MANIFEST says): opening without
    // paranoid checks still reads its footer, fails, and Debian's RocksDB 7.8 then aborts on
    // an assertion while cleaning up (ColumnFamilySet's `last_ref`), so such a store goes
    // straight to RepairDB, which moves the cut file to lost/.
    const bool cut_table = s.IsCorruption() && s.ToString().find("to be an sstable") != std::string::npos;
    if (!cut_table && (s.IsCorruption() || (s.IsIOError() && !s.IsNoSpace()))) {
        store_corruption_.fetch_add(1, std::memory_order_relaxed);
        log(NMK_LOG_ERROR, "rocksdb store " + path_ + ": cannot open (" + s.ToString() +
                               "); opening without paranoid checks, damaged data is skipped when read");
        db_options_.paranoid_checks = false;
        s = open_db(false);
    }
    if (cut_table) {
        store_corruption_.fetch_add(1, std::memory_order_relaxed);
        log(NMK_LOG_ERROR, "rocksdb store " + path_ + ": cannot open (" + s.ToString() + ")");
    } else if ((s.IsCorruption() || (s.IsIOError() && !s.IsNoSpace())) && point_current_at_newest_manifest()) {
        s = open_db(false);
    }
    if (s.IsCorruption() || (s.IsIOError() && !s.IsNoSpace())) {
        log(NMK_LOG_ERROR, "rocksdb store " + path_ + ": still cannot open (" + s.ToString() +
                               "); repairing it (RepairDB: the MANIFEST rebuilt from the readable table and log files, the "
                               "others moved to lost/)");
        if (const rocksdb::Status r = rocksdb::RepairDB(path_, db_options_, families_); !r.ok())
            log(NMK_LOG_ERROR, "rocksdb store " + path_ + ": repair failed: " + r.ToString());
        s = open_db(false);
    }
    if (!s.ok()) {
        const nmk_store_status status = s.IsNoSpace() ? NMK_STORE_NO_SPACE : s.IsCorruption() ? NMK_STORE_CORRUPT : NMK_STORE_IO_ERROR;
        throw StoreError(status, "rocksdb open: " + s.ToString());
    }
}

// CURRENT names the live MANIFEST in one line; when it is damaged (or names a file that is
// not there) the newest MANIFEST is the one to use. Rewritten through a temporary file.
bool RocksStore::point_current_at_newest_manifest() {
    namespace fs = std::filesystem;
    std::string newest;
    std::uint64_t newest_number = 0;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(path_, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.rfind("MANIFEST-", 0) != 0 || entry.file_size(ec) == 0) continue;
        const std::uint64_t number = std::strtoull(name.c_str() + 9, nullptr, 10);
        if (number >= newest_number) {
            newest_number = number;
            newest = name;
        }
    }
    if (newest.empty()) return false;
    std::string current;
    {
        std::ifstream in(fs::path(path_) / "CURRENT");
        std::getline(in, current);
    }
    if (current == newest && fs::exists(fs::path(path_) / current)) return false;  // CURRENT is right
    {
        std::ofstream out(fs::path(path_) / "CURRENT.repair", std::ios::trunc);
        out << newest << '\n';
        if (!out.flush()) return false;
    }
    fs::rename(fs::path(path_) / "CURRENT.repair", fs::path(path_) / "CURRENT", ec);
    if (ec) return false;
    log(NMK_LOG_ERROR, "rocksdb store " + path_ + ": CURRENT named '" + current + "'; pointed it at " + newest + ", the newest MANIFEST");
    return true;
}

bool RocksStream::catch_up() {
    const std::uint64_t epoch = store_.epoch();
    if (epoch == seen_epoch_) return false;
    ahead_.clear();  // read from the database that was replaced
    const std::uint64_t keep = durable_->load(std::memory_order_acquire);
    if (store_.writable()) {
        // Records above the last synced sequence that made it into the log anyway: nobody
        // was told they were stored.
        rocksdb::WriteBatch batch;
        auto it = message_scan();
        for (it.seek(keep + 1); it.valid(); it.next()) {
            if (const auto m = decode_message(it.value())) batch.Delete(store_.subjects(), subject_key(id_, m->subject, it.sequence()));
            batch.Delete(store_.messages(), message_key(id_, it.sequence()));
        }
        if (batch.Count() > 0) store_.write_durably(batch);
        ceiling_ = ~std::uint64_t{0};
    } else {
        ceiling_ = keep;
    }
    const std::uint64_t last_before = counts_.last;
    std::string value;
    const auto s = store_.db().Get(rocksdb::ReadOptions(), store_.state(), prefix_ + "b", &value);
    StreamCounts bounds;
    const bool have_bounds = s.ok() && decode_bounds(value, bounds);
    counts_ = StreamCounts{};
    subjects_.clear();
    if (have_bounds) {
        counts_.last = std::min(bounds.last, keep);
        counts_.last_time_ns = bounds.last_time_ns;
        counts_.fresh = bounds.fresh;
    }
    rebuild_from_records(ceiling_);
    // An acknowledged sequence is never handed out again, even if the removal that emptied
    // the stream up to it was not synced.
    if (counts_.last < keep) {
        counts_.last = keep;
        counts_.fresh = false;
    }
    seen_epoch_ = epoch;
    // A snapshot removal may have gone with the dropped writes: the next change repeats it.
    snapshot_stale_ = true;
    if (last_before > counts_.last) {
        store_.log(NMK_LOG_WARN, "rocksdb stream " + store_.describe(id_) + ": sequences " + std::to_string(counts_.last + 1) + " to " + std::to_string(last_before) +
                                     " were never synced and are dropped");
    }
    return true;
}

}  // namespace nats::store_rocksdb
