#include "libs/auth_common/secret_check.hpp"

#include <atomic>
#include <memory>
#include <string>

#include <nats_sdk/error.hpp>

#include "libs/auth_common/password.hpp"

namespace nats::auth_common {

nats_sdk::AuthResult check_secret(nats_sdk::Host& host, const nats_sdk::AuthRequest& request, std::string stored,
                                  std::string given, nats_sdk::AuthResult on_match, nats_sdk::AuthResult on_mismatch) {
    if (!is_bcrypt(stored) || request.pending_handle() == 0) {
        return password_matches(stored, given) ? std::move(on_match) : denied(host, request, std::move(on_mismatch));
    }
    // Checks queued or running; a client that left still costs its check.
    static std::atomic<int> waiting{0};
    if (waiting.fetch_add(1, std::memory_order_relaxed) >= max_waiting_bcrypt_checks) {
        waiting.fetch_sub(1, std::memory_order_relaxed);
        on_mismatch.deny_reason = "too many password checks waiting (" + std::to_string(max_waiting_bcrypt_checks) + ")";
        return denied(host, request, std::move(on_mismatch));
    }
    struct Work {
        std::string stored, given;
        nats_sdk::AuthResult on_match, on_mismatch;
        std::uint64_t handle;
        std::string client_ip;
        std::uint16_t client_port;
    };
    auto work = std::make_shared<Work>(Work{std::move(stored), std::move(given), std::move(on_match),
                                            std::move(on_mismatch), request.pending_handle(),
                                            std::string(request.client_ip()), request.client_port()});
    host.post_blocking([&host, work] {
        const bool ok = bcrypt_matches(work->stored, work->given);
        waiting.fetch_sub(1, std::memory_order_relaxed);
        if (!ok) {
            host.debug("{}:{} refused: {}", work->client_ip, work->client_port, work->on_mismatch.deny_reason);
        }
        try {
            host.complete_auth(work->handle, ok ? work->on_match : work->on_mismatch);
        } catch (const nats_sdk::Error& e) {
            // The client went away while we hashed; nothing is waiting for the answer.
            host.debug("authentication answer not delivered: {}", e.what());
        }
    });
    return nats_sdk::AuthResult::pending();
}

nats_sdk::AuthResult denied(const nats_sdk::Host& host, const nats_sdk::AuthRequest& request,
                            nats_sdk::AuthResult deny) {
    host.debug("{}:{} refused: {}", request.client_ip(), request.client_port(), deny.deny_reason);
    return deny;
}

nats_sdk::AuthResult allowed(const UserRecord& user) {
    auto result = nats_sdk::AuthResult::allow(user.account, user.name);
    if (user.permissions.is_object() && !user.permissions.empty()) result.permissions = user.permissions;
    return result;
}

}  // namespace nats::auth_common
