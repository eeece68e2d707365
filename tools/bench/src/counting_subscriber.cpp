#include "counting_subscriber.hpp"

#include "clock.hpp"
#include "connect.hpp"

#include <chrono>
#include <cstring>

namespace nats::bench {

counting_subscriber::counting_subscriber(const config& cfg, std::shared_ptr<run_progress> progress,
                                         const std::string& subject, const char* queue_group)
    : state_(std::make_unique<state>()) {
    state_->progress = std::move(progress);
    conn_ = connect(cfg, {.send_asap = true, .name = "nats-bench-sub"});
    natsSubscription* raw = nullptr;
    if (queue_group != nullptr)
        check(natsConnection_QueueSubscribe(&raw, conn_.get(), subject.c_str(), queue_group, on_msg, state_.get()),
              "queue subscribe");
    else
        check(natsConnection_Subscribe(&raw, conn_.get(), subject.c_str(), on_msg, state_.get()), "subscribe");
    sub_.reset(raw);
    check(natsSubscription_SetOnCompleteCB(sub_.get(), on_complete, state_.get()), "set on-complete callback");
    check(natsSubscription_SetPendingLimits(sub_.get(), -1, -1), "lift pending limits");
}

counting_subscriber::~counting_subscriber() {
    if (conn_ == nullptr) return;
    natsConnection_Close(conn_.get());
    std::unique_lock lock(state_->mu);
    const bool done = state_->cv.wait_for(lock, std::chrono::seconds(5), [&] { return state_->handler_done; });
    lock.unlock();
    // A handler that never finished might still touch the state: keep it alive.
    if (!done) (void)state_.release();
}

void counting_subscriber::on_msg(natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
    auto* st = static_cast<state*>(closure);
    run_progress& progress = *st->progress;
    if (delivery_tracker* tracker = progress.tracker()) {
        std::uint64_t seq = UINT64_MAX;
        if (natsMsg_GetDataLength(msg) >= static_cast<int>(sizeof seq))
            std::memcpy(&seq, natsMsg_GetData(msg), sizeof seq);
        tracker->record(seq);
    }
    natsMsg_Destroy(msg);
    // Only this subscription's delivery thread writes the counter: no atomic RMW needed.
    const std::uint64_t n = st->received.load(std::memory_order_relaxed) + 1;
    st->received.store(n, std::memory_order_relaxed);
    if ((n & 1023) == 0) st->last_ns.store(now_ns(), std::memory_order_relaxed);
    progress.delivered(n);
}

void counting_subscriber::on_complete(void* closure) {
    auto* st = static_cast<state*>(closure);
    std::lock_guard lock(st->mu);
    st->handler_done = true;
    st->cv.notify_all();
}

std::int64_t counting_subscriber::library_dropped() const {
    int64_t dropped = 0;
    return natsSubscription_GetDropped(sub_.get(), &dropped) == NATS_OK ? dropped : 0;
}

int counting_subscriber::pending() const {
    int msgs = 0;
    int bytes = 0;
    return natsSubscription_GetPending(sub_.get(), &msgs, &bytes) == NATS_OK ? msgs : 0;
}

}  // namespace nats::bench
