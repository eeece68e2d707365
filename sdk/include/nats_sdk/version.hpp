#pragma once
// SDK versions and the rule that decides whether a kernel can run a plugin.
//
// Rule: the majors are equal and the plugin's minor is not newer than the kernel's.
// A minor version only appends members at the end of tables; every table starts with
// its struct_size, so a reader checks has_member() before touching a member that a
// newer minor added.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <type_traits>

#include "nats_sdk/abi.hpp"

namespace nats_sdk {

inline constexpr std::uint16_t sdk_version_major = NMK_SDK_VERSION_MAJOR;
inline constexpr std::uint16_t sdk_version_minor = NMK_SDK_VERSION_MINOR;

constexpr bool is_compatible(std::uint16_t kernel_major, std::uint16_t kernel_minor,
                             std::uint16_t plugin_major, std::uint16_t plugin_minor) noexcept {
    return kernel_major == plugin_major && plugin_minor <= kernel_minor;
}

template <class Table>
concept sized_table = std::is_standard_layout_v<Table> && std::is_default_constructible_v<Table> &&
                      requires(const Table& t) {
                          { t.struct_size } -> std::convertible_to<std::uint32_t>;
                      };

// Whether `table` (filled by the other side) is large enough to hold `member`, and, for a
// pointer member, whether it is set. Only the probe object is used to find the offset,
// so nothing beyond table.struct_size is read.
template <sized_table Table, class Member>
bool has_member(const Table& table, Member Table::*member) noexcept {
    static const Table probe{};
    const auto* base = reinterpret_cast<const unsigned char*>(std::addressof(probe));
    const auto* field = reinterpret_cast<const unsigned char*>(std::addressof(probe.*member));
    const std::size_t end = static_cast<std::size_t>(field - base) + sizeof(Member);
    if (table.struct_size < end) {
        return false;
    }
    if constexpr (std::is_pointer_v<Member>) {
        return table.*member != nullptr;
    } else {
        return true;
    }
}

}  // namespace nats_sdk
