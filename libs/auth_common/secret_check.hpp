#pragma once
// Answering a secret check without holding up an I/O thread. A plain secret is
// compared at once. A bcrypt hash costs tens of milliseconds by design, so
// decide() answers PENDING and the check runs on the host's blocking pool,
// finishing through complete_auth().
#include <string>

#include <nats_sdk/auth.hpp>
#include <nats_sdk/host.hpp>

#include "libs/auth_common/auth_config.hpp"

namespace nats::auth_common {

// `on_match` when `given` matches `stored` (password.hpp's password_matches),
// else `on_mismatch` (a deny, logged with denied()); PENDING for a bcrypt hash,
// with the answer completed later.
// A request without a pending handle (built by hand) is answered synchronously.
// At most max_waiting_bcrypt_checks wait for the pool at once (per plugin): past
// that the client is refused at once ("too many password checks waiting"), so a
// storm of CONNECTs cannot queue checks without end. Beyond that many a client
// would wait longer than any sensible auth timeout anyway (2 workers, tens of ms each).
// OWNERSHIP: `host` must outlive queued tasks (it does: the kernel drops them at stop).
inline constexpr int max_waiting_bcrypt_checks = 256;
nats_sdk::AuthResult check_secret(nats_sdk::Host& host, const nats_sdk::AuthRequest& request, std::string stored,
                                  std::string given, nats_sdk::AuthResult on_match, nats_sdk::AuthResult on_mismatch);

// Logs a refusal at debug level (client address and the reason, never a secret) and
// returns `deny`. The kernel logs the refusal too, as an error.
nats_sdk::AuthResult denied(const nats_sdk::Host& host, const nats_sdk::AuthRequest& request,
                            nats_sdk::AuthResult deny);

// ALLOW for a configured user: its account, its name, and its permissions when it has any.
nats_sdk::AuthResult allowed(const UserRecord& user);

}  // namespace nats::auth_common
