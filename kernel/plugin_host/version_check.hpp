#pragma once
// Whether the kernel can use a plugin's descriptor: the same SDK major, a
// minor not newer than the kernel's, a struct at least as large as SDK 1.0's,
// a name and the functions every plugin must have. Refused, never warned about.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nats_sdk/abi.h>

namespace nats::plugins {

// nullopt when usable; otherwise the reason as one sentence, e.g.
// "SDK major version 2 is not supported by this server (SDK 1.0)".
std::optional<std::string> check_descriptor(const nmk_plugin_descriptor* descriptor,
                                            std::uint16_t kernel_major = NMK_SDK_VERSION_MAJOR,
                                            std::uint16_t kernel_minor = NMK_SDK_VERSION_MINOR);

// "1.0"
std::string sdk_version_text(std::uint16_t major, std::uint16_t minor);

// Plugin names: letters, digits, '_', '-' and '.', at most 64 characters.
bool is_valid_plugin_name(std::string_view name);

}  // namespace nats::plugins
