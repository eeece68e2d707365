#include "libs/jwt/claims.hpp"

#include <algorithm>

namespace nats::jwt {

namespace {

using nlohmann::json;

const json& member(const json& object, const char* key) {
    static const json null;
    if (!object.is_object()) return null;
    const auto it = object.find(key);
    return it == object.end() ? null : *it;
}

std::string wrong_type(const char* key, const json& value, const char* wanted) {
    return std::string("json: cannot unmarshal ") + value.type_name() + " into field " + key + " of type " + wanted;
}

std::string text(const json& object, const char* key) {
    const json& value = member(object, key);
    if (value.is_null()) return {};
    if (!value.is_string()) throw Error(wrong_type(key, value, "string"));
    return value.get<std::string>();
}

std::int64_t number(const json& object, const char* key, std::int64_t fallback) {
    const json& value = member(object, key);
    if (value.is_null()) return fallback;
    if (!value.is_number()) throw Error(wrong_type(key, value, "int64"));
    return read_int64(value, key);
}

bool flag(const json& object, const char* key) {
    const json& value = member(object, key);
    if (value.is_null()) return false;
    if (!value.is_boolean()) throw Error(wrong_type(key, value, "bool"));
    return value.get<bool>();
}

std::vector<std::string> strings(const json& object, const char* key) {
    const json& value = member(object, key);
    std::vector<std::string> out;
    if (value.is_null()) return out;
    if (!value.is_array()) throw Error(wrong_type(key, value, "[]string"));
    for (const auto& item : value) {
        if (!item.is_string()) throw Error(wrong_type(key, item, "string"));
        out.push_back(item.get<std::string>());
    }
    return out;
}

std::map<std::string, std::int64_t> revocation_list(const json& object, const char* key) {
    const json& value = member(object, key);
    std::map<std::string, std::int64_t> out;
    if (value.is_null()) return out;
    if (!value.is_object()) throw Error(wrong_type(key, value, "RevocationList"));
    for (auto it = value.begin(); it != value.end(); ++it) {
        if (!it->is_number()) throw Error(wrong_type(key, *it, "int64"));
        out[it.key()] = read_int64(*it, key);
    }
    return out;
}

// Limits are written with omitempty and read as Go reads them: an absent number is
// 0 (which nats-server enforces as "none allowed"); nats-io/jwt's constructors, and
// this library's minting helpers, write -1 (no limit) explicitly.
Permission read_permission(const json& value) {
    return Permission{strings(value, "allow"), strings(value, "deny")};
}

ExportType export_type(const json& object, const char* key) {
    const json& value = member(object, key);
    if (value.is_string() && value.get<std::string>() == "service") return ExportType::service;
    if (value.is_number_integer() && value.get<std::int64_t>() == 2) return ExportType::service;  // the enum's number
    return ExportType::stream;
}

void expect(const Token& token, ClaimType type) {
    if (token.type != type) throw Error("not " + std::string(type == ClaimType::account ? "an " : "a ") +
                                        std::string(to_string(type)) + " claim");
}

std::vector<std::string> tags_of(const Token& token) {
    auto tags = strings(token.nats(), "tags");
    if (tags.empty() && token.version < 2) tags = strings(token.claims, "tags");
    return tags;
}

}  // namespace

Permissions read_permissions(const json& section) {
    Permissions out;
    out.pub = read_permission(member(section, "pub"));
    out.sub = read_permission(member(section, "sub"));
    const json& resp = member(section, "resp");
    if (resp.is_object()) out.resp = ResponsePermission{number(resp, "max", 0), number(resp, "ttl", 0)};
    return out;
}

UserPermissionLimits read_user_permission_limits(const json& section) {
    UserPermissionLimits out;
    out.permissions = read_permissions(section);
    // src is a comma-separated string in v2 (CIDRList), a list in some writers.
    const json& src = member(section, "src");
    if (src.is_string()) {
        std::string all = src.get<std::string>();
        std::size_t start = 0;
        while (start <= all.size()) {
            auto end = all.find(',', start);
            if (end == std::string::npos) end = all.size();
            std::string item = all.substr(start, end - start);
            item.erase(0, item.find_first_not_of(' '));
            item.erase(item.find_last_not_of(' ') + 1);
            if (!item.empty()) out.src.push_back(item);
            start = end + 1;
        }
    } else {
        out.src = strings(section, "src");
    }
    const json& times = member(section, "times");
    if (times.is_array()) {
        for (const auto& range : times) out.times.push_back(TimeRange{text(range, "start"), text(range, "end")});
    }
    out.locale = text(section, "times_location");
    out.subs = number(section, "subs", 0);
    out.data = number(section, "data", 0);
    out.payload = number(section, "payload", 0);
    out.bearer_token = flag(section, "bearer_token");
    out.allowed_connection_types = strings(section, "allowed_connection_types");
    return out;
}

UserClaims read_user(const Token& token) {
    expect(token, ClaimType::user);
    UserClaims out;
    out.subject = token.subject;
    out.name = token.name;
    out.issuer = token.issuer;
    out.issuer_account = text(token.nats(), "issuer_account");
    if (out.issuer_account.empty() && token.version < 2) out.issuer_account = text(token.claims, "issuer_account");
    out.tags = tags_of(token);
    out.limits = read_user_permission_limits(token.nats());
    return out;
}

AccountClaims read_account(const Token& token) {
    expect(token, ClaimType::account);
    const json& nats = token.nats();
    AccountClaims out;
    out.subject = token.subject;
    out.name = token.name;
    out.issuer = token.issuer;
    out.expires = token.expires;
    out.tags = tags_of(token);
    if (const json& imports = member(nats, "imports"); imports.is_array()) {
        for (const auto& item : imports) {
            Import import;
            import.name = text(item, "name");
            import.subject = text(item, "subject");
            import.account = text(item, "account");
            import.token = text(item, "token");
            import.to = text(item, "to");
            import.local_subject = text(item, "local_subject");
            import.type = export_type(item, "type");
            import.share = flag(item, "share");
            out.imports.push_back(std::move(import));
        }
    }
    if (const json& exports = member(nats, "exports"); exports.is_array()) {
        for (const auto& item : exports) {
            Export e;
            e.name = text(item, "name");
            e.subject = text(item, "subject");
            e.type = export_type(item, "type");
            e.token_req = flag(item, "token_req");
            e.revocations = revocation_list(item, "revocations");
            if (auto type = text(item, "response_type"); !type.empty()) e.response_type = type;
            e.response_threshold_ns = number(item, "response_threshold", 0);
            e.account_token_position = static_cast<std::uint32_t>(number(item, "account_token_position", 0));
            if (const json& latency = member(item, "service_latency"); latency.is_object()) {
                e.latency_results = text(latency, "results");
                e.latency_sampling = member(latency, "sampling");
                // nats-io/jwt's SamplingRate: "headers" or a whole percentage.
                if (e.latency_sampling.is_number()) (void)read_int64(e.latency_sampling, "sampling");
            }
            out.exports.push_back(std::move(e));
        }
    }
    const json& limits = member(nats, "limits");
    AccountLimits& l = out.limits;
    l.subs = number(limits, "subs", 0);
    l.data = number(limits, "data", 0);
    l.payload = number(limits, "payload", 0);
    l.imports = number(limits, "imports", 0);
    l.exports = number(limits, "exports", 0);
    l.wildcard_exports = flag(limits, "wildcards");
    l.disallow_bearer = flag(limits, "disallow_bearer");
    l.conn = number(limits, "conn", 0);
    l.leaf = number(limits, "leaf", 0);
    l.mem_storage = number(limits, "mem_storage", 0);
    l.disk_storage = number(limits, "disk_storage", 0);
    l.streams = number(limits, "streams", 0);
    l.consumer = number(limits, "consumer", 0);
    l.max_ack_pending = number(limits, "max_ack_pending", 0);
    l.mem_max_stream_bytes = number(limits, "mem_max_stream_bytes", 0);
    l.disk_max_stream_bytes = number(limits, "disk_max_stream_bytes", 0);
    l.max_bytes_required = flag(limits, "max_bytes_required");
    if (const json& keys = member(nats, "signing_keys"); keys.is_array()) {
        for (const auto& item : keys) {
            SigningKey key;
            if (item.is_string()) {
                key.key = item.get<std::string>();
            } else if (item.is_object()) {
                key.key = text(item, "key");
                key.scoped = text(item, "kind") == "user_scope";
                key.role = text(item, "role");
                key.tmpl = read_user_permission_limits(member(item, "template"));
            } else {
                throw Error(wrong_type("signing_keys", item, "SigningKeys"));
            }
            out.signing_keys.push_back(std::move(key));
        }
    }
    out.revocations = revocation_list(nats, "revocations");
    out.default_permissions = read_permissions(member(nats, "default_permissions"));
    out.mappings = member(nats, "mappings");
    return out;
}

OperatorClaims read_operator(const Token& token) {
    expect(token, ClaimType::operator_);
    const json& nats = token.nats();
    OperatorClaims out;
    out.subject = token.subject;
    out.name = token.name;
    out.audience = text(token.claims, "aud");
    out.issued_at = token.issued_at;
    out.expires = token.expires;
    out.signing_keys = strings(nats, "signing_keys");
    out.system_account = text(nats, "system_account");
    out.account_server_url = text(nats, "account_server_url");
    out.strict_signing_key_usage = flag(nats, "strict_signing_key_usage");
    return out;
}

ActivationClaims read_activation(const Token& token) {
    expect(token, ClaimType::activation);
    const json& nats = token.nats();
    ActivationClaims out;
    out.subject = token.subject;
    out.issuer = token.issuer;
    out.issuer_account = text(nats, "issuer_account");
    out.import_subject = text(nats, "subject");
    out.kind = export_type(nats, "kind");
    out.issued_at = token.issued_at;
    out.expires = token.expires;
    return out;
}

const SigningKey* AccountClaims::signing_key(std::string_view key) const {
    for (const auto& k : signing_keys)
        if (k.key == key) return &k;
    return nullptr;
}

bool AccountClaims::user_revoked(std::string_view user_key, std::int64_t issued_at) const {
    for (const std::string& who : {std::string(user_key), std::string("*")}) {
        const auto it = revocations.find(who);
        if (it != revocations.end() && it->second >= issued_at) return true;
    }
    return false;
}

bool OperatorClaims::trusts(std::string_view issuer) const {
    return issuer == subject || std::find(signing_keys.begin(), signing_keys.end(), issuer) != signing_keys.end();
}

}  // namespace nats::jwt
