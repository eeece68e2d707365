#pragma once
// Durations written and shown the way Go (and so natscli) does: "1m30s",
// "300ms", "1.5µs".
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace nats::cli {

// Parses Go's time.ParseDuration syntax (a sequence of decimal numbers with
// units ns, us/µs, ms, s, m, h; "0" alone is allowed). nullopt when invalid.
std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text);

// Go's time.Duration.String(): "0s", "812ns", "1.234ms", "2m3.5s", "1h0m0s".
std::string format_duration(std::chrono::nanoseconds d);

// natscli's humanized form: rounded to µs below a millisecond, to ms below a
// second, otherwise whole units like "1d2h3m4s".
std::string humanize_duration(std::chrono::nanoseconds d);

// natscli 0.0.x's humanizeDuration, which its JetStream reports use: like
// humanize_duration from a minute up, "%.2fs" below ("0.25s", "59.00s").
std::string humanize_duration_classic(std::chrono::nanoseconds d);

// fisk's duration syntax for limits (--max-age, --ttl, --dupe-window): Go's,
// plus the units d (24h), w (7d), M (30d) and y (365d), e.g. "1y2d", "1.5d".
std::optional<std::chrono::nanoseconds> parse_long_duration(std::string_view text);

} // namespace nats::cli
