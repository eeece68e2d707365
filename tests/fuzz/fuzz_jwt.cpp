// NATS JWTs (libs/jwt): the token decoder and the claims readers.
//
// Byte 0 chooses the mode:
//  - even: the rest is a token as a client or a resolver hands it over. decode() either
//    returns a verified Token or throws jwt::Error; nothing else may escape (the auth
//    plugin catches jwt::Error only).
//  - odd: the rest is a claims object. Random bytes would almost never pass the
//    signature check, so the target signs them itself (operator and account keys made
//    from fixed seeds), decodes the result and runs the reader of its claim type: every
//    field of the wrong JSON type must come back as jwt::Error, never as another
//    exception or a crash, and a decoded token must keep the claims it was signed with.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "libs/jwt/claims.hpp"
#include "libs/jwt/token.hpp"

namespace {

using nats::jwt::ClaimType;
using nats::nkeys::KeyPair;
using nats::nkeys::KeyType;

const KeyPair& operator_key() {
    static const KeyPair key = KeyPair::from_raw_seed(KeyType::operator_, std::string(32, '\x01'));
    return key;
}
const KeyPair& account_key() {
    static const KeyPair key = KeyPair::from_raw_seed(KeyType::account, std::string(32, '\x02'));
    return key;
}

void read_by_type(const nats::jwt::Token& token) {
    switch (token.type) {
        case ClaimType::user: (void)nats::jwt::read_user(token); break;
        case ClaimType::account: (void)nats::jwt::read_account(token); break;
        case ClaimType::operator_: (void)nats::jwt::read_operator(token); break;
        case ClaimType::activation: (void)nats::jwt::read_activation(token); break;
        case ClaimType::generic: break;
    }
    (void)nats::jwt::time_problem(token, 1'700'000'000);
}

void decode_token(std::string_view text) {
    try {
        read_by_type(nats::jwt::decode(text));
    } catch (const nats::jwt::Error&) {
    }
}

void sign_and_read(std::string_view text) {
    auto claims = nlohmann::json::parse(text, nullptr, false);
    if (claims.is_discarded() || !claims.is_object()) return;
    // Users and activations are signed by an account, the rest by the operator; the
    // wrong pair would only be refused by encode().
    const auto* nats = claims.contains("nats") && claims["nats"].is_object() ? &claims["nats"] : nullptr;
    const bool by_account = nats != nullptr && nats->contains("type") && (*nats)["type"].is_string() &&
                            ((*nats)["type"] == "user" || (*nats)["type"] == "activation");
    std::string token;
    try {
        token = nats::jwt::encode(claims, by_account ? account_key() : operator_key(), 1'600'000'000);
    } catch (const nats::jwt::Error&) {
        return;  // no sub, no type, a type that issuer cannot sign
    } catch (const nlohmann::json::exception&) {
        return;  // encode() sets fields in the caller's object: "sub" of the wrong type etc.
    }
    nats::jwt::Token decoded;
    try {
        decoded = nats::jwt::decode(token);
    } catch (const nats::jwt::Error&) {
        return;  // e.g. a "version" above 2 inside "nats"
    }
    if (decoded.claims.value("sub", nlohmann::json()) != claims.value("sub", nlohmann::json())) std::abort();
    try {
        read_by_type(decoded);
    } catch (const nats::jwt::Error&) {
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
    if (data[0] % 2 == 0)
        decode_token(rest);
    else
        sign_and_read(rest);
    return 0;
}
