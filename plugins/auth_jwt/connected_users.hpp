#pragma once
// The clients this plugin admitted, by account, so that a pushed account JWT reaches
// the ones already connected, as nats-server's updateAccountClaims does: past a lowered
// connection limit the oldest are closed (it keeps the newest), a revoked user is closed ("User
// Authentication Revoked"), a bearer token the account no longer allows is an
// authorization violation, and so is a user signed by a signing key the account no
// longer has.
// Thread safety: admitted() runs on I/O threads (decide), gone() on the kernel's
// connection watch, to_close() on a blocking worker; one mutex guards the table.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nats_sdk/abi.hpp>

#include "plugins/auth_jwt/known_account.hpp"

namespace nats::auth_jwt {

struct ConnectedUser {
    std::string account;      // the account's key
    std::string user;         // the user's key
    std::int64_t issued_at = 0;
    bool bearer = false;
    std::string signing_key;  // the user JWT's issuer when it is a signing key; empty: the account itself
};

struct Closing {
    std::uint64_t client_id = 0;
    nmk_close_reason reason = NMK_CLOSE_AUTHENTICATION_VIOLATION;
    std::string error;  // the -ERR text; empty: closed without one
};

class ConnectedUsers {
public:
    void admitted(std::uint64_t client_id, ConnectedUser user);
    void gone(std::uint64_t client_id);
    // The clients of `account` its new JWT no longer lets stay, in nats-server's order.
    std::vector<Closing> to_close(const KnownAccount& account) const;
    // Every client of the account (a deleted account: all of them go).
    std::vector<std::uint64_t> of_account(const std::string& account_key) const;
    // The accounts that have connected clients, each once.
    std::vector<std::string> accounts() const;
    std::size_t size() const;

private:
    struct Entry {
        ConnectedUser user;
        std::uint64_t order;  // admission order: past a connection limit the newest stay
    };
    mutable std::mutex mutex_;
    std::map<std::uint64_t, Entry> clients_;
    std::uint64_t next_order_ = 0;
};

}  // namespace nats::auth_jwt
