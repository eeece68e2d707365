#pragma once
// A NATS JWT as text: three base64url parts (header, claims, signature) where the
// signature is the issuer NKey's ed25519 signature. Decoding checks what
// nats-io/jwt's Decode checks (header, version, signature, issuer role), with its
// error texts, so the server can log them as nats-server does.
// Thread safety: free functions, no shared state.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "libs/nkeys/nkeys.hpp"

namespace nats::jwt {

// what() is the text nats-io/jwt gives for the same fault ("expected 3 chunks",
// "claim failed V2 signature verification", ...).
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

enum class ClaimType { operator_, account, user, activation, generic };

// "operator", "account", "user", "activation", "generic".
std::string_view to_string(ClaimType type);

// nats-io/jwt's MaxTokenSize.
inline constexpr std::size_t max_token_size = 1024 * 1024;

struct Token {
    int version = 2;            // 1 for v1 tokens (read only: never minted)
    ClaimType type = ClaimType::generic;
    nlohmann::json claims;      // the whole claims object
    std::string id;             // jti
    std::string issuer;         // iss
    std::string subject;        // sub
    std::string name;
    std::int64_t issued_at = 0; // unix seconds; 0 when absent
    std::int64_t expires = 0;
    std::int64_t not_before = 0;

    // The "nats" section (v1 and v2 alike; v1 kept type, tags and issuer_account at
    // the top level). Never null: an empty object when absent.
    const nlohmann::json& nats() const;
};

// Decodes and verifies `token`. Throws Error for a malformed token, a bad header,
// a newer version, a signature that does not verify against `iss`, or an issuer
// of the wrong role for the claim type.
Token decode(std::string_view token);

// Go's json.Unmarshal of `value` into an int64 field named `field`: null is 0, an integer
// in range is itself; a fraction, an out-of-range number or another JSON type throws Error
// ("json: cannot unmarshal ... of type int64"), as Go's decoder does.
std::int64_t read_int64(const nlohmann::json& value, const char* field);

// nats-io/jwt's time validation at `now_unix` seconds: "claim is expired",
// "claim is not yet valid", or nullopt when valid.
std::optional<std::string> time_problem(const Token& token, std::int64_t now_unix);
std::int64_t now_unix();

// Mints a v2 token: sets iss to `issuer`'s public key, iat (now, unless
// `issued_at` is given), jti (nats-io/jwt's hash of the claims) and nats.version 2,
// then signs. `claims` needs "sub" and "nats": {"type": ...}. Throws Error when the
// issuer's role cannot sign that claim type.
std::string encode(nlohmann::json claims, const nkeys::KeyPair& issuer, std::optional<std::int64_t> issued_at = {});

// Raw URL-safe base64 without padding, as JWT parts are written (Go's RawURLEncoding):
// padding and the standard alphabet are refused ("illegal base64 data at input byte N").
std::string decode_part(std::string_view part);
std::string encode_part(std::string_view raw);

}  // namespace nats::jwt
