#pragma once
// Told when local interest changes: a client or internal subscription came or
// went in some account. Links (routes, leaf nodes) observe it to tell the other
// side. Subscriptions a link itself adds for remote interest are not reported.
#include <memory>

#include "kernel/server/account.hpp"
#include "kernel/server/subscription.hpp"

namespace nats::server {

class InterestObserver {
public:
    virtual ~InterestObserver() = default;
    // Runs on the thread that made the change (any thread); must not block.
    virtual void on_interest(const Account& account, const ServerSubscription& subscription, bool added) = 0;
};
using InterestObserverPtr = std::shared_ptr<InterestObserver>;

}  // namespace nats::server
