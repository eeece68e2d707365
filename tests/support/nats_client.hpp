#pragma once
// Thin RAII layer over the official C client (libnats), so end-to-end tests
// drive the server the way real applications do.
#include <nats/nats.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tools/libnats/handles.hpp"

namespace nats::test_support {

using NatsConnectionPtr = libnats::connection_ptr;
using NatsSubscriptionPtr = libnats::subscription_ptr;
using NatsMsgPtr = libnats::message_ptr;
using NatsOptionsPtr = libnats::options_ptr;

class NatsError : public std::runtime_error {
public:
    NatsError(natsStatus status, const std::string& what) : std::runtime_error(what), status_(status) {}
    natsStatus status() const { return status_; }

private:
    natsStatus status_;
};

// Throws NatsError naming `what`, the status text and libnats' last error.
void nats_check(natsStatus status, std::string_view what);

// Options for `url` with test-friendly settings: no reconnect (a dropped
// connection fails fast) and a 2 s connect timeout.
NatsOptionsPtr nats_options(const std::string& url);
NatsConnectionPtr nats_connect(natsOptions* options);
NatsConnectionPtr nats_connect(const std::string& url);
// For tests that expect the connect to fail: the status, and `out` on success.
natsStatus nats_try_connect(natsOptions* options, NatsConnectionPtr& out);
// nats_try_connect for a login that signs the server's nonce (NKey, creds): libnats 3.4
// drops a signature whose first byte is 0x00 (nats.c #705, fixed in 3.8), so one such
// login in 256 is refused; a refusal is tried again on a new connection (a new nonce), at
// most 4 times. A refusal that is meant stays one on every try.
natsStatus nats_try_signed_connect(natsOptions* options, NatsConnectionPtr& out);

NatsSubscriptionPtr nats_subscribe_sync(natsConnection* nc, const std::string& subject);
NatsSubscriptionPtr nats_queue_subscribe_sync(natsConnection* nc, const std::string& subject, const std::string& queue);
// The next message, or null when none arrives within `timeout`.
NatsMsgPtr nats_next_msg(natsSubscription* sub, std::chrono::milliseconds timeout);
std::string nats_msg_data(const natsMsg* msg);

} // namespace nats::test_support
