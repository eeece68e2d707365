#pragma once
// JSON text the way nats-server writes it: Go's encoding/json, with
// MarshalIndent's two-space layout for the monitoring pages, HTML-safe string
// escapes (<, >, & as \u003c ...) and Go's float formatting (2, not 2.0).
// Tools that compare the output byte for byte with nats-server see the same.
#include <string>

#include <nlohmann/json.hpp>

namespace nats::monitoring {

// indent: MarshalIndent(v, "", "  "); otherwise Marshal (compact, as /healthz).
std::string go_json(const nlohmann::ordered_json& value, bool indent = true);

// One string as a JSON string literal, with Go's escapes.
std::string go_quote_json(std::string_view text);

}  // namespace nats::monitoring
