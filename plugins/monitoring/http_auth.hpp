#pragma once
// Credentials for the monitoring port: HTTP basic (user and password) and/or
// a bearer token, compared in constant time.
#include <string>
#include <string_view>

#include "plugins/monitoring/settings.hpp"

namespace nats::monitoring {

// True when `authorization` (the header's value) carries credentials that
// `auth` accepts. Always true when auth is not enabled.
bool credentials_accepted(const AuthSettings& auth, std::string_view authorization);
// The WWW-Authenticate value for a 401.
std::string auth_challenge(const AuthSettings& auth);
// Standard base64; false on malformed input.
bool base64_decode(std::string_view text, std::string& out);

}  // namespace nats::monitoring
