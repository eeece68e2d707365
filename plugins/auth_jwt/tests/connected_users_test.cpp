// Which connected clients a pushed account JWT closes (connected_users.*), in
// nats-server's updateAccountClaims order: the connection limit first (the newest stay), then
// bearer tokens, revocations and dropped signing keys.
#include <algorithm>

#include <gtest/gtest.h>

#include "plugins/auth_jwt/connected_users.hpp"

namespace nats::auth_jwt {
namespace {

KnownAccount account_a() {
    KnownAccount a;
    a.key = "AA";
    a.claims.subject = "AA";
    a.claims.limits.conn = -1;
    return a;
}

std::vector<std::uint64_t> ids(const std::vector<Closing>& closing) {
    std::vector<std::uint64_t> out;
    for (const auto& c : closing) out.push_back(c.client_id);
    return out;
}

TEST(ConnectedUsers, NothingClosesWhenTheAccountStillAllowsEveryone) {
    ConnectedUsers users;
    users.admitted(1, {"AA", "U1", 100, false, ""});
    users.admitted(2, {"BB", "U2", 100, false, ""});
    EXPECT_TRUE(users.to_close(account_a()).empty());
}

TEST(ConnectedUsers, ALoweredLimitClosesTheOldestAndOnlyThatAccountsClients) {
    ConnectedUsers users;
    users.admitted(7, {"AA", "U1", 100, false, ""});
    users.admitted(3, {"AA", "U2", 100, false, ""});  // a lower id admitted later: order is admission
    users.admitted(9, {"AA", "U3", 100, false, ""});
    users.admitted(4, {"BB", "U4", 100, false, ""});
    auto a = account_a();
    a.claims.limits.conn = 1;
    const auto closing = users.to_close(a);
    EXPECT_EQ(ids(closing), (std::vector<std::uint64_t>{3, 7}));  // 9, admitted last, stays
    for (const auto& c : closing) {
        EXPECT_EQ(c.reason, NMK_CLOSE_MAX_ACCOUNT_CONNECTIONS);
        EXPECT_EQ(c.error, "maximum account active connections exceeded");
    }
    a.claims.limits.conn = 0;  // none allowed any more
    EXPECT_EQ(users.to_close(a).size(), 3u);
}

TEST(ConnectedUsers, RevokedBearerAndDroppedSigningKeyUsersAreClosedWithTheirReasons) {
    ConnectedUsers users;
    users.admitted(1, {"AA", "REVOKED", 100, false, ""});
    users.admitted(2, {"AA", "LATER", 200, false, ""});  // issued after the revocation time
    users.admitted(3, {"AA", "BEARER", 100, true, ""});
    users.admitted(4, {"AA", "SIGNED", 100, false, "SK1"});
    users.admitted(5, {"AA", "KEPT_SIGNER", 100, false, "SK2"});
    auto a = account_a();
    a.claims.revocations = {{"REVOKED", 150}, {"LATER", 150}};
    a.claims.limits.disallow_bearer = true;
    a.claims.signing_keys.push_back(jwt::SigningKey{.key = "SK2"});
    auto closing = users.to_close(a);
    std::sort(closing.begin(), closing.end(), [](const auto& x, const auto& y) { return x.client_id < y.client_id; });
    ASSERT_EQ(ids(closing), (std::vector<std::uint64_t>{1, 3, 4}));
    EXPECT_EQ(closing[0].reason, NMK_CLOSE_CREDENTIALS_REVOKED);
    EXPECT_EQ(closing[0].error, "User Authentication Revoked");
    EXPECT_EQ(closing[1].reason, NMK_CLOSE_AUTHENTICATION_VIOLATION);
    EXPECT_EQ(closing[1].error, "Authorization Violation");
    EXPECT_EQ(closing[2].reason, NMK_CLOSE_AUTHENTICATION_VIOLATION);
    EXPECT_EQ(closing[2].error, "");
}

TEST(ConnectedUsers, AClientThatLeftIsForgotten) {
    ConnectedUsers users;
    users.admitted(1, {"AA", "U1", 100, false, ""});
    users.gone(1);
    users.gone(42);  // never admitted here: nothing happens
    EXPECT_EQ(users.size(), 0u);
    auto a = account_a();
    a.claims.limits.conn = 0;
    EXPECT_TRUE(users.to_close(a).empty());
}

}  // namespace
}  // namespace nats::auth_jwt
