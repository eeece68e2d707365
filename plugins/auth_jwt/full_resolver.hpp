#pragma once
// nats-server's `full` account resolver (DirAccResolver) on a single server: account
// JWTs live in a directory (jwt_dir_store.*), are all known from start-up, and change
// through requests in the system account, answered as nats-server 2.9.10 does:
//   $SYS.REQ.ACCOUNT.<key>.CLAIMS.UPDATE, $SYS.ACCOUNT.<key>.CLAIMS.UPDATE (older),
//   $SYS.REQ.CLAIMS.UPDATE (the key from the JWT): store and apply; any account, new
//     ones too; {"data":{"account","code":200,"message":"jwt updated"},"server":{..}}.
//   $SYS.REQ.ACCOUNT.<key>.CLAIMS.LOOKUP: the JWT text (no answer when unknown).
//   $SYS.REQ.CLAIMS.LIST: {"data":[keys...],"server":{..}}.
//   $SYS.REQ.CLAIMS.DELETE (allow_delete only): an operator-signed generic JWT listing
//     "accounts"; each file renamed to .deleted, its clients closed.
//   $SYS.REQ.CLAIMS.PACK (queue "responder"): "<key>|<jwt>" messages then an empty one,
//     or just the empty one when the asker's hash (the payload) equals ours.
// An update is on disk (fsynced) before it is answered and before the kernel gets it.
// An account not in the directory is asked for on $SYS.REQ.ACCOUNT.<key>.CLAIMS.LOOKUP
// (fetch(): whoever answers in the system account, e.g. an account server) and kept.
//
// The `cache` resolver (CacheDirAccResolver) is the same class in cache mode: updates
// only for accounts already known ("jwt updated cache", "jwt update cache skipped"), no
// LOOKUP or PACK answers, deletes remove the file, the least recently used JWT makes
// room past `limit` (default 1000).
// Threads: subscription callbacks copy the message and hand it to a blocking worker.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nats_sdk/messaging.hpp>
#include <nats_sdk/subscription.hpp>

#include "plugins/auth_jwt/account_sync.hpp"
#include "plugins/auth_jwt/claims_update.hpp"
#include "plugins/auth_jwt/jwt_dir_store.hpp"
#include "plugins/auth_jwt/known_account.hpp"
#include "plugins/auth_jwt/task_gate.hpp"

namespace nats::auth_jwt {

class FullResolver {
public:
    using SettingsSource = std::function<std::shared_ptr<const Settings>()>;
    using AccountEvent = std::function<void(const std::string& key, const KnownAccount* account)>;
    // `changed(key, account)` after an account was updated (account set) or deleted (null),
    // once the kernel has the change.
    FullResolver(nats_sdk::Host& host, AccountTable& table, AccountSync& sync, SettingsSource settings,
                 AccountEvent changed);

    // Reads the directory into the account table (before the first sync). Throws
    // nats_sdk::ConfigError naming `resolver` when the directory cannot be used.
    void open(const Settings& settings);
    // Subscribes in the system account.
    void start(const std::string& system_account);
    void stop();
    // On a blocking worker: asks the system account for the account's JWT, verifies and
    // keeps it. Throws std::runtime_error ("fetching jwt timed out", the verification's).
    std::shared_ptr<const KnownAccount> fetch(const std::string& key, const Settings& settings);

private:
    void on_update(const std::string& key_in_subject, const std::string& reply, const std::string& payload);
    void on_lookup(const std::string& subject, const std::string& reply);
    void on_list(const std::string& reply);
    void on_delete(const std::string& reply, const std::string& payload);
    void on_pack(const std::string& reply, const std::string& their_hash);
    void answer(const std::string& reply, const UpdateOutcome& outcome);
    void reply_raw(const std::string& reply, std::string body);
    // Runs `task` on a blocking worker, inside the gate.
    void later(std::function<void()> task);
    void expire_files();

    nats_sdk::Host& host_;
    AccountTable& table_;
    AccountSync& sync_;
    SettingsSource settings_;
    AccountEvent changed_;
    // "jwt updated" / "jwt updated cache" and the like: the cache says "cache".
    std::string text(const std::string& full_text, const std::string& cache_text) const {
        return cache_ ? cache_text : full_text;
    }

    bool cache_ = false;
    std::unique_ptr<JwtDirStore> store_;
    std::optional<nats_sdk::Messaging> messaging_;
    nats_sdk::AccountHandle system_{};
    std::string system_key_;
    std::vector<nats_sdk::Subscription> subscriptions_;
    std::optional<nats_sdk::Timer> expiry_timer_;
    std::atomic<std::uint64_t> seq_{0};
    std::atomic<std::uint64_t> lookups_{0};
    TaskGate gate_;
};

}  // namespace nats::auth_jwt
