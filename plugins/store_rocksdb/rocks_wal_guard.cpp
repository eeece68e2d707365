#include "plugins/store_rocksdb/rocks_wal_guard.hpp"

namespace nats::store_rocksdb {

namespace {

using rocksdb::IODebugContext;
using rocksdb::IOOptions;
using rocksdb::IOStatus;
using rocksdb::Slice;

bool is_log(const std::string& name) { return name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0; }

// One log file: the first failure is recorded and answered as success; after it nothing
// more is written to the file (see the header).
class GuardedLog final : public rocksdb::FSWritableFileOwnerWrapper {
public:
    GuardedLog(std::unique_ptr<rocksdb::FSWritableFile> file, WalGuardFileSystem& fs)
        : FSWritableFileOwnerWrapper(std::move(file)), fs_(fs) {}

    IOStatus Append(const Slice& data, const IOOptions& o, IODebugContext* d) override {
        return guarded([&] { return target()->Append(data, o, d); });
    }
    IOStatus Append(const Slice& data, const IOOptions& o, const rocksdb::DataVerificationInfo& v, IODebugContext* d) override {
        return guarded([&] { return target()->Append(data, o, v, d); });
    }
    IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o, IODebugContext* d) override {
        return guarded([&] { return target()->PositionedAppend(data, offset, o, d); });
    }
    IOStatus PositionedAppend(const Slice& data, uint64_t offset, const IOOptions& o, const rocksdb::DataVerificationInfo& v,
                              IODebugContext* d) override {
        return guarded([&] { return target()->PositionedAppend(data, offset, o, v, d); });
    }
    IOStatus Flush(const IOOptions& o, IODebugContext* d) override {
        return guarded([&] { return target()->Flush(o, d); });
    }
    IOStatus Sync(const IOOptions& o, IODebugContext* d) override {
        return guarded([&] { return target()->Sync(o, d); });
    }
    IOStatus Fsync(const IOOptions& o, IODebugContext* d) override {
        return guarded([&] { return target()->Fsync(o, d); });
    }
    IOStatus RangeSync(uint64_t offset, uint64_t n, const IOOptions& o, IODebugContext* d) override {
        return guarded([&] { return target()->RangeSync(offset, n, o, d); });
    }
    IOStatus Close(const IOOptions& o, IODebugContext* d) override {
        const IOStatus s = target()->Close(o, d);
        if (!s.ok() && !broken_) fs_.record(s);  // a close flushes: its failure loses data too
        broken_ = true;
        return IOStatus::OK();
    }

private:
    template <typename Op>
    IOStatus guarded(Op op) {
        if (broken_) return IOStatus::OK();
        const IOStatus s = op();
        if (s.ok()) return s;
        broken_ = true;
        fs_.record(s);
        return IOStatus::OK();
    }

    WalGuardFileSystem& fs_;
    bool broken_ = false;  // RocksDB writes one log file from one thread at a time
};

}  // namespace

WalGuardFileSystem::WalGuardFileSystem() : FileSystemWrapper(rocksdb::FileSystem::Default()) {}

void WalGuardFileSystem::guard(const std::string& name, std::unique_ptr<rocksdb::FSWritableFile>* result) {
    if (is_log(name) && *result) *result = std::make_unique<GuardedLog>(std::move(*result), *this);
}

IOStatus WalGuardFileSystem::NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                             std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
    IOStatus s = target()->NewWritableFile(name, options, result, dbg);
    if (s.ok()) guard(name, result);
    return s;
}

IOStatus WalGuardFileSystem::ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                                std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
    IOStatus s = target()->ReopenWritableFile(name, options, result, dbg);
    if (s.ok()) guard(name, result);
    return s;
}

IOStatus WalGuardFileSystem::ReuseWritableFile(const std::string& name, const std::string& old_name,
                                               const rocksdb::FileOptions& options,
                                               std::unique_ptr<rocksdb::FSWritableFile>* result, IODebugContext* dbg) {
    IOStatus s = target()->ReuseWritableFile(name, old_name, options, result, dbg);
    if (s.ok()) guard(name, result);
    return s;
}

void WalGuardFileSystem::record(const IOStatus& s) {
    std::lock_guard lock(mutex_);
    if (!failure_) failure_ = s;
    failed_.store(true, std::memory_order_release);
}

std::optional<IOStatus> WalGuardFileSystem::failure() const {
    if (!failed_.load(std::memory_order_acquire)) return std::nullopt;
    std::lock_guard lock(mutex_);
    return failure_;
}

void WalGuardFileSystem::clear() {
    std::lock_guard lock(mutex_);
    failure_.reset();
    failed_.store(false, std::memory_order_release);
}

}  // namespace nats::store_rocksdb
