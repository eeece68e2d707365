#pragma once
// The C ABI (abi.h) as C++ code includes it.
//
// abi.h names a descriptor member `requires`, which is a keyword in C++20, so a plain
// #include fails to compile in C++. The member is renamed for this one include; the
// layout is untouched, and no SDK code names the member (the descriptor is initialised
// by position and read through nats_sdk::descriptor_requires()), so this stays correct
// when abi.h renames the member itself.

#include <cstddef>
#include <cstdint>
#include <stddef.h>
#include <stdint.h>

#ifndef NATS_SDK_ABI_H
#if defined(__clang__)
#pragma clang diagnostic push
#pragma clang diagnostic ignored "-Wkeyword-macro"
#endif
#define requires requires_plugins
#include "nats_sdk/abi.h"
#undef requires
#if defined(__clang__)
#pragma clang diagnostic pop
#endif
#endif

#include <cstring>

namespace nats_sdk {

// The comma-separated names of the plugins a descriptor needs loaded first. Read by
// position: it sits between `provides` and `create` (pinned below).
inline const char* descriptor_requires(const nmk_plugin_descriptor& descriptor) noexcept {
    static_assert(offsetof(nmk_plugin_descriptor, create) ==
                  offsetof(nmk_plugin_descriptor, provides) + 2 * sizeof(const char*));
    const char* value = nullptr;
    std::memcpy(&value,
                reinterpret_cast<const unsigned char*>(&descriptor) +
                    offsetof(nmk_plugin_descriptor, provides) + sizeof(const char*),
                sizeof value);
    return value;
}

}  // namespace nats_sdk
