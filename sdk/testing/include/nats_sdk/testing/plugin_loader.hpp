#pragma once
// Loading a plugin the way the kernel does, for tests without a server: dlopen, the
// entry symbol, the version rule, then create/start/reload/stop/destroy.

#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include <dlfcn.h>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/format.hpp"
#include "nats_sdk/strings.hpp"
#include "nats_sdk/version.hpp"

namespace nats_sdk::testing {

// Loading or a lifecycle call failed; what() is one sentence, with the plugin's own
// message when it gave one.
class PluginError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Why a kernel of version kernel_major.kernel_minor must refuse `descriptor`; empty
// when it may load it.
inline std::string descriptor_problem(const nmk_plugin_descriptor& descriptor,
                                      std::uint16_t kernel_major = sdk_version_major,
                                      std::uint16_t kernel_minor = sdk_version_minor) {
    if (!is_compatible(kernel_major, kernel_minor, descriptor.sdk_major, descriptor.sdk_minor)) {
        return format("built with SDK {}.{}, which a kernel with SDK {}.{} cannot run", descriptor.sdk_major,
                      descriptor.sdk_minor, kernel_major, kernel_minor);
    }
    if (descriptor.struct_size < sizeof(nmk_plugin_descriptor)) {
        return format("descriptor has {} bytes, SDK {}.{} defines {}", descriptor.struct_size, descriptor.sdk_major,
                      descriptor.sdk_minor, sizeof(nmk_plugin_descriptor));
    }
    if (descriptor.name == nullptr || *descriptor.name == '\0') {
        return "descriptor has no name";
    }
    if (descriptor.create == nullptr || descriptor.start == nullptr || descriptor.reload == nullptr ||
        descriptor.stop == nullptr || descriptor.destroy == nullptr) {
        return "descriptor lacks a lifecycle function";
    }
    return {};
}

// A shared library opened with dlopen and checked like the kernel checks it.
class PluginLibrary {
public:
    explicit PluginLibrary(const std::string& path) : path_(path) {
        handle_ = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle_ == nullptr) {
            const char* why = ::dlerror();
            throw PluginError("cannot open plugin " + path + ": " + (why != nullptr ? why : "unknown error"));
        }
        ::dlerror();
        void* symbol = ::dlsym(handle_, NMK_PLUGIN_ENTRY_SYMBOL);
        if (symbol == nullptr) {
            ::dlclose(handle_);
            throw PluginError("plugin " + path + " does not export " NMK_PLUGIN_ENTRY_SYMBOL);
        }
        nmk_plugin_entry_fn entry = nullptr;
        static_assert(sizeof entry == sizeof symbol);
        std::memcpy(&entry, &symbol, sizeof entry);
        descriptor_ = entry();
        std::string problem = descriptor_ == nullptr ? "its entry returned no descriptor" : descriptor_problem(*descriptor_);
        if (!problem.empty()) {
            ::dlclose(handle_);
            throw PluginError("plugin " + path + ": " + problem);
        }
    }
    PluginLibrary(const PluginLibrary&) = delete;
    PluginLibrary& operator=(const PluginLibrary&) = delete;
    ~PluginLibrary() { ::dlclose(handle_); }

    const nmk_plugin_descriptor& descriptor() const noexcept { return *descriptor_; }
    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
    void* handle_ = nullptr;
    const nmk_plugin_descriptor* descriptor_ = nullptr;
};

// The text a plugin wrote into an error buffer of `capacity` bytes (up to the first NUL).
inline std::string error_text(const char* buffer, std::size_t capacity) {
    return std::string(buffer, ::strnlen(buffer, capacity));
}

// One plugin instance: created in the constructor, stopped (if started) and destroyed
// in the destructor, like the kernel does.
class PluginInstance {
public:
    static constexpr std::size_t error_capacity = 1024;

    PluginInstance(const nmk_plugin_descriptor& descriptor, const nmk_host_api* host, std::string_view config_json)
        : descriptor_(descriptor) {
        char error[error_capacity] = {};
        instance_ = descriptor_.create(host, to_nmk(config_json), nmk_error_buffer{error, sizeof error});
        if (instance_ == nullptr) {
            throw PluginError(std::string("create failed: ") + error_text(error, sizeof error));
        }
    }
    PluginInstance(const PluginInstance&) = delete;
    PluginInstance& operator=(const PluginInstance&) = delete;
    ~PluginInstance() {
        stop();
        descriptor_.destroy(instance_);
    }

    void start() {
        char error[error_capacity] = {};
        if (descriptor_.start(instance_, nmk_error_buffer{error, sizeof error}) != 0) {
            throw PluginError(std::string("start failed: ") + error_text(error, sizeof error));
        }
        started_ = true;
    }
    void reload(std::string_view config_json) {
        char error[error_capacity] = {};
        if (descriptor_.reload(instance_, to_nmk(config_json), nmk_error_buffer{error, sizeof error}) != 0) {
            throw PluginError(std::string("reload failed: ") + error_text(error, sizeof error));
        }
    }
    void stop() noexcept {
        if (started_) {
            started_ = false;
            descriptor_.stop(instance_);
        }
    }
    bool started() const noexcept { return started_; }
    void* raw() const noexcept { return instance_; }

private:
    const nmk_plugin_descriptor& descriptor_;
    void* instance_ = nullptr;
    bool started_ = false;
};

}  // namespace nats_sdk::testing
