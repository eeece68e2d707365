#pragma once
// Building claims to mint (with jwt::encode) as nats-io/jwt's constructors do:
// limits written as -1 (no limit), JetStream off. Callers adjust the JSON, then
// sign it with the issuer's key. For tests and tools that create operators,
// accounts and users without nsc.
//
//   auto op = nkeys::KeyPair::generate(nkeys::KeyType::operator_);
//   auto acc = nkeys::KeyPair::generate(nkeys::KeyType::account);
//   std::string account_jwt = jwt::encode(jwt::account_claims("A", acc.public_key()), op);
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace nats::jwt {

nlohmann::json operator_claims(std::string_view name, std::string_view operator_key);
nlohmann::json account_claims(std::string_view name, std::string_view account_key);
nlohmann::json user_claims(std::string_view name, std::string_view user_key);
// An activation for `importer` to import `subject` ("stream" or "service").
nlohmann::json activation_claims(std::string_view importer, std::string_view subject, std::string_view kind);

}  // namespace nats::jwt
