#pragma once
// The Nats-Request-Info header a service import adds to each request it
// carries into the exporting account (nats-server's ClientInfo, JSON). The
// header-block edits (getHeader, setHeader) are nats_sdk/headers.hpp's.
#include <optional>
#include <string>
#include <string_view>

#include <nats_sdk/go_json.hpp>
#include <nats_sdk/headers.hpp>
#include <nlohmann/json.hpp>

namespace nats::accounts {

inline constexpr std::string_view request_info_header = nats_sdk::header_names::request_info;

// ClientInfo as JSON text with nats-server's field order (start, host, id, acc,
// svc, user, name, lang, ver, rtt, server, ...) and Go's escapes; keys `info`
// lacks are left out, keys it has beyond ClientInfo's are dropped.
std::string request_info_text(const nlohmann::json& info);
// The same object written into a larger document (service latency results).
void write_client_info(nats_sdk::GoJsonWriter& w, const nlohmann::json& info);

}  // namespace nats::accounts
