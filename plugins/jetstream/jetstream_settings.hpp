#pragma once
// The plugin's config object (what the kernel hands over for `jetstream { ... }`, -js and
// -sd) read into ServerSettings, with nats-server 2.9.10's keys and this server's
// `sync` addition. A key this build cannot honour (encryption at rest) is refused, never
// ignored.

#include <nlohmann/json.hpp>

#include "jetstream_core.hpp"

namespace nmk::jetstream {

// Throws nats_sdk::ConfigError naming the key ("config key 'jetstream.sync' ...").
ServerSettings read_settings(const nlohmann::json& config);

}  // namespace nmk::jetstream
