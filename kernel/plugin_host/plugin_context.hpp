#pragma once
// What one plugin sees of the kernel: its nmk_host_api table (whose `host`
// pointer is this object) and the bookkeeping of everything it registered, so
// all of it can be taken back when the plugin stops. Every entry point is safe
// to call from any thread and never throws.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <nats_sdk/abi.h>

#include "kernel/plugin_host/call_gate.hpp"
#include "kernel/server/server.hpp"

namespace nats::plugins {

class PluginHost;
class AuthAdapter;
class LinkAdapter;
class PluginMessaging;
struct PluginTimer;
struct TimerTable;
class PluginExecutors;

class PluginContext {
public:
    PluginContext(PluginHost& host, std::string name);
    ~PluginContext();
    PluginContext(const PluginContext&) = delete;
    PluginContext& operator=(const PluginContext&) = delete;

    const nmk_host_api* api() const { return &api_; }
    const std::string& name() const { return name_; }
    PluginHost& host() const { return host_; }
    const std::shared_ptr<CallGate>& gate() const { return gate_; }
    // The SDK 1.1 messages, interest and clients calls (plugin_messaging.hpp).
    PluginMessaging& messaging() { return *messaging_; }

    // After the plugin's stop(): refuse new registrations, wait for calls in
    // flight, then take back subscriptions, timers, authenticators, links,
    // endpoints and extensions. Idempotent.
    void release();

    // The host API, one method per table entry (see abi.h).
    void log(nmk_log_level level, std::string_view message);
    nmk_status publish(const nmk_message& message);
    nmk_status subscribe(std::string_view account, std::string_view subject, std::string_view queue,
                         nmk_message_callback callback, void* user, std::uint64_t* subscription_id);
    nmk_status unsubscribe(std::uint64_t subscription_id);
    std::uint64_t set_timer(std::uint64_t delay_ms, std::uint64_t repeat_ms, nmk_task_callback callback, void* user);
    void cancel_timer(std::uint64_t timer_id);
    void post(nmk_task_callback callback, void* user);
    void post_blocking(nmk_task_callback callback, void* user);
    nmk_str data_dir();
    nmk_status query_json(std::string_view topic, std::string_view args, const nmk_http_response_writer* out);
    nmk_status register_authenticator(std::string_view name, const nmk_authenticator* authenticator);
    nmk_status complete_auth(std::uint64_t pending_handle, const nmk_auth_result* result);
    nmk_status register_http_endpoint(std::string_view path, nmk_http_handler handler, void* user);
    nmk_status register_link(std::string_view name, const nmk_link_callbacks* callbacks, std::uint64_t* link_id);
    LinkAdapter* find_link(std::uint64_t link_id);
    nmk_status declare_kind(std::string_view kind, std::uint32_t kind_version);
    nmk_status register_extension(std::string_view kind, std::string_view name, const void* vtable);
    const void* find_extension(std::string_view kind, std::string_view name);
    // SDK 1.1: accounts, executors and extension kinds (context_accounts_executors.cpp).
    nmk_status account_list(nmk_account_callback callback, void* user);
    nmk_status account_watch(nmk_account_callback callback, void* user, std::uint64_t* watch_id);
    nmk_status account_unwatch(std::uint64_t watch_id);
    nmk_status account_config(std::string_view account, const nmk_http_response_writer* out);
    nmk_status account_upsert(std::string_view account, std::string_view config_json, nmk_error_buffer error);
    std::uint64_t executor_create(nmk_executor_kind kind, std::uint32_t threads);
    nmk_status executor_post(std::uint64_t executor_id, nmk_task_callback callback, void* user);
    nmk_status executor_destroy(std::uint64_t executor_id);
    nmk_status register_extension_versioned(std::string_view kind, std::uint32_t kind_version, std::string_view name,
                                            const void* vtable);
    const void* find_extension_versioned(std::string_view kind, std::uint32_t kind_version, std::string_view name,
                                         std::uint32_t* provider_version);
    nmk_status on_all_started(nmk_task_callback callback, void* user);

private:
    struct Subscription {
        server::AccountPtr account;
        std::shared_ptr<server::ServerSubscription> subscription;
        std::shared_ptr<CallGate> gate;  // closed by unsubscribe: no callback after it returns
    };
    bool accepting() const;
    server::IoThread* pick_thread();

    PluginHost& host_;
    const std::string name_;
    nmk_host_api api_{};
    std::shared_ptr<CallGate> gate_ = std::make_shared<CallGate>();

    std::unique_ptr<PluginMessaging> messaging_;

    mutable std::mutex mutex_;
    // Written under mutex_; atomic so that accepting(), asked on every publish,
    // reads it without taking the plugin-wide mutex.
    std::atomic<bool> released_{false};
    std::unordered_map<std::uint64_t, Subscription> subscriptions_;
    std::shared_ptr<TimerTable> timers_;
    std::vector<std::shared_ptr<AuthAdapter>> authenticators_;
    std::unordered_map<std::uint64_t, std::shared_ptr<LinkAdapter>> links_;
    std::string data_dir_;
    std::unique_ptr<PluginExecutors> executors_;  // drained first in release()
};

}  // namespace nats::plugins
