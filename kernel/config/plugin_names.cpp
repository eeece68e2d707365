// nats-server 2.9.10's keys and flags whose feature lives in a plugin here, and
// the plugin each needs. Only nats-server's vocabulary is listed: a plugin's
// own keys and flags come from its descriptor (plugin_claims.hpp).
#include <algorithm>
#include <cctype>

#include "kernel/config/plugin_claims.hpp"

namespace nats::config {

namespace {

bool same_name(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

struct KeyOwner {
    std::string_view key;
    std::string_view plugin;
};

// Top-level keys, matched case-insensitively as nats-server does
// (processConfigFileLine); aliases included.
constexpr KeyOwner key_owners[] = {
    {"jetstream", "jetstream"},   {"cluster", "cluster"},         {"leafnodes", "leafnodes"},
    {"leaf", "leafnodes"},        {"gateway", "gateway"},         {"websocket", "websocket"},
    {"ws", "websocket"},          {"mqtt", "mqtt"},               {"operator", "auth_jwt"},
    {"operators", "auth_jwt"},    {"root", "auth_jwt"},           {"roots", "auth_jwt"},
    {"root_operator", "auth_jwt"}, {"root_operators", "auth_jwt"}, {"trusted", "auth_jwt"},        {"trusted_keys", "auth_jwt"},
    {"resolver", "auth_jwt"},     {"resolver_preload", "auth_jwt"}, {"resolver_tls", "auth_jwt"},
};

struct FlagOwner {
    std::string_view flag;
    KnownFlag known;
};

// nats-server's main.go / ConfigureOptions flag set, the ones a plugin serves here.
constexpr FlagOwner flag_owners[] = {
    {"js", {"jetstream", false}},          {"jetstream", {"jetstream", false}},
    {"sd", {"jetstream", true}},           {"store_dir", {"jetstream", true}},
    {"routes", {"cluster", true}},         {"cluster", {"cluster", true}},
    {"cluster_listen", {"cluster", true}}, {"cluster_advertise", {"cluster", true}},
    {"no_advertise", {"cluster", false}},  {"connect_retries", {"cluster", true}},
    {"cluster_name", {"cluster", true}},
};

}  // namespace

std::string_view plugin_for_key(std::string_view key) {
    for (const auto& o : key_owners)
        if (same_name(o.key, key)) return o.plugin;
    return {};
}

std::optional<KnownFlag> plugin_for_flag(std::string_view name) {
    for (const auto& o : flag_owners)
        if (o.flag == name) return o.known;  // Go flags are case-sensitive
    return std::nullopt;
}

bool is_disabled_block(const Value& value) {
    if (value.is_bool()) return !value.as_bool();
    if (value.is_string()) return same_name(value.as_string(), "disabled") || same_name(value.as_string(), "disable");
    if (value.is_map()) {
        for (std::string_view key : {"enabled", "enable"}) {
            const Value* enabled = value.find(key);
            if (enabled && enabled->is_bool() && !enabled->as_bool()) return true;
        }
    }
    return false;
}

}  // namespace nats::config
