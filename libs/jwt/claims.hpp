#pragma once
// The typed content of the four claim kinds nats-server reads, with nats-io/jwt v2's
// field names. -1 is "no limit"; an absent number reads as 0, as Go decodes it (a
// JWT minted by nats-io/jwt or by mint.hpp writes its -1s). Readers take a decoded
// Token and throw Error when a field has the wrong JSON type.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "libs/jwt/token.hpp"

namespace nats::jwt {

inline constexpr std::int64_t no_limit = -1;

struct Permission {
    std::vector<std::string> allow;
    std::vector<std::string> deny;
};

struct ResponsePermission {
    std::int64_t max = 0;
    std::int64_t ttl_ns = 0;
};

struct Permissions {
    Permission pub;
    Permission sub;
    std::optional<ResponsePermission> resp;
};

struct TimeRange {
    std::string start;  // "HH:MM:SS"
    std::string end;
};

// nats-io/jwt's UserPermissionLimits: what a user JWT (or a scoped signing key's
// template) grants.
struct UserPermissionLimits {
    Permissions permissions;
    std::vector<std::string> src;  // CIDRs, or single addresses
    std::vector<TimeRange> times;
    std::string locale;            // times_location, an IANA zone; empty: local time
    std::int64_t subs = 0;
    std::int64_t data = 0;
    std::int64_t payload = 0;
    bool bearer_token = false;
    std::vector<std::string> allowed_connection_types;
};

struct UserClaims {
    std::string subject;  // the user's public key
    std::string name;
    std::string issuer;          // the account or one of its signing keys
    std::string issuer_account;  // set when a signing key issued it
    std::vector<std::string> tags;
    UserPermissionLimits limits;
};

// An account signing key; `scoped` ones carry the user permissions they impose.
struct SigningKey {
    std::string key;
    bool scoped = false;
    std::string role;
    UserPermissionLimits tmpl;
};

enum class ExportType { stream, service };

struct Export {
    std::string name;
    std::string subject;
    ExportType type = ExportType::stream;
    bool token_req = false;
    std::map<std::string, std::int64_t> revocations;  // importing account (or "*") -> unix time
    std::string response_type = "Singleton";
    std::int64_t response_threshold_ns = 0;
    std::uint32_t account_token_position = 0;
    std::string latency_results;  // service_latency.results, empty when none
    nlohmann::json latency_sampling;
};

struct Import {
    std::string name;
    std::string subject;        // in the exporting account
    std::string account;        // the exporter
    std::string token;          // activation JWT for a private export
    std::string to;             // deprecated form of local_subject
    std::string local_subject;
    ExportType type = ExportType::stream;
    bool share = false;
};

struct AccountLimits {
    std::int64_t subs = 0, data = 0, payload = 0;
    std::int64_t imports = 0, exports = 0;
    bool wildcard_exports = false;
    bool disallow_bearer = false;
    std::int64_t conn = 0, leaf = 0;
    // JetStream (0 disables it, as in nats-io/jwt)
    std::int64_t mem_storage = 0, disk_storage = 0, streams = 0, consumer = 0;
    std::int64_t max_ack_pending = 0, mem_max_stream_bytes = 0, disk_max_stream_bytes = 0;
    bool max_bytes_required = false;
    bool jetstream_enabled() const { return mem_storage != 0 || disk_storage != 0; }
    // nats-io/jwt's OperatorLimits.IsEmpty: every limit at its zero value.
    bool empty() const {
        return !subs && !data && !payload && !imports && !exports && !wildcard_exports && !disallow_bearer && !conn &&
               !leaf && !mem_storage && !disk_storage && !streams && !consumer && !max_ack_pending &&
               !mem_max_stream_bytes && !disk_max_stream_bytes && !max_bytes_required;
    }
};

struct AccountClaims {
    std::string subject;  // the account's public key
    std::string name;
    std::string issuer;   // the operator or one of its signing keys
    std::int64_t expires = 0;
    std::vector<std::string> tags;
    std::vector<Import> imports;
    std::vector<Export> exports;
    AccountLimits limits;
    std::vector<SigningKey> signing_keys;
    std::map<std::string, std::int64_t> revocations;  // user key (or "*") -> unix time
    Permissions default_permissions;
    nlohmann::json mappings;  // passed on as written

    const SigningKey* signing_key(std::string_view key) const;
    // nats-server's checkUserRevoked: revoked when a revocation for the key (or
    // "*") is at or after the JWT's iat.
    bool user_revoked(std::string_view user_key, std::int64_t issued_at) const;
};

struct OperatorClaims {
    std::string subject;  // the operator's public key
    std::string name;
    std::string audience;  // aud
    std::int64_t issued_at = 0;
    std::int64_t expires = 0;
    std::vector<std::string> signing_keys;
    std::string system_account;
    std::string account_server_url;
    bool strict_signing_key_usage = false;

    // The operator's own key or one of its signing keys.
    bool trusts(std::string_view issuer) const;
};

struct ActivationClaims {
    std::string subject;         // the importing account
    std::string issuer;          // the exporter or one of its signing keys
    std::string issuer_account;  // the exporter, when a signing key issued it
    std::string import_subject;
    ExportType kind = ExportType::stream;
    std::int64_t issued_at = 0;
    std::int64_t expires = 0;
};

// Each throws Error when the token is of another type ("not a user claim") or a
// field has the wrong JSON type.
UserClaims read_user(const Token& token);
AccountClaims read_account(const Token& token);
OperatorClaims read_operator(const Token& token);
ActivationClaims read_activation(const Token& token);

UserPermissionLimits read_user_permission_limits(const nlohmann::json& section);
Permissions read_permissions(const nlohmann::json& section);

}  // namespace nats::jwt
