#pragma once
// natscli's configuration contexts: one JSON file per context in
// <config>/nats/context/<name>.json and the selected name in
// <config>/nats/context.txt, where <config> is $XDG_CONFIG_HOME or ~/.config.
// Files written by natscli load here and the other way round; keys this tool
// does not use are kept when a context is saved again.
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nats::cli {

struct context_settings {
    std::string description;
    std::string url;
    std::string user;
    std::string password;
    std::string token;
    std::string creds;
    std::string nkey;
    std::string cert;
    std::string key;
    std::string ca;
    std::string inbox_prefix;
    nlohmann::json extra = nlohmann::json::object();  // every other key, as read
};

class context_store {
public:
    explicit context_store(std::filesystem::path nats_config_dir);
    // The store under $XDG_CONFIG_HOME/nats, else $HOME/.config/nats.
    static context_store from_environment();

    // Known context names, sorted.
    std::vector<std::string> names() const;
    bool exists(const std::string& name) const;
    // The selected context, nullopt when none is (or it no longer exists).
    std::optional<std::string> selected() const;
    // Throws cli_error for an unknown or invalid name.
    void select(const std::string& name) const;
    void unselect() const;
    // Throws cli_error ("unknown context \"x\"") when it does not exist or is not valid JSON.
    context_settings load(const std::string& name) const;
    // Creates the directories as needed; the file is readable by the owner only.
    void save(const std::string& name, const context_settings& settings) const;
    void remove(const std::string& name) const;
    std::filesystem::path path_of(const std::string& name) const;

private:
    std::filesystem::path dir_;
};

// natscli's rule for names: not empty, no path separators, not "." or "..".
bool valid_context_name(const std::string& name);

} // namespace nats::cli
