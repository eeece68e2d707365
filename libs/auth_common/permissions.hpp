#pragma once
// Permissions as nats-server's config writes them, turned into the one form the
// kernel enforces (AuthResult.permissions_json):
//
//   {"publish":   {"allow": [..], "deny": [..]},
//    "subscribe": {"allow": [..], "deny": [..]},   entries may be "subject queue"
//    "allow_responses": {"max": 1, "expires": 120000000000}}   expires in ns
//
// A key that is absent sets no restriction of that kind. The one list that can be
// present and empty is publish.allow: allow_responses without a publish allow list
// means "publish nothing but replies" (nats-server's rule).
#include <cstdint>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nats::auth_common {

// nats-server's defaults for allow_responses: true (and for max 0 / expires 0).
inline constexpr std::int64_t default_response_max = 1;
inline constexpr std::int64_t default_response_expires_ns = 2LL * 60 * 1000 * 1000 * 1000;

// Normalizes a permissions map (keys pub/publish/import, sub/subscribe/export,
// allow_responses/publish_allow_responses, any case). Each of publish/subscribe is a
// subject, a list of subjects, or {allow, deny} with either form. Throws ConfigError
// naming `where` and the problem in nats-server's words. Returns an object, empty
// when the map restricts nothing.
nlohmann::json normalize_permissions(const nlohmann::json& permissions, std::string_view where);

}  // namespace nats::auth_common
