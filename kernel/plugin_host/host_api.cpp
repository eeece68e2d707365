#include "kernel/plugin_host/host_api.hpp"

#include <cstring>
#include <type_traits>

#include "kernel/log/logging.hpp"
#include "kernel/plugin_host/abi_text.hpp"
#include "kernel/plugin_host/host_api_messaging.hpp"
#include "kernel/plugin_host/host_call_guard.hpp"
#include "kernel/plugin_host/link_adapter.hpp"
#include "kernel/plugin_host/plugin_context.hpp"
#include "kernel/plugin_host/plugin_host.hpp"

namespace nats::plugins {

namespace {


void api_log(void* host, nmk_log_level level, nmk_str message) {
    guarded(host, "log", 0, [&](PluginContext& c) {
        c.log(level, view(message));
        return 0;
    });
}

nmk_status api_publish(void* host, const nmk_message* message) {
    return guarded(host, "publish", NMK_ERROR, [&](PluginContext& c) {
        return message ? c.publish(*message) : NMK_INVALID_ARGUMENT;
    });
}

nmk_status api_subscribe(void* host, nmk_str account, nmk_str subject, nmk_str queue, nmk_message_callback callback,
                         void* user, std::uint64_t* subscription_id) {
    return guarded(host, "subscribe", NMK_ERROR, [&](PluginContext& c) {
        return c.subscribe(view(account), view(subject), view(queue), callback, user, subscription_id);
    });
}

nmk_status api_unsubscribe(void* host, std::uint64_t subscription_id) {
    return guarded(host, "unsubscribe", NMK_ERROR, [&](PluginContext& c) { return c.unsubscribe(subscription_id); });
}

std::uint64_t api_set_timer(void* host, std::uint64_t delay_ms, std::uint64_t repeat_ms, nmk_task_callback callback,
                            void* user) {
    return guarded(host, "set_timer", std::uint64_t{0},
                   [&](PluginContext& c) { return c.set_timer(delay_ms, repeat_ms, callback, user); });
}

void api_cancel_timer(void* host, std::uint64_t timer_id) {
    guarded(host, "cancel_timer", 0, [&](PluginContext& c) {
        c.cancel_timer(timer_id);
        return 0;
    });
}

void api_post(void* host, nmk_task_callback callback, void* user) {
    guarded(host, "post", 0, [&](PluginContext& c) {
        c.post(callback, user);
        return 0;
    });
}

void api_post_blocking(void* host, nmk_task_callback callback, void* user) {
    guarded(host, "post_blocking", 0, [&](PluginContext& c) {
        c.post_blocking(callback, user);
        return 0;
    });
}

nmk_str api_data_dir(void* host) {
    return guarded(host, "data_dir", nmk_str{"", 0}, [&](PluginContext& c) { return c.data_dir(); });
}

nmk_status api_query_json(void* host, nmk_str topic, nmk_str args, const nmk_http_response_writer* out) {
    return guarded(host, "query_json", NMK_ERROR,
                   [&](PluginContext& c) { return c.query_json(view(topic), view(args), out); });
}

nmk_status api_register_authenticator(void* host, nmk_str name, const nmk_authenticator* authenticator) {
    return guarded(host, "register_authenticator", NMK_ERROR,
                   [&](PluginContext& c) { return c.register_authenticator(view(name), authenticator); });
}

nmk_status api_complete_auth(void* host, std::uint64_t pending_handle, const nmk_auth_result* result) {
    return guarded(host, "complete_auth", NMK_ERROR,
                   [&](PluginContext& c) { return c.complete_auth(pending_handle, result); });
}

nmk_status api_register_http_endpoint(void* host, nmk_str path, nmk_http_handler handler, void* user) {
    return guarded(host, "register_http_endpoint", NMK_ERROR,
                   [&](PluginContext& c) { return c.register_http_endpoint(view(path), handler, user); });
}

nmk_status api_register_link(void* host, nmk_str name, const nmk_link_callbacks* callbacks, std::uint64_t* link_id) {
    return guarded(host, "register_link", NMK_ERROR,
                   [&](PluginContext& c) { return c.register_link(view(name), callbacks, link_id); });
}

nmk_status api_add_remote_interest(void* host, std::uint64_t link_id, const nmk_interest* interest,
                                   std::uint64_t* remote_interest_id) {
    return guarded(host, "add_remote_interest", NMK_ERROR, [&](PluginContext& c) {
        LinkAdapter* link = c.find_link(link_id);
        if (!link) return NMK_NOT_FOUND;
        if (!interest) return NMK_INVALID_ARGUMENT;
        return link->add_remote_interest(*interest, remote_interest_id);
    });
}

nmk_status api_remove_remote_interest(void* host, std::uint64_t link_id, std::uint64_t remote_interest_id) {
    return guarded(host, "remove_remote_interest", NMK_ERROR, [&](PluginContext& c) {
        LinkAdapter* link = c.find_link(link_id);
        return link ? link->remove_remote_interest(remote_interest_id) : NMK_NOT_FOUND;
    });
}

nmk_status api_link_publish(void* host, std::uint64_t link_id, const nmk_message* message) {
    return guarded(host, "link_publish", NMK_ERROR, [&](PluginContext& c) {
        LinkAdapter* link = c.find_link(link_id);
        if (!link) return NMK_NOT_FOUND;
        return message ? link->publish(*message) : NMK_INVALID_ARGUMENT;
    });
}

nmk_status api_declare_kind(void* host, nmk_str kind, std::uint32_t kind_version) {
    return guarded(host, "declare_kind", NMK_ERROR,
                   [&](PluginContext& c) { return c.declare_kind(view(kind), kind_version); });
}

nmk_status api_register_extension(void* host, nmk_str kind, nmk_str name, const void* vtable) {
    return guarded(host, "register_extension", NMK_ERROR,
                   [&](PluginContext& c) { return c.register_extension(view(kind), view(name), vtable); });
}

const void* api_find_extension(void* host, nmk_str kind, nmk_str name) {
    return guarded(host, "find_extension", static_cast<const void*>(nullptr),
                   [&](PluginContext& c) { return c.find_extension(view(kind), view(name)); });
}

// ---- SDK 1.1: accounts, executors and extension kinds (thin forwards) ----

nmk_status api_account_list(void* host, nmk_account_callback callback, void* user) {
    return guarded(host, "account_list", NMK_ERROR, [&](PluginContext& c) { return c.account_list(callback, user); });
}

nmk_status api_account_watch(void* host, nmk_account_callback callback, void* user, std::uint64_t* watch_id) {
    return guarded(host, "account_watch", NMK_ERROR,
                   [&](PluginContext& c) { return c.account_watch(callback, user, watch_id); });
}

nmk_status api_account_unwatch(void* host, std::uint64_t watch_id) {
    return guarded(host, "account_unwatch", NMK_ERROR, [&](PluginContext& c) { return c.account_unwatch(watch_id); });
}

nmk_status api_account_config(void* host, nmk_str account, const nmk_http_response_writer* out) {
    return guarded(host, "account_config", NMK_ERROR,
                   [&](PluginContext& c) { return c.account_config(view(account), out); });
}

nmk_status api_account_upsert(void* host, nmk_str account, nmk_str config_json, nmk_error_buffer error) {
    return guarded(host, "account_upsert", NMK_ERROR,
                   [&](PluginContext& c) { return c.account_upsert(view(account), view(config_json), error); });
}

std::uint64_t api_executor_create(void* host, nmk_executor_kind kind, std::uint32_t threads) {
    // A C plugin may pass any int here; reading an enum that holds another value is
    // undefined in C++, so the bits are read as the int they are and checked first.
    static_assert(sizeof(nmk_executor_kind) == sizeof(std::int32_t));
    std::int32_t raw = 0;
    std::memcpy(&raw, &kind, sizeof raw);
    if (raw != NMK_EXECUTOR_SERIAL && raw != NMK_EXECUTOR_BLOCKING) return 0;
    const auto checked = raw == NMK_EXECUTOR_SERIAL ? NMK_EXECUTOR_SERIAL : NMK_EXECUTOR_BLOCKING;
    return guarded(host, "executor_create", std::uint64_t{0},
                   [&](PluginContext& c) { return c.executor_create(checked, threads); });
}

nmk_status api_executor_post(void* host, std::uint64_t executor_id, nmk_task_callback callback, void* user) {
    return guarded(host, "executor_post", NMK_ERROR,
                   [&](PluginContext& c) { return c.executor_post(executor_id, callback, user); });
}

nmk_status api_executor_destroy(void* host, std::uint64_t executor_id) {
    return guarded(host, "executor_destroy", NMK_ERROR,
                   [&](PluginContext& c) { return c.executor_destroy(executor_id); });
}

nmk_status api_register_extension_versioned(void* host, nmk_str kind, std::uint32_t kind_version, nmk_str name,
                                            const void* vtable) {
    return guarded(host, "register_extension_versioned", NMK_ERROR, [&](PluginContext& c) {
        return c.register_extension_versioned(view(kind), kind_version, view(name), vtable);
    });
}

const void* api_find_extension_versioned(void* host, nmk_str kind, std::uint32_t kind_version, nmk_str name,
                                         std::uint32_t* provider_version) {
    return guarded(host, "find_extension_versioned", static_cast<const void*>(nullptr), [&](PluginContext& c) {
        return c.find_extension_versioned(view(kind), kind_version, view(name), provider_version);
    });
}

nmk_status api_on_all_started(void* host, nmk_task_callback callback, void* user) {
    return guarded(host, "on_all_started", NMK_ERROR,
                   [&](PluginContext& c) { return c.on_all_started(callback, user); });
}

// Metrics go straight to the host's registry.
std::uint64_t api_metric_register(void* host, nmk_str name, nmk_str help, nmk_metric_type type) {
    return guarded(host, "metric_register", std::uint64_t{0}, [&](PluginContext& c) -> std::uint64_t {
        // A plugin may pass any number here: look at the bytes, since reading an
        // out-of-range value as the enum type is undefined behaviour.
        std::underlying_type_t<nmk_metric_type> raw;
        std::memcpy(&raw, &type, sizeof raw);
        if (raw != NMK_METRIC_COUNTER && raw != NMK_METRIC_GAUGE) return 0;
        const auto id = c.host().metrics().register_metric(
            view(name), view(help), raw == NMK_METRIC_COUNTER ? MetricType::counter : MetricType::gauge, c.name());
        if (id == 0) NMK_ERROR("{}: metric \"{}\" refused (bad name or taken with another type)", c.name(), view(name));
        return id;
    });
}

void api_metric_add(void* host, std::uint64_t metric_id, std::int64_t delta) {
    guarded(host, "metric_add", 0, [&](PluginContext& c) {
        c.host().metrics().add(metric_id, delta);
        return 0;
    });
}

void api_metric_set(void* host, std::uint64_t metric_id, std::int64_t value) {
    guarded(host, "metric_set", 0, [&](PluginContext& c) {
        c.host().metrics().set(metric_id, value);
        return 0;
    });
}

}  // namespace

nmk_host_api make_host_api(PluginContext* context) {
    nmk_host_api api{};
    api.struct_size = sizeof(nmk_host_api);
    api.sdk_major = NMK_SDK_VERSION_MAJOR;
    api.sdk_minor = NMK_SDK_VERSION_MINOR;
    api.host = context;
    api.log = api_log;
    api.publish = api_publish;
    api.subscribe = api_subscribe;
    api.unsubscribe = api_unsubscribe;
    api.set_timer = api_set_timer;
    api.cancel_timer = api_cancel_timer;
    api.post = api_post;
    api.post_blocking = api_post_blocking;
    api.data_dir = api_data_dir;
    api.metric_register = api_metric_register;
    api.metric_add = api_metric_add;
    api.metric_set = api_metric_set;
    api.query_json = api_query_json;
    api.register_authenticator = api_register_authenticator;
    api.complete_auth = api_complete_auth;
    api.register_http_endpoint = api_register_http_endpoint;
    api.register_link = api_register_link;
    api.add_remote_interest = api_add_remote_interest;
    api.remove_remote_interest = api_remove_remote_interest;
    api.link_publish = api_link_publish;
    api.declare_kind = api_declare_kind;
    api.register_extension = api_register_extension;
    api.find_extension = api_find_extension;
    add_messaging_api(api);
    // SDK 1.1: accounts, executors and extension kinds.
    api.account_list = api_account_list;
    api.account_watch = api_account_watch;
    api.account_unwatch = api_account_unwatch;
    api.account_config = api_account_config;
    api.account_upsert = api_account_upsert;
    api.executor_create = api_executor_create;
    api.executor_post = api_executor_post;
    api.executor_destroy = api_executor_destroy;
    api.register_extension_versioned = api_register_extension_versioned;
    api.find_extension_versioned = api_find_extension_versioned;
    api.on_all_started = api_on_all_started;
    return api;
}

}  // namespace nats::plugins
