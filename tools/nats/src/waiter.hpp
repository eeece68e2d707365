#pragma once
// Waiting in the foreground while libnats threads deliver messages: until the
// work is done, a deadline passes or the user presses Ctrl-C (SIGINT) or the
// process gets SIGTERM.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>

namespace nats::cli {

enum class wait_result { done, interrupted, timed_out };

class waiter {
public:
    // Installs SIGINT/SIGTERM handlers that only set a flag; the previous
    // handlers come back when the waiter goes away.
    waiter();
    ~waiter();
    waiter(const waiter&) = delete;
    waiter& operator=(const waiter&) = delete;

    // Wakes wait() to check its condition again (call after changing state).
    void notify();
    // The same, for a caller that holds mutex().
    void notify_locked() { cv_.notify_all(); }
    // Blocks until done() is true, a stop signal arrives, or `limit` passes
    // (no limit when nullopt). done() runs under the waiter's mutex.
    wait_result wait(const std::function<bool()>& done,
                     std::optional<std::chrono::steady_clock::duration> limit = std::nullopt);
    // The mutex that protects the state done() reads.
    std::mutex& mutex() { return mutex_; }
    bool interrupted() const;

private:
    std::mutex mutex_;
    std::condition_variable cv_;
};

} // namespace nats::cli
