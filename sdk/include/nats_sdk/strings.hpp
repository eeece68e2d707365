#pragma once
// Conversions between the ABI's {pointer, size} strings and std::string_view.

#include <string_view>

#include "nats_sdk/abi.hpp"

namespace nats_sdk {

inline std::string_view to_view(nmk_str s) noexcept {
    return s.data == nullptr ? std::string_view{} : std::string_view{s.data, s.size};
}

// OWNERSHIP: the result borrows `s`; it must not outlive the viewed characters.
inline nmk_str to_nmk(std::string_view s) noexcept { return nmk_str{s.data(), s.size()}; }

}  // namespace nats_sdk
