#include "plugins/auth_common/go_duration.hpp"

#include <limits>

namespace nats::auth_common {
namespace {

constexpr std::uint64_t nanos_per_second = 1000ull * 1000 * 1000;

std::optional<std::uint64_t> unit_nanos(std::string_view unit) {
    if (unit == "ns") return 1;
    if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs") return 1000;  // u, micro sign, greek mu
    if (unit == "ms") return 1000 * 1000;
    if (unit == "s") return nanos_per_second;
    if (unit == "m") return 60 * nanos_per_second;
    if (unit == "h") return 3600 * nanos_per_second;
    return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string quoted(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

std::optional<std::int64_t> parse_go_duration(std::string_view text, std::string* error) {
    // Go limits a Duration to int64 nanoseconds; a negative one may reach 2^63.
    constexpr std::uint64_t limit = std::uint64_t{1} << 63;
    auto fail = [&](std::string message) -> std::optional<std::int64_t> {
        if (error != nullptr) *error = std::move(message);
        return std::nullopt;
    };
    auto invalid = [&] { return fail("time: invalid duration " + quoted(text)); };

    std::string_view s = text;
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s == "0") return 0;
    if (s.empty()) return invalid();

    std::uint64_t total = 0;
    while (!s.empty()) {
        if (s[0] != '.' && !is_digit(s[0])) return invalid();
        std::uint64_t whole = 0;
        std::size_t i = 0;
        for (; i < s.size() && is_digit(s[i]); ++i) {
            if (whole > limit / 10) return invalid();
            whole = whole * 10 + static_cast<std::uint64_t>(s[i] - '0');
            if (whole > limit) return invalid();
        }
        const bool had_whole = i > 0;
        s.remove_prefix(i);
        // The fraction as digits over a power of ten; digits past 18 cannot matter.
        std::uint64_t fraction = 0;
        std::uint64_t scale = 1;
        bool had_fraction = false;
        if (!s.empty() && s[0] == '.') {
            s.remove_prefix(1);
            std::size_t j = 0;
            for (; j < s.size() && is_digit(s[j]); ++j) {
                if (scale < 1000ull * 1000 * 1000 * 1000 * 1000 * 1000) {
                    fraction = fraction * 10 + static_cast<std::uint64_t>(s[j] - '0');
                    scale *= 10;
                }
            }
            had_fraction = j > 0;
            s.remove_prefix(j);
        }
        if (!had_whole && !had_fraction) return invalid();

        std::size_t u = 0;
        while (u < s.size() && s[u] != '.' && !is_digit(s[u])) ++u;
        if (u == 0) return fail("time: missing unit in duration " + quoted(text));
        const std::string_view unit_text = s.substr(0, u);
        const auto unit = unit_nanos(unit_text);
        if (!unit) return fail("time: unknown unit " + quoted(unit_text) + " in duration " + quoted(text));
        s.remove_prefix(u);

        if (whole > limit / *unit) return invalid();
        std::uint64_t value = whole * *unit;
        if (fraction != 0) {
            // fraction / scale of a unit, computed without floating point; scale <= 1e18.
            const auto part = static_cast<std::uint64_t>(
                static_cast<unsigned __int128>(fraction) * *unit / scale);
            value += part;
            if (value > limit) return invalid();
        }
        total += value;
        if (total > limit) return invalid();
    }
    if (!negative && total > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return invalid();
    if (negative) return total == limit ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(total);
    return static_cast<std::int64_t>(total);
}

}  // namespace nats::auth_common
