#pragma once

#include "config.hpp"
#include "nats_handles.hpp"
#include "run_progress.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace nats::bench {

// One subscriber connection with one async subscription whose handler only counts
// (and, for queue groups, records sequence numbers). Pending limits are lifted so
// the library never drops messages as a slow consumer; the publishers' window
// bounds memory instead.
class counting_subscriber {
public:
    counting_subscriber(const config& cfg, std::shared_ptr<run_progress> progress, const std::string& subject,
                        const char* queue_group);
    // Closes the connection and waits (bounded) until the handler can no longer run.
    ~counting_subscriber();
    counting_subscriber(const counting_subscriber&) = delete;
    counting_subscriber& operator=(const counting_subscriber&) = delete;

    natsConnection* connection() const { return conn_.get(); }
    std::uint64_t received() const { return state_->received.load(std::memory_order_relaxed); }
    // Steady-clock ns of a recent delivery (sampled), used to time incomplete runs.
    std::int64_t last_arrival_ns() const { return state_->last_ns.load(std::memory_order_relaxed); }
    // Messages the library dropped on this subscription; 0 unless limits were hit.
    std::int64_t library_dropped() const;
    // Messages received by the library but not yet handed to the handler.
    int pending() const;

private:
    struct state {
        std::shared_ptr<run_progress> progress;
        alignas(64) std::atomic<std::uint64_t> received{0};
        std::atomic<std::int64_t> last_ns{0};
        std::mutex mu;
        std::condition_variable cv;
        bool handler_done = false;
    };
    static void on_msg(natsConnection*, natsSubscription*, natsMsg* msg, void* closure);
    static void on_complete(void* closure);

    std::unique_ptr<state> state_;
    connection_ptr conn_;
    subscription_ptr sub_;
};

}  // namespace nats::bench
