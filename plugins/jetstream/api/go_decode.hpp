#pragma once
// Reading request JSON the way Go's encoding/json fills a struct, so a request
// nats-server accepts is accepted here and one it refuses ("invalid JSON") is refused:
// member names match case-insensitively, unknown members are ignored, null leaves the
// zero value, and a value of the wrong type (a string for a number, 1.5 for an
// integer, a number out of the field's range) is an error.
// Errors are std::invalid_argument; the API turns them into JSInvalidJSON.

#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace nmk::jetstream::go_decode {

using nlohmann::ordered_json;

[[noreturn]] inline void wrong_type(std::string_view key, std::string_view want) {
    throw std::invalid_argument("json: cannot unmarshal into field " + std::string(key) + " of type " +
                                std::string(want));
}

inline std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// Calls fn(lower-case name, value) for each member of an object, in document order
// (so a later duplicate wins, as in Go). null is an empty object.
template <class Fn>
void members(const ordered_json& v, std::string_view what, Fn&& fn) {
    if (v.is_null()) return;
    if (!v.is_object()) wrong_type(what, "object");
    for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string key = lower_ascii(it.key());
        fn(std::string_view(key), it.value());
    }
}

inline std::string text(const ordered_json& v, std::string_view key) {
    if (v.is_null()) return {};
    if (!v.is_string()) wrong_type(key, "string");
    return v.get<std::string>();
}

inline std::vector<std::string> texts(const ordered_json& v, std::string_view key) {
    std::vector<std::string> out;
    if (v.is_null()) return out;
    if (!v.is_array()) wrong_type(key, "[]string");
    for (const auto& item : v) out.push_back(text(item, key));
    return out;
}

inline bool boolean(const ordered_json& v, std::string_view key) {
    if (v.is_null()) return false;
    if (!v.is_boolean()) wrong_type(key, "bool");
    return v.get<bool>();
}

// An integer of `bits` bits (Go's int64, int32, int); fractions and exponents refused.
inline std::int64_t signed_int(const ordered_json& v, std::string_view key, int bits = 64) {
    if (v.is_null()) return 0;
    const std::int64_t max = bits >= 64 ? std::numeric_limits<std::int64_t>::max() : (std::int64_t{1} << (bits - 1)) - 1;
    const std::int64_t min = bits >= 64 ? std::numeric_limits<std::int64_t>::min() : -(std::int64_t{1} << (bits - 1));
    if (v.is_number_unsigned()) {
        const auto u = v.get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(max)) wrong_type(key, "int");
        return static_cast<std::int64_t>(u);
    }
    if (!v.is_number_integer()) wrong_type(key, "int");
    const auto n = v.get<std::int64_t>();
    if (n < min || n > max) wrong_type(key, "int");
    return n;
}

inline std::uint64_t unsigned_int(const ordered_json& v, std::string_view key) {
    if (v.is_null()) return 0;
    if (v.is_number_unsigned()) return v.get<std::uint64_t>();
    if (v.is_number_integer() && v.get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(v.get<std::int64_t>());
    wrong_type(key, "uint64");
}

// A time.Time: an RFC 3339 string ("2006-01-02T15:04:05.999999999Z07:00"), kept as text.
inline std::string time_text(const ordered_json& v, std::string_view key) {
    if (v.is_null()) return {};
    const std::string s = text(v, key);
    const auto digit = [&](std::size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; };
    const bool shape = s.size() >= 20 && digit(0) && digit(1) && digit(2) && digit(3) && s[4] == '-' && digit(5) &&
                       digit(6) && s[7] == '-' && digit(8) && digit(9) && s[10] == 'T' && digit(11) && digit(12) &&
                       s[13] == ':' && digit(14) && digit(15) && s[16] == ':' && digit(17) && digit(18);
    if (!shape) throw std::invalid_argument("parsing time \"" + s + "\" as RFC 3339");
    return s;
}

}  // namespace nmk::jetstream::go_decode
