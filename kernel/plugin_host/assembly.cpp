#include "kernel/plugin_host/assembly.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>

#include "kernel/config/value_json.hpp"
#include "kernel/plugin_host/feature_table.hpp"
#include "kernel/plugin_host/plugin_error.hpp"

namespace nats::plugins {

namespace fs = std::filesystem;

namespace {

std::string where(const config::Value& v) {
    return v.location().file.empty() ? std::string("plugins") : v.location().to_string();
}

// A string or an array of strings.
std::vector<std::string> string_list(const config::Value& v, std::string_view key) {
    std::vector<std::string> out;
    auto bad = [&](const config::Value& at) {
        return PluginError(where(at) + ": plugins: \"" + std::string(key) + "\" must be a string or an array of strings");
    };
    if (v.is_string()) {
        out.push_back(v.as_string());
    } else if (v.is_array()) {
        for (const auto& item : v.as_array()) {
            if (!item.is_string()) throw bad(item);
            out.push_back(item.as_string());
        }
    } else {
        throw bad(v);
    }
    return out;
}

bool looks_like_file(std::string_view entry) {
    return entry.find('/') != std::string_view::npos ||
           (entry.size() > 3 && entry.substr(entry.size() - 3) == ".so");
}

std::string join_paths(const std::vector<fs::path>& paths) {
    std::string out;
    for (const auto& p : paths) out += (out.empty() ? "" : ", ") + p.string();
    return out.empty() ? "no search path" : out;
}

bool same_file(const fs::path& a, const fs::path& b) {
    std::error_code ec;
    return fs::equivalent(a, b, ec) || a == b;
}

}  // namespace

fs::path default_plugin_dir() {
    boost::dll::fs::error_code ec;
    const auto exe = boost::dll::program_location(ec);
    if (ec) return {};
    return (fs::path(exe.parent_path().string()) / ".." / "lib").lexically_normal();
}

fs::path find_plugin_file(std::string_view name, const std::vector<fs::path>& search_paths) {
    const std::string file = "lib" + std::string(name) + ".so";
    for (const auto& dir : search_paths) {
        std::error_code ec;
        if (fs::is_regular_file(dir / file, ec)) return dir / file;
    }
    return {};
}

AssemblyPlan plan_plugins(const config::Options& options, const fs::path& default_dir) {
    AssemblyPlan plan;
    std::error_code ec;
    const fs::path base = options.config_file.empty() ? fs::current_path(ec) : fs::path(options.config_file).parent_path();
    auto absolute = [&](const std::string& p) { return (fs::path(p).is_absolute() ? fs::path(p) : base / p).lexically_normal(); };

    std::vector<std::string> load;
    std::vector<std::pair<std::string, const config::Value*>> blocks;
    if (const config::Value* block = options.raw.find("plugins")) {
        if (!block->is_map()) {
            throw PluginError(where(*block) + ": plugins: expected a map, got " + std::string(block->type_name()));
        }
        for (const auto& [key, value] : block->as_map()) {
            if (key == "path") {
                for (auto& p : string_list(value, key)) plan.search_paths.push_back(absolute(p));
            } else if (key == "load") {
                load = string_list(value, key);
            } else if (value.is_map()) {
                blocks.emplace_back(key, &value);
            } else {
                throw PluginError(where(value) + ": plugins: \"" + key +
                                  "\" must be a map (a plugin's config block), got " + std::string(value.type_name()));
            }
        }
    }

    // The user's folders come first, so a plugin of theirs named like one the build ships
    // (its lib folder) is the one loaded; the build's folder is the fallback.
    if (!default_dir.empty() && fs::is_directory(default_dir, ec)) plan.search_paths.push_back(default_dir);

    auto add = [&](PluginRequest request) {
        for (const auto& r : plan.requests)
            if (same_file(r.path, request.path)) return;
        plan.requests.push_back(std::move(request));
    };
    for (const auto& entry : load) {
        PluginRequest request{entry, {}, "load", true};
        if (looks_like_file(entry)) {
            request.path = absolute(entry);
        } else {
            request.path = find_plugin_file(entry, plan.search_paths);
            if (request.path.empty()) {
                throw plugin_error(entry, "not found (looked for lib" + entry + ".so in " +
                                              join_paths(plan.search_paths) + ")");
            }
        }
        add(std::move(request));
    }
    for (const auto& feature : features()) {
        if (!feature.wanted(options)) continue;
        const std::string name(feature.plugin);
        auto path = find_plugin_file(name, plan.search_paths);
        if (path.empty() && feature.required) {
            throw PluginError("\"" + std::string(feature.key) + "\" needs plugin \"" + name +
                              "\", which is not installed (looked for lib" + name + ".so in " +
                              join_paths(plan.search_paths) + "): refusing to start without authentication");
        }
        if (path.empty()) {
            const bool already_warned = std::any_of(plan.warnings.begin(), plan.warnings.end(), [&](const std::string& w) {
                return w.find("plugin \"" + name + "\"") != std::string::npos;
            });
            if (!already_warned) {
                plan.warnings.push_back("\"" + std::string(feature.key) + "\" needs plugin \"" + name +
                                        "\", which is not installed (looked for lib" + name + ".so in " +
                                        join_paths(plan.search_paths) + "): ignored");
            }
            continue;
        }
        add(PluginRequest{name, path, std::string(feature.key), feature.required});
    }
    for (const auto& [key, value] : blocks) {
        const bool used = std::any_of(plan.requests.begin(), plan.requests.end(), [&](const PluginRequest& r) {
            return r.name == key || r.path.stem() == "lib" + key;
        });
        if (!used) plan.warnings.push_back(where(*value) + ": plugins: block \"" + key + "\" is for a plugin that is not loaded");
    }
    return plan;
}

std::string reload_blocker(const config::Options& options, const std::vector<std::string>& running_plugins) {
    for (const auto& feature : features()) {
        if (!feature.required || !feature.wanted(options)) continue;
        if (std::find(running_plugins.begin(), running_plugins.end(), feature.plugin) != running_plugins.end()) continue;
        return "\"" + std::string(feature.key) + "\" needs plugin \"" + std::string(feature.plugin) +
               "\", which is not running: restart the server to load it";
    }
    return {};
}

std::string plugin_config_json(const config::Options& options, std::string_view plugin_name) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& feature : features()) {
        if (feature.plugin == plugin_name && feature.wanted(options)) feature.fill(options, out);
    }
    if (const config::Value* block = options.raw.find("plugins"); block && block->is_map()) {
        for (const auto& [key, value] : block->as_map()) {
            if (key != plugin_name || !value.is_map()) continue;
            const auto own = config::to_json(value);
            for (auto it = own.begin(); it != own.end(); ++it) out[it.key()] = *it;
        }
    }
    return out.dump();
}

}  // namespace nats::plugins
