#pragma once

#include <nats/nats.h>

namespace nats::bench {

// libnats message handler that publishes the request's payload to its reply
// subject. It uses only what the library passes in, so it holds no state that
// could outlive a run.
void echo_request(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* closure);

}  // namespace nats::bench
