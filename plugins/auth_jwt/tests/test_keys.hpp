#pragma once
// An operator, an account and a user minted for the plugin's unit tests.
#include <string>

#include "libs/jwt/claims.hpp"
#include "libs/jwt/mint.hpp"
#include "libs/jwt/token.hpp"
#include "plugins/auth_jwt/jwt_settings.hpp"
#include "plugins/auth_jwt/known_account.hpp"

namespace nats::auth_jwt::testing {

using nkeys::KeyPair;
using nkeys::KeyType;

struct World {
    KeyPair op = KeyPair::generate(KeyType::operator_);
    KeyPair account = KeyPair::generate(KeyType::account);
    KeyPair user = KeyPair::generate(KeyType::user);
    Settings settings;

    World() { settings.trusted_keys = {op.public_key()}; }

    std::shared_ptr<const KnownAccount> account_with(const std::function<void(nlohmann::json&)>& edit = {},
                                                     const KeyPair* key = nullptr) const {
        const KeyPair& k = key ? *key : account;
        auto claims = jwt::account_claims("ACC", k.public_key());
        if (edit) edit(claims);
        return verify_account(jwt::encode(claims, op), settings, k.public_key());
    }
    std::string user_jwt(const std::function<void(nlohmann::json&)>& edit = {}, const KeyPair* signer = nullptr) const {
        auto claims = jwt::user_claims("bob", user.public_key());
        if (edit) edit(claims);
        return jwt::encode(claims, signer ? *signer : account);
    }
};

}  // namespace nats::auth_jwt::testing
