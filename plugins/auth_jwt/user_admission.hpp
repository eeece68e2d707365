#pragma once
// The JWT path of nats-server's processClientOrLeafAuthentication, in two steps:
// read the user JWT a CONNECT presents (no account needed), then admit it against
// its account's JWT. Each refusal carries nats-server's log text ("User JWT not
// valid: ...", "Signature not verified", "Bad src Ip ...").
#include <chrono>
#include <cstdint>
#include <string>
#include <variant>

#include <nats_sdk/auth.hpp>
#include <nlohmann/json.hpp>

#include "libs/jwt/claims.hpp"
#include "plugins/auth_jwt/jwt_settings.hpp"
#include "plugins/auth_jwt/known_account.hpp"

namespace nats::auth_jwt {

struct Refusal {
    std::string reason;
    bool error_level = false;  // nats-server logs it as an error, not a debug line
};

struct PresentedUser {
    jwt::Token token;
    jwt::UserClaims claims;
    std::string account_key;  // issuer_account, else the issuer
};

std::variant<PresentedUser, Refusal> read_presented_user(const nlohmann::json& connect, std::int64_t now_unix);

struct Admission {
    nats_sdk::AuthResult result;
    // When the user's time is up (JWT exp, end of its connect window); 0: never.
    std::int64_t expires_unix = 0;
};

struct ClientFacts {
    std::string_view nonce;
    std::string_view client_ip;
};

std::variant<Admission, Refusal> admit(const PresentedUser& user, const KnownAccount& account,
                                       const Settings& settings, const nlohmann::json& connect,
                                       const ClientFacts& client, std::int64_t now_unix);

}  // namespace nats::auth_jwt
