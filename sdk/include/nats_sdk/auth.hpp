#pragma once
// Authentication requests and answers as an authenticator sees them.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/strings.hpp"
#include "nats_sdk/version.hpp"

namespace nats_sdk {

enum class AuthDecision {
    allow = NMK_AUTH_ALLOW,      // account, permissions and limits apply
    deny = NMK_AUTH_DENY,        // the client gets 'Authorization Violation'
    defer = NMK_AUTH_DEFER,      // not mine: the next authenticator decides
    pending = NMK_AUTH_PENDING,  // the answer comes later through Host::complete_auth()
};

// A connecting client. Owns copies of everything (authentication is not a hot path),
// so it may be kept for a pending answer.
class AuthRequest {
public:
    AuthRequest() = default;

    // Reads only the members that `raw.struct_size` covers.
    explicit AuthRequest(const nmk_auth_request& raw) {
        if (has_member(raw, &nmk_auth_request::client_id)) client_id_ = raw.client_id;
        if (has_member(raw, &nmk_auth_request::connect_json)) connect_json_ = to_view(raw.connect_json);
        if (has_member(raw, &nmk_auth_request::client_ip)) client_ip_ = to_view(raw.client_ip);
        if (has_member(raw, &nmk_auth_request::client_port)) client_port_ = raw.client_port;
        if (has_member(raw, &nmk_auth_request::nonce)) nonce_ = to_view(raw.nonce);
        if (has_member(raw, &nmk_auth_request::tls)) tls_ = raw.tls != 0;
        if (has_member(raw, &nmk_auth_request::tls_subject)) tls_subject_ = to_view(raw.tls_subject);
        if (has_member(raw, &nmk_auth_request::pending_handle)) pending_handle_ = raw.pending_handle;
        parse_connect();
    }

    // Built by hand, e.g. in a plugin's own unit tests.
    explicit AuthRequest(std::string connect_json) : connect_json_(std::move(connect_json)) { parse_connect(); }

    std::uint64_t client_id() const noexcept { return client_id_; }
    std::string_view connect_json() const noexcept { return connect_json_; }
    std::string_view client_ip() const noexcept { return client_ip_; }
    std::uint16_t client_port() const noexcept { return client_port_; }
    std::string_view nonce() const noexcept { return nonce_; }
    bool tls() const noexcept { return tls_; }
    std::string_view tls_subject() const noexcept { return tls_subject_; }
    std::uint64_t pending_handle() const noexcept { return pending_handle_; }

    // The CONNECT arguments; an empty object when the text is not a JSON object.
    const nlohmann::json& connect() const noexcept { return connect_; }
    bool connect_is_object() const noexcept { return connect_valid_; }

    // A string field of CONNECT ("user", "pass", "auth_token", "nkey", "sig", "jwt").
    // nullopt when absent or not a string.
    std::optional<std::string_view> field(std::string_view name) const {
        const auto it = connect_.find(name);
        if (it == connect_.end() || !it->is_string()) {
            return std::nullopt;
        }
        return std::string_view(it->get_ref<const std::string&>());
    }
    std::optional<std::string_view> user() const { return field("user"); }
    std::optional<std::string_view> password() const { return field("pass"); }
    std::optional<std::string_view> token() const { return field("auth_token"); }
    bool has_field(std::string_view name) const { return connect_.contains(name); }

private:
    void parse_connect() {
        auto parsed = nlohmann::json::parse(connect_json_, nullptr, false);
        connect_valid_ = parsed.is_object();
        connect_ = connect_valid_ ? std::move(parsed) : nlohmann::json::object();
    }

    std::uint64_t client_id_ = 0;
    std::string connect_json_;
    std::string client_ip_;
    std::uint16_t client_port_ = 0;
    std::string nonce_;
    bool tls_ = false;
    std::string tls_subject_;
    std::uint64_t pending_handle_ = 0;
    nlohmann::json connect_ = nlohmann::json::object();
    bool connect_valid_ = false;
};

struct AuthResult {
    AuthDecision decision = AuthDecision::defer;
    std::string account;           // empty: the global account "$G"
    std::string user;              // identity for logs and monitoring, never a secret
    nlohmann::json permissions;    // {"publish":{"allow":[..],"deny":[..]},"subscribe":{..}}; null: all allowed
    std::string deny_reason;       // logged on deny, never sent to the client; never a secret
    std::int64_t max_payload = -1; // <0: server default
    std::int64_t max_subscriptions = -1;  // <0: server default; 0 allows none; the account and server limits still apply
    // SDK 1.3: when the credentials end; the kernel closes the client then ("User
    // Authentication Expired"). The epoch (default): never. Ignored by a 1.2 kernel.
    std::chrono::system_clock::time_point expires{};

    static AuthResult allow(std::string account = {}, std::string user = {}) {
        AuthResult r;
        r.decision = AuthDecision::allow;
        r.account = std::move(account);
        r.user = std::move(user);
        return r;
    }
    static AuthResult deny(std::string reason) {
        AuthResult r;
        r.decision = AuthDecision::deny;
        r.deny_reason = std::move(reason);
        return r;
    }
    static AuthResult defer() { return AuthResult{}; }
    static AuthResult pending() {
        AuthResult r;
        r.decision = AuthDecision::pending;
        return r;
    }
};

namespace detail {

// Fills `out` from `result`, touching only members that out->struct_size covers.
// OWNERSHIP: the views point into `result` and `permissions_text`, which must live until
// the kernel has copied them: right after authenticate() returns (same thread), or
// before complete_auth() returns.
inline void write_auth_result(const AuthResult& result, nmk_auth_result& out, std::string& permissions_text) {
    if (has_member(out, &nmk_auth_result::decision)) out.decision = static_cast<nmk_auth_decision>(result.decision);
    if (has_member(out, &nmk_auth_result::account)) out.account = to_nmk(result.account);
    if (has_member(out, &nmk_auth_result::user)) out.user = to_nmk(result.user);
    if (has_member(out, &nmk_auth_result::permissions_json)) {
        permissions_text = result.permissions.is_null() ? std::string() : result.permissions.dump();
        out.permissions_json = to_nmk(permissions_text);
    }
    if (has_member(out, &nmk_auth_result::deny_reason)) out.deny_reason = to_nmk(result.deny_reason);
    if (has_member(out, &nmk_auth_result::max_payload)) out.max_payload = result.max_payload;
    if (has_member(out, &nmk_auth_result::max_subscriptions)) out.max_subscriptions = result.max_subscriptions;
    if (has_member(out, &nmk_auth_result::expires_unix_ns))
        out.expires_unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(result.expires.time_since_epoch()).count();
}

}  // namespace detail

}  // namespace nats_sdk
