#pragma once
// Durations and times written the way nats-server writes them, which is Go's
// way: config values such as "1h30m" or "500ms" (time.ParseDuration), durations
// in monitoring JSON such as "1.5ms" (Duration.String) and timestamps such as
// "2024-01-02T03:04:05.5Z" (RFC 3339 with trimmed nanoseconds). The kernel and
// plugins share these so every part of the server reads and writes the same text.
//
// Header-only: nothing here crosses the ABI.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "nats_sdk/go_quote.hpp"

namespace nats_sdk {

namespace detail {

inline std::optional<std::uint64_t> go_unit_nanos(std::string_view unit) {
    if (unit == "ns") return 1;
    if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1000;  // us, micro sign, greek mu
    if (unit == "ms") return 1000 * 1000;
    if (unit == "s") return 1000ull * 1000 * 1000;
    if (unit == "m") return 60ull * 1000 * 1000 * 1000;
    if (unit == "h") return 3600ull * 1000 * 1000 * 1000;
    return std::nullopt;
}

inline bool go_digit(char c) { return c >= '0' && c <= '9'; }

// value / 10^digits, with the fraction's trailing zeros dropped ("1.5", "2").
inline std::string go_with_fraction(std::uint64_t value, int digits) {
    std::string fraction;
    bool significant = false;
    for (int i = 0; i < digits; ++i) {
        const char digit = static_cast<char>('0' + value % 10);
        significant = significant || digit != '0';
        if (significant) fraction.insert(fraction.begin(), digit);
        value /= 10;
    }
    std::string out = std::to_string(value);
    if (!fraction.empty()) out += "." + fraction;
    return out;
}

}  // namespace detail

// Accepts what Go's time.ParseDuration accepts: an optional sign, then one or
// more decimal numbers (fractions allowed) each followed by a unit ns, us, µs,
// ms, s, m or h; or "0". On failure returns nullopt and, when `error` is given,
// Go's message, e.g. `time: unknown unit "x" in duration "3x"`.
inline std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text,
                                                                 std::string* error = nullptr) {
    constexpr std::uint64_t limit = std::uint64_t{1} << 63;
    const std::string_view original = text;
    auto failed = [&](std::string message) -> std::optional<std::chrono::nanoseconds> {
        if (error) *error = std::move(message);
        return std::nullopt;
    };
    auto invalid = [&] { return failed("time: invalid duration " + go_time_quote(original)); };

    std::string_view s = text;
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s == "0") return std::chrono::nanoseconds{0};
    if (s.empty()) return invalid();

    std::uint64_t total = 0;
    while (!s.empty()) {
        if (!(s[0] == '.' || detail::go_digit(s[0]))) return invalid();
        // Whole part; overflow is an error as in Go.
        std::uint64_t whole = 0;
        std::size_t i = 0;
        for (; i < s.size() && detail::go_digit(s[i]); ++i) {
            if (whole > limit / 10) return invalid();
            whole = whole * 10 + static_cast<std::uint64_t>(s[i] - '0');
            if (whole > limit) return invalid();
        }
        const bool had_whole = i > 0;
        s.remove_prefix(i);
        // Fraction; digits beyond what fits are dropped, as Go does.
        std::uint64_t fraction = 0;
        double scale = 1;
        bool had_fraction = false;
        if (!s.empty() && s[0] == '.') {
            s.remove_prefix(1);
            bool overflow = false;
            std::size_t j = 0;
            for (; j < s.size() && detail::go_digit(s[j]); ++j) {
                if (overflow) continue;
                if (fraction > (limit - 1) / 10) {
                    overflow = true;
                    continue;
                }
                const std::uint64_t next = fraction * 10 + static_cast<std::uint64_t>(s[j] - '0');
                if (next > limit) {
                    overflow = true;
                    continue;
                }
                fraction = next;
                scale *= 10;
            }
            had_fraction = j > 0;
            s.remove_prefix(j);
        }
        if (!had_whole && !had_fraction) return invalid();
        std::size_t u = 0;
        while (u < s.size() && s[u] != '.' && !detail::go_digit(s[u])) ++u;
        if (u == 0) return failed("time: missing unit in duration " + go_time_quote(original));
        const std::string_view unit_text = s.substr(0, u);
        s.remove_prefix(u);
        const auto unit = detail::go_unit_nanos(unit_text);
        if (!unit) {
            return failed("time: unknown unit " + go_time_quote(unit_text) + " in duration " +
                          go_time_quote(original));
        }
        if (whole > limit / *unit) return invalid();
        std::uint64_t value = whole * *unit;
        if (fraction > 0) {
            value += static_cast<std::uint64_t>(static_cast<double>(fraction) * (static_cast<double>(*unit) / scale));
            if (value > limit) return invalid();
        }
        total += value;
        if (total > limit) return invalid();
    }
    // -2^63 is representable; anything smaller was refused above.
    if (negative) return std::chrono::nanoseconds{static_cast<std::int64_t>(0 - total)};
    if (total > limit - 1) return invalid();
    return std::chrono::nanoseconds{static_cast<std::int64_t>(total)};
}

// Formats like Go's Duration.String(): "1h30m0s", "500ms", "2.5s", "1.5µs", "0s".
inline std::string format_go_duration(std::chrono::nanoseconds d) {
    const std::int64_t n = d.count();
    if (n == 0) return "0s";
    const bool negative = n < 0;
    const std::uint64_t u = negative ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);

    std::string out;
    constexpr std::uint64_t second = 1000ull * 1000 * 1000;
    if (u < 1000) {
        out = std::to_string(u) + "ns";
    } else if (u < 1000 * 1000) {
        out = detail::go_with_fraction(u, 3) + "\xC2\xB5s";
    } else if (u < second) {
        out = detail::go_with_fraction(u, 6) + "ms";
    } else {
        out = detail::go_with_fraction(u % (60 * second), 9) + "s";
        const std::uint64_t minutes = u / (60 * second);
        if (minutes > 0) {
            out = std::to_string(minutes % 60) + "m" + out;
            const std::uint64_t hours = minutes / 60;
            if (hours > 0) out = std::to_string(hours) + "h" + out;
        }
    }
    return negative ? "-" + out : out;
}

// RFC 3339 in UTC with the nanoseconds' trailing zeros trimmed, as Go's
// time.RFC3339Nano: "2024-01-02T03:04:05.5Z", "2024-01-02T03:04:05Z".
inline std::string rfc3339(std::chrono::system_clock::time_point t) {
    using namespace std::chrono;
    const auto since = t.time_since_epoch();
    const auto secs = floor<seconds>(since);
    const long long ns = duration_cast<nanoseconds>(since - secs).count();
    const std::time_t tt = static_cast<std::time_t>(secs.count());
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char head[32];
    std::strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = head;
    if (ns > 0) {
        char fraction[32];
        std::snprintf(fraction, sizeof fraction, ".%09lld", ns);
        std::string f = fraction;
        while (f.back() == '0') f.pop_back();
        out += f;
    }
    return out + "Z";
}

}  // namespace nats_sdk
