#include "kernel/plugin_host/auth_adapter.hpp"

#include <cstddef>

#include "kernel/log/logging.hpp"
#include "kernel/plugin_host/abi_text.hpp"

namespace nats::plugins {

namespace {

// Whether a table of `struct_size` bytes holds `member`, which ends at `end`.
constexpr bool has_member(std::uint32_t struct_size, std::size_t end) { return struct_size >= end; }

}  // namespace

AuthAdapter::AuthAdapter(std::string name, std::string plugin, const nmk_authenticator& table,
                         std::shared_ptr<CallGate> gate)
    : name_(std::move(name)), plugin_(std::move(plugin)), table_(table), gate_(std::move(gate)) {}

bool AuthAdapter::needs_nonce() {
    if (!table_.needs_nonce) return false;
    CallGate::Pass pass(*gate_);
    if (!pass) return false;
    try {
        return table_.needs_nonce(table_.self) != 0;
    } catch (...) {
        NMK_ERROR("{}: authenticator \"{}\" threw an exception in needs_nonce()", plugin_, name_);
        return false;
    }
}

server::AuthResult AuthAdapter::authenticate(const server::AuthRequest& request) {
    server::AuthResult out;
    CallGate::Pass pass(*gate_);
    if (!pass) return out;  // stopped: defer
    nmk_auth_request req{};
    req.struct_size = sizeof req;
    req.client_id = request.client_id;
    req.connect_json = to_nmk(request.connect_json);
    req.client_ip = to_nmk(request.client_ip);
    req.client_port = request.client_port;
    req.nonce = to_nmk(request.nonce);
    req.tls = request.tls ? 1 : 0;
    req.tls_subject = to_nmk(request.tls_subject);
    req.pending_handle = request.pending_handle;
    nmk_auth_result result{};
    result.struct_size = sizeof result;
    result.decision = NMK_AUTH_DEFER;
    result.max_payload = -1;
    result.max_subscriptions = -1;
    try {
        table_.authenticate(table_.self, &req, &result);
    } catch (const std::exception& e) {
        NMK_ERROR("{}: authenticator \"{}\" threw an exception: {}", plugin_, name_, e.what());
        out.decision = server::AuthDecision::deny;
        out.deny_reason = "authenticator failed";
        return out;
    } catch (...) {
        NMK_ERROR("{}: authenticator \"{}\" threw an exception", plugin_, name_);
        out.decision = server::AuthDecision::deny;
        out.deny_reason = "authenticator failed";
        return out;
    }
    return convert_auth_result(result);
}

server::AuthResult convert_auth_result(const nmk_auth_result& r) {
    server::AuthResult out;
    switch (r.decision) {
        case NMK_AUTH_ALLOW: out.decision = server::AuthDecision::allow; break;
        case NMK_AUTH_DENY: out.decision = server::AuthDecision::deny; break;
        case NMK_AUTH_DEFER: out.decision = server::AuthDecision::defer; break;
        case NMK_AUTH_PENDING: out.decision = server::AuthDecision::pending; break;
        default:
            out.decision = server::AuthDecision::deny;
            out.deny_reason = "unknown decision " + std::to_string(static_cast<int>(r.decision));
            return out;
    }
    const auto size = r.struct_size;
    if (has_member(size, offsetof(nmk_auth_result, account) + sizeof r.account)) out.account.assign(view(r.account));
    if (has_member(size, offsetof(nmk_auth_result, user) + sizeof r.user)) out.user.assign(view(r.user));
    if (has_member(size, offsetof(nmk_auth_result, permissions_json) + sizeof r.permissions_json))
        out.permissions_json.assign(view(r.permissions_json));
    if (has_member(size, offsetof(nmk_auth_result, deny_reason) + sizeof r.deny_reason))
        out.deny_reason.assign(view(r.deny_reason));
    if (has_member(size, offsetof(nmk_auth_result, max_payload) + sizeof r.max_payload)) out.max_payload = r.max_payload;
    if (has_member(size, offsetof(nmk_auth_result, max_subscriptions) + sizeof r.max_subscriptions))
        out.max_subscriptions = r.max_subscriptions;
    if (has_member(size, offsetof(nmk_auth_result, expires_unix_ns) + sizeof r.expires_unix_ns))
        out.expires_unix_ns = r.expires_unix_ns;
    return out;
}

}  // namespace nats::plugins
