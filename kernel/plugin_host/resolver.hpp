#pragma once
// Turns a plan into the plugins to load: opens and checks each file, adds what
// their descriptors require (found by name in the search path) and orders them
// so that every plugin comes after the plugins it requires.
#include <vector>

#include "kernel/plugin_host/assembly.hpp"
#include "kernel/plugin_host/plugin_library.hpp"

namespace nats::plugins {

struct OpenedPlugin {
    PluginLibrary library;
    PluginRequest request;
};

// Throws PluginError: a file that does not load or check, two files with the
// same plugin name, a requirement that cannot be found, a dependency cycle.
std::vector<OpenedPlugin> open_plugins(const AssemblyPlan& plan);

// The comma-separated names of a descriptor's `requires`, trimmed.
std::vector<std::string> split_names(const char* list);

}  // namespace nats::plugins
