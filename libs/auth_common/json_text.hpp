#pragma once
// Small helpers for reading config JSON the way nats-server reads its config:
// keys in any case, and values named in messages as Go prints them.
#include <cctype>
#include <string>
#include <string_view>

#include <nats_sdk/go_quote.hpp>
#include <nlohmann/json.hpp>

namespace nats::auth_common {

inline std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// Go's %T of the value a config holds ("int64", "bool", ...).
inline std::string go_type_name(const nlohmann::json& value) {
    switch (value.type()) {
        case nlohmann::json::value_t::number_integer:
        case nlohmann::json::value_t::number_unsigned: return "int64";
        case nlohmann::json::value_t::number_float: return "float64";
        case nlohmann::json::value_t::boolean: return "bool";
        case nlohmann::json::value_t::string: return "string";
        case nlohmann::json::value_t::array: return "[]interface {}";
        case nlohmann::json::value_t::object: return "map[string]interface {}";
        default: return "<nil>";
    }
}

// A value for a message: strings bare, everything else as JSON, cut to a line.
inline std::string value_text(const nlohmann::json& value) {
    std::string text = value.is_string() ? value.get<std::string>() : value.dump();
    constexpr std::size_t max = 80;
    if (text.size() > max) text = text.substr(0, max) + "...";
    return text;
}

// Go's %q, as nats-server's config errors quote names and subjects.
inline std::string in_quotes(std::string_view text) { return nats_sdk::go_quote(text); }

// "<where>.<key>" or "<where>[<index>]", for messages.
inline std::string member_path(std::string_view where, std::string_view key) {
    return where.empty() ? std::string(key) : std::string(where) + "." + std::string(key);
}
inline std::string index_path(std::string_view where, std::size_t index) {
    return std::string(where) + "[" + std::to_string(index) + "]";
}

}  // namespace nats::auth_common
