#include "plugins/auth_jwt/user_admission.hpp"

#include <algorithm>

#include "libs/nkeys/nkeys.hpp"
#include "plugins/auth_jwt/connect_window.hpp"
#include "plugins/auth_jwt/user_permissions.hpp"

namespace nats::auth_jwt {

namespace {

std::string string_field(const nlohmann::json& connect, const char* key) {
    const auto it = connect.find(key);
    return it != connect.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// nats-io/jwt's HasEmptyPermissions: nothing at all set in the user's limits.
bool empty_limits(const jwt::UserPermissionLimits& l) {
    const auto& p = l.permissions;
    return p.pub.allow.empty() && p.pub.deny.empty() && p.sub.allow.empty() && p.sub.deny.empty() && !p.resp &&
           l.src.empty() && l.times.empty() && l.locale.empty() && l.subs == 0 && l.data == 0 && l.payload == 0 &&
           !l.bearer_token && l.allowed_connection_types.empty();
}

// Every client here is a STANDARD connection (websocket, MQTT and leaf nodes come with their plugins).
std::optional<Refusal> check_connection_types(const std::vector<std::string>& types) {
    if (types.empty()) return std::nullopt;
    static const std::vector<std::string> known = {"STANDARD", "WEBSOCKET", "LEAFNODE", "LEAFNODE_WS", "MQTT", "MQTT_WS"};
    const bool any_known = std::any_of(types.begin(), types.end(), [](const std::string& t) {
        return std::find(known.begin(), known.end(), t) != known.end();
    });
    if (!any_known) return Refusal{"unknown connection types in user JWT"};
    if (std::find(types.begin(), types.end(), "STANDARD") == types.end()) return Refusal{"Connection type not allowed"};
    return std::nullopt;
}

}  // namespace

std::variant<PresentedUser, Refusal> read_presented_user(const nlohmann::json& connect, std::int64_t now) {
    const std::string text = string_field(connect, "jwt");
    if (text.empty()) return Refusal{"Authentication requires a user JWT"};
    PresentedUser out;
    try {
        out.token = jwt::decode(text);
        if (out.token.type != jwt::ClaimType::user) throw jwt::Error("not user claim");
        out.claims = jwt::read_user(out.token);
    } catch (const jwt::Error& e) {
        return Refusal{std::string("User JWT not valid: ") + e.what()};
    }
    if (!nkeys::is_valid_public_key(out.claims.subject, nkeys::KeyType::user)) {
        return Refusal{"User JWT no longer valid: subject is not a user public key"};
    }
    if (auto problem = jwt::time_problem(out.token, now)) return Refusal{"User JWT no longer valid: " + *problem};
    out.account_key = out.claims.issuer_account.empty() ? out.claims.issuer : out.claims.issuer_account;
    return out;
}

std::variant<Admission, Refusal> admit(const PresentedUser& user, const KnownAccount& account, const Settings& settings,
                                       const nlohmann::json& connect, const ClientFacts& client, std::int64_t now) {
    const jwt::UserClaims& claims = user.claims;
    if (auto refused = check_connection_types(claims.limits.allowed_connection_types)) return *refused;
    if (!settings.trusts(account.token.issuer)) return Refusal{"Account JWT not signed by trusted operator"};
    jwt::UserPermissionLimits limits = claims.limits;
    if (claims.issuer != account.key) {
        const jwt::SigningKey* key = account.claims.signing_key(claims.issuer);
        if (key == nullptr) return Refusal{"User JWT issuer is not known"};
        if (key->scoped) {
            if (!empty_limits(claims.limits)) {
                return Refusal{"User JWT is not valid: scoped users require no permissions or limits set"};
            }
            auto expanded = expand_template(key->tmpl, claims, account.claims);
            if (!expanded) return Refusal{"User JWT generated invalid permissions"};
            limits = std::move(*expanded);
        }
    }
    // Expired from its `exp` second on: nats-server's expiry timer fires at exp and marks
    // the account, so a login in that second is refused there too (the JWT check alone
    // would still pass it until exp + 1).
    if (jwt::time_problem(account.token, now) || (account.token.expires > 0 && now >= account.token.expires))
        return Refusal{"Account JWT has expired"};
    if (limits.bearer_token && account.claims.limits.disallow_bearer) return Refusal{"Account does not allow bearer token"};
    if (!limits.bearer_token) {
        const std::string sig = string_field(connect, "sig");
        if (sig.empty()) return Refusal{"Signature missing"};
        const auto raw = nkeys::base64_decode_any(sig);
        if (!raw) return Refusal{"Signature not valid base64"};
        // Without a nonce there is nothing fresh to sign: a signature could be replayed.
        if (client.nonce.empty() || !nkeys::verify(claims.subject, client.nonce, *raw)) {
            return Refusal{"Signature not verified"};
        }
    }
    if (account.claims.user_revoked(claims.subject, user.token.issued_at)) return Refusal{"User authentication revoked"};
    if (!source_allowed(limits.src, client.client_ip)) {
        return Refusal{"Bad src Ip " + std::string(client.client_ip), true};
    }
    const auto window = time_window(limits.times, limits.locale, now);
    if (!window) return Refusal{"Outside connect times", true};

    Admission out;
    out.result = nats_sdk::AuthResult::allow(account.key, claims.subject);
    out.result.permissions = permissions_json(limits.permissions);
    if (out.result.permissions.is_null()) out.result.permissions = permissions_json(account.claims.default_permissions);
    out.result.max_payload = limits.payload;
    out.result.max_subscriptions = limits.subs;
    out.expires_unix = user.token.expires;
    if (window->count() > 0 && (out.expires_unix == 0 || now + window->count() < out.expires_unix)) {
        out.expires_unix = now + window->count();
    }
    return out;
}

}  // namespace nats::auth_jwt
