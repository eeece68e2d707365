#pragma once
// A small pool of worker threads for plugin work that blocks (disk, network
// lookups), so it never runs on an I/O thread. The host's shared pool drops
// what is queued when the plugins stop; a plugin's private pool (a BLOCKING
// executor) is drained instead.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace nats::plugins {

enum class Submitted { queued, closed, full };

class BlockingPool {
public:
    // The threads start with the first task, so a server without plugins has none.
    // `max_queued`: most tasks waiting for a worker (0: no bound), see submit().
    explicit BlockingPool(unsigned threads = 2, std::size_t max_queued = 0)
        : thread_count_(threads), max_queued_(max_queued) {}
    ~BlockingPool();  // stop()
    BlockingPool(const BlockingPool&) = delete;
    BlockingPool& operator=(const BlockingPool&) = delete;

    // closed once stopped or draining; full when max_queued tasks already wait
    // (the task is not taken).
    Submitted submit(std::function<void()> task);
    // Finishes the running tasks, drops the queued ones (unless drain() came
    // first), joins. Idempotent. Not from one of the pool's own threads.
    void stop();
    // Refuses new tasks; the workers run everything queued, then end. Returns
    // once they have (true), or at once when called from one of the pool's
    // own threads (false: stop() or the destructor joins them later).
    bool drain();

private:
    void run();
    bool on_own_thread() const;  // mutex_ held

    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::function<void()>> tasks_;
    bool stopping_ = false;
    bool draining_ = false;
    const unsigned thread_count_;
    const std::size_t max_queued_;
    std::vector<std::thread> threads_;
};

}  // namespace nats::plugins
