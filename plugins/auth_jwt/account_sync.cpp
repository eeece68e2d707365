#include "plugins/auth_jwt/account_sync.hpp"

#include <vector>

#include <nats_sdk/accounts.hpp>
#include <nats_sdk/error.hpp>

#include "libs/jwt/token.hpp"
#include "plugins/auth_jwt/account_block.hpp"

namespace nats::auth_jwt {

bool AccountSync::try_upsert(const std::string& key, const nlohmann::json& block, std::string* error) {
    const std::string text = block.dump();
    const auto it = applied_.find(key);
    if (it != applied_.end() && it->second == text) return true;
    try {
        nats_sdk::Accounts(host_).upsert(key, block);
        applied_[key] = text;
        std::lock_guard keys_lock(keys_mutex_);
        applied_keys_.insert(key);
        return true;
    } catch (const nats_sdk::Error& e) {
        if (error) *error = e.what();
        return false;
    }
}

void AccountSync::sync() {
    std::lock_guard lock(mutex_);
    const auto accounts = table_.all();
    const std::int64_t now = jwt::now_unix();
    // New accounts first, bare (no imports, private exports closed), so that the
    // blocks of others may name them.
    for (const auto& account : accounts) {
        if (applied_.count(account->key)) continue;
        std::string error;
        if (!try_upsert(account->key, bare_account_block(*account), &error)) {
            host_.error("account {} refused by the server: {}", account->key, error);
        }
    }
    // Then the full blocks. One account's block can depend on another's (an import
    // needs the export to admit it; a narrowed export needs its importers gone
    // first), so what fails is tried again while something else succeeds.
    std::map<std::string, AccountBlock> pending;
    for (const auto& account : accounts) {
        auto block = account_block(*account, table_, now);
        for (const auto& skipped : block.skipped_imports) host_.warn("account {}: {}", account->key, skipped);
        pending.emplace(account->key, std::move(block));
    }
    std::map<std::string, std::string> errors;
    bool progress = true;
    while (!pending.empty() && progress) {
        progress = false;
        for (auto it = pending.begin(); it != pending.end();) {
            std::string error;
            if (try_upsert(it->first, it->second.block, &error)) {
                errors.erase(it->first);
                it = pending.erase(it);
                progress = true;
            } else if (it->second.block.contains("mappings")) {
                // nats-server skips JWT mappings it cannot add and keeps the rest of the
                // account: so do we, with the reason in the log.
                host_.warn("account {}: subject mappings left out: {}", it->first, error);
                it->second.block.erase("mappings");
                progress = true;
            } else {
                errors[it->first] = error;
                ++it;
            }
        }
    }
    for (const auto& [key, error] : errors) host_.error("account {} not updated: {}", key, error);
}

bool AccountSync::applied(const std::string& key) const {
    std::lock_guard lock(keys_mutex_);
    return applied_keys_.count(key) != 0;
}

}  // namespace nats::auth_jwt
