// The nats CLI's system-account verbs (tools/nats/commands/server_checks.cpp,
// server_request.cpp): `server check consumer|meta|server|kv` in Nagios,
// JSON and Prometheus formats, `server request <kind>`, `server list`,
// `server report connections|accounts|jetstream|health`, against a server with a
// system account SYS and a JetStream account APP. With
// NMK_SERVER_BIN=/usr/sbin/nats-server they show what natscli shows against
// nats-server 2.9.10 (meta: a server that is not clustered has no meta group).
#include "tests/integration/nats_cli_js_fixture.hpp"
#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

using namespace cli_testing;

constexpr std::string_view sys_config = R"(
server_name: clisys
accounts {
  SYS: { users: [{user: sys, password: sys}] }
  APP: { users: [{user: app, password: app}], jetstream: enabled }
}
system_account: SYS
)";

class NatsCliServerSys : public NatsCliJs {
protected:
    void SetUp() override {
        SKIP_WITHOUT_PLUGINS("system_account", "auth_users", "monitoring");
        ASSERT_TRUE(std::filesystem::exists(cli_binary())) << cli_binary() << " is missing: build the `nats` target";
        server = start_jetstream(store, sys_config);
    }
    cli_result as(const std::string& user, std::vector<std::string> args) {
        args.insert(args.begin(), {"--user", user, "--password", user});
        return nats(std::move(args));
    }
};

TEST_F(NatsCliServerSys, CheckMetaOnAServerWithoutCluster) {
    auto r = as("sys", {"server", "check", "meta", "--expect", "1", "--lag-critical", "10", "--seen-critical", "5s"});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "CRITICAL JetStream Meta Cluster Crit:no cluster information\n");
    r = as("sys", {"server", "check", "meta", "--expect", "1", "--lag-critical", "10", "--seen-critical", "5s", "--format",
                   "prometheus"});
    EXPECT_EQ(r.code, 0);
    EXPECT_TRUE(contains(r.out, "nats_server_check_meta_status_code{item=\"JetStream Meta Cluster\",status=\"CRITICAL\"} 0\n"))
        << r.out;
    // Not the system account: nobody answers $SYS.REQ.SERVER.PING.JSZ.
    r = as("app", {"server", "check", "meta", "--expect", "1", "--lag-critical", "1", "--seen-critical", "1s"});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "CRITICAL JetStream Meta Cluster Crit:JSZ API request failed: nats: no responders available for request\n");
    r = as("sys", {"server", "check", "meta", "--expect", "1"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "error: required flag --lag-critical not provided\n");
}

TEST_F(NatsCliServerSys, CheckServer) {
    auto r = as("sys", {"server", "check", "server", "--name", "clisys", "--js-required", "--conn-warn", "100",
                        "--conn-critical", "200"});
    EXPECT_EQ(r.code, 0) << r.out;
    EXPECT_TRUE(has(r.out, R"(^OK clisys OK:JetStream enabled OK:Connections \d+\.00 \| uptime=[\d.]+s cpu=[\d.]+% mem=\d+ )"
                           R"(connections=\d+;100;200 subscriptions=\d+\n$)"))
        << r.out;
    r = as("sys", {"server", "check", "server", "--name", "clisys", "--auth-required", "--tls-required", "--format", "json"});
    EXPECT_EQ(r.code, 2);
    const auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["status"], "CRITICAL");
    EXPECT_EQ(j["critical"], nlohmann::json::array({"TLS not required"})) << r.out;
    r = as("sys", {"server", "check", "server", "--name", "other"});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "CRITICAL other Crit:varz failed: no results received, ensure the account used has system privileges "
                     "and appropriate permissions\n");
    EXPECT_EQ(as("sys", {"server", "check", "server"}).err, "error: required flag --name not provided\n");
}

TEST_F(NatsCliServerSys, CheckKvAndConsumer) {
    ASSERT_EQ(as("app", {"kv", "add", "CFG"}).code, 0);
    ASSERT_EQ(as("app", {"kv", "put", "CFG", "a", "1"}).code, 0);
    auto r = as("app", {"server", "check", "kv", "--bucket", "CFG", "--key", "a", "--values-warn", "5", "--values-critical", "10"});
    EXPECT_EQ(r.code, 0);
    EXPECT_EQ(r.out, "OK CFG OK:bucket CFG OK:key a found OK:1 values | values=1;5;10 bytes=40B replicas=1\n");
    r = as("app", {"server", "check", "kv", "--bucket", "CFG", "--key", "b"});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "CRITICAL CFG Crit:key b not found OK:bucket CFG | values=1 bytes=40B replicas=1\n");
    r = as("app", {"server", "check", "kv", "--bucket", "NOPE"});
    EXPECT_EQ(r.out, "CRITICAL NOPE Crit:bucket NOPE not found\n");

    ASSERT_EQ(as("app", {"stream", "add", "ORDERS", "--subjects", "ORDERS.*", "--defaults"}).code, 0);
    ASSERT_EQ(as("app", {"pub", "ORDERS.new", "x", "--count", "3", "-q"}).code, 0);
    ASSERT_EQ(as("app", {"consumer", "add", "ORDERS", "C", "--pull", "--defaults"}).code, 0);
    r = as("app", {"server", "check", "consumer", "--stream", "ORDERS", "--consumer", "C", "--unprocessed-critical", "2"});
    EXPECT_EQ(r.code, 2);
    EXPECT_EQ(r.out, "CRITICAL C Crit:Unprocessed Messages: 3 | ack_pending=0 pull_waiting=0 pending=3;;2 redelivered=0\n");
    r = as("app", {"server", "check", "consumer", "--stream", "ORDERS", "--consumer", "C", "--last-delivery-critical", "1m"});
    EXPECT_EQ(r.code, 2);
    EXPECT_TRUE(r.out.starts_with("CRITICAL C Crit:No deliveries |")) << r.out;
    r = as("app", {"server", "check", "consumer", "--stream", "ORDERS", "--consumer", "X"});
    EXPECT_EQ(r.out, "CRITICAL X Crit:could not load info: consumer not found (10014)\n");
    EXPECT_EQ(as("app", {"server", "check", "consumer", "--stream", "ORDERS"}).err,
              "error: required flag --consumer not provided\n");
}

TEST_F(NatsCliServerSys, RequestListAndReports) {
    auto r = as("sys", {"server", "request", "varz"});
    ASSERT_EQ(r.code, 0) << r.err;
    auto j = nlohmann::json::parse(r.out);
    EXPECT_EQ(j["server"]["name"], "clisys");
    EXPECT_EQ(j["data"]["server_name"], "clisys");
    // A server ID as --host addresses $SYS.REQ.SERVER.<id>.<KIND>.
    const std::string id = j["server"]["id"];
    r = as("sys", {"server", "request", "subscriptions", "--host", id});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(nlohmann::json::parse(r.out)["server"]["id"], id);
    r = as("sys", {"server", "request", "connections", "--subscriptions", "1"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(nlohmann::json::parse(r.out)["data"].contains("connections")) << r.out;
    for (const char* kind : {"jsz", "subsz", "accountz", "routez", "healthz"}) {
        r = as("sys", {"server", "request", kind});
        EXPECT_EQ(r.code, 0) << kind << ": " << r.err;
        EXPECT_EQ(nlohmann::json::parse(r.out)["server"]["name"], "clisys") << kind << ": " << r.out;
    }
    r = as("app", {"server", "request", "varz"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.starts_with("nats: error: ")) << r.err;
    r = as("sys", {"server", "request", "bogus"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.starts_with("error: expected command but got \"bogus\"")) << r.err;

    r = as("sys", {"server", "list", "1"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "Server Overview")) << r.out;
    EXPECT_TRUE(has(r.out, R"(│ clisys +│ +│ [\d.]+ +│ 2\.9\.10 +│ yes +│)")) << r.out;

    ASSERT_EQ(as("app", {"stream", "add", "ORDERS", "--subjects", "ORDERS.*", "--defaults"}).code, 0);
    r = as("sys", {"server", "report", "jetstream"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "JetStream Summary")) << r.out;
    EXPECT_TRUE(has(r.out, R"(│ Server +│ Cluster +│ Streams +│ Consumers +│ Messages +│ Bytes +│ Memory +│ File +│ API Req +│ Pending +│)"))
        << r.out;
    EXPECT_TRUE(has(r.out, R"(│ clisys +│ +│ 1 +│ 0 +│ 0 +│)")) << r.out;
    r = as("sys", {"server", "report", "connections"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, R"(Top \d+ Connections out of \d+ by subs)")) << r.out;
    EXPECT_TRUE(contains(r.out, "Connections per server")) << r.out;
    // nats-server 2.9 sends no status_code: natscli shows 0 and counts the server as failing.
    r = as("sys", {"server", "report", "health"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, R"(│ clisys +│ +│ +│ ok \(0\) +│)")) << r.out;
    EXPECT_TRUE(has(r.out, R"(│ 1 +│ 1 +│ +│ ok: 0 / err: 1 +│ +│ 0 +│)")) << r.out;
    r = as("sys", {"server", "report", "accounts", "--sort", "conns"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, R"(\d+ Accounts Overview)")) << r.out;
}

// A user of an ordinary account reaches $SYS.REQ.SERVER.PING.CONNZ through the import
// every account gets, and sees its own account's connections only.
TEST_F(NatsCliServerSys, ReportConnectionsAsAnAccountUser) {
    auto r = as("app", {"server", "report", "connections"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, R"(Top \d+ Connections out of 1 by subs)")) << r.out;
    EXPECT_TRUE(contains(r.out, "Connections per server")) << r.out;
}

} // namespace
} // namespace nats::integration
