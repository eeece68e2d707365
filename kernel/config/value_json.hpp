#pragma once
// A config value as JSON: how a plugin's raw config block crosses the C plugin
// boundary as plain text, and how tools can print a parsed file.
#include <nlohmann/json.hpp>

#include "kernel/config/conf_value.hpp"

namespace nats::config {

// Maps keep file order (nlohmann::ordered_json); locations are dropped.
nlohmann::ordered_json to_json(const Value& v);
// The other way, for blocks a plugin hands the kernel as JSON text (a run-time
// account): every value gets `where`, so errors name the block. Unsigned
// numbers above INT64_MAX become floats, as the config parser would not take them.
Value from_json(const nlohmann::json& j, const Location& where);

}  // namespace nats::config
