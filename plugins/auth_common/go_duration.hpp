#pragma once
// Go's time.ParseDuration, because nats-server writes response-permission
// expiries ("1m", "500ms") in that syntax and quotes Go's errors about them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nats::auth_common {

// Nanoseconds of an optional sign followed by one or more decimal numbers (a
// fraction allowed), each with a unit ns, us, µs, ms, s, m or h; or "0".
// nullopt on failure, with Go's message in `error` when given, e.g.
// `time: unknown unit "x" in duration "5x"`.
std::optional<std::int64_t> parse_go_duration(std::string_view text, std::string* error = nullptr);

}  // namespace nats::auth_common
