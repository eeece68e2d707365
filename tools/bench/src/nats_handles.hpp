#pragma once

#include <nats/nats.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace nats::bench {

// Owning handles for libnats objects. natsConnection_Destroy also closes the connection.
struct options_deleter {
    void operator()(natsOptions* o) const noexcept { natsOptions_Destroy(o); }
};
struct connection_deleter {
    void operator()(natsConnection* c) const noexcept { natsConnection_Destroy(c); }
};
struct subscription_deleter {
    void operator()(natsSubscription* s) const noexcept { natsSubscription_Destroy(s); }
};
struct message_deleter {
    void operator()(natsMsg* m) const noexcept { natsMsg_Destroy(m); }
};
using options_ptr = std::unique_ptr<natsOptions, options_deleter>;
using connection_ptr = std::unique_ptr<natsConnection, connection_deleter>;
using subscription_ptr = std::unique_ptr<natsSubscription, subscription_deleter>;
using message_ptr = std::unique_ptr<natsMsg, message_deleter>;

// A libnats call failed during setup; the run cannot produce a measurement.
struct setup_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// Throws setup_error naming the call and libnats' own description of the failure.
void check(natsStatus s, const char* what);

}  // namespace nats::bench
