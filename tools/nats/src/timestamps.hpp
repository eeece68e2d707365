#pragma once
// The JetStream API's RFC 3339 times and the ways natscli prints them (Go
// layouts such as "2006-01-02 15:04:05", RFC 822, time.Time's %v).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nats::cli {

// Seconds since 1970 and nanoseconds: wide enough for Go's zero time (year 1),
// which nanoseconds in an int64 are not.
struct timestamp {
    std::int64_t seconds = 0;
    std::int32_t nanos = 0;
    bool operator==(const timestamp&) const = default;
};

timestamp to_timestamp(std::chrono::system_clock::time_point t);

// "2023-01-02T15:04:05.123456789Z" or with a "+01:00" zone. nullopt when invalid.
std::optional<timestamp> parse_rfc3339(std::string_view text);

// Go's zero time (0001-01-01T00:00:00Z): what the server sends for "never".
bool is_go_zero_time(timestamp t);

// strftime layouts in the local zone or in UTC.
std::string format_local(timestamp t, const char* layout);
std::string format_utc(timestamp t, const char* layout);

// Go's time.Time.String() for a UTC time: "2023-01-02 15:04:05.123 +0000 UTC"
// (fraction without trailing zeros, none when whole).
std::string go_time_string_utc(timestamp t);

// Go's time.RFC822 for a UTC time: "02 Jan 23 15:04 UTC".
std::string rfc822_utc(timestamp t);

// Go's time.RFC3339 in the local zone: "2023-01-02T16:04:05+01:00" ("Z" in UTC).
std::string rfc3339_local(timestamp t);

// time.Since(t), saturated as Go saturates it (so the zero time is "never" ago).
std::chrono::nanoseconds since(timestamp t, timestamp now);

} // namespace nats::cli
