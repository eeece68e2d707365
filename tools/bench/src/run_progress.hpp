#pragma once

#include "delivery_tracker.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

namespace nats::bench {

// Completion state shared by the subscribers of one run. Either every subscriber
// expects its own copy of each message (pubsub, fanout), or the group as a whole
// expects each message once (queue).
class run_progress {
public:
    // A tracker, if given, is fed by the subscribers' handlers (queue groups).
    run_progress(unsigned subscribers, bool group, std::uint64_t msgs, std::unique_ptr<delivery_tracker> tracker)
        : subscribers_(subscribers), group_(group), msgs_(msgs), tracker_(std::move(tracker)) {}

    bool group() const { return group_; }
    std::uint64_t msgs() const { return msgs_; }
    delivery_tracker* tracker() const { return tracker_.get(); }

    // Called from a subscriber's handler with its new count; cheap unless this
    // delivery completes the subscriber or the group.
    void delivered(std::uint64_t subscriber_count) {
        if (group_) {
            if (group_received_.fetch_add(1, std::memory_order_relaxed) + 1 == msgs_) finish_one();
        } else if (subscriber_count == msgs_) {
            finish_one();
        }
    }

    // Waits until everyone expected is complete, or the deadline. Returns completion.
    template <class TimePoint>
    bool wait_until(TimePoint deadline) {
        std::unique_lock lock(mu_);
        return cv_.wait_until(lock, deadline, [&] { return complete_locked(); });
    }

    // Steady-clock ns of the delivery that completed the run (0 if incomplete).
    std::int64_t finished_ns() const { return finished_ns_.load(std::memory_order_acquire); }

private:
    void finish_one();
    bool complete_locked() const { return group_ ? finished_ >= 1 : finished_ >= subscribers_; }

    const unsigned subscribers_;
    const bool group_;
    const std::uint64_t msgs_;
    const std::unique_ptr<delivery_tracker> tracker_;
    std::atomic<std::uint64_t> group_received_{0};
    std::atomic<std::int64_t> finished_ns_{0};
    std::mutex mu_;
    std::condition_variable cv_;
    unsigned finished_ = 0;
};

}  // namespace nats::bench
