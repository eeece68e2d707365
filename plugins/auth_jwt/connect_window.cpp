#include "plugins/auth_jwt/connect_window.hpp"

#include <arpa/inet.h>

#include <array>
#include <cstring>
#include <ctime>
#include <fstream>
#include <iterator>

namespace nats::auth_jwt {

namespace {

struct Address {
    int family = 0;
    std::array<unsigned char, 16> bytes{};
    std::size_t size() const { return family == AF_INET ? 4 : 16; }
};

std::optional<Address> parse_address(std::string_view text) {
    const std::string s(text);
    Address a;
    if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
        a.family = AF_INET;
        return a;
    }
    if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
        a.family = AF_INET6;
        // An IPv4-mapped IPv6 address compares as IPv4, as Go's net.IP does.
        static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(a.bytes.data(), mapped, 12) == 0) {
            std::memmove(a.bytes.data(), a.bytes.data() + 12, 4);
            a.family = AF_INET;
        }
        return a;
    }
    return std::nullopt;
}

bool in_range(const Address& ip, std::string_view cidr) {
    const auto slash = cidr.find('/');
    const auto network = parse_address(cidr.substr(0, slash));
    if (!network || network->family != ip.family) return false;
    std::size_t bits = network->size() * 8;
    if (slash != std::string_view::npos) {
        const std::string prefix(cidr.substr(slash + 1));
        if (prefix.empty() || prefix.size() > 3 || prefix.find_first_not_of("0123456789") != std::string::npos) return false;
        bits = std::stoul(prefix);
        if (bits > network->size() * 8) return false;
    }
    for (std::size_t i = 0; i < network->size() && bits > 0; ++i) {
        const unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
        if ((ip.bytes[i] & mask) != (network->bytes[i] & mask)) return false;
        bits = bits >= 8 ? bits - 8 : 0;
    }
    return true;
}

std::int64_t read_be(const unsigned char* p, int size) {
    std::uint64_t v = 0;
    for (int i = 0; i < size; ++i) v = (v << 8) | p[i];
    if (size == 4) return static_cast<std::int32_t>(static_cast<std::uint32_t>(v));
    return static_cast<std::int64_t>(v);
}

// "HH:MM:SS" as seconds of the day (Go's "15:04:05" layout).
std::optional<std::int64_t> clock_seconds(const std::string& text) {
    if (text.size() != 8 || text[2] != ':' || text[5] != ':') return std::nullopt;
    auto two = [&](std::size_t at) -> int {
        if (!std::isdigit(static_cast<unsigned char>(text[at])) || !std::isdigit(static_cast<unsigned char>(text[at + 1]))) return -1;
        return (text[at] - '0') * 10 + (text[at + 1] - '0');
    };
    const int h = two(0), m = two(3), s = two(6);
    if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59) return std::nullopt;
    return h * 3600 + m * 60 + s;
}

}  // namespace

bool source_allowed(const std::vector<std::string>& src, std::string_view client_ip) {
    if (src.empty()) return true;
    const auto ip = parse_address(client_ip);
    if (!ip) return false;
    for (const auto& cidr : src)
        if (in_range(*ip, cidr)) return true;
    return false;
}

std::optional<std::int64_t> utc_offset(std::string_view zone, std::int64_t now) {
    if (zone.empty() || zone == "Local") {
        const std::time_t t = static_cast<std::time_t>(now);
        std::tm local{};
        if (!localtime_r(&t, &local)) return std::nullopt;
        return local.tm_gmtoff;
    }
    if (zone == "UTC") return 0;
    // Zone names are paths below /usr/share/zoneinfo: refuse anything that climbs out.
    if (zone.find("..") != std::string_view::npos || zone.front() == '/') return std::nullopt;
    std::ifstream file("/usr/share/zoneinfo/" + std::string(zone), std::ios::binary);
    if (!file) return std::nullopt;
    const std::string data((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    const auto* p = reinterpret_cast<const unsigned char*>(data.data());
    // TZif: a v1 block with 4-byte times, then (version 2+) the same with 8-byte times.
    auto parse_block = [&](std::size_t at, int time_size, std::size_t* end) -> std::optional<std::int64_t> {
        if (data.size() < at + 44 || data.compare(at, 4, "TZif") != 0) return std::nullopt;
        const auto count = [&](int i) { return static_cast<std::size_t>(read_be(p + at + 20 + 4 * i, 4)); };
        const std::size_t isutcnt = count(0), isstdcnt = count(1), leapcnt = count(2), timecnt = count(3),
                          typecnt = count(4), charcnt = count(5);
        std::size_t pos = at + 44;
        const std::size_t times_at = pos;
        const std::size_t indexes_at = times_at + timecnt * time_size;
        const std::size_t types_at = indexes_at + timecnt;
        pos = types_at + typecnt * 6 + charcnt + leapcnt * (time_size + 4) + isstdcnt + isutcnt;
        if (pos > data.size() || typecnt == 0) return std::nullopt;
        if (end) *end = pos;
        std::size_t type = 0;
        // The first non-DST type applies before the first transition.
        for (std::size_t i = 0; i < typecnt; ++i) {
            if (p[types_at + i * 6 + 4] == 0) {
                type = i;
                break;
            }
        }
        for (std::size_t i = 0; i < timecnt; ++i) {
            if (read_be(p + times_at + i * time_size, time_size) > now) break;
            type = p[indexes_at + i];
        }
        if (type >= typecnt) return std::nullopt;
        return read_be(p + types_at + type * 6, 4);
    };
    std::size_t v1_end = 0;
    auto offset = parse_block(0, 4, &v1_end);
    if (offset && data.size() > 4 && data[4] >= '2') {
        if (auto v2 = parse_block(v1_end, 8, nullptr)) offset = v2;
    }
    return offset;
}

std::optional<std::chrono::seconds> time_window(const std::vector<jwt::TimeRange>& times, std::string_view zone,
                                                std::int64_t now) {
    if (times.empty()) return std::chrono::seconds(0);
    const auto offset = utc_offset(zone, now);
    if (!offset) return std::nullopt;
    const std::int64_t local = now + *offset;
    const std::int64_t midnight = local - ((local % 86400) + 86400) % 86400;
    for (const auto& range : times) {
        const auto start = clock_seconds(range.start);
        const auto end = clock_seconds(range.end);
        if (!start || !end) return std::nullopt;
        // A window whose start is after its end runs past midnight into the next day.
        const std::int64_t window_start = midnight + *start;
        const std::int64_t window_end = midnight + *end + (*start > *end ? 86400 : 0);
        if (window_start < local && window_end > local) return std::chrono::seconds(window_end - local);
    }
    return std::nullopt;
}

}  // namespace nats::auth_jwt
