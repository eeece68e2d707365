#pragma once
// What a store's streams share: the options, the system-call interface, the log, the
// syncer thread, the set of open streams, and the store-wide "failed" state.
//
// FSYNCGATE. On Linux a failed fsync may have dropped the dirty pages it was to write,
// and a later fsync can then succeed without them. So after the first failed
// fdatasync/fsync anywhere in the store, fail() makes every later write and sync of
// every stream of that store answer NMK_STORE_CLOSED: nothing is acknowledged again until
// the store is reopened (and recovery re-reads what is really on disk).
//
// Streams hold the context by shared_ptr, so it (and the syncer) outlives the Store
// object if a stream is closed after it.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

#include "file_io.hpp"
#include "nats_sdk/abi.h"
#include "store_options.hpp"

namespace store_file {

// Where the store's log lines go (the plugin passes the host's log).
using LogSink = std::function<void(nmk_log_level level, std::string_view line)>;

class Syncer;

class StoreContext {
public:
    StoreContext(std::string root, StoreOptions options, std::shared_ptr<FileIo> io, LogSink log);
    ~StoreContext();
    StoreContext(const StoreContext&) = delete;
    StoreContext& operator=(const StoreContext&) = delete;

    const std::string& root() const noexcept { return root_; }
    const StoreOptions& options() const noexcept { return options_; }
    FileIo& io() noexcept { return *io_; }
    Syncer* syncer() noexcept { return syncer_.get(); }  // null in "always" mode
    void log(nmk_log_level level, std::string_view line) const;

    bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
    // The sentence every refused call reports once failed() is true.
    std::string failure() const;
    // Records a failed sync (first one logged as an error); later calls add nothing.
    void fail(const std::string& what);

    // One Stream object per directory at a time: claim() is false when already open.
    bool claim(const std::string& key);
    void release(const std::string& key);
    bool is_open(const std::string& key) const;

private:
    std::string root_;
    StoreOptions options_;
    std::shared_ptr<FileIo> io_;
    LogSink log_;
    std::atomic<bool> failed_{false};
    mutable std::mutex mutex_;  // guards failure_ and open_
    std::string failure_;
    std::set<std::string> open_;
    std::unique_ptr<Syncer> syncer_;  // last: destroyed (joined) first
};

}  // namespace store_file
