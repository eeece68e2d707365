#include "json_scan.hpp"

#include <charconv>
#include <string>

namespace nats::bench {
namespace {

bool is_json_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

std::optional<std::uint64_t> find_json_uint(std::string_view json, std::string_view key) {
    const std::string quoted = "\"" + std::string(key) + "\"";
    for (auto at = json.find(quoted); at != std::string_view::npos; at = json.find(quoted, at + 1)) {
        std::size_t pos = at + quoted.size();
        while (pos < json.size() && is_json_space(json[pos])) ++pos;
        if (pos >= json.size() || json[pos] != ':') continue;  // a string value, not a member name
        ++pos;
        while (pos < json.size() && is_json_space(json[pos])) ++pos;
        std::uint64_t value = 0;
        const auto [end, ec] = std::from_chars(json.data() + pos, json.data() + json.size(), value);
        if (ec != std::errc{}) return std::nullopt;
        // 12.5 or 1e3 are not what a count looks like.
        if (end != json.data() + json.size() && (*end == '.' || *end == 'e' || *end == 'E')) return std::nullopt;
        return value;
    }
    return std::nullopt;
}

}  // namespace nats::bench
