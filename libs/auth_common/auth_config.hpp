#pragma once
// The users of nats-server's config, read from the JSON every auth plugin gets:
//
//   {"authorization": {token | user+password | users: [..], default_permissions, timeout},
//    "accounts": {NAME: {users: [..], default_permissions}},
//    "no_auth_user": "...", "username": "...", "password": "...", "token": "...",
//    "system_account": "..."}
//
// username/password/token are the simple-auth values from flags (--user, --pass,
// --auth) or the top level; they win over the authorization block's. Every plugin
// reads the whole config, so each refuses a bad one with the same message.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace nats::auth_common {

struct UserRecord {
    std::string name;         // the user name, or the nkey's public key
    bool nkey = false;        // a users entry with "nkey"
    std::string password;     // plain text or a bcrypt hash; empty for nkey users
    std::string account;      // empty: the global account
    // Normalized (permissions.hpp); null when neither the user nor a default sets any.
    nlohmann::json permissions;
    // Upper-case connection types ("STANDARD", "WEBSOCKET", ...); empty: any.
    std::vector<std::string> connection_types;
    std::string origin;       // where it was configured, e.g. "accounts.A.users[1]"

    // Whether a plain NATS client connection may log in as this user.
    bool allows_standard_clients() const;
};

struct AuthConfig {
    std::optional<std::string> token;        // authorization.token or --auth
    std::optional<UserRecord> single_user;   // authorization {user, password} or --user/--pass
    std::vector<UserRecord> users;           // every users entry, password and nkey ones, in config order
    std::string no_auth_user;

    bool has_password_users() const;
    bool has_nkey_users() const;
    // The no_auth_user's record; nullptr when none is set.
    const UserRecord* no_auth_record() const;
};

// Reads and checks the plugin config. Throws ConfigError (config_error.hpp) with
// nats-server's wording prefixed by where the problem is. Does not check that nkeys
// are well formed (auth_nkey does, with the NKeys library).
AuthConfig parse_auth_config(const nlohmann::json& config);

}  // namespace nats::auth_common
