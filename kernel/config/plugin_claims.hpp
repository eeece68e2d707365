#pragma once
// Names the kernel does not know itself may belong to a plugin: a top-level
// config key (`cluster`, `jetstream`, a third party's own) or a command-line
// flag (`-js`, `--routes`). Plugins declare them in their descriptor
// (sdk/include/nats_sdk/abi.h, SDK 1.1); kernel/plugin_host answers the
// questions below from those declarations. kernel/config only asks, so adding
// a plugin never edits this folder.
//
// nats-server's own vocabulary is known here too (`plugin_for_key`,
// `plugin_for_flag`): a name nats-server has but no installed plugin serves is
// not silently ignored; the plugin host stops start-up naming the plugin.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "kernel/config/conf_value.hpp"

namespace nats::config {

// A flag a plugin serves: its value is written into the config tree at
// config_path (dotted) before the options are read, so flags win over the file.
struct PluginFlag {
    enum class Type { boolean, integer, string };
    Type type = Type::boolean;
    std::string config_path;
    std::string plugin;  // for messages
};

class PluginClaims {
public:
    virtual ~PluginClaims() = default;
    // True when an installed plugin serves top-level key `key` of `root` (the
    // file being read; its `plugins.path` is part of where plugins are found).
    virtual bool serves_key(std::string_view key, const Value& root, const std::string& config_file) = 0;
    // The flag an installed plugin serves as `name` (without dashes), if any.
    virtual std::optional<PluginFlag> find_flag(std::string_view name) = 0;
};

// The plugin nats-server users need for one of nats-server's top-level keys
// ("cluster" -> "cluster", "operator" -> "auth_jwt", "jetstream" -> "jetstream"),
// empty for keys the kernel reads or that need no plugin.
std::string_view plugin_for_key(std::string_view key);

// nats-server's names for operator mode's top-level keys (processConfigFileLine):
// operator JWTs under any of `operator_keys`, operator public keys under `trusted_keys`.
inline constexpr std::string_view operator_keys[] = {"operator", "operators", "root",
                                                     "roots",    "root_operator", "root_operators"};
inline constexpr std::string_view trusted_keys[] = {"trusted", "trusted_keys"};

// The same for nats-server's flags ("js" -> "jetstream", "routes" -> "cluster"),
// and whether the flag takes a value (so the rest of the command line can still
// be read). nullopt for flags that are not nats-server's plugin flags.
struct KnownFlag {
    std::string_view plugin;
    bool takes_value;
};
std::optional<KnownFlag> plugin_for_flag(std::string_view name);

// A block that asks for nothing: `false`, `"disabled"`, or a map with
// `enabled: false` (nats-server's way of writing `jetstream: disabled`).
bool is_disabled_block(const Value& value);

}  // namespace nats::config
