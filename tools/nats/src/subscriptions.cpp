#include "subscriptions.hpp"

#include "errors.hpp"

namespace nats::cli {

async_subscriptions::~async_subscriptions() { close(); }

natsSubscription* async_subscriptions::subscribe(natsConnection* nc, const std::string& subject,
                                                 const std::string& queue, natsMsgHandler handler, void* closure) {
    natsSubscription* raw = nullptr;
    if (queue.empty()) {
        check(natsConnection_Subscribe(&raw, nc, subject.c_str(), handler, closure));
    } else {
        check(natsConnection_QueueSubscribe(&raw, nc, subject.c_str(), queue.c_str(), handler, closure));
    }
    subs_.emplace_back(raw);
    check(natsSubscription_SetOnCompleteCB(raw, on_complete, this));
    check(natsSubscription_SetPendingLimits(raw, -1, -1));
    return raw;
}

void async_subscriptions::on_complete(void* closure) {
    auto* self = static_cast<async_subscriptions*>(closure);
    std::lock_guard lock(self->mutex_);
    ++self->completed_;
    self->cv_.notify_all();
}

void async_subscriptions::close(std::chrono::milliseconds limit) {
    if (subs_.empty()) return;
    for (auto& sub : subs_) natsSubscription_Unsubscribe(sub.get());
    {
        std::unique_lock lock(mutex_);
        cv_.wait_for(lock, limit, [&] { return completed_ >= subs_.size(); });
    }
    subs_.clear();
}

} // namespace nats::cli
