#pragma once
// The SDK 1.1 "messages, interest and clients" part of one plugin's host API:
// account handles, publish with flags and a result, batch publish (and SDK
// 1.2's deliver-subject forms of both), subscribe
// with the sender's client id, interest queries and watches, client and
// connection watches. PluginContext owns one and forwards the table entries.
//
// Per message nothing here takes a lock or writes shared memory: a handle is
// two atomic loads, a delivery passes two CallGates (per-thread slots), and the
// no-echo check compares the subscription's origin with this object.
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <unordered_map>

#include <nats_sdk/abi.h>

#include "kernel/plugin_host/account_handles.hpp"
#include "kernel/plugin_host/call_gate.hpp"
#include "kernel/plugin_host/plugin_watches.hpp"
#include "kernel/server/server.hpp"

namespace nats::plugins {

class PluginHost;

class PluginMessaging {
public:
    // origin: what the plugin's subscriptions carry as their origin (NO_ECHO skips it).
    PluginMessaging(PluginHost& host, std::string plugin, std::shared_ptr<CallGate> plugin_gate, const void* origin);
    ~PluginMessaging();

    nmk_status account_handle(std::string_view name, nmk_account_handle* handle);
    nmk_status publish_ex(nmk_account_handle account, const nmk_message* message, std::uint32_t flags,
                          nmk_publish_result* result);
    nmk_status publish_batch(nmk_account_handle account, const nmk_message* messages, std::size_t count,
                             std::uint32_t flags);
    // SDK 1.2: routed by deliver_subject, shown as message->subject (abi.h).
    nmk_status publish_deliver(nmk_account_handle account, std::string_view deliver_subject,
                               const nmk_message* message, std::uint32_t flags, nmk_publish_result* result);
    nmk_status publish_deliver_batch(nmk_account_handle account, const nmk_str* deliver_subjects,
                                     const nmk_message* messages, std::size_t count, std::uint32_t flags);
    nmk_status subscribe_ex(nmk_account_handle account, std::string_view subject, std::string_view queue,
                            nmk_message_ex_callback callback, void* user, std::uint64_t* subscription_id);
    // NMK_NOT_FOUND when the id is not one of subscribe_ex's.
    nmk_status unsubscribe(std::uint64_t subscription_id);
    nmk_status has_interest(nmk_account_handle account, std::string_view subject, int* answer);
    nmk_status watch_interest(nmk_account_handle account, std::string_view subject, nmk_interest_callback callback,
                              void* user, std::uint64_t* watch_id, int* active_now);
    nmk_status watch_client(std::uint64_t client_id, nmk_client_gone_callback callback, void* user,
                            std::uint64_t* watch_id);
    nmk_status watch_connections(nmk_connection_callback callback, void* user, std::uint64_t* watch_id,
                                 std::uint32_t flags = 0);
    // SDK 1.3.
    nmk_status close_client(std::uint64_t client_id, std::uint32_t reason, std::string_view error);
    nmk_status unwatch(std::uint64_t watch_id);

    // The plugin stopped: no new calls; subscriptions and watches are taken back.
    void release();

private:
    struct Subscription {
        server::AccountPtr account;
        std::shared_ptr<server::ServerSubscription> subscription;
    };
    bool accepting() const { return !released_.load(std::memory_order_acquire); }
    // publish_ex and publish_deliver after their checks: routes `message`, fills `result`.
    nmk_status publish_checked(const server::AccountPtr& account, const server::RoutedMessage& message,
                               std::uint32_t flags, nmk_publish_result* result);
    // publish_batch and publish_deliver_batch after their checks.
    nmk_status publish_batch_checked(const server::AccountPtr& account,
                                     std::span<const server::RoutedMessage> messages, std::uint32_t flags);

    PluginHost& host_;
    const std::string plugin_;
    std::shared_ptr<CallGate> plugin_gate_;
    const void* origin_;
    AccountHandles handles_;
    std::shared_ptr<PluginWatches> watches_;
    std::atomic<bool> released_{false};
    std::mutex mutex_;
    std::unordered_map<std::uint64_t, Subscription> subscriptions_;
};

}  // namespace nats::plugins
