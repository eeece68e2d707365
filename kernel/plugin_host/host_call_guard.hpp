#pragma once
// The C ABI boundary of every nmk_host_api entry point: a plugin calls in through a C
// function pointer, so no C++ exception may leave the kernel's side. guarded() runs the
// call's body against the calling plugin's PluginContext; an exception is logged with the
// plugin's and the call's names and becomes the call's failure value.
#include <exception>
#include <utility>

#include "kernel/log/logging.hpp"
#include "kernel/plugin_host/plugin_context.hpp"

namespace nats::plugins {

// `host` is the nmk_host_api's `host` member, the plugin's PluginContext. A null one
// (a plugin passing the wrong pointer) gives `failed` without calling `body`.
template <typename Result, typename Body>
Result guarded(void* host, const char* what, Result failed, Body&& body) noexcept {
    if (!host) return failed;
    auto& context = *static_cast<PluginContext*>(host);
    try {
        return std::forward<Body>(body)(context);
    } catch (const std::exception& e) {
        try {
            NMK_ERROR("{}: host call {} failed: {}", context.name(), what, e.what());
        } catch (...) {
        }
    } catch (...) {
        try {
            NMK_ERROR("{}: host call {} failed", context.name(), what);
        } catch (...) {
        }
    }
    return failed;
}

}  // namespace nats::plugins
