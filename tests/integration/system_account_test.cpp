// The system account's services and events ($SYS.REQ.SERVER.PING..., $SYS.REQ.ACCOUNT...,
// $SYS.ACCOUNT.<acc>.CONNECT/DISCONNECT/SERVER.CONNS, STATSZ, SHUTDOWN) through raw
// clients: JSON shapes, option errors and filters as nats-server 2.9.10 has them
// (run with NMK_SERVER_BIN=/usr/sbin/nats-server). Ours needs plugins/system_account.
#include <csignal>
#include <optional>

#include "tests/integration/system_account_fixture.hpp"

namespace nats::integration {
namespace {

using namespace std::chrono_literals;
using namespace system_account;

const std::vector<std::string> server_info_keys = {"name", "host", "id", "ver", "seq", "jetstream", "time"};

TEST_F(SystemAccount, ServerPingAnswersWithStatsz) {
    const auto answer = request("$SYS.REQ.SERVER.PING", "");
    ASSERT_TRUE(answer);
    EXPECT_EQ(keys(*answer), (std::vector<std::string>{"server", "statsz"}));
    EXPECT_EQ(keys((*answer)["server"]), server_info_keys);
    EXPECT_EQ((*answer)["server"]["ver"], "2.9.10");
    EXPECT_EQ(keys((*answer)["statsz"]),
              (std::vector<std::string>{"start", "mem", "cores", "cpu", "connections", "total_connections",
                                        "active_accounts", "subscriptions", "sent", "received", "slow_consumers",
                                        "active_servers"}));
    EXPECT_EQ((*answer)["statsz"]["connections"], 1);
    EXPECT_GE((*answer)["statsz"]["active_accounts"].get<int>(), 1);
    // The sequence grows with every system message.
    const auto again = request("$SYS.REQ.SERVER.PING.STATSZ", "");
    ASSERT_TRUE(again);
    EXPECT_GT((*again)["server"]["seq"].get<std::uint64_t>(), (*answer)["server"]["seq"].get<std::uint64_t>());
}

TEST_F(SystemAccount, MonitoringEndpointsAnswerInAnEnvelope) {
    auto a = login(*server_, "a", {{"name", "app"}});
    const auto varz = request("$SYS.REQ.SERVER.PING.VARZ", "");
    ASSERT_TRUE(varz);
    EXPECT_EQ(keys(*varz), (std::vector<std::string>{"server", "data"}));
    const std::string id = (*varz)["server"]["id"];
    EXPECT_EQ((*varz)["data"]["server_id"], id);
    EXPECT_EQ((*varz)["data"]["system_account"], "SYS");

    const auto connz = request("$SYS.REQ.SERVER.PING.CONNZ", R"({"acc":"A","auth":true})");
    ASSERT_TRUE(connz);
    ASSERT_EQ((*connz)["data"]["num_connections"], 1) << connz->dump();
    EXPECT_EQ((*connz)["data"]["connections"][0]["name"], "app");
    EXPECT_EQ((*connz)["data"]["connections"][0]["authorized_user"], "a");

    // The same through this server's own subject.
    const auto healthz = request("$SYS.REQ.SERVER." + id + ".HEALTHZ", "");
    ASSERT_TRUE(healthz);
    EXPECT_EQ((*healthz)["data"]["status"], "ok");
    const auto subsz = request("$SYS.REQ.SERVER." + id + ".SUBSZ", "{}");
    ASSERT_TRUE(subsz);
    EXPECT_TRUE((*subsz)["data"].contains("num_subscriptions"));
    const auto accountz = request("$SYS.REQ.SERVER.PING.ACCOUNTZ", R"({"account":"A"})");
    ASSERT_TRUE(accountz);
    EXPECT_EQ((*accountz)["data"]["account_detail"]["account_name"], "A");
}

TEST_F(SystemAccount, BadOptionsGetGoDecodingErrors) {
    auto expect_error = [&](const std::string& subject, const std::string& body, int code, const std::string& text,
                            bool null_data) {
        const auto answer = request(subject, body);
        ASSERT_TRUE(answer) << body;
        EXPECT_EQ((*answer)["error"]["code"], code) << body;
        EXPECT_EQ((*answer)["error"]["description"], text) << body;
        EXPECT_EQ(answer->contains("data"), null_data) << body;
        if (null_data) {
            EXPECT_TRUE((*answer)["data"].is_null());
        }
    };
    expect_error("$SYS.REQ.SERVER.PING.CONNZ", R"({"limit":"x"})", 400,
                 "json: cannot unmarshal string into Go struct field ConnzEventOptions.limit of type int", false);
    expect_error("$SYS.REQ.SERVER.PING.CONNZ", R"({"limit":1.5})", 400,
                 "json: cannot unmarshal number 1.5 into Go struct field ConnzEventOptions.limit of type int", false);
    expect_error("$SYS.REQ.SERVER.PING.CONNZ", "xx", 400, "invalid character 'x' looking for beginning of value",
                 false);
    expect_error("$SYS.REQ.SERVER.PING.SUBSZ", R"({"subscriptions":1})", 400,
                 "json: cannot unmarshal number into Go struct field SubszEventOptions.subscriptions of type bool",
                 false);
    expect_error("$SYS.REQ.SERVER.PING.VARZ", R"({"a":1)", 400, "unexpected end of JSON input", false);
    expect_error("$SYS.REQ.SERVER.PING.CONNZ", R"({"sort":"bad"})", 500, "invalid sorting option: bad", true);
}

TEST_F(SystemAccount, FilterOptionsChooseTheServer) {
    const auto varz = request("$SYS.REQ.SERVER.PING.VARZ", "");
    ASSERT_TRUE(varz);
    const std::string name = (*varz)["server"]["name"];
    EXPECT_FALSE(request("$SYS.REQ.SERVER.PING.VARZ", R"({"server_name":"no-such-server"})", 500ms));
    EXPECT_FALSE(request("$SYS.REQ.SERVER.PING", R"({"tags":["missing"]})", 500ms));
    const auto mine = request("$SYS.REQ.SERVER.PING.VARZ", R"({"server_name":")" + name.substr(0, 6) + "\"}");
    ASSERT_TRUE(mine);
    EXPECT_EQ((*mine)["server"]["name"], name);
}

TEST_F(SystemAccount, AccountServices) {
    auto a = login(*server_, "a");
    a->send("SUB orders.> 7\r\n");
    a->flush();
    const auto connz = request("$SYS.REQ.ACCOUNT.A.CONNZ", "");
    ASSERT_TRUE(connz);
    EXPECT_EQ((*connz)["data"]["num_connections"], 1);
    const auto subsz = request("$SYS.REQ.ACCOUNT.A.SUBSZ", "");
    ASSERT_TRUE(subsz);
    ASSERT_TRUE((*subsz)["data"].contains("subscriptions_list")) << subsz->dump();
    // nats-server also lists the account's system import subscriptions, in no set order.
    bool listed = false;
    for (const auto& sub : (*subsz)["data"]["subscriptions_list"]) listed = listed || sub["subject"] == "orders.>";
    EXPECT_TRUE(listed) << subsz->dump();
    const auto info = request("$SYS.REQ.ACCOUNT.A.INFO", "");
    ASSERT_TRUE(info);
    EXPECT_EQ((*info)["data"]["account_name"], "A");
    const auto statz = request("$SYS.REQ.ACCOUNT.A.STATZ", "");
    ASSERT_TRUE(statz);
    ASSERT_EQ((*statz)["data"]["account_statz"].size(), 1u);
    EXPECT_EQ((*statz)["data"]["account_statz"][0]["acc"], "A");
    EXPECT_EQ((*statz)["data"]["account_statz"][0]["conns"], 1);
    const auto missing = request("$SYS.REQ.ACCOUNT.NOPE.INFO", "");
    ASSERT_TRUE(missing);
    EXPECT_EQ((*missing)["error"]["code"], 500);
    EXPECT_EQ((*missing)["error"]["description"], "Account NOPE does not exist");
    // An account without connections answers STATZ only when asked for unused ones.
    // The server learns of the close a moment after the socket goes: wait for it (bounded).
    a.reset();
    std::optional<nlohmann::ordered_json> unused;
    for (int i = 0; i < 60; ++i) {
        unused = request("$SYS.REQ.ACCOUNT.A.STATZ", R"({"include_unused":true})");
        if (unused && (*unused)["data"]["account_statz"][0]["conns"] == 0) break;
        std::this_thread::sleep_for(50ms);
    }
    ASSERT_TRUE(unused);
    EXPECT_EQ((*unused)["data"]["account_statz"][0]["conns"], 0);
    EXPECT_FALSE(request("$SYS.REQ.ACCOUNT.A.STATZ", "", 700ms));
}

TEST_F(SystemAccount, ConnectAndDisconnectEvents) {
    sys_->send("SUB $SYS.ACCOUNT.A.> 2\r\n");
    sys_->flush();
    // The client event and the connection count, in whichever order they come.
    auto both = [&](const std::string& event_subject) {
        std::optional<nlohmann::ordered_json> event, conns;
        for (int i = 0; i < 3 && !(event && conns); ++i) {
            const auto f = next_on(*sys_, "$SYS.ACCOUNT.A.");
            if (!f) break;
            if (f->subject == event_subject) event = nlohmann::ordered_json::parse(f->payload);
            if (f->subject == "$SYS.ACCOUNT.A.SERVER.CONNS") conns = nlohmann::ordered_json::parse(f->payload);
        }
        return std::make_pair(event, conns);
    };
    auto a = login(*server_, "a", {{"name", "app"}, {"lang", "raw"}, {"version", "9.9"}});
    auto [connect, conns] = both("$SYS.ACCOUNT.A.CONNECT");
    ASSERT_TRUE(connect && conns);
    EXPECT_EQ(keys(*connect), (std::vector<std::string>{"type", "id", "timestamp", "server", "client"}));
    EXPECT_EQ((*connect)["type"], "io.nats.server.advisory.v1.client_connect");
    EXPECT_EQ(keys((*connect)["client"]), (std::vector<std::string>{"start", "host", "id", "acc", "user", "name",
                                                                     "lang", "ver", "kind", "client_type"}));
    EXPECT_EQ((*connect)["client"]["name"], "app");
    EXPECT_EQ((*connect)["client"]["user"], "a");
    EXPECT_EQ((*conns)["type"], "io.nats.server.advisory.v1.account_connections");
    EXPECT_EQ((*conns)["acc"], "A");
    EXPECT_EQ((*conns)["conns"], 1);

    a.reset();
    auto [disconnect, after] = both("$SYS.ACCOUNT.A.DISCONNECT");
    ASSERT_TRUE(disconnect && after);
    EXPECT_EQ((*disconnect)["type"], "io.nats.server.advisory.v1.client_disconnect");
    EXPECT_TRUE((*disconnect)["client"].contains("stop"));
    EXPECT_EQ(keys(*disconnect),
              (std::vector<std::string>{"type", "id", "timestamp", "server", "client", "sent", "received", "reason"}));
    EXPECT_FALSE((*disconnect)["reason"].get<std::string>().empty());
    EXPECT_EQ((*after)["conns"], 0);
}

TEST_F(SystemAccount, StatszIsPublishedPeriodically) {
    sys_->send("SUB $SYS.SERVER.*.STATSZ 3\r\n");
    sys_->flush();
    const auto f = next_on(*sys_, "$SYS.SERVER.", 5000ms);
    ASSERT_TRUE(f);
    const auto statsz = nlohmann::ordered_json::parse(f->payload);
    EXPECT_EQ(f->subject, "$SYS.SERVER." + statsz["server"]["id"].get<std::string>() + ".STATSZ");
    EXPECT_TRUE(statsz["statsz"].contains("connections"));
}

TEST_F(SystemAccount, ShutdownIsAnnounced) {
    sys_->send("SUB $SYS.SERVER.*.SHUTDOWN 4\r\n");
    sys_->flush();
    server_->send_signal(SIGTERM);
    const auto f = next_on(*sys_, "$SYS.SERVER.", 3000ms);
    ASSERT_TRUE(f) << server_->log_text();
    const auto info = nlohmann::ordered_json::parse(f->payload);
    EXPECT_EQ(keys(info), server_info_keys);
    EXPECT_EQ(f->subject, "$SYS.SERVER." + info["id"].get<std::string>() + ".SHUTDOWN");
}

TEST(SystemAccountOff, NoSystemAccountMeansNoServices) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = ServerProcess::with_config(R"(
accounts { A: { users: [{user: a, password: a}] } }
no_system_account: true
)");
    auto a = login(*server, "a");
    a->send("SUB _R.> 1\r\nPUB $SYS.REQ.SERVER.PING _R.1 0\r\n\r\n");
    EXPECT_TRUE(a->flush().empty());
    EXPECT_EQ(a->idle_for(700ms), "");
}

}  // namespace
}  // namespace nats::integration

namespace nats::integration {
namespace {

using namespace system_account;

TEST(SystemAccountJetStream, JszAndStatszShowJetStream) {
    SKIP_WITHOUT_PLUGINS("system_account", "auth_users", "monitoring", "jetstream");
    test_support::TempDir store;
    auto server = ServerProcess::with_config(R"(
jetstream { store_dir: ")" + store.path().string() + R"(" }
accounts {
  SYS: { users: [{user: sys, password: sys}] }
  A: { jetstream: enabled, users: [{user: a, password: a}] }
  B: { users: [{user: b, password: b}] }
}
system_account: SYS
)");
    auto sys = login(*server, "sys");
    sys->send("SUB _R.> 1\r\n");
    int n = 0;
    auto ask = [&](const std::string& subject, const std::string& body) {
        return request(*sys, subject, body, ++n, 3000ms).value_or(nlohmann::ordered_json());
    };
    const auto jsz = ask("$SYS.REQ.SERVER.PING.JSZ", R"({"accounts":true})");
    EXPECT_EQ(jsz["server"]["jetstream"], true) << jsz.dump();
    EXPECT_TRUE(jsz["data"].contains("config")) << jsz.dump();
    const auto account = ask("$SYS.REQ.ACCOUNT.A.JSZ", "");
    EXPECT_EQ(account["data"]["name"], "A") << account.dump();
    const auto not_enabled = ask("$SYS.REQ.ACCOUNT.B.JSZ", "");
    EXPECT_EQ(not_enabled["error"]["code"], 500) << not_enabled.dump();
    EXPECT_EQ(not_enabled["error"]["description"], "account \"B\" not jetstream enabled");
    const auto statsz = ask("$SYS.REQ.SERVER.PING", "");
    ASSERT_TRUE(statsz["statsz"].contains("jetstream")) << statsz.dump();
    EXPECT_TRUE(statsz["statsz"]["jetstream"].contains("config"));
    EXPECT_FALSE(statsz["statsz"]["jetstream"]["config"].contains("store_dir"));
}

}  // namespace
}  // namespace nats::integration
