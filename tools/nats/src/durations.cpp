#include "durations.hpp"

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <cstdio>
#include <limits>

namespace nats::cli {
namespace {

using std::int64_t;

// The unit at the start of text and its length in nanoseconds; 0 when none.
int64_t unit_at(std::string_view text, std::size_t& length) {
    struct unit {
        std::string_view name;
        int64_t ns;
    };
    static constexpr unit units[] = {{"ns", 1},          {"us", 1000},          {"\xC2\xB5s", 1000},
                                     {"\xCE\xBCs", 1000}, {"ms", 1000000},       {"s", 1000000000},
                                     {"m", 60000000000LL}, {"h", 3600000000000LL}};
    // Longest match first, so "ms" is not read as "m".
    const unit* best = nullptr;
    for (const auto& u : units) {
        if (text.substr(0, u.name.size()) == u.name && (best == nullptr || u.name.size() > best->name.size())) {
            best = &u;
        }
    }
    if (best == nullptr) return 0;
    length = best->name.size();
    return best->ns;
}

// Writes v / 10^digits with the fraction's trailing zeros dropped.
std::string fixed_point(uint64_t v, int digits) {
    uint64_t scale = 1;
    for (int i = 0; i < digits; ++i) scale *= 10;
    std::string out = std::to_string(v / scale);
    uint64_t frac = v % scale;
    if (frac != 0) {
        std::string f = std::to_string(frac);
        f.insert(0, static_cast<std::size_t>(digits) - f.size(), '0');
        while (!f.empty() && f.back() == '0') f.pop_back();
        out += "." + f;
    }
    return out;
}

} // namespace

std::optional<std::chrono::nanoseconds> parse_duration(std::string_view text) {
    if (text.empty()) return std::nullopt;
    bool negative = false;
    if (text.front() == '-' || text.front() == '+') {
        negative = text.front() == '-';
        text.remove_prefix(1);
    }
    if (text == "0") return std::chrono::nanoseconds(0);
    if (text.empty()) return std::nullopt;
    long double total = 0;
    while (!text.empty()) {
        std::size_t i = 0;
        long double value = 0;
        bool digits = false;
        while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
            value = value * 10 + (text[i] - '0');
            ++i;
            digits = true;
        }
        if (i < text.size() && text[i] == '.') {
            ++i;
            long double scale = 0.1L;
            while (i < text.size() && text[i] >= '0' && text[i] <= '9') {
                value += (text[i] - '0') * scale;
                scale /= 10;
                ++i;
                digits = true;
            }
        }
        if (!digits) return std::nullopt;
        std::size_t unit_length = 0;
        const int64_t unit = unit_at(text.substr(i), unit_length);
        if (unit == 0) return std::nullopt;
        total += value * static_cast<long double>(unit);
        text.remove_prefix(i + unit_length);
    }
    if (total > static_cast<long double>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    const auto ns = static_cast<int64_t>(total + 0.5L);
    return std::chrono::nanoseconds(negative ? -ns : ns);
}

std::string format_duration(std::chrono::nanoseconds d) {
    int64_t v = d.count();
    if (v == 0) return "0s";
    const bool negative = v < 0;
    uint64_t u = negative ? static_cast<uint64_t>(-(v + 1)) + 1 : static_cast<uint64_t>(v);
    std::string out;
    if (u < 1000000000ULL) {
        if (u < 1000) {
            out = std::to_string(u) + "ns";
        } else if (u < 1000000) {
            out = fixed_point(u, 3) + "\xC2\xB5s";
        } else {
            out = fixed_point(u, 6) + "ms";
        }
    } else {
        const uint64_t hours = u / 3600000000000ULL;
        u -= hours * 3600000000000ULL;
        const uint64_t minutes = u / 60000000000ULL;
        u -= minutes * 60000000000ULL;
        const std::string seconds = fixed_point(u, 9) + "s";
        if (hours > 0) {
            out = std::to_string(hours) + "h" + std::to_string(minutes) + "m" + seconds;
        } else if (minutes > 0) {
            out = std::to_string(minutes) + "m" + seconds;
        } else {
            out = seconds;
        }
    }
    return negative ? "-" + out : out;
}

std::string humanize_duration(std::chrono::nanoseconds d) {
    using namespace std::chrono;
    const int64_t v = d.count();
    if (v == std::numeric_limits<int64_t>::max()) return "never";
    // Round half away from zero, as Go's Duration.Round does.
    auto round_to = [](int64_t x, int64_t m) {
        const int64_t r = x % m;
        if (r < 0) return x - r - ((-r) * 2 >= m ? m : 0);
        return x - r + (r * 2 >= m ? m : 0);
    };
    if (v < 1000000) return format_duration(nanoseconds(round_to(v, 1000)));
    if (v < 1000000000) return format_duration(nanoseconds(round_to(v, 1000000)));
    const int64_t secs = v / 1000000000;
    const int64_t mins = secs / 60;
    const int64_t hrs = mins / 60;
    const int64_t days = hrs / 24;
    const int64_t years = days / 365;
    auto s = [](int64_t x) { return std::to_string(x); };
    if (years > 0) {
        return s(years) + "y" + s(days % 365) + "d" + s(hrs % 24) + "h" + s(mins % 60) + "m" + s(secs % 60) + "s";
    }
    if (days > 0) return s(days) + "d" + s(hrs % 24) + "h" + s(mins % 60) + "m" + s(secs % 60) + "s";
    if (hrs > 0) return s(hrs) + "h" + s(mins % 60) + "m" + s(secs % 60) + "s";
    if (mins > 0) return s(mins) + "m" + s(secs % 60) + "s";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2fs", static_cast<double>(v) / 1e9);
    return buf;
}

std::string humanize_duration_classic(std::chrono::nanoseconds d) {
    const int64_t v = d.count();
    if (v != std::numeric_limits<int64_t>::max() && v < 60000000000LL) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.2fs", static_cast<double>(v) / 1e9);
        return buf;
    }
    return humanize_duration(d);
}

std::optional<std::chrono::nanoseconds> parse_long_duration(std::string_view text) {
    if (auto go = parse_duration(text)) return go;
    // Each piece: a decimal number and a unit; the long units are whole days.
    long double total = 0;
    std::size_t at = 0;
    if (text.empty()) return std::nullopt;
    while (at < text.size()) {
        const std::size_t number_start = at;
        while (at < text.size() && (std::isdigit(static_cast<unsigned char>(text[at])) || text[at] == '.')) ++at;
        if (at == number_start) return std::nullopt;
        const std::string number(text.substr(number_start, at - number_start));
        const std::size_t unit_start = at;
        while (at < text.size() && !std::isdigit(static_cast<unsigned char>(text[at])) && text[at] != '.') ++at;
        const std::string_view unit = text.substr(unit_start, at - unit_start);
        long double scale = 0;
        constexpr long double day = 86400e9L;
        if (unit == "y") scale = 365 * day;
        else if (unit == "M") scale = 30 * day;
        else if (unit == "w") scale = 7 * day;
        else if (unit == "d") scale = day;
        else if (unit == "h") scale = 3600e9L;
        else if (unit == "m") scale = 60e9L;
        else if (unit == "s") scale = 1e9L;
        else if (unit == "ms") scale = 1e6L;
        else if (unit == "us" || unit == "\xC2\xB5s") scale = 1e3L;
        else if (unit == "ns") scale = 1;
        else return std::nullopt;
        char* end = nullptr;
        const long double value = std::strtold(number.c_str(), &end);
        if (end == nullptr || *end != '\0') return std::nullopt;
        total += value * scale;
        if (total > static_cast<long double>(std::numeric_limits<int64_t>::max())) return std::nullopt;
    }
    return std::chrono::nanoseconds(static_cast<int64_t>(total));
}

} // namespace nats::cli
