#pragma once
// The store's syncer thread: group commit in "batch" mode, the timer in lazy mode
// (none in "always" mode, where appends sync themselves).
//
// Group commit: a stream's sync(done) queues (stream, done) and returns. The thread
// takes everything queued, fdatasyncs each stream's active block once (and its side files:
// consumer records and directories written since the last sync, or one syncfs for all of
// them), then runs every done of that round with the result. An append made before a sync() call was written
// before that request was queued, so the round that takes the request covers it; the
// requests arriving during an fdatasync wait for the next round and share it. Each done
// runs exactly once, also when the store shuts down (the queue is drained first).
//
// Lazy: every `interval` the thread fdatasyncs the active block (and side files) of every
// open stream. In both modes a stream fdatasyncs its block itself when it rolls to the next
// one, so only active blocks and side files can hold unsynced data.
//
// Threads: request()/watch() from any stream thread; dones run on the syncer thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "file_io.hpp"
#include "nats_sdk/kinds/stream_store.hpp"
#include "store_options.hpp"

namespace store_file {

class StoreContext;

// From this many side files written since the last sync on, a stream's sync is one syncfs
// instead of an fdatasync per file: a stream with many consumers acknowledging pays one
// cache flush per round, not one per consumer. (syncfs also writes whatever else on that
// filesystem is dirty; with fewer files, per-file syncs are cheaper.)
inline constexpr std::size_t syncfs_side_files = 4;

// A file of a stream other than its active block that holds writes the stream's next sync
// must make durable: a consumer record's state slot (written without fsync), or a
// directory whose entries changed (fsynced). `written` counts the stream's writes to it,
// `durable` how many of them a completed sync covered; both only grow.
struct SideFile {
    SideFile(std::shared_ptr<FileHandle> handle_, bool directory_) : handle(std::move(handle_)), directory(directory_) {}
    bool settled() const noexcept { return durable.load(std::memory_order_acquire) == written.load(); }

    const std::shared_ptr<FileHandle> handle;
    const bool directory;
    std::atomic<std::uint64_t> written{0};
    std::atomic<std::uint64_t> durable{0};
};

// What the syncer knows of one stream: its active block, the side files written since the
// last sync, and how much was written and is known durable (counted in writes), so a sync
// with nothing new costs no fdatasync.
class SyncTarget {
public:
    explicit SyncTarget(std::string name) : name_(std::move(name)) {}
    const std::string& name() const noexcept { return name_; }
    void set_active(std::shared_ptr<FileHandle> handle);
    // Called by the stream after each successful write.
    void wrote() noexcept { written_.fetch_add(1, std::memory_order_release); }
    // Called by the stream after each successful write to a side file: the next sync
    // covers it too.
    void wrote(const std::shared_ptr<SideFile>& file);
    bool clean() const noexcept { return written_.load(std::memory_order_acquire) == durable_.load(); }
    // fdatasyncs the active block and every side file written (fsyncs directories) if
    // anything was written since the last sync. Returns 0 or -errno.
    int sync_now(FileIo& io);

private:
    std::string name_;
    std::mutex mutex_;
    std::shared_ptr<FileHandle> active_;
    std::vector<std::shared_ptr<SideFile>> side_;  // guarded by mutex_
    std::atomic<std::uint64_t> written_{0};
    std::atomic<std::uint64_t> durable_{0};
};

class Syncer {
public:
    Syncer(StoreContext& context, SyncMode mode, std::chrono::nanoseconds interval);
    ~Syncer();  // runs every queued done, then joins the thread
    Syncer(const Syncer&) = delete;
    Syncer& operator=(const Syncer&) = delete;

    void request(std::shared_ptr<SyncTarget> target, nats_sdk::store::Stream::SyncDone done);
    void watch(const std::shared_ptr<SyncTarget>& target);

    // Rounds completed and fdatasyncs issued (tests check the batching).
    std::uint64_t rounds() const noexcept { return rounds_.load(); }
    std::uint64_t fdatasyncs() const noexcept { return fdatasyncs_.load(); }

private:
    void run_batch();
    void run_lazy();
    // Syncs the targets (each once); "" or the error.
    std::string sync_targets(const std::vector<std::shared_ptr<SyncTarget>>& targets, bool* failed_before);

    StoreContext& context_;
    SyncMode mode_;
    std::chrono::nanoseconds interval_;
    std::mutex mutex_;
    std::condition_variable wake_;
    std::vector<std::pair<std::shared_ptr<SyncTarget>, nats_sdk::store::Stream::SyncDone>> queue_;
    std::vector<std::weak_ptr<SyncTarget>> watched_;
    bool stopping_ = false;
    std::atomic<std::uint64_t> rounds_{0};
    std::atomic<std::uint64_t> fdatasyncs_{0};
    std::thread thread_;  // last: started once everything above exists
};

}  // namespace store_file
