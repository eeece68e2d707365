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
// Feature blocks (feature_table.hpp) add their plugin by themselves, and so do
// the top-level keys and flags a plugin declares (catalog.hpp). The server fails
// closed: a missing explicit plugin is an error, and so is a missing auth plugin
// (the server never runs open when asked to authenticate), a nats-server key or
// flag whose plugin is not installed (`cluster`, `operator`, `-js`, ...) and a
// `plugins.<name>` block for a plugin that is not loaded. A missing monitoring
// plugin is a warning.
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

struct PluginBlock {
    std::string name;       // plugins.<name>
    std::string location;   // "<file>:<line>:<col>"
};

struct AssemblyPlan {
    std::vector<std::filesystem::path> search_paths;
    std::vector<PluginRequest> requests;  // found ones, in load order, no file twice
    std::vector<std::string> warnings;    // missing monitoring plugin
    std::vector<PluginBlock> blocks;      // checked against what loads (check_plugin_blocks)
};

// Where plugins are looked for: the `plugins.path` entries of `raw` (relative to
// the config file), then `default_dir` (when it exists), so a user's lib<name>.so
// wins over the build's; and the files
// `plugins.load` names directly. Throws PluginError for a malformed block.
struct PluginPaths {
    std::vector<std::filesystem::path> search_paths;
    std::vector<std::filesystem::path> explicit_files;
};
PluginPaths plugin_paths(const config::Value& raw, const std::string& config_file,
                         const std::filesystem::path& default_dir);

// Reads the `plugins` block, the feature table and the keys and flags plugins
// serve. The search path is plugin_paths()'s: the user's folders, then
// `default_dir` (the build's lib directory). Throws PluginError for a malformed
// block, an explicit plugin not found, a missing auth plugin, or a nats-server
// key or flag whose plugin is not installed:
//   config "cluster" needs plugin "cluster", which is not installed (looked for libcluster.so in <paths>)
// The catalog is only opened when the config has a key the kernel does not
// read itself.
AssemblyPlan plan_plugins(const config::Options& options, const std::filesystem::path& default_dir);

// Throws PluginError for a plugins.<name> block whose plugin is not among
// `loaded` (plugin names, after requirements were added):
//   <file>:<line>:<col>: plugins: block "x" is for a plugin that is not loaded
void check_plugin_blocks(const AssemblyPlan& plan, const std::vector<std::string>& loaded);

// Why a reload must not apply `options`: it asks for an auth plugin that is not
// running. The plugin list is fixed until a restart, and a server asked to
// authenticate never runs open. Empty when nothing stands in the way.
std::string reload_blocker(const config::Options& options, const std::vector<std::string>& running_plugins);

// lib<name>.so in the first search path that has it.
std::filesystem::path find_plugin_file(std::string_view name, const std::vector<std::filesystem::path>& search_paths);

// The JSON object a plugin's create()/reload() receives: what its features take
// from the options, each top-level key it serves (`served_keys`) under its own
// name, then its plugins.<name> block on top. "{}" when nothing.
std::string plugin_config_json(const config::Options& options, std::string_view plugin_name,
                               const std::vector<std::string>& served_keys = {});

// A plugin's error text that names `config key '<path>'` (abi.h's convention)
// prefixed with where that key is written: plugins.<plugin>.<path> first, then
// <path> from the top level. Empty when the text names no key found in the file.
std::string config_key_location(const config::Options& options, std::string_view plugin_name, std::string_view text);

// `<binary dir>/../lib`, normalised.
std::filesystem::path default_plugin_dir();

}  // namespace nats::plugins
