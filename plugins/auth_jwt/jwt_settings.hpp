#pragma once
// The auth_jwt plugin's config, read from the nats-server keys it serves:
// operator/operators (JWT files or inline JWTs), trusted/trusted_keys,
// system_account, resolver (MEMORY, URL(...), or a {type: full|cache, dir, ...}
// block) and resolver_preload. Every refusal is a nats_sdk::ConfigError naming
// `config key '<key>'` (so the kernel prints its file:line:col) in nats-server's
// words (opts.go and validateTrustedOperators).
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libs/jwt/claims.hpp"

namespace nats::auth_jwt {

// resolver_tls: how the URL resolver talks to an https account server. Stricter than
// nats-server 2.9.10 in one place: there `ca_file` goes to a server-side field and the
// resolver only trusts the system's roots; here it is the trust anchor (without it, the
// system's roots), so a private CA works without `insecure`.
struct ResolverTls {
    std::string cert_file, key_file;  // a client certificate, when both are set
    std::string ca_file;
    bool insecure = false;            // no verification of the server's certificate at all
};

struct ResolverSettings {
    enum class Kind { none, memory, url, full, cache };
    Kind kind = Kind::none;
    std::string url;               // URL(...): account JWTs are fetched from url + <account key>
    std::string dir;               // full/cache
    bool allow_delete = false;
    std::chrono::milliseconds interval{std::chrono::minutes(2)};
    std::int64_t limit = 1000;
    std::chrono::milliseconds ttl{0};
    std::chrono::milliseconds timeout{std::chrono::seconds(2)};
    ResolverTls tls;
};

struct Settings {
    std::vector<jwt::OperatorClaims> operators;
    std::vector<std::string> trusted_keys;  // operator keys whose signatures are trusted
    std::string system_account;             // account public key, may be empty
    ResolverSettings resolver;
    std::map<std::string, std::string> preload;  // account key -> account JWT

    bool trusts(std::string_view issuer) const;
};

// Throws nats_sdk::ConfigError.
Settings read_settings(const nlohmann::json& config);

}  // namespace nats::auth_jwt
