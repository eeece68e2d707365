#include "kernel/config/duration.hpp"

#include <cstdint>
#include <utility>

namespace nats::config {
namespace {

std::optional<std::uint64_t> unit_nanos(std::string_view u) {
    if (u == "ns") return 1;
    if (u == "us" || u == "\xC2\xB5s" || u == "\xCE\xBCs") return 1000;  // us, micro sign, greek mu
    if (u == "ms") return 1000 * 1000;
    if (u == "s") return 1000ull * 1000 * 1000;
    if (u == "m") return 60ull * 1000 * 1000 * 1000;
    if (u == "h") return 3600ull * 1000 * 1000 * 1000;
    return std::nullopt;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

std::optional<std::chrono::nanoseconds> parse_go_duration(std::string_view text, std::string* error) {
    constexpr std::uint64_t limit = std::uint64_t{1} << 63;
    const std::string_view orig = text;
    auto failed = [&](std::string msg) -> std::optional<std::chrono::nanoseconds> {
        if (error) *error = std::move(msg);
        return std::nullopt;
    };
    auto invalid = [&] { return failed("time: invalid duration " + quote(orig)); };

    std::string_view s = text;
    bool neg = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s == "0") return std::chrono::nanoseconds{0};
    if (s.empty()) return invalid();

    std::uint64_t total = 0;
    while (!s.empty()) {
        if (!(s[0] == '.' || is_digit(s[0]))) return invalid();
        // Whole part; overflow is an error as in Go.
        std::uint64_t whole = 0;
        std::size_t i = 0;
        for (; i < s.size() && is_digit(s[i]); ++i) {
            if (whole > limit / 10) return invalid();
            whole = whole * 10 + static_cast<std::uint64_t>(s[i] - '0');
            if (whole > limit) return invalid();
        }
        const bool pre = i > 0;
        s.remove_prefix(i);
        // Fraction; digits beyond what fits are dropped, as Go does.
        std::uint64_t frac = 0;
        double scale = 1;
        bool post = false;
        if (!s.empty() && s[0] == '.') {
            s.remove_prefix(1);
            bool overflow = false;
            std::size_t j = 0;
            for (; j < s.size() && is_digit(s[j]); ++j) {
                if (overflow) continue;
                if (frac > (limit - 1) / 10) {
                    overflow = true;
                    continue;
                }
                const std::uint64_t next = frac * 10 + static_cast<std::uint64_t>(s[j] - '0');
                if (next > limit) {
                    overflow = true;
                    continue;
                }
                frac = next;
                scale *= 10;
            }
            post = j > 0;
            s.remove_prefix(j);
        }
        if (!pre && !post) return invalid();
        std::size_t u = 0;
        while (u < s.size() && s[u] != '.' && !is_digit(s[u])) ++u;
        if (u == 0) return failed("time: missing unit in duration " + quote(orig));
        const std::string_view unit_text = s.substr(0, u);
        s.remove_prefix(u);
        const auto unit = unit_nanos(unit_text);
        if (!unit) return failed("time: unknown unit " + quote(unit_text) + " in duration " + quote(orig));
        if (whole > limit / *unit) return invalid();
        std::uint64_t v = whole * *unit;
        if (frac > 0) {
            v += static_cast<std::uint64_t>(static_cast<double>(frac) * (static_cast<double>(*unit) / scale));
            if (v > limit) return invalid();
        }
        total += v;
        if (total > limit) return invalid();
    }
    if (neg) {
        // -2^63 is representable; anything smaller was rejected above.
        return std::chrono::nanoseconds{static_cast<std::int64_t>(0 - total)};
    }
    if (total > limit - 1) return invalid();
    return std::chrono::nanoseconds{static_cast<std::int64_t>(total)};
}

std::string format_go_duration(std::chrono::nanoseconds d) {
    const std::int64_t n = d.count();
    if (n == 0) return "0s";
    const bool neg = n < 0;
    std::uint64_t u = neg ? 0 - static_cast<std::uint64_t>(n) : static_cast<std::uint64_t>(n);

    // Writes value/10^prec with trailing zeros of the fraction dropped.
    auto with_fraction = [](std::uint64_t v, int prec) {
        std::string frac;
        bool print = false;
        for (int i = 0; i < prec; ++i) {
            const char digit = static_cast<char>('0' + v % 10);
            print = print || digit != '0';
            if (print) frac.insert(frac.begin(), digit);
            v /= 10;
        }
        std::string out = std::to_string(v);
        if (!frac.empty()) out += "." + frac;
        return out;
    };

    std::string out;
    constexpr std::uint64_t second = 1000ull * 1000 * 1000;
    if (u < second) {
        if (u < 1000) {
            out = std::to_string(u) + "ns";
        } else if (u < 1000 * 1000) {
            out = with_fraction(u, 3) + "\xC2\xB5s";
        } else {
            out = with_fraction(u, 6) + "ms";
        }
    } else {
        out = with_fraction(u % (60 * second), 9) + "s";
        const std::uint64_t minutes = u / (60 * second);
        if (minutes > 0) {
            out = std::to_string(minutes % 60) + "m" + out;
            const std::uint64_t hours = minutes / 60;
            if (hours > 0) out = std::to_string(hours) + "h" + out;
        }
    }
    return neg ? "-" + out : out;
}

}  // namespace nats::config
