#pragma once
// A file system layer under RocksDB that keeps a failed write-ahead-log write from reaching
// RocksDB's log writer. Once a write, flush or sync of a log file (*.log) fails, RocksDB's
// writer refuses the file for good, and closing the database then stops the process on an
// assertion in Debian's librocksdb (the writer flushes its buffer once more on close). So
// the layer answers success to RocksDB, drops every later write to that file (the file
// stays a clean prefix that recovery reads up to its last whole record) and records the
// failure; the store reads it after every write and log sync (failure()) and treats it as
// the failed write it is: nothing synced in that round is acknowledged, writes are refused,
// and the database is reopened (rocks_failure.cpp). Other files (tables, MANIFEST) keep
// RocksDB's own error handling.

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

namespace nats::store_rocksdb {

class WalGuardFileSystem final : public rocksdb::FileSystemWrapper {
public:
    WalGuardFileSystem();

    static const char* kClassName() { return "NmkWalGuard"; }
    const char* Name() const override { return kClassName(); }

    rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) override;
    rocksdb::IOStatus ReopenWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                         std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) override;
    rocksdb::IOStatus ReuseWritableFile(const std::string& name, const std::string& old_name,
                                        const rocksdb::FileOptions& options, std::unique_ptr<rocksdb::FSWritableFile>* result,
                                        rocksdb::IODebugContext* dbg) override;

    // The first log failure since the last clear(), if any.
    std::optional<rocksdb::IOStatus> failure() const;
    // After the database was reopened (its new log is a new file).
    void clear();
    void record(const rocksdb::IOStatus& s);

private:
    void guard(const std::string& name, std::unique_ptr<rocksdb::FSWritableFile>* result);

    std::atomic<bool> failed_{false};  // the fast check after every write
    mutable std::mutex mutex_;
    std::optional<rocksdb::IOStatus> failure_;
};

}  // namespace nats::store_rocksdb
