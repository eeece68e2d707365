#pragma once
// What the installed plugins serve: the top-level config keys and command-line
// flags their descriptors declare (SDK 1.1, abi.h's config_keys and flags).
//
// The catalog is lazy: it opens nothing until asked about a name, so a config
// the kernel understands by itself starts without reading any extra file. When
// asked, it opens the explicitly listed files first, then the lib*.so files of the
// search path in order until one serves the name (files that do not load or check
// are skipped: loading them for real reports why), copies their declarations and
// closes them again. Each file is opened at most once.
#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nats_sdk/abi.h>

#include "kernel/config/plugin_claims.hpp"

namespace nats::plugins {

struct ServedFlag {
    std::vector<std::string> names;  // without dashes: "js", "jetstream"
    config::PluginFlag flag;
    std::string spellings;           // as declared, for messages and the usage text
    std::string help;
};

// A descriptor's declarations, empty for an SDK 1.0 plugin (struct_size stops
// before them). `keys` holds config_keys and each flag's top-level key.
struct Declarations {
    std::string plugin;
    std::filesystem::path path;
    std::vector<std::string> keys;
    std::vector<ServedFlag> flags;

    bool serves_key(std::string_view key) const;
    const ServedFlag* find_flag(std::string_view name) const;
};
Declarations read_declarations(const nmk_plugin_descriptor& descriptor, const std::filesystem::path& path);

// The descriptor's validate(), or nullptr (SDK 1.0, or none declared).
using ValidateFn = int (*)(nmk_str, nmk_error_buffer);
ValidateFn validate_function(const nmk_plugin_descriptor& descriptor);

class PluginCatalog {
public:
    PluginCatalog(std::vector<std::filesystem::path> explicit_files, std::vector<std::filesystem::path> search_paths);

    // The first plugin (explicit files, then search path order) that serves it.
    const Declarations* serving_key(std::string_view key);
    const Declarations* serving_flag(std::string_view name);
    // Every plugin found (opens them all): for the usage text.
    const std::deque<Declarations>& everything();
    const std::vector<std::filesystem::path>& search_paths() const { return search_paths_; }
    // How many files were opened so far (tests check that nothing was).
    std::size_t files_opened() const { return files_opened_; }

private:
    template <class Match>
    const Declarations* find(Match match);
    void read(const std::filesystem::path& file);

    std::vector<std::filesystem::path> explicit_files_;
    std::vector<std::filesystem::path> search_paths_;
    bool explicit_read_ = false;
    bool search_path_listed_ = false;
    std::vector<std::filesystem::path> unread_;  // the search path's files, in the order they are read
    std::size_t next_unread_ = 0;
    std::deque<Declarations> entries_;  // a deque: answers handed out stay valid while more files are read
    std::size_t files_opened_ = 0;
};

// kernel/config's questions answered from a catalog. The search path is
// worked out from the config file when a question first comes (the file's
// `plugins { path, load }`), or from `config_file` for flags, which are read
// before the file.
class CatalogClaims : public config::PluginClaims {
public:
    CatalogClaims(std::filesystem::path default_dir, std::string config_file);
    bool serves_key(std::string_view key, const config::Value& root, const std::string& config_file) override;
    std::optional<config::PluginFlag> find_flag(std::string_view name) override;
    // The "Plugin Options" section of -h: each installed plugin's flags with their
    // help, or "" when no plugin declares any.
    std::string usage_text();

private:
    PluginCatalog& catalog_for(const config::Value& root, const std::string& config_file);
    // The catalog for questions asked before the config is read (flags, -h).
    PluginCatalog& catalog_before_flags();

    std::filesystem::path default_dir_;
    std::string config_file_;
    std::optional<PluginCatalog> catalog_;
};

}  // namespace nats::plugins
