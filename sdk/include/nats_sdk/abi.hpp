#pragma once
// The C ABI (abi.h) as C++ code includes it, plus small accessors.

#include <cstddef>
#include <cstdint>

#include "nats_sdk/abi.h"

namespace nats_sdk {

// The comma-separated names of the plugins a descriptor needs loaded first.
inline const char* descriptor_requires(const nmk_plugin_descriptor& descriptor) noexcept {
    return descriptor.requires_plugins;
}

}  // namespace nats_sdk
