#pragma once
// What a CONNECT carries, judged as nats-server judges it: a field set to null
// or to an empty string is the same as no field.
#include <string_view>

#include <nlohmann/json.hpp>

namespace nats::auth_common {

// `name` is present with a value other than null or "".
bool field_given(const nlohmann::json& connect, std::string_view name);

// None of user, pass, auth_token, nkey, jwt: a client that relies on no_auth_user.
bool carries_no_credentials(const nlohmann::json& connect);

// `text` cut to a length fit for a log line (client-chosen names can be huge).
std::string_view for_log(std::string_view text);

}  // namespace nats::auth_common
