#pragma once
// nats_sdk::Authenticator: a plugin that decides whether a client may connect.
//
// decide() runs on kernel I/O threads, possibly on several at once: it must be
// thread-safe and must not block. For slow checks (LDAP, HTTP) answer
// AuthResult::pending(), do the work with host().post_blocking() and finish with
// host().complete_auth(request.pending_handle(), result).
//
// The SDK registers the authenticator under the plugin's name once start() returned.
// An exception from decide() becomes a DENY (fail closed), logged with its message.

#include <string>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/auth.hpp"
#include "nats_sdk/detail/callback_box.hpp"
#include "nats_sdk/plugin_base.hpp"

namespace nats_sdk {

class Authenticator : public Plugin {
public:
    explicit Authenticator(Host& host) noexcept
        : Plugin(host), table_{sizeof(nmk_authenticator), this, &Authenticator::needs_nonce_entry,
                               &Authenticator::authenticate_entry} {}

    virtual AuthResult decide(const AuthRequest& request) = 0;

    // Whether INFO must carry a nonce (NKeys, JWT).
    virtual bool needs_nonce() const { return false; }

    // OWNERSHIP: lives as long as this object.
    const nmk_authenticator& table() const noexcept { return table_; }

private:
    static int needs_nonce_entry(void* self) noexcept {
        try {
            return static_cast<Authenticator*>(self)->needs_nonce() ? 1 : 0;
        } catch (...) {
            detail::log_exception(&static_cast<Authenticator*>(self)->host().api(), "needs_nonce");
            return 0;
        }
    }

    // The kernel reads the views in `out` right after this returns, on this thread; they
    // point into this thread's last answer, which lives until the next call here.
    static void authenticate_entry(void* self, const nmk_auth_request* request, nmk_auth_result* out) noexcept {
        auto* authenticator = static_cast<Authenticator*>(self);
        thread_local AuthResult result;
        thread_local std::string permissions_text;
        try {
            result = authenticator->decide(AuthRequest(*request));
            detail::write_auth_result(result, *out, permissions_text);
            return;
        } catch (...) {
            detail::log_exception(&authenticator->host().api(), "authenticator");
        }
        try {
            static const AuthResult failed = AuthResult::deny("authenticator failed");
            detail::write_auth_result(failed, *out, permissions_text);  // allocates nothing
        } catch (...) {
            if (has_member(*out, &nmk_auth_result::decision)) {
                out->decision = NMK_AUTH_DENY;
            }
        }
    }

    nmk_authenticator table_;
};

}  // namespace nats_sdk
