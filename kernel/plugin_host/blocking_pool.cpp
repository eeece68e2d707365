#include "kernel/plugin_host/blocking_pool.hpp"

namespace nats::plugins {

BlockingPool::~BlockingPool() { stop(); }

bool BlockingPool::submit(std::function<void()> task) {
    {
        std::lock_guard lock(mutex_);
        if (stopping_) return false;
        tasks_.push_back(std::move(task));
        if (threads_.empty())
            for (unsigned i = 0; i < thread_count_; ++i) threads_.emplace_back([this] { run(); });
    }
    cv_.notify_one();
    return true;
}

void BlockingPool::stop() {
    std::vector<std::thread> threads;
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
        tasks_.clear();
        threads.swap(threads_);
    }
    cv_.notify_all();
    for (auto& t : threads) t.join();
}

void BlockingPool::run() {
    for (;;) {
        std::function<void()> task;
        {
            std::unique_lock lock(mutex_);
            cv_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
            if (stopping_) return;
            task = std::move(tasks_.front());
            tasks_.pop_front();
        }
        task();
    }
}

}  // namespace nats::plugins
