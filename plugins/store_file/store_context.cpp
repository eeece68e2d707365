#include "store_context.hpp"

#include "syncer.hpp"

namespace store_file {

StoreContext::StoreContext(std::string root, StoreOptions options, std::shared_ptr<FileIo> io, LogSink log)
    : root_(std::move(root)), options_(options), io_(std::move(io)), log_(std::move(log)) {
    if (options_.sync != SyncMode::always) {
        syncer_ = std::make_unique<Syncer>(*this, options_.sync, options_.interval);
    }
}

StoreContext::~StoreContext() = default;

void StoreContext::log(nmk_log_level level, std::string_view line) const {
    if (log_) log_(level, line);
}

std::string StoreContext::failure() const {
    std::lock_guard lock(mutex_);
    return "file store " + root_ + " stopped accepting writes after a failed sync (" + failure_ + ")";
}

void StoreContext::fail(const std::string& what) {
    {
        std::lock_guard lock(mutex_);
        if (failed_.load()) return;
        failure_ = what;
        failed_.store(true, std::memory_order_release);
    }
    log(NMK_LOG_ERROR, "file store " + root_ + ": " + what +
                           "; no write is acknowledged any more until the store is reopened");
}

bool StoreContext::claim(const std::string& key) {
    std::lock_guard lock(mutex_);
    return open_.insert(key).second;
}

void StoreContext::release(const std::string& key) {
    std::lock_guard lock(mutex_);
    open_.erase(key);
}

bool StoreContext::is_open(const std::string& key) const {
    std::lock_guard lock(mutex_);
    return open_.contains(key);
}

}  // namespace store_file
