#pragma once
// One plugin file, opened with Boost.DLL: the library handle and the checked
// descriptor its entry symbol returned. The library stays loaded as long as
// this object lives, so it must outlive the plugin's destroy().
#include <boost/dll/shared_library.hpp>

#include <filesystem>
#include <string>

#include <nats_sdk/abi.h>

namespace nats::plugins {

class PluginLibrary {
public:
    // Opens `file`, finds NMK_PLUGIN_ENTRY_SYMBOL and checks the descriptor.
    // Throws PluginError naming the file and the reason (missing file, not a
    // shared object, no entry symbol, SDK version, incomplete descriptor).
    static PluginLibrary open(const std::filesystem::path& file);

    PluginLibrary(PluginLibrary&&) = default;
    PluginLibrary& operator=(PluginLibrary&&) = default;

    const nmk_plugin_descriptor& descriptor() const { return *descriptor_; }
    const std::filesystem::path& path() const { return path_; }
    std::string name() const { return descriptor_->name; }
    std::string version() const { return descriptor_->version ? descriptor_->version : ""; }
    // "1.0": the SDK the plugin was built against.
    std::string sdk_version() const;

private:
    PluginLibrary() = default;

    boost::dll::shared_library library_;
    const nmk_plugin_descriptor* descriptor_ = nullptr;
    std::filesystem::path path_;
};

}  // namespace nats::plugins
