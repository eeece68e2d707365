#include "kernel/plugin_host/catalog.hpp"

#include <algorithm>
#include <cctype>
#include <cstddef>

#include "kernel/config/conf_value.hpp"
#include "kernel/plugin_host/assembly.hpp"
#include "kernel/plugin_host/plugin_error.hpp"
#include "kernel/plugin_host/plugin_library.hpp"
#include "kernel/plugin_host/resolver.hpp"

namespace nats::plugins {

namespace fs = std::filesystem;

namespace {

// True when the descriptor is large enough to hold the member ending at `end`
// (the SDK 1.1 members; an SDK 1.0 descriptor stops after destroy()).
#define NMK_END_OF(member) (offsetof(nmk_plugin_descriptor, member) + sizeof(nmk_plugin_descriptor::member))
bool covers(const nmk_plugin_descriptor& d, std::size_t end) { return d.struct_size >= end; }

bool same_key(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

std::string_view top_level(std::string_view path) { return path.substr(0, path.find('.')); }

}  // namespace

bool Declarations::serves_key(std::string_view key) const {
    return std::any_of(keys.begin(), keys.end(), [&](const std::string& k) { return same_key(k, key); });
}

const ServedFlag* Declarations::find_flag(std::string_view name) const {
    for (const auto& f : flags)
        if (std::find(f.names.begin(), f.names.end(), name) != f.names.end()) return &f;
    return nullptr;
}

Declarations read_declarations(const nmk_plugin_descriptor& d, const fs::path& path) {
    Declarations out;
    out.plugin = d.name;
    out.path = path;
    if (covers(d, NMK_END_OF(config_keys)) && d.config_keys) out.keys = split_names(d.config_keys);
    if (!covers(d, NMK_END_OF(flag_count)) || !d.flags) return out;
    for (std::uint32_t i = 0; i < d.flag_count; ++i) {
        const nmk_plugin_flag& f = d.flags[i];
        if (!f.spellings || !f.config_path || !*f.config_path) continue;
        ServedFlag served;
        served.spellings = f.spellings;
        served.help = f.help ? f.help : "";
        for (auto& spelling : split_names(f.spellings)) {
            const auto first = spelling.find_first_not_of('-');
            if (first != std::string::npos) served.names.push_back(spelling.substr(first));
        }
        served.flag.type = f.type == NMK_FLAG_INT      ? config::PluginFlag::Type::integer
                           : f.type == NMK_FLAG_STRING ? config::PluginFlag::Type::string
                                                       : config::PluginFlag::Type::boolean;
        served.flag.config_path = f.config_path;
        served.flag.plugin = out.plugin;
        const std::string key(top_level(served.flag.config_path));
        if (!out.serves_key(key)) out.keys.push_back(key);
        out.flags.push_back(std::move(served));
    }
    return out;
}

ValidateFn validate_function(const nmk_plugin_descriptor& d) {
    return covers(d, NMK_END_OF(validate)) ? d.validate : nullptr;
}

PluginCatalog::PluginCatalog(std::vector<fs::path> explicit_files, std::vector<fs::path> search_paths)
    : explicit_files_(std::move(explicit_files)), search_paths_(std::move(search_paths)) {}

void PluginCatalog::read(const fs::path& file) {
    for (const auto& e : entries_) {
        std::error_code ec;
        if (fs::equivalent(e.path, file, ec)) return;
    }
    ++files_opened_;
    try {
        const auto library = PluginLibrary::open(file);
        entries_.push_back(read_declarations(library.descriptor(), file));
    } catch (const PluginError&) {
        // Not a usable plugin: it serves nothing here; loading it for real says why.
    }
}

template <class Match>
const Declarations* PluginCatalog::find(Match match) {
    auto found = [&]() -> const Declarations* {
        for (const auto& e : entries_)
            if (match(e)) return &e;
        return nullptr;
    };
    if (!explicit_read_) {
        explicit_read_ = true;
        for (const auto& f : explicit_files_) read(f);
    }
    if (const auto* d = found()) return d;
    if (!search_path_listed_) {
        search_path_listed_ = true;
        for (const auto& dir : search_paths_) {
            std::error_code ec;
            std::vector<fs::path> files;
            for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
                const std::string file = it->path().filename().string();
                if (file.rfind("lib", 0) == 0 && file.size() > 6 && file.ends_with(".so")) files.push_back(it->path());
            }
            std::sort(files.begin(), files.end());  // the same answer on every machine
            unread_.insert(unread_.end(), files.begin(), files.end());
        }
    }
    // One file at a time, in order, stopping at the first that serves: the answer is the
    // one reading them all would give, and the files after it (a plugin linking a large
    // library such as RocksDB costs tens of milliseconds of relocations) stay unopened.
    while (next_unread_ < unread_.size()) {
        const std::size_t before = entries_.size();
        read(unread_[next_unread_++]);
        if (entries_.size() > before && match(entries_.back())) return &entries_.back();
    }
    return nullptr;
}

const Declarations* PluginCatalog::serving_key(std::string_view key) {
    return find([&](const Declarations& d) { return d.serves_key(key); });
}

const Declarations* PluginCatalog::serving_flag(std::string_view name) {
    return find([&](const Declarations& d) { return d.find_flag(name) != nullptr; });
}

const std::deque<Declarations>& PluginCatalog::everything() {
    find([](const Declarations&) { return false; });
    return entries_;
}

CatalogClaims::CatalogClaims(fs::path default_dir, std::string config_file)
    : default_dir_(std::move(default_dir)), config_file_(std::move(config_file)) {}

PluginCatalog& CatalogClaims::catalog_for(const config::Value& root, const std::string& config_file) {
    if (!catalog_) {
        PluginPaths paths;
        try {
            paths = plugin_paths(root, config_file, default_dir_);
        } catch (const PluginError&) {
            // A malformed plugins block: the plan reports it; look in the default place only.
            paths = plugin_paths(config::Value::make_map({}), config_file, default_dir_);
        }
        catalog_.emplace(std::move(paths.explicit_files), std::move(paths.search_paths));
    }
    return *catalog_;
}

bool CatalogClaims::serves_key(std::string_view key, const config::Value& root, const std::string& config_file) {
    return catalog_for(root, config_file).serving_key(key) != nullptr;
}

PluginCatalog& CatalogClaims::catalog_before_flags() {
    // Flags come before the file is read: read it here for its plugins block.
    config::Value root = config::Value::make_map({});
    if (!catalog_ && !config_file_.empty()) {
        try {
            root = config::parse_config_file(config_file_);
        } catch (const config::ConfigError&) {
            // Reading it for real reports the problem.
        }
    }
    return catalog_for(root, config_file_);
}

std::optional<config::PluginFlag> CatalogClaims::find_flag(std::string_view name) {
    const Declarations* d = catalog_before_flags().serving_flag(name);
    if (!d) return std::nullopt;
    return d->find_flag(name)->flag;
}

std::string CatalogClaims::usage_text() {
    std::string out;
    for (const auto& d : catalog_before_flags().everything()) {
        for (const auto& f : d.flags) {
            // Laid out as the kernel's own options: the spellings and the value in a
            // 33-column field, then the help and which plugin serves it.
            std::string left = "    " + f.spellings;
            if (f.flag.type == config::PluginFlag::Type::integer) left += " <number>";
            if (f.flag.type == config::PluginFlag::Type::string) left += " <string>";
            left.resize(std::max<std::size_t>(left.size() + 1, 37), ' ');
            out += left + f.help + " (plugin " + d.plugin + ")\n";
        }
    }
    return out.empty() ? out : "Plugin Options:\n" + out + "\n";
}

}  // namespace nats::plugins
