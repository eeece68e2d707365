#pragma once
// Keeps the kernel's accounts in step with the account JWTs the plugin knows:
// after any change, every affected account's block is computed again and given
// to the kernel (nats_sdk::Accounts::upsert) in an order the kernel accepts.
// Runs only on a blocking worker or the start-up thread: upsert must not run on
// an I/O thread. One sync at a time (mutex), so blocks reach the kernel in order.
#include <map>
#include <mutex>
#include <set>
#include <string>

#include <nats_sdk/host.hpp>

#include "plugins/auth_jwt/known_account.hpp"

namespace nats::auth_jwt {

class AccountSync {
public:
    AccountSync(nats_sdk::Host& host, const AccountTable& table) : host_(host), table_(table) {}

    // Brings every known account's block into the kernel. Returns when done.
    void sync();
    // True once `key`'s block has reached the kernel.
    bool applied(const std::string& key) const;

private:
    bool try_upsert(const std::string& key, const nlohmann::json& block, std::string* error);

    nats_sdk::Host& host_;
    const AccountTable& table_;
    std::mutex mutex_;                            // one sync at a time; held long
    std::map<std::string, std::string> applied_;  // account key -> the block text the kernel has
    mutable std::mutex keys_mutex_;               // held briefly: applied() runs on I/O threads
    std::set<std::string, std::less<>> applied_keys_;
};

}  // namespace nats::auth_jwt
