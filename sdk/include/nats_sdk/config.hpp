#pragma once
// Reading a plugin's config block (JSON) with messages that name the offending key.
//
//   auto subject = nats_sdk::config::require<std::string>(config, "subject");
//   auto every = nats_sdk::config::get<std::int64_t>(config, "report_interval_ms", 10000);
//   nats_sdk::config::reject_unknown_keys(config, {"subject", "report_interval_ms"});

#include <cstdint>
#include <initializer_list>
#include <limits>
#include <string>
#include <string_view>
#include <type_traits>

#include <nlohmann/json.hpp>

#include "nats_sdk/error.hpp"

namespace nats_sdk::config {

namespace detail {

inline std::string key_path(std::string_view where, std::string_view key) {
    if (where.empty()) {
        return std::string(key);
    }
    std::string out(where);
    out += '.';
    out += key;
    return out;
}

template <class T>
const char* type_name() {
    if constexpr (std::is_same_v<T, bool>) {
        return "true or false";
    } else if constexpr (std::is_integral_v<T>) {
        return "an integer";
    } else if constexpr (std::is_floating_point_v<T>) {
        return "a number";
    } else if constexpr (std::is_same_v<T, std::string>) {
        return "a string";
    } else {
        return "a value of the expected type";
    }
}

template <class T>
bool fits(const nlohmann::json& value) {
    if constexpr (std::is_same_v<T, bool>) {
        return value.is_boolean();
    } else if constexpr (std::is_integral_v<T>) {
        if (value.is_number_unsigned()) {
            return value.get<std::uint64_t>() <= static_cast<std::uint64_t>(std::numeric_limits<T>::max());
        }
        if (value.is_number_integer()) {
            const auto v = value.get<std::int64_t>();
            if constexpr (std::is_signed_v<T>) {
                return v >= std::numeric_limits<T>::min() && v <= std::numeric_limits<T>::max();
            } else {
                return v >= 0 && static_cast<std::uint64_t>(v) <= std::numeric_limits<T>::max();
            }
        }
        return false;
    } else if constexpr (std::is_floating_point_v<T>) {
        return value.is_number();
    } else if constexpr (std::is_same_v<T, std::string>) {
        return value.is_string();
    } else {
        return true;
    }
}

}  // namespace detail

// `where` names the enclosing block in messages, e.g. "users[2]".
inline void expect_object(const nlohmann::json& value, std::string_view where) {
    if (!value.is_object()) {
        throw ConfigError(std::string(where.empty() ? "the config block" : where) + " must be an object");
    }
}

inline void reject_unknown_keys(const nlohmann::json& object, std::initializer_list<std::string_view> known,
                                std::string_view where = {}) {
    expect_object(object, where);
    for (const auto& item : object.items()) {
        bool found = false;
        for (const auto key : known) {
            found = found || key == item.key();
        }
        if (!found) {
            throw ConfigError("unknown config key '" + detail::key_path(where, item.key()) + "'");
        }
    }
}

// The value of `key`, or `fallback` when the key is absent. Present with the wrong type:
// ConfigError.
template <class T>
T get(const nlohmann::json& object, std::string_view key, T fallback, std::string_view where = {}) {
    expect_object(object, where);
    const auto it = object.find(key);
    if (it == object.end()) {
        return fallback;
    }
    if (!detail::fits<T>(*it)) {
        throw ConfigError("config key '" + detail::key_path(where, key) + "' must be " + detail::type_name<T>());
    }
    return it->template get<T>();
}

template <class T>
T require(const nlohmann::json& object, std::string_view key, std::string_view where = {}) {
    expect_object(object, where);
    if (object.find(key) == object.end()) {
        throw ConfigError("config key '" + detail::key_path(where, key) + "' is required");
    }
    return get<T>(object, key, T{}, where);
}

}  // namespace nats_sdk::config
