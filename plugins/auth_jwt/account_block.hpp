#pragma once
// An account JWT as the kernel's account block (the `accounts { X {...} }` form
// that nats_sdk::Accounts::upsert takes): limits, exports, imports and the
// per-account `jetstream` block the jetstream plugin reads.
//
// Private exports (token_req) become exports restricted to the importers that
// hold a valid activation token; imports the server cannot honour (unknown
// exporter, no covering export, bad or revoked activation) are left out, as
// nats-server skips them, and reported.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "plugins/auth_jwt/known_account.hpp"

namespace nats::auth_jwt {

struct AccountBlock {
    nlohmann::json block;
    std::vector<std::string> skipped_imports;  // one reason each, for the log
};

// `all` is every account the plugin knows (the exporters an import names, the
// importers a private export admits). `now_unix` checks activation expiry.
AccountBlock account_block(const KnownAccount& account, const AccountTable& all, std::int64_t now_unix);

// The block with no imports and private exports open to no one: what an account
// gets first, so that others may name it before its imports are linked.
nlohmann::json bare_account_block(const KnownAccount& account);

}  // namespace nats::auth_jwt
