#pragma once
// The Nats-Request-Info header a service import adds to each request it
// carries into the exporting account (nats-server's ClientInfo, JSON), and the
// header-block edits it needs.
#include <optional>
#include <string>
#include <string_view>

#include <nats_sdk/go_json.hpp>
#include <nlohmann/json.hpp>

namespace nats::accounts {

inline constexpr std::string_view request_info_header = "Nats-Request-Info";

// The header block with `key: value` as its last line; an earlier `key` line
// is dropped (nats-server's setHeader). `block` is a whole "NATS/1.0\r\n...\r\n\r\n"
// block or empty.
std::string set_header(std::string_view block, std::string_view key, std::string_view value);
// The value of `key` in a header block (nats-server's getHeader), if present.
std::optional<std::string> get_header(std::string_view block, std::string_view key);

// ClientInfo as JSON text with nats-server's field order (start, host, id, acc,
// svc, user, name, lang, ver, rtt, server, ...) and Go's escapes; keys `info`
// lacks are left out, keys it has beyond ClientInfo's are dropped.
std::string request_info_text(const nlohmann::json& info);
// The same object written into a larger document (service latency results).
void write_client_info(nats_sdk::GoJsonWriter& w, const nlohmann::json& info);

}  // namespace nats::accounts
