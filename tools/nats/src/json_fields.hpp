#pragma once
// Reading fields of the JetStream API's JSON leniently, the way Go's decoder
// fills a struct: a missing or mistyped field is the zero value, never an error.
#include <cstdint>
#include <string>

#include "jetstream_api.hpp"
#include "timestamps.hpp"

namespace nats::cli {

inline std::int64_t int_of(const ordered_json& j, const char* key, std::int64_t fallback = 0) {
    if (!j.is_object()) return fallback;
    const auto it = j.find(key);
    return it != j.end() && it->is_number() ? it->get<std::int64_t>() : fallback;
}

inline std::uint64_t uint_of(const ordered_json& j, const char* key) {
    const auto v = int_of(j, key);
    return v < 0 ? 0 : static_cast<std::uint64_t>(v);
}

inline std::string str_of(const ordered_json& j, const char* key) {
    if (!j.is_object()) return {};
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

inline bool bool_of(const ordered_json& j, const char* key) {
    if (!j.is_object()) return false;
    const auto it = j.find(key);
    return it != j.end() && it->is_boolean() && it->get<bool>();
}

inline const ordered_json& object_of(const ordered_json& j, const char* key) {
    static const ordered_json empty = ordered_json::object();
    if (!j.is_object()) return empty;
    const auto it = j.find(key);
    return it != j.end() && it->is_object() ? *it : empty;
}

// An RFC 3339 field; Go's zero time when missing or invalid.
inline timestamp time_of(const ordered_json& j, const char* key) {
    const auto parsed = parse_rfc3339(str_of(j, key));
    return parsed ? *parsed : timestamp{-62135596800LL, 0};
}

} // namespace nats::cli
