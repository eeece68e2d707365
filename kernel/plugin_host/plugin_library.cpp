#include "kernel/plugin_host/plugin_library.hpp"

#include <dlfcn.h>

#include "kernel/plugin_host/plugin_error.hpp"
#include "kernel/plugin_host/version_check.hpp"

namespace nats::plugins {

namespace {

// dlerror() says "<file>: <reason>"; the file is already in our message.
std::string loader_reason(const std::string& file) {
    const char* err = ::dlerror();
    std::string text = err ? err : "unknown error";
    if (text.rfind(file + ": ", 0) == 0) text.erase(0, file.size() + 2);
    return text;
}

}  // namespace

PluginLibrary PluginLibrary::open(const std::filesystem::path& file) {
    const std::string shown = file.string();
    std::error_code ec;
    const auto status = std::filesystem::status(file, ec);
    if (ec || !std::filesystem::exists(status)) throw plugin_error(shown, "file not found");
    if (!std::filesystem::is_regular_file(status)) throw plugin_error(shown, "not a regular file");

    PluginLibrary out;
    out.path_ = file;
    boost::dll::fs::error_code load_error;
    // Resolve every symbol now, so a missing dependency fails here and not at
    // the first call; keep the plugin's symbols to itself.
    ::dlerror();
    out.library_.load(boost::dll::fs::path(shown), load_error,
                      boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    if (load_error || !out.library_.is_loaded()) {
        throw plugin_error(shown, "not a loadable shared library (" + loader_reason(shown) + ")");
    }
    if (!out.library_.has(NMK_PLUGIN_ENTRY_SYMBOL)) {
        throw plugin_error(shown, std::string("no entry symbol \"") + NMK_PLUGIN_ENTRY_SYMBOL +
                                      "\" (not a plugin for this server)");
    }
    auto entry = out.library_.get<const nmk_plugin_descriptor*()>(NMK_PLUGIN_ENTRY_SYMBOL);
    try {
        out.descriptor_ = entry();
    } catch (const std::exception& e) {
        throw plugin_error(shown, std::string("the entry point threw an exception: ") + e.what());
    } catch (...) {
        throw plugin_error(shown, "the entry point threw an exception");
    }
    if (auto problem = check_descriptor(out.descriptor_)) throw plugin_error(shown, *problem);
    return out;
}

std::string PluginLibrary::sdk_version() const {
    return sdk_version_text(descriptor_->sdk_major, descriptor_->sdk_minor);
}

}  // namespace nats::plugins
