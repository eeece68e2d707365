#include "echo_responder.hpp"

#include "connect.hpp"

namespace nats::bench {

void echo_request(natsConnection* nc, natsSubscription*, natsMsg* msg, void*) {
    if (const char* reply = natsMsg_GetReply(msg); reply != nullptr)
        natsConnection_Publish(nc, reply, natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
    natsMsg_Destroy(msg);
}

echo_responder start_echo_responder(const config& cfg, const std::string& subject) {
    // It writes at once: latency is the point of the scenarios that use it, not batching.
    echo_responder out;
    out.connection = connect(cfg, {.send_asap = true, .name = "nats-bench-responder"});
    natsSubscription* raw = nullptr;
    check(natsConnection_Subscribe(&raw, out.connection.get(), subject.c_str(), echo_request, nullptr),
          "responder subscribe");
    out.subscription.reset(raw);
    check(natsConnection_FlushTimeout(out.connection.get(), 5000), "responder flush");
    return out;
}

}  // namespace nats::bench
