#pragma once
// Conversions between the ABI's {pointer, size} strings and C++ strings.
#include <cstring>
#include <string>
#include <string_view>

#include <nats_sdk/abi.h>

namespace nats::plugins {

inline std::string_view view(nmk_str s) { return s.data ? std::string_view(s.data, s.size) : std::string_view(); }
inline nmk_str to_nmk(std::string_view s) { return {s.data(), s.size()}; }

// The text a plugin wrote into an error buffer (NUL-terminated or full).
inline std::string error_text(const char* buffer, std::size_t capacity) {
    return std::string(buffer, ::strnlen(buffer, capacity));
}

}  // namespace nats::plugins
