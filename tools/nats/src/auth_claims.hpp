#pragma once
// What `nats auth` changes in claims before signing them, and the server
// configuration it writes, as pure functions on the claims JSON (libs/jwt's
// field names) so the unit tests check them without a store. A limit value is
// text as given on the command line; a bad one throws cli_error naming the flag.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace nats::cli {

// Account limits by flag name; unset flags leave the claim as it is.
struct account_limit_flags {
    std::optional<std::string> connections, subscriptions, payload, leafnodes, imports, exports, data;
    std::optional<std::string> js_memory, js_disk, js_streams, js_consumers, js_memory_stream, js_disk_stream,
        js_max_pending;
    std::optional<bool> jetstream, js_stream_size_required, bearer;
};
void apply_account_limits(nlohmann::json& claims, const account_limit_flags& flags);

// User settings by flag name; lists add to what the claim holds.
struct user_flags {
    std::vector<std::string> pub_allow, pub_deny, sub_allow, sub_deny;
    std::optional<std::string> payload, subscriptions, data;
    std::optional<bool> bearer;
    std::optional<std::int64_t> expires;  // unix seconds; 0 removes the expiry
};
void apply_user_flags(nlohmann::json& claims, const user_flags& flags);

// A whole number of at least -1 ("-1" or "unlimited": no limit); `flag` names
// the flag in the error.
std::int64_t parse_count_limit(const std::string& flag, const std::string& value);
// A count or natscli's size syntax ("1MB", "512K"), or -1 / "unlimited".
std::int64_t parse_size_limit(const std::string& flag, const std::string& value);

// Revokes every JWT of `user_key` issued at or before `at` (nats-server's rule).
void revoke_user(nlohmann::json& account_claims, const std::string& user_key, std::int64_t at);

// A signing key added to an operator's or account's "signing_keys", once.
void add_signing_key(nlohmann::json& claims, const std::string& public_key);
std::vector<std::string> signing_keys(const nlohmann::json& claims);

struct resolver_account {
    std::string name;
    std::string public_key;
    std::string jwt;
};

// nsc's `generate config --mem-resolver`: the operator JWT inline, the system
// account, resolver MEMORY and every account JWT preloaded, sorted by key.
std::string mem_resolver_config(const std::string& operator_name, const std::string& operator_jwt,
                                const std::string& system_account, std::vector<resolver_account> accounts);
// nsc's `--nats-resolver`: a full resolver keeping JWTs in `dir`, the system
// account preloaded (the others are pushed with `nats auth account push`).
std::string full_resolver_config(const std::string& operator_name, const std::string& operator_jwt,
                                 const resolver_account& system_account, const std::string& dir);

// "unlimited" for -1, else the number; sizes in bytes as go-humanize writes them.
std::string limit_text(const nlohmann::json& value, bool bytes = false);

} // namespace nats::cli
