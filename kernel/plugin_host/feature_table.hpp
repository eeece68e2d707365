#pragma once
// Config features that bring their plugin along: a `jetstream {}` block loads
// "jetstream" with its store backends "store_memory" and "store_file", `http_port` (or -m) loads "monitoring", and authentication loads
// its authenticators: a token (`authorization { token }`, --auth) "auth_token";
// users with passwords (`authorization { user, password }`, `users` entries
// without `nkey` there or in any `accounts` block, --user/--pass) "auth_users";
// `users` entries with `nkey` "auth_nkey". Each entry also says which settings the
// plugin receives as its config (the plugins.<name> block is merged on top).
#include <nlohmann/json.hpp>

#include <span>
#include <string_view>

#include "kernel/config/options.hpp"

namespace nats::plugins {

struct Feature {
    std::string_view plugin;  // loaded when wanted
    std::string_view key;     // the config key (or flag) that asks for it, for messages
    bool required;            // missing plugin: fatal (every feature today; kept for features that may be optional)
    bool (*wanted)(const config::Options& options);
    // Adds what the plugin needs from the options to its config object.
    void (*fill)(const config::Options& options, nlohmann::ordered_json& config);
};

std::span<const Feature> features();

}  // namespace nats::plugins
