#pragma once
// Asynchronous subscriptions whose handlers use state owned by the command:
// close() unsubscribes and returns only once no handler runs any more, so that
// state can then be freed (libnats may still be inside a handler right after
// natsSubscription_Unsubscribe returns).
#include <nats/nats.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "connection.hpp"

namespace nats::cli {

class async_subscriptions {
public:
    async_subscriptions() = default;
    ~async_subscriptions();
    async_subscriptions(const async_subscriptions&) = delete;
    async_subscriptions& operator=(const async_subscriptions&) = delete;

    // Subscribes (in queue group `queue` when not empty) with no pending
    // limits: a command that only watches must not drop messages.
    natsSubscription* subscribe(natsConnection* nc, const std::string& subject, const std::string& queue,
                                natsMsgHandler handler, void* closure);
    // Unsubscribes everything and waits (at most `limit`) for running handlers.
    void close(std::chrono::milliseconds limit = std::chrono::seconds(5));

private:
    static void on_complete(void* closure);

    std::vector<subscription_ptr> subs_;
    std::mutex mutex_;
    std::condition_variable cv_;
    std::size_t completed_ = 0;
};

} // namespace nats::cli
