#include "kernel/plugin_host/assembly.hpp"

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <cctype>

#include "kernel/config/value_json.hpp"
#include "kernel/plugin_host/catalog.hpp"
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

PluginPaths plugin_paths(const config::Value& raw, const std::string& config_file, const fs::path& default_dir) {
    PluginPaths out;
    std::error_code ec;
    // The user's folders come first, so a plugin of theirs named like one the build ships
    // (its lib folder) is the one loaded; the build's folder is the fallback.
    auto add_default_dir = [&] {
        if (!default_dir.empty() && fs::is_directory(default_dir, ec)) out.search_paths.push_back(default_dir);
    };
    const fs::path base = config_file.empty() ? fs::current_path(ec) : fs::path(config_file).parent_path();
    auto absolute = [&](const std::string& p) { return (fs::path(p).is_absolute() ? fs::path(p) : base / p).lexically_normal(); };
    const config::Value* block = raw.find("plugins");
    if (!block) {
        add_default_dir();
        return out;
    }
    if (!block->is_map()) {
        throw PluginError(where(*block) + ": plugins: expected a map, got " + std::string(block->type_name()));
    }
    for (const auto& [key, value] : block->as_map()) {
        if (key == "path") {
            for (auto& p : string_list(value, key)) out.search_paths.push_back(absolute(p));
        } else if (key == "load") {
            for (auto& entry : string_list(value, key))
                if (looks_like_file(entry)) out.explicit_files.push_back(absolute(entry));
        }
    }
    add_default_dir();
    return out;
}

namespace {

// Top-level keys other components read: authentication and accounts stay the
// kernel's (kernel/accounts and the auth feature entries), `plugins` is ours.
bool kernel_owned(std::string_view key) {
    static constexpr std::string_view keys[] = {"plugins", "accounts", "system_account", "system",
                                                "no_system_account", "no_system", "no_sys_acc"};
    return std::any_of(std::begin(keys), std::end(keys), [&](std::string_view k) {
        return k.size() == key.size() && std::equal(k.begin(), k.end(), key.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
               });
    });
}

std::string not_installed(std::string_view plugin, const std::vector<fs::path>& search_paths) {
    return "needs plugin \"" + std::string(plugin) + "\", which is not installed (looked for lib" + std::string(plugin) +
           ".so in " + join_paths(search_paths) + ")";
}

}  // namespace

AssemblyPlan plan_plugins(const config::Options& options, const fs::path& default_dir) {
    AssemblyPlan plan;
    auto paths = plugin_paths(options.raw, options.config_file, default_dir);
    plan.search_paths = paths.search_paths;
    std::error_code ec;
    const fs::path base = options.config_file.empty() ? fs::current_path(ec) : fs::path(options.config_file).parent_path();
    auto absolute = [&](const std::string& p) { return (fs::path(p).is_absolute() ? fs::path(p) : base / p).lexically_normal(); };

    std::vector<std::string> load;
    if (const config::Value* block = options.raw.find("plugins")) {
        for (const auto& [key, value] : block->as_map()) {
            if (key == "path") continue;
            if (key == "load") {
                load = string_list(value, key);
            } else if (value.is_map()) {
                plan.blocks.push_back({key, where(value)});
            } else {
                throw PluginError(where(value) + ": plugins: \"" + key +
                                  "\" must be a map (a plugin's config block), got " + std::string(value.type_name()));
            }
        }
    }

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

    // Fail closed on nats-server's flags and keys whose plugin is missing; load
    // the plugins that serve the others. The catalog opens files only from here.
    for (const auto& f : options.flags_without_plugin)
        throw PluginError("flag \"" + f.flag + "\" " + not_installed(f.plugin, plan.search_paths));
    PluginCatalog catalog(paths.explicit_files, plan.search_paths);
    if (options.raw.is_map()) {
        for (const auto& [key, value] : options.raw.as_map()) {
            const std::string_view known = config::plugin_for_key(key);
            if (value.used_as_variable() || kernel_owned(key)) continue;
            if (known.empty() && (config::is_kernel_key(key) || config::is_plugin_key(key))) continue;
            if (!known.empty() && config::is_disabled_block(value)) continue;
            if (const Declarations* d = catalog.serving_key(key)) {
                add(PluginRequest{d->plugin, d->path, key, true});
            } else if (auto file = known.empty() ? fs::path() : find_plugin_file(known, plan.search_paths); !file.empty()) {
                add(PluginRequest{std::string(known), file, key, true});  // an SDK 1.0 plugin declares nothing
            } else if (!known.empty()) {
                throw PluginError("config \"" + key + "\" " + not_installed(known, plan.search_paths));
            } else {
                // options_from_value let it through because a plugin served it then.
                throw PluginError(where(value) + ": unknown field \"" + key + "\"");
            }
        }
    }

    for (const auto& feature : features()) {
        if (!feature.wanted(options)) continue;
        const std::string name(feature.plugin);
        auto path = find_plugin_file(name, plan.search_paths);
        if (path.empty() && feature.required) {
            // Fail closed: the config asks for something this build cannot serve.
            const bool auth = name.starts_with("auth_");
            if (auth) {
                throw PluginError("\"" + std::string(feature.key) + "\" needs plugin \"" + name +
                                  "\", which is not installed (looked for lib" + name + ".so in " +
                                  join_paths(plan.search_paths) + "): refusing to start without authentication");
            }
            throw PluginError("config \"" + std::string(feature.key) + "\" " + not_installed(name, plan.search_paths));
        }
        if (path.empty()) continue;
        add(PluginRequest{name, path, std::string(feature.key), feature.required});
    }
    return plan;
}

void check_plugin_blocks(const AssemblyPlan& plan, const std::vector<std::string>& loaded) {
    for (const auto& block : plan.blocks) {
        const bool used = std::any_of(plan.requests.begin(), plan.requests.end(), [&](const PluginRequest& r) {
                              return r.name == block.name || r.path.stem() == "lib" + block.name;
                          }) || std::find(loaded.begin(), loaded.end(), block.name) != loaded.end();
        if (!used) throw PluginError(block.location + ": plugins: block \"" + block.name + "\" is for a plugin that is not loaded");
    }
}

std::string reload_blocker(const config::Options& options, const std::vector<std::string>& running_plugins) {
    // A nats-server block whose plugin is not running would be silently ignored.
    if (options.raw.is_map()) {
        for (const auto& [key, value] : options.raw.as_map()) {
            const std::string_view known = config::plugin_for_key(key);
            if (known.empty() || value.used_as_variable() || config::is_disabled_block(value)) continue;
            if (std::find(running_plugins.begin(), running_plugins.end(), known) != running_plugins.end()) continue;
            return "config \"" + key + "\" needs plugin \"" + std::string(known) +
                   "\", which is not running: restart the server to load it";
        }
    }
    for (const auto& feature : features()) {
        if (!feature.required || !feature.wanted(options)) continue;
        if (std::find(running_plugins.begin(), running_plugins.end(), feature.plugin) != running_plugins.end()) continue;
        return "\"" + std::string(feature.key) + "\" needs plugin \"" + std::string(feature.plugin) +
               "\", which is not running: restart the server to load it";
    }
    return {};
}

std::string plugin_config_json(const config::Options& options, std::string_view plugin_name,
                               const std::vector<std::string>& served_keys) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& feature : features()) {
        if (feature.plugin == plugin_name && feature.wanted(options)) feature.fill(options, out);
    }
    for (const auto& key : served_keys)
        if (const config::Value* v = options.raw.find(key)) out[key] = config::to_json(*v);
    if (const config::Value* block = options.raw.find("plugins"); block && block->is_map()) {
        for (const auto& [key, value] : block->as_map()) {
            if (key != plugin_name || !value.is_map()) continue;
            const auto own = config::to_json(value);
            for (auto it = own.begin(); it != own.end(); ++it) out[it.key()] = *it;
        }
    }
    // Config strings may hold any bytes (nats-server accepts invalid UTF-8 in them);
    // JSON cannot, so such bytes reach the plugin as U+FFFD, as Go's encoding/json writes them.
    return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace nats::plugins

namespace nats::plugins {

namespace {

// The value at a path like "auth.users[2].password" below `from`, or nullptr.
const config::Value* value_at(const config::Value* from, std::string_view path) {
    while (from && !path.empty()) {
        if (path.front() == '[') {
            const auto close = path.find(']');
            if (close == std::string_view::npos || !from->is_array()) return nullptr;
            std::size_t index = 0;
            for (char c : path.substr(1, close - 1)) {
                if (c < '0' || c > '9') return nullptr;
                index = index * 10 + static_cast<std::size_t>(c - '0');
            }
            if (index >= from->as_array().size()) return nullptr;
            from = &from->as_array()[index];
            path.remove_prefix(close + 1);
        } else {
            if (path.front() == '.') path.remove_prefix(1);
            const auto end = path.find_first_of(".[");
            from = from->find(path.substr(0, end));
            path.remove_prefix(end == std::string_view::npos ? path.size() : end);
        }
    }
    return from;
}

}  // namespace

std::string config_key_location(const config::Options& options, std::string_view plugin_name, std::string_view text) {
    constexpr std::string_view marker = "config key '";
    const auto start = text.find(marker);
    if (start == std::string_view::npos) return {};
    const auto end = text.find('\'', start + marker.size());
    if (end == std::string_view::npos) return {};
    const std::string_view path = text.substr(start + marker.size(), end - start - marker.size());
    const config::Value* found = nullptr;
    if (const config::Value* block = options.raw.find("plugins")) found = value_at(block->find(plugin_name), path);
    if (!found) found = value_at(&options.raw, path);
    if (!found || found->location().file.empty()) return {};
    return found->location().to_string();
}

}  // namespace nats::plugins
