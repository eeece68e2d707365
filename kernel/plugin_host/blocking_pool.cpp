#include "kernel/plugin_host/blocking_pool.hpp"

#include <algorithm>

namespace nats::plugins {

BlockingPool::~BlockingPool() { stop(); }

Submitted BlockingPool::submit(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return Submitted::closed;
        if (max_queued_ != 0 && tasks_.size() >= max_queued_) return Submitted::full;
        tasks_.push_back(std::move(task));
        if (threads_.empty())
            for (unsigned i = 0; i < thread_count_; ++i) threads_.emplace_back([this] { run(); });
    }
    cv_.notify_one();
    return Submitted::queued;
}

bool BlockingPool::on_own_thread() const {
    const auto me = std::this_thread::get_id();
    return std::any_of(threads_.begin(), threads_.end(), [&](const std::thread& t) { return t.get_id() == me; });
}

void BlockingPool::stop() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        if (!draining_) tasks_.clear();
        threads.swap(threads_);
    }
    cv_.notify_all();
    for (auto& t : threads) t.join();
}

bool BlockingPool::drain() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        draining_ = true;
        if (on_own_thread()) {
            cv_.notify_all();
            return false;
        }
    }
    stop();
    return true;
}

void BlockingPool::run() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
            // Stopping: the queue is dropped (stop) or emptied first (drain).
            if (tasks_.empty() || (stopping_ && !draining_)) return;
            task = std::move(tasks_.front());
            tasks_.pop_front();
        }
        task();
    }
}

}  // namespace nats::plugins
