// Decentralized JWT auth after login (issue 17): clients already connected when their
// user JWT expires, or when a pushed account JWT revokes them or lowers the account's
// connection limit (the oldest go), its payload or subscription limits, are closed with
// nats-server's -ERR texts. Each also runs against
// nats-server 2.9.10 (NMK_SERVER_BIN); the closed reasons in /connz are checked on ours
// through the monitoring port.
#include <functional>

#include "tests/integration/jwt_auth_helpers.hpp"

namespace nats::integration {
namespace {

using namespace jwt_world;

// After the close: the -ERR line, then the socket ends.
void expect_closed_with(Raw& raw, const std::string& error, std::chrono::milliseconds within) {
    EXPECT_EQ(raw.client.read_line(within), error);
    EXPECT_TRUE(raw.client.wait_closed(2s));
}

void expect_alive(Raw& raw) {
    raw.client.send("PING\r\n");
    EXPECT_EQ(raw.client.read_line(2s), "PONG");
}

// Pushes `account_jwt` for `account` through the system account's user `admin` and
// waits for the answer ("jwt updated").
json push_answer(Raw& admin, const Account& account, const std::string& account_jwt) {
    const std::string subject = "$SYS.REQ.ACCOUNT." + account.key.public_key() + ".CLAIMS.UPDATE";
    admin.client.send("SUB _INBOX.push 91\r\n" + pub(subject, account_jwt, "_INBOX.push"));
    const std::string line = admin.client.read_line(5s);
    EXPECT_EQ(line.rfind("MSG _INBOX.push 91 ", 0), 0u) << line;
    return json::parse(admin.client.read_line());
}

void push(Raw& admin, const Account& account, const std::string& account_jwt) {
    const json answer = push_answer(admin, account, account_jwt);
    ASSERT_EQ(answer["data"]["message"], "jwt updated") << answer.dump();
}

// A server with a system account and accounts A and B, and `admin` logged in to the
// system account to push account JWTs.
struct PushWorld {
    World w;
    Account& sys = w.account("SYS");
    Account& a = w.account("A");
    Account& b = w.account("B");
    std::unique_ptr<ServerProcess> server = start_server(w.config("system_account: " + sys.key.public_key() + "\n"));
    Raw admin{*server};
    PushWorld() { EXPECT_EQ(admin.login(w.user(sys)), "PONG"); }
    // A's JWT with `edit` applied to its claims, signed by the operator.
    std::string a_jwt(const std::function<void(json&)>& edit) const {
        auto claims = jwt::account_claims("A", a.key.public_key());
        edit(claims);
        return jwt::encode(claims, w.op);
    }
};

TEST(JwtRuntime, AUserWhoseJwtExpiresIsClosed) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    World w;
    auto& a = w.account("A");
    auto server = start_server(w.config());
    Raw lasting(*server);
    ASSERT_EQ(lasting.login(w.user(a)), "PONG");
    Raw brief(*server);
    const std::int64_t expires = jwt::now_unix() + 2;
    ASSERT_EQ(brief.login(w.user(a, [&](json& c) { c["exp"] = expires; })), "PONG");
    expect_closed_with(brief, "-ERR 'User Authentication Expired'", 5s);
    EXPECT_GE(jwt::now_unix(), expires - 1);  // not closed long before its time
    expect_alive(lasting);
}

// An account JWT with `exp`: once it passes, every client of the account goes with
// nats-server's "Account Authentication Expired", new logins are refused, and the other
// accounts' clients stay.
TEST(JwtRuntime, AnExpiredAccountJwtClosesItsClients) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    World w;
    // Room for the start and three logins on a loaded machine (ctest -j): an
    // account already expired at login is refused, which is not what this tests.
    const std::int64_t expires = jwt::now_unix() + 5;
    auto& brief = w.account("BRIEF", [&](json& c) { c["exp"] = expires; });
    auto& lasting = w.account("LASTING");
    auto server = start_server(w.config());
    Raw first(*server);
    ASSERT_EQ(first.login(w.user(brief)), "PONG");
    Raw second(*server);
    ASSERT_EQ(second.login(w.user(brief)), "PONG");
    Raw other(*server);
    ASSERT_EQ(other.login(w.user(lasting)), "PONG");
    expect_closed_with(first, "-ERR 'Account Authentication Expired'", 8s);
    expect_closed_with(second, "-ERR 'Account Authentication Expired'", 2s);
    EXPECT_GE(jwt::now_unix(), expires - 1);  // not closed long before its time
    expect_alive(other);
    Raw late(*server);
    EXPECT_EQ(late.login(w.user(brief)), "-ERR 'Authorization Violation'");
}

TEST(JwtRuntime, APushedRevocationClosesTheRevokedUserOnly) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    PushWorld p;
    const User doomed_user = p.w.user(p.a);
    Raw doomed(*p.server), other(*p.server), elsewhere(*p.server);
    ASSERT_EQ(doomed.login(doomed_user), "PONG");
    ASSERT_EQ(other.login(p.w.user(p.a)), "PONG");
    ASSERT_EQ(elsewhere.login(p.w.user(p.b)), "PONG");

    push(p.admin, p.a, p.a_jwt([&](json& c) {
        c["nats"]["revocations"] = {{doomed_user.key.public_key(), jwt::now_unix()}};
    }));
    expect_closed_with(doomed, "-ERR 'User Authentication Revoked'", 3s);
    expect_alive(other);
    expect_alive(elsewhere);
    // And the revoked user cannot come back.
    EXPECT_EQ(Raw(*p.server).login(doomed_user), "-ERR 'Authorization Violation'");
}

// As nats-server's updateAccountClaims: sorted newest first, the first `conn` stay.
TEST(JwtRuntime, ALoweredConnectionLimitKeepsTheNewestClients) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    PushWorld p;
    Raw oldest(*p.server), middle(*p.server), newest(*p.server);
    ASSERT_EQ(oldest.login(p.w.user(p.a)), "PONG");
    std::this_thread::sleep_for(20ms);  // nats-server orders by connection start
    ASSERT_EQ(middle.login(p.w.user(p.a)), "PONG");
    std::this_thread::sleep_for(20ms);
    ASSERT_EQ(newest.login(p.w.user(p.a)), "PONG");

    push(p.admin, p.a, p.a_jwt([](json& c) { c["nats"]["limits"]["conn"] = 1; }));
    expect_closed_with(oldest, "-ERR 'maximum account active connections exceeded'", 3s);
    expect_closed_with(middle, "-ERR 'maximum account active connections exceeded'", 3s);
    expect_alive(newest);
}

TEST(JwtRuntime, ABearerTokenTheAccountNowRefusesIsClosed) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    PushWorld p;
    Raw bearer(*p.server), signer(*p.server);
    ASSERT_EQ(bearer.login(json{{"jwt", p.w.user(p.a, [](json& c) { c["nats"]["bearer_token"] = true; }).jwt}}),
              "PONG");
    ASSERT_EQ(signer.login(p.w.user(p.a)), "PONG");

    push(p.admin, p.a, p.a_jwt([](json& c) { c["nats"]["limits"]["disallow_bearer"] = true; }));
    expect_closed_with(bearer, "-ERR 'Authorization Violation'", 3s);
    expect_alive(signer);
}

// A pushed account JWT's payload and subscription limits reach clients already
// connected (nats-server's applyAccountLimits): a larger payload is then a
// violation, and a client at or past the new subscription limit is closed.
TEST(JwtRuntime, APushedPayloadLimitAppliesToConnectedClients) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    PushWorld p;
    Raw client(*p.server);
    ASSERT_EQ(client.login(p.w.user(p.a)), "PONG");
    client.client.send(pub("before", std::string(64, 'x')) + "PING\r\n");
    ASSERT_EQ(client.client.read_line(2s), "PONG") << "64 bytes pass before the push";

    push(p.admin, p.a, p.a_jwt([](json& c) { c["nats"]["limits"]["payload"] = 16; }));
    client.client.send(pub("small", std::string(16, 'x')) + "PING\r\n");
    ASSERT_EQ(client.client.read_line(2s), "PONG") << "16 bytes are within the new limit";
    client.client.send(pub("large", std::string(17, 'x')));
    expect_closed_with(client, "-ERR 'Maximum Payload Violation'", 3s);
}

// With a MEMORY resolver a pushed JWT past its export limits fails nats-server's
// verifyAccountClaims: refused, and the account keeps its old JWT.
TEST(JwtRuntime, APushedJwtPastItsExportLimitsIsRefused) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    PushWorld p;
    Raw client(*p.server);
    ASSERT_EQ(client.login(p.w.user(p.a)), "PONG");
    const json answer = push_answer(p.admin, p.a, p.a_jwt([](json& c) {
        c["nats"]["limits"]["exports"] = 5;
        c["nats"]["limits"]["wildcards"] = false;
        c["nats"]["limits"]["conn"] = 0;  // would close the client, were it applied
        c["nats"]["exports"] = {{{"name", "all"}, {"subject", "orders.>"}, {"type", "stream"}}};
    }));
    EXPECT_EQ(answer["error"]["description"], "jwt update resulted in error - account validation failed")
        << answer.dump();
    expect_alive(client);
}

TEST(JwtRuntime, APushedSubscriptionLimitClosesClientsAtItAndBoundsTheOthers) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    PushWorld p;
    Raw full(*p.server), room(*p.server), elsewhere(*p.server);
    ASSERT_EQ(full.login(p.w.user(p.a)), "PONG");
    ASSERT_EQ(room.login(p.w.user(p.a)), "PONG");
    ASSERT_EQ(elsewhere.login(p.w.user(p.b)), "PONG");
    full.client.send("SUB one 1\r\nSUB two 2\r\nPING\r\n");
    ASSERT_EQ(full.client.read_line(2s), "PONG");
    room.client.send("SUB one 1\r\nPING\r\n");
    ASSERT_EQ(room.client.read_line(2s), "PONG");
    elsewhere.client.send("SUB one 1\r\nSUB two 2\r\nSUB three 3\r\nPING\r\n");
    ASSERT_EQ(elsewhere.client.read_line(2s), "PONG");

    push(p.admin, p.a, p.a_jwt([](json& c) { c["nats"]["limits"]["subs"] = 2; }));
    // At the limit already: nats-server's subsAtLimit closes it.
    expect_closed_with(full, "-ERR 'maximum subscriptions exceeded'", 3s);
    // Under it: one more is taken, the next refused (the client stays).
    room.client.send("SUB two 2\r\nSUB three 3\r\nPING\r\n");
    EXPECT_EQ(room.client.read_line(2s), "-ERR 'maximum subscriptions exceeded'");
    EXPECT_EQ(room.client.read_line(2s), "PONG");
    expect_alive(room);
    expect_alive(elsewhere);
}

}  // namespace
}  // namespace nats::integration

namespace nats::integration {
namespace {

using namespace jwt_world;

// An account JWT's `mappings` (nats-io/jwt's Mapping) apply to its clients' publishes,
// as nats-server's updateAccountClaims adds them; other accounts are not mapped; a
// mapping the server cannot add leaves the rest of the account working.
TEST(JwtRuntime, AccountJwtMappingsApplyToItsPublishes) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    World w;
    auto& mapped = w.account("MAPPED", [](json& c) {
        c["nats"]["mappings"] = {{"orders.new", {{{"subject", "orders.audit"}, {"weight", 100}}}},
                                 {"jobs.*", {{{"subject", "work.$1"}}}}};  // no weight: 100
    });
    auto& plain = w.account("PLAIN");
    auto server = start_server(w.config());
    for (auto* account : {&mapped, &plain}) {
        Raw client(*server);
        ASSERT_EQ(client.login(w.user(*account)), "PONG");
        client.client.send("SUB orders.audit 1\r\nSUB orders.new 2\r\nSUB work.x 3\r\nSUB jobs.x 4\r\n"
                           "PUB orders.new 2\r\nhi\r\nPUB jobs.x 2\r\nyo\r\nPING\r\n");
        std::vector<std::string> lines;
        for (int i = 0; i < 10; ++i) {
            lines.push_back(client.client.read_line());
            if (lines.back() == "PONG") break;
        }
        if (account == &mapped) {
            EXPECT_EQ(lines, (std::vector<std::string>{"MSG orders.audit 1 2", "hi", "MSG work.x 3 2", "yo", "PONG"}));
        } else {
            EXPECT_EQ(lines, (std::vector<std::string>{"MSG orders.new 2 2", "hi", "MSG jobs.x 4 2", "yo", "PONG"}));
        }
    }
}

}  // namespace
}  // namespace nats::integration
