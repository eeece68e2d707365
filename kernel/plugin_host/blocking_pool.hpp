#pragma once
// A small pool of worker threads for plugin work that blocks (disk, network
// lookups), so it never runs on an I/O thread.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace nats::plugins {

class BlockingPool {
public:
    // The threads start with the first task, so a server without plugins has none.
    explicit BlockingPool(unsigned threads = 2) : thread_count_(threads) {}
    ~BlockingPool();  // stop()
    BlockingPool(const BlockingPool&) = delete;
    BlockingPool& operator=(const BlockingPool&) = delete;

    // False once stopped.
    bool submit(std::function<void()> task);
    // Finishes the running tasks, drops the queued ones, joins. Idempotent.
    void stop();

private:
    void run();

    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> tasks_;
    bool stopping_ = false;
    const unsigned thread_count_;
    std::vector<std::thread> threads_;
};

}  // namespace nats::plugins
