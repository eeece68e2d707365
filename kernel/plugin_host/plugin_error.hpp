#pragma once
// A plugin could not be found, loaded, checked, created or started. what() is
// one line naming the file (or the name asked for) and the reason, e.g.
//   plugin "/x/libfoo.so": SDK major version 2 is not supported by this server (SDK 1.0)
// and start-up stops on it.
#include <stdexcept>
#include <string>
#include <string_view>

namespace nats::plugins {

struct PluginError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// `plugin "<what>": <reason>`
inline PluginError plugin_error(std::string_view what, std::string_view reason) {
    std::string text = "plugin \"";
    text.append(what).append("\": ").append(reason);
    return PluginError(text);
}

}  // namespace nats::plugins
