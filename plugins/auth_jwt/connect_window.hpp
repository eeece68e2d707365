#pragma once
// A user JWT's `src` (client address ranges) and `times` (daily connect windows,
// in `times_location` or the server's local time), judged as nats-server's
// validateSrc and validateTimes judge them.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "libs/jwt/claims.hpp"

namespace nats::auth_jwt {

// True when `src` is empty or `client_ip` lies in one of its CIDRs (a bare address
// counts as a single-address range).
bool source_allowed(const std::vector<std::string>& src, std::string_view client_ip);

// The UTC offset, in seconds, of IANA zone `zone` at `unix_seconds`, read from the
// system's zoneinfo files (TZif). nullopt for an unknown zone. Empty zone: local time.
std::optional<std::int64_t> utc_offset(std::string_view zone, std::int64_t unix_seconds);

// nullopt: outside every window (or a window or zone that cannot be read).
// Otherwise how long the current window still lasts (0 when there are no windows).
std::optional<std::chrono::seconds> time_window(const std::vector<jwt::TimeRange>& times, std::string_view zone,
                                                std::int64_t now_unix);

}  // namespace nats::auth_jwt
