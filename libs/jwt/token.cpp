#include "libs/jwt/token.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <limits>
#include <vector>

#include "libs/nkeys/key_text.hpp"

namespace nats::jwt {

namespace {

constexpr std::string_view algorithm_v1 = "ed25519";
constexpr std::string_view algorithm_v2 = "ed25519-nkey";

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

// Go's %q for the plain strings a header holds.
std::string quote_text(std::string_view text) { return nlohmann::json(std::string(text)).dump(); }

nlohmann::json parse_json(const std::string& text) {
    auto parsed = nlohmann::json::parse(text, nullptr, false);
    if (parsed.is_discarded()) throw Error("invalid character in JSON");
    if (!parsed.is_object()) throw Error("json: cannot unmarshal " + std::string(parsed.type_name()) + " into Go value");
    return parsed;
}

std::string string_field(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::int64_t int_field(const nlohmann::json& object, const char* key) {
    const auto it = object.find(key);
    return it == object.end() ? 0 : read_int64(*it, key);
}

// nats-io/jwt's header check: typ "JWT" (any case), alg ed25519 or ed25519-nkey.
void check_header(std::string_view part) {
    const nlohmann::json header = parse_json(decode_part(part));
    const std::string type = string_field(header, "typ");
    if (upper(type) != "JWT") throw Error("not supported type " + quote_text(type));
    const std::string alg = string_field(header, "alg");
    const std::string alg_lower = lower(alg);
    if (alg_lower != algorithm_v1 && alg_lower != algorithm_v2) throw Error("unexpected " + quote_text(alg) + " algorithm");
}

ClaimType type_named(std::string_view name) {
    if (name == "operator") return ClaimType::operator_;
    if (name == "account") return ClaimType::account;
    if (name == "user") return ClaimType::user;
    if (name == "activation") return ClaimType::activation;
    if (name == "cluster") throw Error("ClusterClaims are not supported");
    if (name == "server") throw Error("ServerClaims are not supported");
    return ClaimType::generic;
}

// The roles that may issue each claim type (nats-io/jwt's ExpectedPrefixes).
bool issuer_fits(ClaimType type, std::string_view issuer) {
    using nkeys::KeyType;
    const auto role = nkeys::public_key_type(issuer);
    switch (type) {
        case ClaimType::operator_:
        case ClaimType::account: return role == KeyType::operator_;
        case ClaimType::user:
        case ClaimType::activation: return role == KeyType::account;
        case ClaimType::generic: return true;
    }
    return false;
}

std::string_view expected_prefixes(ClaimType type) {
    switch (type) {
        case ClaimType::operator_:
        case ClaimType::account: return "[O]";
        default: return "[A]";
    }
}

// nats-io/jwt's jti: SHA-512/256 of the standard claims (jti empty), base32 without padding.
std::string claims_hash(const nlohmann::json& claims) {
    nlohmann::ordered_json standard = nlohmann::ordered_json::object();
    for (const char* key : {"aud", "exp", "iat", "iss", "name", "nbf", "sub"}) {
        const auto it = claims.find(key);
        if (it == claims.end()) continue;
        if ((it->is_string() && it->get_ref<const std::string&>().empty()) || (it->is_number() && *it == 0)) continue;
        standard[key] = *it;
    }
    const std::string text = standard.dump();
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha512_256(), nullptr) != 1) {
        throw Error("sha512/256 is not available");
    }
    return nkeys::base32_encode(std::string_view(reinterpret_cast<const char*>(digest), length));
}

}  // namespace

std::string_view to_string(ClaimType type) {
    switch (type) {
        case ClaimType::operator_: return "operator";
        case ClaimType::account: return "account";
        case ClaimType::user: return "user";
        case ClaimType::activation: return "activation";
        case ClaimType::generic: return "generic";
    }
    return "generic";
}

const nlohmann::json& Token::nats() const {
    static const nlohmann::json empty = nlohmann::json::object();
    const auto it = claims.find("nats");
    return it != claims.end() && it->is_object() ? *it : empty;
}

std::string decode_part(std::string_view part) {
    if (sodium_init() < 0) throw Error("libsodium failed to initialise");
    std::string out(part.size(), '\0');
    std::size_t length = 0;
    const char* end = nullptr;
    if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), part.data(), part.size(), nullptr,
                          &length, &end, sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
        end != part.data() + part.size()) {
        const std::size_t at = end ? static_cast<std::size_t>(end - part.data()) : 0;
        throw Error("illegal base64 data at input byte " + std::to_string(at));
    }
    out.resize(length);
    return out;
}

std::string encode_part(std::string_view raw) { return nkeys::base64url_encode(raw); }

std::int64_t read_int64(const nlohmann::json& value, const char* field) {
    if (value.is_null()) return 0;
    if (value.is_number_integer()) {
        // nlohmann keeps a non-negative integer as unsigned: above int64's range Go refuses it.
        if (value.is_number_unsigned() && value.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<std::int64_t>::max()))
            throw Error("json: cannot unmarshal number " + value.dump() + " into Go struct field " + field +
                        " of type int64");
        return value.get<std::int64_t>();
    }
    // A fraction, an exponent form or a number too large for a double's integer: Go's
    // decoder refuses them for an int64 (converting such a double here would be undefined).
    if (value.is_number())
        throw Error("json: cannot unmarshal number " + value.dump() + " into Go struct field " + field + " of type int64");
    throw Error(std::string("json: cannot unmarshal ") + value.type_name() + " into Go struct field " + field +
                " of type int64");
}

Token decode(std::string_view text) {
    if (text.size() > max_token_size) {
        throw Error("token size " + std::to_string(text.size()) + " exceeds maximum of " +
                    std::to_string(max_token_size) + " bytes: token too large");
    }
    const auto first = text.find('.');
    const auto second = first == std::string_view::npos ? first : text.find('.', first + 1);
    if (second == std::string_view::npos || text.find('.', second + 1) != std::string_view::npos) {
        throw Error("expected 3 chunks");
    }
    const std::string_view header_part = text.substr(0, first);
    const std::string_view claims_part = text.substr(first + 1, second - first - 1);
    const std::string_view signature_part = text.substr(second + 1);
    check_header(header_part);

    Token token;
    token.claims = parse_json(decode_part(claims_part));
    // v1 tokens carry "type" at the top; v2 carry nats.type and nats.version.
    std::string type_name = string_field(token.claims, "type");
    if (!type_name.empty()) {
        token.version = 1;
    } else {
        const auto nats = token.claims.find("nats");
        if (nats != token.claims.end() && nats->is_object()) {
            type_name = string_field(*nats, "type");
            token.version = static_cast<int>(int_field(*nats, "version"));
        } else {
            token.version = 0;
        }
    }
    if (token.version > 2) throw Error("JWT was generated by a newer version ");
    token.type = type_named(type_name);
    token.id = string_field(token.claims, "jti");
    token.issuer = string_field(token.claims, "iss");
    token.subject = string_field(token.claims, "sub");
    token.name = string_field(token.claims, "name");
    token.issued_at = int_field(token.claims, "iat");
    token.expires = int_field(token.claims, "exp");
    token.not_before = int_field(token.claims, "nbf");

    const std::string signature = decode_part(signature_part);
    // v1 signed the claims part alone; v2 signs "header.claims".
    const std::string_view signed_text = token.version <= 1 ? claims_part : text.substr(0, second);
    if (!nkeys::verify(token.issuer, signed_text, signature)) {
        throw Error(token.version <= 1 ? "claim failed V1 signature verification"
                                       : "claim failed V2 signature verification");
    }
    if (token.type != ClaimType::generic && !issuer_fits(token.type, token.issuer)) {
        throw Error("unable to validate expected prefixes - " + std::string(expected_prefixes(token.type)));
    }
    return token;
}

std::int64_t now_unix() {
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::optional<std::string> time_problem(const Token& token, std::int64_t now) {
    if (token.expires > 0 && now > token.expires) return "claim is expired";
    if (token.not_before > 0 && token.not_before > now) return "claim is not yet valid";
    return std::nullopt;
}

std::string encode(nlohmann::json claims, const nkeys::KeyPair& issuer, std::optional<std::int64_t> issued_at) {
    if (!claims.is_object()) throw Error("claims must be an object");
    if (string_field(claims, "sub").empty()) throw Error("subject is not set");
    auto& nats = claims["nats"];
    if (!nats.is_object()) throw Error("nats section is not set");
    const ClaimType type = type_named(string_field(nats, "type"));
    const std::string issuer_key = issuer.public_key();
    if (type != ClaimType::generic && !issuer_fits(type, issuer_key)) {
        throw Error("unable to validate expected prefixes - " + std::string(expected_prefixes(type)));
    }
    claims["iss"] = issuer_key;
    claims["iat"] = issued_at.value_or(now_unix());
    claims.erase("jti");
    claims["jti"] = claims_hash(claims);
    nats["version"] = 2;
    const std::string header = encode_part(R"({"typ":"JWT","alg":"ed25519-nkey"})");
    const std::string signing_input = header + "." + encode_part(claims.dump());
    return signing_input + "." + encode_part(issuer.sign(signing_input));
}

}  // namespace nats::jwt
