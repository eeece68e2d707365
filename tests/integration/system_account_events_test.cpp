// The system account's auth error event ($SYS.SERVER.<id>.CLIENT.AUTH.ERR), the round
// trip in DISCONNECT events, and the service imports every account gets
// ($SYS.REQ.ACCOUNT.PING.CONNZ / STATZ, $SYS.REQ.SERVER.PING.CONNZ answered for the
// requester's own account), through raw clients as nats-server 2.9.10 has them
// (run with NMK_SERVER_BIN=/usr/sbin/nats-server). Ours needs plugins/system_account.
#include <optional>

#include "tests/integration/system_account_fixture.hpp"

namespace nats::integration {
namespace {

using namespace std::chrono_literals;
using namespace system_account;

constexpr std::string_view three_accounts = R"(
accounts {
  SYS: { users: [{user: sys, password: sys}] }
  A: { users: [{user: a, password: a}] }
  B: { users: [{user: b, password: b}] }
}
system_account: SYS
)";

TEST(SystemAccountEvents, RefusedLoginSendsAnAuthErrorEvent) {
    SKIP_WITHOUT_SYSTEM_ACCOUNT();
    auto server = ServerProcess::with_config(three_accounts);
    auto sys = login(*server, "sys");
    sys->send("SUB $SYS.SERVER.*.CLIENT.AUTH.ERR 1\r\n");
    sys->flush();

    RawClient bad(server->port());
    bad.read_info();
    bad.send(R"(CONNECT {"verbose":false,"user":"a","pass":"wrong","name":"intruder","lang":"raw","version":"1.0"})"
             "\r\nPING\r\n");
    EXPECT_TRUE(bad.wait_closed(3000ms));

    const auto f = next_on(*sys, "$SYS.SERVER.");
    ASSERT_TRUE(f) << server->log_text();
    const auto event = nlohmann::ordered_json::parse(f->payload);
    EXPECT_EQ(f->subject, "$SYS.SERVER." + event["server"]["id"].get<std::string>() + ".CLIENT.AUTH.ERR");
    // nats-server tells a refused login as a disconnect.
    EXPECT_EQ(keys(event),
              (std::vector<std::string>{"type", "id", "timestamp", "server", "client", "sent", "received", "reason"}));
    EXPECT_EQ(event["type"], "io.nats.server.advisory.v1.client_disconnect");
    EXPECT_EQ(event["reason"], "Authentication Failure");
    EXPECT_EQ(keys(event["client"]), (std::vector<std::string>{"start", "host", "id", "acc", "user", "name", "lang",
                                                                "ver", "rtt", "stop", "kind", "client_type"}))
        << event.dump();
    EXPECT_EQ(event["client"]["acc"], "$G");
    EXPECT_EQ(event["client"]["user"], "a");
    EXPECT_EQ(event["client"]["name"], "intruder");
    EXPECT_GT(event["client"]["rtt"].get<std::int64_t>(), 0);
    EXPECT_EQ(event["sent"], (nlohmann::ordered_json{{"msgs", 0}, {"bytes", 0}}));

    // A command before CONNECT on a server that needs one is refused the same way.
    RawClient early(server->port());
    early.read_info();
    early.send("SUB foo 1\r\n");
    EXPECT_TRUE(early.wait_closed(3000ms));
    const auto g = next_on(*sys, "$SYS.SERVER.");
    ASSERT_TRUE(g);
    const auto second = nlohmann::ordered_json::parse(g->payload);
    EXPECT_EQ(second["reason"], "Authentication Failure");
    EXPECT_EQ(keys(second["client"]), (std::vector<std::string>{"start", "host", "id", "acc", "stop", "kind", "client_type"}))
        << second.dump();
}

TEST(SystemAccountEvents, DisconnectCarriesTheRoundTrip) {
    SKIP_WITHOUT_SYSTEM_ACCOUNT();
    auto server = ServerProcess::with_config(three_accounts);
    auto sys = login(*server, "sys");
    sys->send("SUB $SYS.ACCOUNT.A.DISCONNECT 1\r\n");
    sys->flush();
    auto a = login(*server, "a", {{"name", "app"}, {"lang", "raw"}, {"version", "9.9"}});
    a.reset();
    const auto f = next_on(*sys, "$SYS.ACCOUNT.A.DISCONNECT");
    ASSERT_TRUE(f);
    const auto event = nlohmann::ordered_json::parse(f->payload);
    EXPECT_EQ(keys(event["client"]), (std::vector<std::string>{"start", "host", "id", "acc", "user", "name", "lang",
                                                                "ver", "rtt", "stop", "kind", "client_type"}))
        << event.dump();
    EXPECT_GT(event["client"]["rtt"].get<std::int64_t>(), 0);
}

TEST(SystemAccountEvents, EveryAccountCanAskForItsOwnConnzAndStatz) {
    SKIP_WITHOUT_SYSTEM_ACCOUNT();
    auto server = ServerProcess::with_config(three_accounts);
    auto b = login(*server, "b", {{"name", "other"}});
    auto a = login(*server, "a", {{"name", "mine"}});
    a->send("SUB _R.> 1\r\n");
    a->flush();
    int n = 0;
    for (const std::string subject : {"$SYS.REQ.ACCOUNT.PING.CONNZ", "$SYS.REQ.SERVER.PING.CONNZ"}) {
        const auto connz = request(*a, subject, "", ++n);
        ASSERT_TRUE(connz) << subject;
        EXPECT_EQ(keys(*connz), (std::vector<std::string>{"server", "data"}));
        // Only the requester's account, whatever the body asks.
        ASSERT_EQ((*connz)["data"]["num_connections"], 1) << connz->dump();
        EXPECT_EQ((*connz)["data"]["connections"][0]["name"], "mine");
        const auto other = request(*a, subject, R"({"acc":"B"})", ++n);
        ASSERT_TRUE(other);
        EXPECT_EQ((*other)["data"]["connections"][0]["name"], "mine") << other->dump();
    }
    const auto statz = request(*a, "$SYS.REQ.ACCOUNT.PING.STATZ", "", ++n);
    ASSERT_TRUE(statz);
    ASSERT_EQ((*statz)["data"]["account_statz"].size(), 1u) << statz->dump();
    EXPECT_EQ((*statz)["data"]["account_statz"][0]["acc"], "A");
    EXPECT_EQ((*statz)["data"]["account_statz"][0]["conns"], 1);
    // The exports behind them are not open to direct requests for other accounts.
    EXPECT_FALSE(request(*a, "$SYS.REQ.ACCOUNT.B.CONNZ", "", ++n, 700ms));
    EXPECT_FALSE(request(*a, "$SYS.REQ.SERVER.PING.VARZ", "", ++n, 700ms));
}

}  // namespace
}  // namespace nats::integration
