// The SDK 1.1 "messages, interest and clients" entries of nmk_host_api (and SDK
// 1.2's deliver-subject publishes, SDK 1.3's close_client): C entry
// points forwarding to the plugin's PluginMessaging; an exception becomes an
// error status and never crosses the C boundary.
#include "kernel/plugin_host/host_api_messaging.hpp"

#include "kernel/plugin_host/abi_text.hpp"
#include "kernel/plugin_host/host_call_guard.hpp"
#include "kernel/plugin_host/plugin_context.hpp"
#include "kernel/plugin_host/plugin_messaging.hpp"

namespace nats::plugins {

namespace {

// host_api.cpp's guard, with the plugin's PluginMessaging for the body. A null host is
// bad input here (SDK 1.1 calls answer NMK_INVALID_ARGUMENT for it, see abi.h).
template <typename Body>
nmk_status guarded_messaging(void* host, const char* what, Body&& body) noexcept {
    if (!host) return NMK_INVALID_ARGUMENT;
    return guarded(host, what, NMK_ERROR, [&](PluginContext& context) { return body(context.messaging()); });
}

nmk_status api_account_handle(void* host, nmk_str account, nmk_account_handle* handle) {
    return guarded_messaging(host, "account_handle",
                             [&](PluginMessaging& m) { return m.account_handle(view(account), handle); });
}

nmk_status api_publish_ex(void* host, nmk_account_handle account, const nmk_message* message, std::uint32_t flags,
                          nmk_publish_result* result) {
    return guarded_messaging(host, "publish_ex",
                             [&](PluginMessaging& m) { return m.publish_ex(account, message, flags, result); });
}

nmk_status api_publish_batch(void* host, nmk_account_handle account, const nmk_message* messages, std::size_t count,
                             std::uint32_t flags) {
    return guarded_messaging(host, "publish_batch",
                             [&](PluginMessaging& m) { return m.publish_batch(account, messages, count, flags); });
}

nmk_status api_publish_deliver(void* host, nmk_account_handle account, nmk_str deliver_subject,
                               const nmk_message* message, std::uint32_t flags, nmk_publish_result* result) {
    return guarded_messaging(host, "publish_deliver", [&](PluginMessaging& m) {
        return m.publish_deliver(account, view(deliver_subject), message, flags, result);
    });
}

nmk_status api_publish_deliver_batch(void* host, nmk_account_handle account, const nmk_str* deliver_subjects,
                                     const nmk_message* messages, std::size_t count, std::uint32_t flags) {
    return guarded_messaging(host, "publish_deliver_batch", [&](PluginMessaging& m) {
        return m.publish_deliver_batch(account, deliver_subjects, messages, count, flags);
    });
}

nmk_status api_subscribe_ex(void* host, nmk_account_handle account, nmk_str subject, nmk_str queue,
                            nmk_message_ex_callback callback, void* user, std::uint64_t* subscription_id) {
    return guarded_messaging(host, "subscribe_ex", [&](PluginMessaging& m) {
        return m.subscribe_ex(account, view(subject), view(queue), callback, user, subscription_id);
    });
}

nmk_status api_has_interest(void* host, nmk_account_handle account, nmk_str subject, int* answer) {
    return guarded_messaging(host, "has_interest",
                             [&](PluginMessaging& m) { return m.has_interest(account, view(subject), answer); });
}

nmk_status api_watch_interest(void* host, nmk_account_handle account, nmk_str subject, nmk_interest_callback callback,
                              void* user, std::uint64_t* watch_id, int* active_now) {
    return guarded_messaging(host, "watch_interest", [&](PluginMessaging& m) {
        return m.watch_interest(account, view(subject), callback, user, watch_id, active_now);
    });
}

nmk_status api_watch_client(void* host, std::uint64_t client_id, nmk_client_gone_callback callback, void* user,
                            std::uint64_t* watch_id) {
    return guarded_messaging(host, "watch_client",
                             [&](PluginMessaging& m) { return m.watch_client(client_id, callback, user, watch_id); });
}

nmk_status api_watch_connections(void* host, nmk_connection_callback callback, void* user, std::uint64_t* watch_id) {
    return guarded_messaging(host, "watch_connections",
                             [&](PluginMessaging& m) { return m.watch_connections(callback, user, watch_id); });
}

nmk_status api_watch_connections_ex(void* host, std::uint32_t flags, nmk_connection_callback callback, void* user,
                                    std::uint64_t* watch_id) {
    return guarded_messaging(host, "watch_connections_ex",
                             [&](PluginMessaging& m) { return m.watch_connections(callback, user, watch_id, flags); });
}

nmk_status api_close_client(void* host, std::uint64_t client_id, std::uint32_t reason, nmk_str error) {
    return guarded_messaging(host, "close_client",
                             [&](PluginMessaging& m) { return m.close_client(client_id, reason, view(error)); });
}

nmk_status api_unwatch(void* host, std::uint64_t watch_id) {
    return guarded_messaging(host, "unwatch", [&](PluginMessaging& m) { return m.unwatch(watch_id); });
}

}  // namespace

void add_messaging_api(nmk_host_api& api) {
    api.account_handle = api_account_handle;
    api.publish_ex = api_publish_ex;
    api.publish_batch = api_publish_batch;
    api.subscribe_ex = api_subscribe_ex;
    api.has_interest = api_has_interest;
    api.watch_interest = api_watch_interest;
    api.watch_client = api_watch_client;
    api.watch_connections = api_watch_connections;
    api.unwatch = api_unwatch;
    api.publish_deliver = api_publish_deliver;
    api.publish_deliver_batch = api_publish_deliver_batch;
    api.close_client = api_close_client;
    api.watch_connections_ex = api_watch_connections_ex;
}

}  // namespace nats::plugins
