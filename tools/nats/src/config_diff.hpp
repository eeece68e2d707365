#pragma once
// What `stream edit` and `consumer edit` show before changing a config: one
// line per changed key, "-" for the old value and "+" for the new. natscli
// prints go-cmp's diff of its Go structs, which this does not imitate.
#include <string>

#include "jetstream_api.hpp"

namespace nats::cli {

// Empty when the configs are equal (lists of strings compare unordered, as
// natscli's sorting transformer makes them).
std::string config_diff(const ordered_json& before, const ordered_json& after);

} // namespace nats::cli
