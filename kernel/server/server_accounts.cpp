// Server: account blocks given at run time and the account listener. The
// blocks join the config file's `accounts` section (runtime_accounts.hpp), so
// the same parser checks them and AccountImports links them; they are kept
// across reloads. Lock order: account_config_mutex_ -> accounts_mutex_ (via
// find/get_or_create), AccountImports' own and hooks_mutex_. The listener may
// run with account_config_mutex_ held (accounts created while links are
// rebuilt), so it must not call back into upsert_account or account_block.
#include <algorithm>
#include <utility>

#include <asio/post.hpp>

#include "kernel/accounts/accounts_config.hpp"
#include "kernel/log/logging.hpp"
#include "kernel/server/server.hpp"

namespace nats::server {

accounts::AccountsConfig Server::load_accounts_locked(const config::Options& o,
                                                      std::map<std::string, config::Value>& blocks) const {
    const config::Value root = accounts::with_account_blocks(o.raw, runtime_accounts_);
    auto parsed = accounts::parse_accounts(root, o.config_file);
    blocks = accounts::account_blocks_of(root);
    return parsed;
}

std::string Server::upsert_account(const std::string& name, config::Value block) {
    if (name.empty()) return "the account has no name";
    if (!block.is_map()) return "the account's block must be a map";
    std::unique_lock lock(account_config_mutex_);
    accounts::AccountBlocks next = runtime_accounts_;
    auto it = std::find_if(next.begin(), next.end(), [&](const auto& e) { return e.first == name; });
    if (it != next.end()) it->second = block;
    else next.emplace_back(name, block);
    const auto o = options();
    const config::Value root = accounts::with_account_blocks(o->raw, next);
    accounts::AccountsConfig parsed;
    try {
        parsed = accounts::parse_accounts(root, o->config_file);
    } catch (const config::ConfigError& e) {
        return e.what();
    }
    const bool existed = find_account(name) != nullptr;
    runtime_accounts_ = std::move(next);
    auto before = std::exchange(account_blocks_, accounts::account_blocks_of(root));
    const auto after = account_blocks_;
    // Before start() the links are made there, from these blocks.
    if (imports_) imports_->apply(parsed);
    else get_or_create_account(name);
    lock.unlock();
    if (existed) reapply_account_limits(name);
    report_account_changes(before, after, existed ? std::vector<std::string>{name} : std::vector<std::string>{});
    NMK_DEBUG("Account \"{}\" {} at run time", name, existed ? "updated" : "added");
    return {};
}

void Server::reapply_account_limits(std::string_view account) {
    std::vector<ClientPtr> mine;
    {
        std::lock_guard lock(clients_mutex_);
        for (auto& [id, weak] : clients_) {
            auto c = weak.lock();
            const Account* bound = c ? c->bound_account() : nullptr;
            if (bound && bound->name == account) mine.push_back(std::move(c));
        }
    }
    // Each on its own thread, which owns its parser and subscriptions.
    for (auto& c : mine) {
        asio::post(c->thread().context(), [c] {
            c->reapply_account_limits();
            c->thread().end_batch();
        });
    }
}

std::optional<config::Value> Server::account_block(std::string_view name) const {
    const AccountPtr account = find_account(name);
    if (!account) return std::nullopt;
    std::lock_guard lock(account_config_mutex_);
    auto it = account_blocks_.find(account->name);
    return it == account_blocks_.end() ? config::Value::make_map({}) : it->second;
}

void Server::set_account_listener(AccountListener listener) {
    std::lock_guard lock(hooks_mutex_);
    account_listener_ = listener ? std::make_shared<const AccountListener>(std::move(listener)) : nullptr;
}

void Server::notify_account(const std::string& name, AccountChange change) {
    std::shared_ptr<const AccountListener> listener;
    {
        std::lock_guard lock(hooks_mutex_);
        listener = account_listener_;
    }
    if (listener) (*listener)(name, change);
}

void Server::report_account_changes(const std::map<std::string, config::Value>& before,
                                    const std::map<std::string, config::Value>& after,
                                    const std::vector<std::string>& existed_before) {
    for (const auto& [name, block] : after) {
        auto old = before.find(name);
        if (old != before.end() && old->second == block) continue;
        // A new account was reported as added when it was made; an existing one changed.
        if (std::find(existed_before.begin(), existed_before.end(), name) != existed_before.end())
            notify_account(name, AccountChange::updated);
    }
    for (const auto& [name, block] : before)
        if (!after.contains(name)) notify_account(name, AccountChange::removed);
}

}  // namespace nats::server
