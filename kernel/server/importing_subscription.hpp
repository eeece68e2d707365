#pragma once
// A subscription that is not a client's but still receives what its account imports
// as streams: a plugin's (JetStream's mirror of another account's stream listens for
// deliveries the exporter sends). AccountImports gives it shadows in the exporters'
// indexes as it does for client subscriptions; the shadow holds the subscription
// itself, so a delivery racing an unsubscribe finds it still alive (and closed).
#include <memory>

#include "kernel/server/subscription.hpp"

namespace nats::server {

struct ImportingSubscription : ServerSubscription {
    virtual std::shared_ptr<ServerSubscription> shared_self() const = 0;
};

}  // namespace nats::server
