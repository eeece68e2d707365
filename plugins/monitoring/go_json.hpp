#pragma once
// A JSON document written the way nats-server writes it (Go's encoding/json),
// through nats_sdk::GoJsonWriter: MarshalIndent's layout for the monitoring
// pages, Marshal's compact one for /healthz.
#include <string>

#include <nlohmann/json.hpp>

namespace nats::monitoring {

// indent: MarshalIndent(v, "", "  "); otherwise Marshal (compact, as /healthz).
std::string go_json(const nlohmann::ordered_json& value, bool indent = true);

}  // namespace nats::monitoring
