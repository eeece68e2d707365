#include "kernel/accounts/runtime_accounts.hpp"

#include <algorithm>
#include <cctype>

namespace nats::accounts {

namespace {

bool is_accounts_key(std::string_view key) {
    constexpr std::string_view want = "accounts";
    return key.size() == want.size() && std::equal(key.begin(), key.end(), want.begin(), [](char a, char b) {
               return std::tolower(static_cast<unsigned char>(a)) == b;
           });
}

// The file's section as name -> block, in file order; later keys override earlier ones.
config::Map section_entries(const config::Value* section) {
    config::Map entries;
    if (!section) return entries;
    auto put = [&](const std::string& name, config::Value block) {
        auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.first == name; });
        if (it != entries.end()) it->second = std::move(block);
        else entries.emplace_back(name, std::move(block));
    };
    if (section->is_array()) {
        for (const auto& item : section->as_array())
            if (item.is_string()) put(item.as_string(), config::Value::make_map({}, item.location()));
    } else if (section->is_map()) {
        for (const auto& [name, block] : section->as_map())
            if (!block.used_as_variable()) put(name, block);
    }
    return entries;
}

}  // namespace

config::Value with_account_blocks(const config::Value& raw, const AccountBlocks& blocks) {
    if (blocks.empty() || !raw.is_map()) return raw;
    const config::Value* section = raw.find("accounts");
    if (section && !section->is_map() && !section->is_array()) return raw;  // let the parser report it
    config::Map entries = section_entries(section);
    for (const auto& [name, block] : blocks) {
        auto it = std::find_if(entries.begin(), entries.end(), [&](const auto& e) { return e.first == name; });
        if (it != entries.end()) it->second = block;
        else entries.emplace_back(name, block);
    }
    config::Map root;
    for (const auto& [key, value] : raw.as_map())
        if (!is_accounts_key(key)) root.emplace_back(key, value);
    root.emplace_back("accounts", config::Value::make_map(std::move(entries), section ? section->location() : config::Location{}));
    return config::Value::make_map(std::move(root), raw.location());
}

std::map<std::string, config::Value> account_blocks_of(const config::Value& root) {
    std::map<std::string, config::Value> out;
    for (auto& [name, block] : section_entries(root.is_map() ? root.find("accounts") : nullptr))
        out[name] = std::move(block);
    return out;
}

}  // namespace nats::accounts
