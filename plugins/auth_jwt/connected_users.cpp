#include "plugins/auth_jwt/connected_users.hpp"

#include <algorithm>

namespace nats::auth_jwt {

void ConnectedUsers::admitted(std::uint64_t client_id, ConnectedUser user) {
    std::lock_guard lock(mutex_);
    clients_[client_id] = Entry{std::move(user), ++next_order_};
}

void ConnectedUsers::gone(std::uint64_t client_id) {
    std::lock_guard lock(mutex_);
    clients_.erase(client_id);
}

std::size_t ConnectedUsers::size() const {
    std::lock_guard lock(mutex_);
    return clients_.size();
}

std::vector<std::uint64_t> ConnectedUsers::of_account(const std::string& account_key) const {
    std::lock_guard lock(mutex_);
    std::vector<std::uint64_t> out;
    for (const auto& [id, entry] : clients_) {
        if (entry.user.account == account_key) out.push_back(id);
    }
    return out;
}

std::vector<std::string> ConnectedUsers::accounts() const {
    std::lock_guard lock(mutex_);
    std::vector<std::string> out;
    for (const auto& [id, entry] : clients_) {
        if (out.empty() || out.back() != entry.user.account) out.push_back(entry.user.account);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

std::vector<Closing> ConnectedUsers::to_close(const KnownAccount& account) const {
    std::vector<std::pair<std::uint64_t, Entry>> mine;
    {
        std::lock_guard lock(mutex_);
        for (const auto& [id, entry] : clients_) {
            if (entry.user.account == account.key) mine.emplace_back(id, entry);
        }
    }
    // Newest first: nats-server keeps the newest clients under a lowered connection limit.
    std::sort(mine.begin(), mine.end(), [](const auto& a, const auto& b) { return a.second.order > b.second.order; });
    const std::int64_t limit = account.claims.limits.conn;  // -1: no limit
    std::vector<Closing> out;
    for (std::size_t i = 0; i < mine.size(); ++i) {
        const auto& [id, entry] = mine[i];
        const ConnectedUser& u = entry.user;
        if (limit >= 0 && static_cast<std::int64_t>(i) >= limit) {
            out.push_back({id, NMK_CLOSE_MAX_ACCOUNT_CONNECTIONS, "maximum account active connections exceeded"});
        } else if (u.bearer && account.claims.limits.disallow_bearer) {
            out.push_back({id, NMK_CLOSE_AUTHENTICATION_VIOLATION, "Authorization Violation"});
        } else if (account.claims.user_revoked(u.user, u.issued_at)) {
            out.push_back({id, NMK_CLOSE_CREDENTIALS_REVOKED, "User Authentication Revoked"});
        } else if (!u.signing_key.empty() && account.claims.signing_key(u.signing_key) == nullptr) {
            out.push_back({id, NMK_CLOSE_AUTHENTICATION_VIOLATION, ""});  // nats-server closes it without a word
        }
    }
    return out;
}

}  // namespace nats::auth_jwt
