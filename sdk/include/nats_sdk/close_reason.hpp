#pragma once
// The text nats-server keeps with a closed connection (its ClosedState, shown in
// monitoring and disconnect events) for each reason a plugin may close a client with
// (NMK_CLOSE_*, Clients::close). One table for the kernel, which reports it, and the
// test kit's FakeClients, which must report the same.
//
//   close_reason_text(NMK_CLOSE_CREDENTIALS_REVOKED) -> "Credentials Revoked"
//   close_reason_text(99)                            -> ""  (not a reason: refused)

#include <cstdint>
#include <string_view>

#include "nats_sdk/abi.h"

namespace nats_sdk {

constexpr std::string_view close_reason_text(std::uint32_t reason) noexcept {
    switch (reason) {
        case NMK_CLOSE_AUTHENTICATION_VIOLATION: return "Authentication Failure";
        case NMK_CLOSE_AUTHENTICATION_EXPIRED: return "Authentication Expired";
        case NMK_CLOSE_CREDENTIALS_REVOKED: return "Credentials Revoked";
        case NMK_CLOSE_MAX_ACCOUNT_CONNECTIONS: return "Maximum Account Connections Exceeded";
        case NMK_CLOSE_SERVER_SHUTDOWN: return "Server Shutdown";
        default: return {};
    }
}

}  // namespace nats_sdk
