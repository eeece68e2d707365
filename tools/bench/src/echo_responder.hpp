#pragma once

#include <nats/nats.h>

#include <string>

#include "config.hpp"
#include "nats_handles.hpp"

namespace nats::bench {

// libnats message handler that publishes the request's payload to its reply
// subject. It uses only what the library passes in, so it holds no state that
// could outlive a run.
void echo_request(natsConnection* nc, natsSubscription* sub, natsMsg* msg, void* closure);

// A connection that echoes every request on `subject`, subscribed and flushed
// so requests sent after this returns find it. Members in destruction order:
// the subscription goes before its connection.
struct echo_responder {
    connection_ptr connection;
    subscription_ptr subscription;
};
echo_responder start_echo_responder(const config& cfg, const std::string& subject);

}  // namespace nats::bench
