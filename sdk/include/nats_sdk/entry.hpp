#pragma once
// The plugin's entry point: NATS_SDK_PLUGIN defines the one exported symbol and the
// static descriptor whose trampolines drive a nats_sdk::Plugin.
//
//   NATS_SDK_PLUGIN(my::Auth, "my_auth", "1.2.0", "Users from a list", "authenticator", "")
//
// Use it once, at global scope, in one source file of the plugin. Every trampoline
// catches every exception and turns it into an error return with the message in the
// kernel's error buffer (or a log line for stop()).

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string_view>
#include <type_traits>
#include <utility>

#include <nlohmann/json.hpp>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/authenticator.hpp"
#include "nats_sdk/error.hpp"
#include "nats_sdk/format.hpp"
#include "nats_sdk/host.hpp"
#include "nats_sdk/plugin_base.hpp"
#include "nats_sdk/strings.hpp"
#include "nats_sdk/version.hpp"

#if defined(_WIN32)
#define NATS_SDK_EXPORT __declspec(dllexport)
#else
#define NATS_SDK_EXPORT __attribute__((visibility("default")))
#endif

namespace nats_sdk {

// What the descriptor declares. Static strings only.
struct PluginInfo {
    const char* name;
    const char* version;
    const char* description;
    const char* provides;  // comma-separated extension kinds, e.g. "authenticator"
    const char* requires_plugins;  // comma-separated plugin names loaded first, may be ""
    // SDK 1.1 (see "Config keys and flags a plugin serves" in sdk/README.md):
    const char* config_keys = "";            // comma-separated top-level keys, e.g. "cluster"
    const nmk_plugin_flag* flags = nullptr;  // a static array of flag_count flags
    std::uint32_t flag_count = 0;
};

// `static void validate(const nlohmann::json& config)` on the plugin class: nats-server -t
// calls it (through the descriptor) instead of creating the plugin.
template <class T>
concept has_static_validate = requires(const nlohmann::json& config) { T::validate(config); };

namespace detail {

// NATS_SDK_PLUGIN_SERVING's flags argument: an array, or nullptr for none.
template <std::size_t N>
constexpr const nmk_plugin_flag* flag_data(const nmk_plugin_flag (&flags)[N]) noexcept {
    return flags;
}
constexpr const nmk_plugin_flag* flag_data(std::nullptr_t) noexcept { return nullptr; }
template <std::size_t N>
constexpr std::uint32_t flag_count(const nmk_plugin_flag (&)[N]) noexcept {
    return static_cast<std::uint32_t>(N);
}
constexpr std::uint32_t flag_count(std::nullptr_t) noexcept { return 0; }

// No text, only whitespace, or null: the plugin has no block, which reads as {}.
inline nlohmann::json parse_config(std::string_view text) {
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) {
        return nlohmann::json::object();
    }
    auto config = nlohmann::json::parse(text, nullptr, false);
    if (config.is_discarded()) {
        throw ConfigError("the config block is not valid JSON");
    }
    if (config.is_null()) {
        return nlohmann::json::object();
    }
    if (!config.is_object()) {
        throw ConfigError("the config block must be an object");
    }
    return config;
}

inline void check_host(const nmk_host_api* api) {
    if (api == nullptr) {
        throw Error("no host API given", NMK_INVALID_ARGUMENT);
    }
    if (!is_compatible(api->sdk_major, api->sdk_minor, sdk_version_major, sdk_version_minor)) {
        throw Error(format("the kernel's SDK {}.{} cannot run a plugin built with SDK {}.{}", api->sdk_major,
                           api->sdk_minor, sdk_version_major, sdk_version_minor),
                    NMK_UNSUPPORTED);
    }
    if (api->struct_size < sizeof(nmk_host_api)) {
        throw Error(format("the kernel's host API table has {} bytes, SDK {}.{} needs {}", api->struct_size,
                           sdk_version_major, sdk_version_minor, sizeof(nmk_host_api)),
                    NMK_UNSUPPORTED);
    }
}

// 0 when `fn` returned, 1 with the message in `error` when it threw.
template <class Fn>
int guarded(nmk_error_buffer error, Fn&& fn) noexcept {
    try {
        std::forward<Fn>(fn)();
        return 0;
    } catch (const std::exception& e) {
        write_error(error, e.what());
    } catch (...) {
        write_error(error, "unknown exception");
    }
    return 1;
}

template <class T>
struct instance {
    instance(const nmk_host_api* api, const char* name) : host(api, name) {}
    ~instance() {
        plugin.reset();  // before the Host: the plugin's handles release through it
    }

    Host host;
    std::unique_ptr<T> plugin;
    bool started = false;  // plugin->start() succeeded and plugin->stop() has not run
};

template <class T>
void stop_plugin(instance<T>& self) noexcept {
    if (!self.started) {
        return;
    }
    self.started = false;
    try {
        self.plugin->stop();
    } catch (...) {
        log_exception(&self.host.api(), "stop");
    }
}

template <class T, const PluginInfo& Info>
struct entry {
    static void* create(const nmk_host_api* api, nmk_str config_json, nmk_error_buffer error) noexcept {
        instance<T>* created = nullptr;
        guarded(error, [&] {
            check_host(api);
            nlohmann::json config = parse_config(to_view(config_json));
            auto self = std::make_unique<instance<T>>(api, Info.name);
            if constexpr (std::is_constructible_v<T, Host&, const nlohmann::json&>) {
                self->plugin = std::make_unique<T>(self->host, std::as_const(config));
            } else {
                self->plugin = std::make_unique<T>(self->host);
            }
            plugin_access::set_config(*self->plugin, std::move(config));
            created = self.release();
        });
        return created;
    }

    static int start(void* raw, nmk_error_buffer error) noexcept {
        auto& self = *static_cast<instance<T>*>(raw);
        if (self.started) {
            write_error(error, "already started");
            return 1;
        }
        return guarded(error, [&] {
            self.plugin->start();
            self.started = true;
            if constexpr (std::is_base_of_v<Authenticator, T>) {
                try {
                    self.host.register_authenticator(Info.name, self.plugin->table());
                } catch (...) {
                    stop_plugin(self);
                    throw;
                }
            }
        });
    }

    static int reload(void* raw, nmk_str config_json, nmk_error_buffer error) noexcept {
        auto& self = *static_cast<instance<T>*>(raw);
        return guarded(error, [&] {
            nlohmann::json config = parse_config(to_view(config_json));
            self.plugin->reload(config);
            plugin_access::set_config(*self.plugin, std::move(config));
        });
    }

    static void stop(void* raw) noexcept { stop_plugin(*static_cast<instance<T>*>(raw)); }

    static int validate(nmk_str config_json, nmk_error_buffer error) noexcept {
        return guarded(error, [&] {
            const nlohmann::json config = parse_config(to_view(config_json));
            T::validate(config);
        });
    }

    static void destroy(void* raw) noexcept {
        auto* self = static_cast<instance<T>*>(raw);
        stop_plugin(*self);
        delete self;
    }
};

}  // namespace detail

template <class T, const PluginInfo& Info>
constexpr auto validate_function() noexcept -> int (*)(nmk_str, nmk_error_buffer) {
    if constexpr (has_static_validate<T>) {
        return &detail::entry<T, Info>::validate;
    } else {
        return nullptr;
    }
}

// The descriptor for plugin class T. Members are set by position: abi.h's member for the
// required plugins is named with a C++ keyword.
template <class T, const PluginInfo& Info>
constexpr nmk_plugin_descriptor make_descriptor() noexcept {
    static_assert(std::is_base_of_v<Plugin, T>, "a plugin class derives from nats_sdk::Plugin");
    static_assert(std::is_constructible_v<T, Host&, const nlohmann::json&> || std::is_constructible_v<T, Host&>,
                  "a plugin class is constructible from (Host&, const nlohmann::json&) or (Host&)");
    using entry = detail::entry<T, Info>;
    return nmk_plugin_descriptor{sizeof(nmk_plugin_descriptor),
                                 NMK_SDK_VERSION_MAJOR,
                                 NMK_SDK_VERSION_MINOR,
                                 Info.name,
                                 Info.version,
                                 Info.description,
                                 Info.provides,
                                 Info.requires_plugins,
                                 &entry::create,
                                 &entry::start,
                                 &entry::reload,
                                 &entry::stop,
                                 &entry::destroy,
                                 Info.config_keys,
                                 Info.flags,
                                 Info.flag_count,
                                 validate_function<T, Info>()};
}

}  // namespace nats_sdk

// As NATS_SDK_PLUGIN, for a plugin that serves top-level config keys and command-line
// flags (SDK 1.1). `flags` is a static array of nmk_plugin_flag, or nullptr:
//
//   constexpr nmk_plugin_flag cluster_flags[] = {
//       {"--cluster,--cluster_listen", NMK_FLAG_STRING, "cluster.listen", "Cluster URL for solicited routes"}};
//   NATS_SDK_PLUGIN_SERVING(my::Cluster, "cluster", "1.0.0", "Routes", "", "", "cluster", cluster_flags)
#define NATS_SDK_PLUGIN_SERVING(Class, name, version, description, provides, required_plugins, config_keys, flags) \
    namespace {                                                                                              \
    constexpr ::nats_sdk::PluginInfo nats_sdk_plugin_info{                                                   \
        name, version, description, provides, required_plugins, config_keys, ::nats_sdk::detail::flag_data(flags), \
        ::nats_sdk::detail::flag_count(flags)};                                                              \
    constexpr nmk_plugin_descriptor nats_sdk_plugin_descriptor =                                             \
        ::nats_sdk::make_descriptor<Class, nats_sdk_plugin_info>();                                          \
    }                                                                                                        \
    extern "C" NATS_SDK_EXPORT const nmk_plugin_descriptor* nmk_plugin_entry(void) {                         \
        return &nats_sdk_plugin_descriptor;                                                                  \
    }

#define NATS_SDK_PLUGIN(Class, name, version, description, provides, required_plugins)                       \
    namespace {                                                                                              \
    constexpr ::nats_sdk::PluginInfo nats_sdk_plugin_info{name, version, description, provides,             \
                                                          required_plugins};                                 \
    constexpr nmk_plugin_descriptor nats_sdk_plugin_descriptor =                                             \
        ::nats_sdk::make_descriptor<Class, nats_sdk_plugin_info>();                                          \
    }                                                                                                        \
    extern "C" NATS_SDK_EXPORT const nmk_plugin_descriptor* nmk_plugin_entry(void) {                         \
        return &nats_sdk_plugin_descriptor;                                                                  \
    }
