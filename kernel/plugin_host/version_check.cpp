#include "kernel/plugin_host/version_check.hpp"

#include <cstddef>
#include <string_view>

namespace nats::plugins {

namespace {
// SDK 1.0's descriptor ends with destroy(); later minors only add members after it.
constexpr std::size_t min_descriptor_size = offsetof(nmk_plugin_descriptor, destroy) + sizeof(void*);
}  // namespace

std::string sdk_version_text(std::uint16_t major, std::uint16_t minor) {
    return std::to_string(major) + "." + std::to_string(minor);
}

bool is_valid_plugin_name(std::string_view name) {
    if (name.empty() || name.size() > 64) return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                        c == '-' || c == '.';
        if (!ok) return false;
    }
    return true;
}

std::optional<std::string> check_descriptor(const nmk_plugin_descriptor* d, std::uint16_t kernel_major,
                                            std::uint16_t kernel_minor) {
    if (!d) return "the entry point returned no descriptor";
    const std::string kernel = "SDK " + sdk_version_text(kernel_major, kernel_minor);
    // struct_size, sdk_major and sdk_minor sit at the front in every version.
    if (d->sdk_major != kernel_major) {
        return "SDK major version " + std::to_string(d->sdk_major) + " is not supported by this server (" + kernel +
               ")";
    }
    if (d->sdk_minor > kernel_minor) {
        return "built for SDK " + sdk_version_text(d->sdk_major, d->sdk_minor) + ", newer than this server (" +
               kernel + ")";
    }
    if (d->struct_size < min_descriptor_size) {
        return "descriptor is too small (" + std::to_string(d->struct_size) + " bytes, SDK " +
               sdk_version_text(kernel_major, 0) + " needs " + std::to_string(min_descriptor_size) + ")";
    }
    if (!d->name || !is_valid_plugin_name(d->name)) {
        return "descriptor has no valid name (letters, digits, '_', '-', '.')";
    }
    if (!d->create) return "descriptor has no create() function";
    if (!d->destroy) return "descriptor has no destroy() function";
    return std::nullopt;
}

}  // namespace nats::plugins
