#include "syncer.hpp"

#include <algorithm>

#include "store_context.hpp"

namespace store_file {

void SyncTarget::set_active(std::shared_ptr<FileHandle> handle) {
    std::lock_guard lock(mutex_);
    active_ = std::move(handle);
}

void SyncTarget::wrote(const std::shared_ptr<SideFile>& file) {
    file->written.fetch_add(1, std::memory_order_release);
    {
        std::lock_guard lock(mutex_);
        if (std::find(side_.begin(), side_.end(), file) == side_.end()) side_.push_back(file);
    }
    wrote();  // after the file is listed: whoever reads this count finds the file listed
}

int SyncTarget::sync_now(FileIo& io) {
    const std::uint64_t written = written_.load(std::memory_order_acquire);
    if (written == durable_.load()) return 0;
    std::shared_ptr<FileHandle> handle;
    std::vector<std::shared_ptr<SideFile>> side;
    {
        // A copy, not a take: the stream's own sync_now (rolling, closing, "always") may run
        // beside the syncer's, and neither may count as durable what only the other synced.
        std::lock_guard lock(mutex_);
        handle = active_;
        side = side_;
    }
    // What each side file holds now is what this sync covers (a later write waits for the next).
    std::vector<std::uint64_t> side_written;
    side_written.reserve(side.size());
    for (const auto& file : side) side_written.push_back(file->written.load(std::memory_order_acquire));
    if (side.size() >= syncfs_side_files) {
        // One syncfs covers the block and every side file (one filesystem: the stream's
        // directory) with one cache flush instead of one per file.
        if (const int result = io.sync_filesystem(side.front()->handle->fd()); result != 0) return result;
    } else {
        if (handle) {
            if (const int result = io.fdatasync(handle->fd()); result != 0) return result;
        }
        for (const auto& file : side) {
            const int result = file->directory ? io.fsync(file->handle->fd()) : io.fdatasync(file->handle->fd());
            if (result != 0) return result;  // the store fails: nothing more is claimed durable
        }
    }
    for (std::size_t i = 0; i < side.size(); ++i) {
        std::uint64_t durable = side[i]->durable.load();
        while (durable < side_written[i] && !side[i]->durable.compare_exchange_weak(durable, side_written[i])) {
        }
    }
    if (!side.empty()) {
        // Files written again meanwhile stay listed for the next sync.
        std::lock_guard lock(mutex_);
        std::erase_if(side_, [](const std::shared_ptr<SideFile>& file) { return file->settled(); });
    }
    std::uint64_t durable = durable_.load();
    while (durable < written && !durable_.compare_exchange_weak(durable, written)) {
    }
    return 0;
}

Syncer::Syncer(StoreContext& context, SyncMode mode, std::chrono::nanoseconds interval)
    : context_(context), mode_(mode), interval_(interval) {
    thread_ = std::thread([this] { mode_ == SyncMode::lazy ? run_lazy() : run_batch(); });
}

Syncer::~Syncer() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    thread_.join();
}

void Syncer::request(std::shared_ptr<SyncTarget> target, nats_sdk::store::Stream::SyncDone done) {
    {
        std::lock_guard lock(mutex_);
        queue_.emplace_back(std::move(target), std::move(done));
    }
    wake_.notify_one();
}

void Syncer::watch(const std::shared_ptr<SyncTarget>& target) {
    std::lock_guard lock(mutex_);
    std::erase_if(watched_, [](const std::weak_ptr<SyncTarget>& w) { return w.expired(); });
    watched_.push_back(target);
}

std::string Syncer::sync_targets(const std::vector<std::shared_ptr<SyncTarget>>& targets, bool* failed_before) {
    *failed_before = context_.failed();
    if (*failed_before) return context_.failure();
    for (const auto& target : targets) {
        if (target->clean()) continue;
        fdatasyncs_.fetch_add(1);
        if (const int result = target->sync_now(context_.io()); result != 0) {
            std::string error = describe_errno("fdatasync failed for stream", target->name(), -result);
            context_.fail(error);
            return error;
        }
    }
    return {};
}

void Syncer::run_batch() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
        if (queue_.empty()) return;  // stopping, and every done has run
        auto round = std::move(queue_);
        queue_.clear();
        lock.unlock();

        std::vector<std::shared_ptr<SyncTarget>> targets;
        for (const auto& entry : round) {
            if (std::find(targets.begin(), targets.end(), entry.first) == targets.end()) {
                targets.push_back(entry.first);
            }
        }
        bool failed_before = false;
        const std::string error = sync_targets(targets, &failed_before);
        const nmk_store_status status =
            error.empty() ? NMK_STORE_OK : (failed_before ? NMK_STORE_CLOSED : NMK_STORE_IO_ERROR);
        rounds_.fetch_add(1);
        for (auto& entry : round) {
            try {
                entry.second(status, error);
            } catch (...) {
                // A done must not throw; one that does cannot stop the others.
            }
        }
        round.clear();  // release the targets (and their block handles) before waiting
        lock.lock();
    }
}

void Syncer::run_lazy() {
    std::unique_lock lock(mutex_);
    for (;;) {
        wake_.wait_for(lock, interval_, [this] { return stopping_; });
        if (stopping_) return;  // streams sync their own block when they close
        std::vector<std::shared_ptr<SyncTarget>> targets;
        for (const auto& weak : watched_) {
            if (auto target = weak.lock()) targets.push_back(std::move(target));
        }
        lock.unlock();
        bool failed_before = false;
        (void)sync_targets(targets, &failed_before);
        rounds_.fetch_add(1);
        targets.clear();
        lock.lock();
    }
}

}  // namespace store_file
