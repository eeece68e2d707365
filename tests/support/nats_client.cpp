#include "tests/support/nats_client.hpp"

namespace nats::test_support {

void nats_check(natsStatus status, std::string_view what) {
    if (status == NATS_OK) return;
    natsStatus last = NATS_OK;
    const char* detail = nats_GetLastError(&last);
    std::string text = std::string(what) + ": " + natsStatus_GetText(status);
    if (detail != nullptr && *detail != '\0') text += std::string(" (") + detail + ")";
    throw NatsError(status, text);
}

NatsOptionsPtr nats_options(const std::string& url) {
    natsOptions* raw = nullptr;
    nats_check(natsOptions_Create(&raw), "natsOptions_Create");
    NatsOptionsPtr options(raw);
    nats_check(natsOptions_SetURL(raw, url.c_str()), "natsOptions_SetURL");
    nats_check(natsOptions_SetAllowReconnect(raw, false), "natsOptions_SetAllowReconnect");
    nats_check(natsOptions_SetTimeout(raw, 2000), "natsOptions_SetTimeout");
    return options;
}

natsStatus nats_try_connect(natsOptions* options, NatsConnectionPtr& out) {
    natsConnection* raw = nullptr;
    const natsStatus s = natsConnection_Connect(&raw, options);
    if (s == NATS_OK) out.reset(raw);
    return s;
}

natsStatus nats_try_signed_connect(natsOptions* options, NatsConnectionPtr& out) {
    natsStatus status = NATS_OK;
    for (int attempt = 0; attempt < 4; ++attempt) {
        status = nats_try_connect(options, out);
        if (status != NATS_CONNECTION_AUTH_FAILED) break;
    }
    return status;
}

NatsConnectionPtr nats_connect(natsOptions* options) {
    NatsConnectionPtr nc;
    nats_check(nats_try_connect(options, nc), "natsConnection_Connect");
    return nc;
}

NatsConnectionPtr nats_connect(const std::string& url) {
    const NatsOptionsPtr options = nats_options(url);
    return nats_connect(options.get());
}

NatsSubscriptionPtr nats_subscribe_sync(natsConnection* nc, const std::string& subject) {
    natsSubscription* raw = nullptr;
    nats_check(natsConnection_SubscribeSync(&raw, nc, subject.c_str()), "SubscribeSync " + subject);
    return NatsSubscriptionPtr(raw);
}

NatsSubscriptionPtr nats_queue_subscribe_sync(natsConnection* nc, const std::string& subject,
                                              const std::string& queue) {
    natsSubscription* raw = nullptr;
    nats_check(natsConnection_QueueSubscribeSync(&raw, nc, subject.c_str(), queue.c_str()),
               "QueueSubscribeSync " + subject + " " + queue);
    return NatsSubscriptionPtr(raw);
}

NatsMsgPtr nats_next_msg(natsSubscription* sub, std::chrono::milliseconds timeout) {
    natsMsg* raw = nullptr;
    const natsStatus s = natsSubscription_NextMsg(&raw, sub, timeout.count());
    if (s == NATS_TIMEOUT) return nullptr;
    nats_check(s, "natsSubscription_NextMsg");
    return NatsMsgPtr(raw);
}

std::string nats_msg_data(const natsMsg* msg) {
    return std::string(natsMsg_GetData(msg), static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
}

} // namespace nats::test_support
