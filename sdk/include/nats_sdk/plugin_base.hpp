#pragma once
// nats_sdk::Plugin, the base class of every plugin.
//
// The kernel drives it: construct (from the config block) -> start -> reload* -> stop ->
// destroy. A derived class is constructible from (Host&, const nlohmann::json& config)
// or from (Host&); a constructor that throws makes create() fail with the message.

#include <nlohmann/json.hpp>

#include "nats_sdk/error.hpp"
#include "nats_sdk/host.hpp"

namespace nats_sdk {

namespace detail {
struct plugin_access;
}

class Plugin {
public:
    explicit Plugin(Host& host) noexcept : host_(host) {}
    virtual ~Plugin() = default;
    Plugin(const Plugin&) = delete;
    Plugin& operator=(const Plugin&) = delete;

    // Starts work: subscriptions, timers, registrations. Throw to fail start-up.
    virtual void start() {}

    // A new config block (SIGHUP). Throw to keep the old one. The default accepts an
    // unchanged block and refuses any change, so a plugin that does not override this
    // never runs with a config it has not read.
    virtual void reload(const nlohmann::json& config) {
        if (config != config_) {
            throw Error("this plugin cannot apply a changed config without a restart", NMK_UNSUPPORTED);
        }
    }

    // Stops work. The kernel drops every table it was given once this returns; handles
    // still held are released at destroy.
    virtual void stop() {}

    Host& host() const noexcept { return host_; }
    // The block in force: set once the constructor returned, updated after each
    // successful reload().
    const nlohmann::json& config() const noexcept { return config_; }

private:
    friend struct detail::plugin_access;
    Host& host_;
    nlohmann::json config_;
};

namespace detail {
struct plugin_access {
    static void set_config(Plugin& plugin, nlohmann::json config) { plugin.config_ = std::move(config); }
};
}  // namespace detail

}  // namespace nats_sdk
