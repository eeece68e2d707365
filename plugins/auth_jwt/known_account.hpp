#pragma once
// An account JWT the plugin has accepted, and the table of them. Account JWTs
// arrive from resolver_preload, a resolver fetch, or a push on $SYS; each is
// verified against the trusted operator keys before it is kept.
// Thread safety: AccountTable is read from I/O threads (decide) and written from
// blocking workers; entries are immutable and shared.
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "libs/jwt/claims.hpp"
#include "plugins/auth_jwt/jwt_settings.hpp"

namespace nats::auth_jwt {

struct KnownAccount {
    std::string key;    // the account's public key, also its name in the server
    std::string text;   // the JWT as received
    jwt::Token token;
    jwt::AccountClaims claims;
};

// Decodes and checks an account JWT for `expected_key` (empty: any): type,
// subject, issuer among the trusted keys. Throws jwt::Error with the reason
// ("not an account claim", "account JWT not signed by trusted operator", ...).
std::shared_ptr<const KnownAccount> verify_account(const std::string& text, const Settings& settings,
                                                   std::string_view expected_key = {});

// nats-io/jwt's Account.Validate limit checks, in its words: more imports or
// exports than the account's limits allow, or a wildcard export the operator
// did not allow (`limits.wildcards`), makes the JWT invalid. Empty: none.
std::vector<std::string> account_limit_errors(const jwt::AccountClaims& claims);

class AccountTable {
public:
    std::shared_ptr<const KnownAccount> find(std::string_view key) const;
    // The previous entry, if any.
    std::shared_ptr<const KnownAccount> put(std::shared_ptr<const KnownAccount> account);
    std::shared_ptr<const KnownAccount> remove(std::string_view key);
    std::vector<std::shared_ptr<const KnownAccount>> all() const;

private:
    mutable std::shared_mutex mutex_;
    std::map<std::string, std::shared_ptr<const KnownAccount>, std::less<>> accounts_;
};

}  // namespace nats::auth_jwt
