#pragma once
// Owning handles for libnats objects, shared by the nats CLI, the benchmark and
// the tests. natsConnection_Destroy also closes the connection.
#include <nats/nats.h>

#include <memory>

namespace nats::libnats {

struct deleter {
    void operator()(natsOptions* o) const noexcept { natsOptions_Destroy(o); }
    void operator()(natsConnection* c) const noexcept { natsConnection_Destroy(c); }
    void operator()(natsSubscription* s) const noexcept { natsSubscription_Destroy(s); }
    void operator()(natsMsg* m) const noexcept { natsMsg_Destroy(m); }
};

using options_ptr = std::unique_ptr<natsOptions, deleter>;
using connection_ptr = std::unique_ptr<natsConnection, deleter>;
using subscription_ptr = std::unique_ptr<natsSubscription, deleter>;
using message_ptr = std::unique_ptr<natsMsg, deleter>;

}  // namespace nats::libnats
