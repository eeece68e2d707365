#pragma once
// Go's time.ParseDuration and Duration.String, because nats-server config files
// and its error messages use them ("1h30m", "500ms", "invalid ... of 10s").
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace nats::config {

// Accepts what Go accepts: an optional sign, then one or more decimal numbers
// (fractions allowed) each followed by a unit ns, us, µs, ms, s, m, h; or "0".
// On failure returns nullopt and, when error is given, Go's message, e.g.
// `time: unknown unit "x" in duration "3x"`.
std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text,
                                                          std::string* error = nullptr);

// Formats like Go's Duration.String(): "1h30m0s", "500ms", "2.5s", "0s".
std::string format_go_duration(std::chrono::nanoseconds d);

}  // namespace nats::config
