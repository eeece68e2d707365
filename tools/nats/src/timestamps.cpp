#include "timestamps.hpp"

#include <cctype>
#include <cstdio>
#include <ctime>
#include <limits>

namespace nats::cli {
namespace {

bool read_number(std::string_view text, std::size_t at, std::size_t digits, int& out) {
    if (at + digits > text.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + digits; ++i) {
        if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
        out = out * 10 + (text[i] - '0');
    }
    return true;
}

std::tm to_tm(std::time_t seconds, bool local) {
    std::tm tm{};
    if (local) localtime_r(&seconds, &tm);
    else gmtime_r(&seconds, &tm);
    return tm;
}

std::string format(timestamp t, const char* layout, bool local) {
    const std::tm tm = to_tm(static_cast<std::time_t>(t.seconds), local);
    char buf[96];
    const std::size_t n = std::strftime(buf, sizeof buf, layout, &tm);
    return std::string(buf, n);
}

} // namespace

std::optional<timestamp> parse_rfc3339(std::string_view text) {
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!read_number(text, 0, 4, year) || text.size() < 20 || text[4] != '-' || !read_number(text, 5, 2, month) ||
        text[7] != '-' || !read_number(text, 8, 2, day) || (text[10] != 'T' && text[10] != 't') ||
        !read_number(text, 11, 2, hour) || text[13] != ':' || !read_number(text, 14, 2, minute) || text[16] != ':' ||
        !read_number(text, 17, 2, second)) {
        return std::nullopt;
    }
    std::size_t at = 19;
    std::int64_t nanos = 0;
    if (at < text.size() && text[at] == '.') {
        ++at;
        int digits = 0;
        while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at]))) {
            if (digits < 9) nanos = nanos * 10 + (text[at] - '0');
            ++digits;
            ++at;
        }
        if (digits == 0) return std::nullopt;
        for (int i = digits; i < 9; ++i) nanos *= 10;
    }
    std::int64_t offset_seconds = 0;
    if (at < text.size() && (text[at] == 'Z' || text[at] == 'z')) {
        ++at;
    } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
        int oh = 0, om = 0;
        if (!read_number(text, at + 1, 2, oh) || at + 3 >= text.size() || text[at + 3] != ':' ||
            !read_number(text, at + 4, 2, om)) {
            return std::nullopt;
        }
        offset_seconds = (text[at] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
        at += 6;
    } else {
        return std::nullopt;
    }
    if (at != text.size()) return std::nullopt;
    using namespace std::chrono;
    const sys_days date = year_month_day{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                                         std::chrono::day(static_cast<unsigned>(day))};
    const std::int64_t days_since_epoch = date.time_since_epoch().count();
    return timestamp{days_since_epoch * 86400 + hour * 3600 + minute * 60 + second - offset_seconds,
                     static_cast<std::int32_t>(nanos)};
}

timestamp to_timestamp(std::chrono::system_clock::time_point t) {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
    std::int64_t seconds = ns / 1000000000;
    std::int64_t nanos = ns % 1000000000;
    if (nanos < 0) {
        nanos += 1000000000;
        --seconds;
    }
    return {seconds, static_cast<std::int32_t>(nanos)};
}

bool is_go_zero_time(timestamp t) {
    // 0001-01-01T00:00:00Z in seconds since 1970.
    return t.seconds == -62135596800LL && t.nanos == 0;
}

std::string format_local(timestamp t, const char* layout) { return format(t, layout, true); }

std::string format_utc(timestamp t, const char* layout) { return format(t, layout, false); }

std::string go_time_string_utc(timestamp t) {
    std::string out = format_utc(t, "%Y-%m-%d %H:%M:%S");
    const auto fraction = t.nanos;
    if (fraction != 0) {
        char buf[16];
        std::snprintf(buf, sizeof buf, ".%09lld", static_cast<long long>(fraction));
        std::string digits = buf;
        while (digits.back() == '0') digits.pop_back();
        out += digits;
    }
    return out + " +0000 UTC";
}

std::string rfc822_utc(timestamp t) { return format_utc(t, "%d %b %y %H:%M UTC"); }

std::string rfc3339_local(timestamp t) {
    std::string out = format_local(t, "%Y-%m-%dT%H:%M:%S");
    const std::string zone = format_local(t, "%z");  // "+0100"
    if (zone == "+0000" || zone.size() != 5) return out + "Z";
    return out + zone.substr(0, 3) + ":" + zone.substr(3);
}

std::chrono::nanoseconds since(timestamp t, timestamp now) {
    using rep = std::chrono::nanoseconds::rep;
    // Go computes in nanoseconds and saturates: the zero time is "never" ago.
    const std::int64_t seconds_apart = now.seconds - t.seconds;
    constexpr std::int64_t limit = std::numeric_limits<rep>::max() / 1000000000 - 1;
    if (seconds_apart > limit) return std::chrono::nanoseconds(std::numeric_limits<rep>::max());
    if (seconds_apart < -limit) return std::chrono::nanoseconds(std::numeric_limits<rep>::min());
    return std::chrono::nanoseconds(seconds_apart * 1000000000 + (now.nanos - t.nanos));
}

} // namespace nats::cli
