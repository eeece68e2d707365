#pragma once
// One thread that sleeps until the earliest time anyone asked for (wake_at) and then
// runs a callback, so consumers' many deadlines (ack waits, heartbeats, pull expiry)
// cost one sleeping thread and no polling. Asking for a later time than the one
// already set changes nothing; the callback asks again for what it still needs.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

namespace nmk::jetstream {

class WakeTimer {
public:
    WakeTimer() = default;
    WakeTimer(const WakeTimer&) = delete;
    WakeTimer& operator=(const WakeTimer&) = delete;
    ~WakeTimer() { stop(); }

    // `due` runs on the timer's thread when a requested time has come; it must not block long.
    void start(std::function<void()> due) {
        due_ = std::move(due);
        thread_ = std::thread([this] { run(); });
    }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopping_ = true;
        }
        changed_.notify_all();
        if (thread_.joinable()) thread_.join();
    }

    // Run `due` at `unix_ns` (system clock) or a little after.
    void wake_at(std::int64_t unix_ns) {
        {
            std::lock_guard lock(mutex_);
            if (next_ns_ != 0 && next_ns_ <= unix_ns) return;
            next_ns_ = unix_ns;
        }
        changed_.notify_all();
    }

private:
    void run() {
        std::unique_lock lock(mutex_);
        while (!stopping_) {
            if (next_ns_ == 0) {
                changed_.wait(lock);
                continue;
            }
            const auto at = std::chrono::system_clock::time_point(std::chrono::nanoseconds(next_ns_));
            if (std::chrono::system_clock::now() < at) {
                changed_.wait_until(lock, at);
                continue;
            }
            next_ns_ = 0;
            lock.unlock();
            if (due_) due_();
            lock.lock();
        }
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::int64_t next_ns_ = 0;
    bool stopping_ = false;
    std::function<void()> due_;
    std::thread thread_;
};

}  // namespace nmk::jetstream
