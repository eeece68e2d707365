#pragma once
// Config-driven assembly: which plugin files the options ask for, where they
// are found, and the config each one gets.
//
//   plugins {
//     path: ["/opt/nats/plugins"]        # searched before <binary dir>/../lib
//     load: ["echo", "/abs/libx.so"]     # a name (lib<name>.so) or a file
//     echo { greeting: "hi" }            # the block plugin "echo" receives as JSON
//   }
//
// Feature blocks (feature_table.hpp) add their plugin by themselves. A missing
// explicit plugin is an error, and so is a missing auth plugin (the server never
// runs open when asked to authenticate); a missing jetstream or monitoring
// plugin is a warning, because those arrive in later releases.
#include <filesystem>
#include <string>
#include <vector>

#include "kernel/config/options.hpp"

namespace nats::plugins {

struct PluginRequest {
    std::string name;             // as written in `load`, or the feature's plugin
    std::filesystem::path path;   // the file; empty when not found
    std::string asked_by;         // "load", "requires", or the config key of a feature
    bool required = true;         // false: missing is only a warning (jetstream, monitoring)
};

struct AssemblyPlan {
    std::vector<std::filesystem::path> search_paths;
    std::vector<PluginRequest> requests;  // found ones, in load order, no file twice
    std::vector<std::string> warnings;    // missing feature plugins, stray blocks
};

// Reads the `plugins` block and the feature table. The search path is the block's
// `path` folders in order, then `default_dir` (the build's lib directory; skipped
// when it does not exist), so a user's lib<name>.so wins over the build's.
// Throws PluginError for a malformed block, an explicit plugin not found, or a
// missing auth plugin.
AssemblyPlan plan_plugins(const config::Options& options, const std::filesystem::path& default_dir);

// Why a reload must not apply `options`: it asks for an auth plugin that is not
// running. The plugin list is fixed until a restart, and a server asked to
// authenticate never runs open. Empty when nothing stands in the way.
std::string reload_blocker(const config::Options& options, const std::vector<std::string>& running_plugins);

// lib<name>.so in the first search path that has it.
std::filesystem::path find_plugin_file(std::string_view name, const std::vector<std::filesystem::path>& search_paths);

// The JSON object a plugin's create()/reload() receives: what its features take
// from the options, then its plugins.<name> block on top. "{}" when nothing.
std::string plugin_config_json(const config::Options& options, std::string_view plugin_name);

// `<binary dir>/../lib`, normalised.
std::filesystem::path default_plugin_dir();

}  // namespace nats::plugins
