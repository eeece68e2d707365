// The monitoring plugin end to end: a server started with -m (or http /
// http_port in its config), traffic from the official C client, and the HTTP
// pages read back over raw sockets. Shapes, option handling and error texts
// are compared live with nats-server 2.9.10 (/usr/sbin/nats-server) when it is
// installed. The dashboard runs in headless Chromium, driven over the DevTools
// protocol by a small Node.js script.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <netinet/tcp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "tests/integration/dashboard_driver.hpp"
#include "tests/integration/integration_helpers.hpp"
#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/net.hpp"
#include "tests/support/sanitizers.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/tls_certs.hpp"

namespace nats::integration {
namespace {

using test_support::nats_connect;
using test_support::nats_next_msg;
using test_support::nats_subscribe_sync;

constexpr const char* reference_server = "/usr/sbin/nats-server";

// ------------------------------------------------------------------ HTTP

using test_support::http_get;
using test_support::http_request;
using test_support::HttpReply;

// ---------------------------------------------------------------- servers

struct Monitored {
    std::unique_ptr<ServerProcess> server;
    int http_port = 0;
};

// Our server (or $NMK_SERVER_BIN) with -m on a free port.
Monitored start_monitored(std::string_view config = {}, std::vector<std::string> args = {}) {
    Monitored m;
    m.http_port = test_support::free_port();
    args.insert(args.begin(), {"-m", std::to_string(m.http_port)});
    m.server = start_server(config, std::move(args));
    if (!wait_for_log(*m.server, "Server is ready"))
        throw std::runtime_error("server not ready:\n" + m.server->log_text());
    return m;
}

bool reference_installed() { return std::filesystem::exists(reference_server); }

// nats-server 2.9.10 itself, with -m on a free port.
Monitored start_reference() {
    struct EnvOverride {
        std::optional<std::string> old;
        EnvOverride() {
            if (const char* v = std::getenv("NMK_SERVER_BIN")) old = v;
            ::setenv("NMK_SERVER_BIN", reference_server, 1);
        }
        ~EnvOverride() {
            if (old) ::setenv("NMK_SERVER_BIN", old->c_str(), 1);
            else ::unsetenv("NMK_SERVER_BIN");
        }
    } env;
    return start_monitored();
}

#define SKIP_WITHOUT_REFERENCE()                                                                               \
    if (!reference_installed())                                                                                \
    GTEST_SKIP() << reference_server << " is not installed (apt-get install nats-server): nothing to compare with"

// Publishes `count` messages of `payload` on `subject` with a subscriber on it,
// and waits until they all arrived.
void exchange(const std::string& url, const std::string& subject, int count, const std::string& payload) {
    auto nc = nats_connect(url);
    auto sub = nats_subscribe_sync(nc.get(), subject);
    ASSERT_EQ(natsConnection_Flush(nc.get()), NATS_OK);
    for (int i = 0; i < count; ++i)
        ASSERT_EQ(natsConnection_Publish(nc.get(), subject.c_str(), payload.data(), static_cast<int>(payload.size())),
                  NATS_OK);
    for (int i = 0; i < count; ++i) ASSERT_NE(nats_next_msg(sub.get(), 5s), nullptr) << "message " << i;
}

test_support::NatsConnectionPtr named_connection(const std::string& url, const std::string& name) {
    auto options = test_support::nats_options(url);
    test_support::nats_check(natsOptions_SetName(options.get(), name.c_str()), "natsOptions_SetName");
    return nats_connect(options.get());
}

// Every key path of a JSON value: objects by key, arrays through all their
// elements ("connections[].cid"), values not included.
void key_paths(const json& v, const std::string& prefix, std::set<std::string>& out) {
    if (v.is_object()) {
        for (auto it = v.begin(); it != v.end(); ++it) {
            const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
            out.insert(path);
            key_paths(*it, path, out);
        }
    } else if (v.is_array()) {
        for (const auto& item : v) key_paths(item, prefix + "[]", out);
    }
}

std::set<std::string> key_paths(const json& v) {
    std::set<std::string> out;
    key_paths(v, "", out);
    return out;
}

// Keys of nats-server's that we lack, and keys we add, as text for a failure.
std::string key_difference(const std::set<std::string>& ours, const std::set<std::string>& theirs) {
    std::string text;
    for (const auto& k : theirs)
        if (!ours.contains(k)) text += " missing:" + k;
    for (const auto& k : ours)
        if (!theirs.contains(k)) text += " extra:" + k;
    return text;
}

// The same traffic against either server: a named client with a plain and a
// queue subscription, 3 messages of 4 bytes.
struct ShapeClient {
    test_support::NatsConnectionPtr connection;
    test_support::NatsSubscriptionPtr plain, queue;
};

ShapeClient shape_traffic(const std::string& url) {
    ShapeClient c;
    c.connection = named_connection(url, "shape");
    c.plain = nats_subscribe_sync(c.connection.get(), "shape.a");
    c.queue = test_support::nats_queue_subscribe_sync(c.connection.get(), "shape.q", "g");
    for (int i = 0; i < 3; ++i) natsConnection_PublishString(c.connection.get(), "shape.a", "data");
    natsConnection_Flush(c.connection.get());
    return c;
}

}  // namespace

// ------------------------------------------------------------- endpoints

TEST(Monitoring, VarzCountsTheTraffic) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    auto m = start_monitored();
    RawClient raw(m.server->port());
    const json info = raw.connect({{"name", "raw"}});
    auto nc = nats_connect(m.server->url());
    auto sub = nats_subscribe_sync(nc.get(), "varz.test");
    for (int i = 0; i < 10; ++i) ASSERT_EQ(natsConnection_PublishString(nc.get(), "varz.test", "12345"), NATS_OK);
    for (int i = 0; i < 10; ++i) ASSERT_NE(nats_next_msg(sub.get(), 5s), nullptr);

    const auto reply = http_get(m.http_port, "/varz");
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.header("content-type"), "application/json");
    const json v = reply.json_body();
    EXPECT_EQ(v["server_id"], info["server_id"]);
    EXPECT_EQ(v["version"], "2.9.10");
    EXPECT_EQ(v["port"], m.server->port());
    EXPECT_EQ(v["http_port"], m.http_port);
    EXPECT_EQ(v["http_host"], "127.0.0.1") << "defaults to the client listen address, as nats-server";
    EXPECT_EQ(v["connections"], 2);
    EXPECT_GE(v["total_connections"].get<int>(), 2);
    EXPECT_EQ(v["in_msgs"], 10);
    EXPECT_EQ(v["out_msgs"], 10);
    EXPECT_EQ(v["in_bytes"], 50);
    EXPECT_EQ(v["out_bytes"], 50);
    EXPECT_EQ(v["slow_consumers"], 0);
    EXPECT_GE(v["mem"].get<long>(), 1);
    EXPECT_EQ(v["http_req_stats"]["/varz"], 1);
    EXPECT_EQ(http_get(m.http_port, "/varz").json_body()["http_req_stats"]["/varz"], 2);
    // MarshalIndent's layout: two spaces, "key": value.
    EXPECT_EQ(reply.body.substr(0, 17), "{\n  \"server_id\": ");
}

TEST(Monitoring, ConnzFieldsSortingPagingAndSubscriptions) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    auto m = start_monitored();
    const std::string url = m.server->url();
    auto quiet = named_connection(url, "quiet");
    auto busy = named_connection(url, "busy");
    auto subs = named_connection(url, "subs");
    std::vector<test_support::NatsSubscriptionPtr> held;
    for (const char* s : {"s.one", "s.two", "s.three"}) held.push_back(nats_subscribe_sync(subs.get(), s));
    for (int i = 0; i < 7; ++i) natsConnection_PublishString(busy.get(), "nobody", "0123456789");
    for (auto* nc : {quiet.get(), busy.get(), subs.get()}) ASSERT_EQ(natsConnection_Flush(nc), NATS_OK);

    json v = http_get(m.http_port, "/connz").json_body();
    EXPECT_EQ(v["num_connections"], 3);
    EXPECT_EQ(v["total"], 3);
    EXPECT_EQ(v["offset"], 0);
    EXPECT_EQ(v["limit"], 1024);
    ASSERT_EQ(v["connections"].size(), 3u);
    std::map<std::string, json> by_name;
    for (const auto& c : v["connections"]) by_name[c["name"].get<std::string>()] = c;
    const json& b = by_name["busy"];
    EXPECT_EQ(b["in_msgs"], 7);
    EXPECT_EQ(b["in_bytes"], 70);
    EXPECT_EQ(b["kind"], "Client");
    EXPECT_EQ(b["type"], "nats");
    EXPECT_EQ(b["ip"], "127.0.0.1");
    EXPECT_EQ(b["lang"], "C");
    for (const char* key : {"cid", "port", "start", "last_activity", "uptime", "idle", "pending_bytes", "out_msgs",
                            "out_bytes", "subscriptions", "version"})
        EXPECT_TRUE(b.contains(key)) << key;
    EXPECT_FALSE(b.contains("account")) << "only with auth=1, as nats-server";
    EXPECT_EQ(by_name["subs"]["subscriptions"], 3);
    // Ascending cid by default.
    EXPECT_LT(v["connections"][0]["cid"].get<int>(), v["connections"][1]["cid"].get<int>());

    v = http_get(m.http_port, "/connz?sort=subs").json_body();
    EXPECT_EQ(v["connections"][0]["name"], "subs");
    v = http_get(m.http_port, "/connz?sort=msgs_from&limit=1").json_body();
    EXPECT_EQ(v["num_connections"], 1);
    EXPECT_EQ(v["total"], 3);
    EXPECT_EQ(v["limit"], 1);
    EXPECT_EQ(v["connections"][0]["name"], "busy");
    v = http_get(m.http_port, "/connz?sort=bytes_from&offset=1&limit=5").json_body();
    EXPECT_EQ(v["num_connections"], 2);
    EXPECT_EQ(v["offset"], 1);
    for (const auto& c : v["connections"]) EXPECT_NE(c["name"], "busy");

    const auto cid = by_name["quiet"]["cid"].get<int>();
    v = http_get(m.http_port, "/connz?cid=" + std::to_string(cid)).json_body();
    ASSERT_EQ(v["connections"].size(), 1u);
    EXPECT_EQ(v["connections"][0]["name"], "quiet");
    EXPECT_EQ(v["limit"], 1);

    v = http_get(m.http_port, "/connz?subs=1&sort=subs&limit=1").json_body();
    const auto list = v["connections"][0]["subscriptions_list"].get<std::set<std::string>>();
    EXPECT_EQ(list, (std::set<std::string>{"s.one", "s.two", "s.three"}));
    v = http_get(m.http_port, "/connz?subs=detail&sort=subs&limit=1").json_body();
    ASSERT_EQ(v["connections"][0]["subscriptions_list_detail"].size(), 3u);
    const json detail = v["connections"][0]["subscriptions_list_detail"][0];
    EXPECT_TRUE(detail.contains("sid"));
    EXPECT_EQ(detail["cid"], v["connections"][0]["cid"]);

    v = http_get(m.http_port, "/connz?auth=1&acc=$G").json_body();
    EXPECT_EQ(v["total"], 3);
    EXPECT_FALSE(v["connections"][0].contains("account")) << "$G is not shown, as nats-server";
    v = http_get(m.http_port, "/connz?acc=nosuch").json_body();
    EXPECT_EQ(v["server_id"], "");
    EXPECT_TRUE(v["connections"].is_null());
}

// Who a connection is, only with auth=1 (the account then only when not $G),
// as nats-server; runs against it too with NMK_SERVER_BIN.
TEST(Monitoring, ConnzShowsIdentityOnlyWithAuth) {
    SKIP_WITHOUT_PLUGINS("monitoring", "auth_users");
    auto m = start_monitored("accounts { A: { users: [{user: alice, password: pa}] }, B: {} }\n");
    auto options = test_support::nats_options(m.server->url());
    test_support::nats_check(natsOptions_SetUserInfo(options.get(), "alice", "pa"), "natsOptions_SetUserInfo");
    auto nc = nats_connect(options.get());
    ASSERT_EQ(natsConnection_Flush(nc.get()), NATS_OK);

    const auto plain = http_get(m.http_port, "/connz");
    EXPECT_EQ(plain.body.substr(0, 17), "{\n  \"server_id\": ") << "MarshalIndent's layout";
    json v = plain.json_body();
    ASSERT_EQ(v["connections"].size(), 1u) << v.dump();
    EXPECT_FALSE(v["connections"][0].contains("authorized_user"));
    EXPECT_FALSE(v["connections"][0].contains("account"));
    v = http_get(m.http_port, "/connz?auth=1").json_body();
    EXPECT_EQ(v["connections"][0]["authorized_user"], "alice");
    EXPECT_EQ(v["connections"][0]["account"], "A");
    v = http_get(m.http_port, "/connz?auth=1&acc=B").json_body();
    EXPECT_EQ(v["total"], 0);
    EXPECT_EQ(v["connections"], json::array());
}

TEST(Monitoring, SubszStatisticsListAndTestSubject) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    auto m = start_monitored();
    auto nc = named_connection(m.server->url(), "subs");
    auto a = nats_subscribe_sync(nc.get(), "orders.*");
    auto b = nats_subscribe_sync(nc.get(), "orders.new");
    auto c = test_support::nats_queue_subscribe_sync(nc.get(), "billing.>", "workers");
    ASSERT_EQ(natsConnection_Flush(nc.get()), NATS_OK);
    // A subject that is not UTF-8 is shown with U+FFFD, as Go's encoder does.
    RawClient raw(m.server->port());
    raw.connect();
    raw.send("SUB odd.\xff 1\r\n");
    raw.flush();

    json v = http_get(m.http_port, "/subsz").json_body();
    EXPECT_GE(v["num_subscriptions"].get<int>(), 3);
    for (const char* key : {"num_cache", "num_inserts", "num_removes", "num_matches", "cache_hit_rate", "max_fanout",
                            "avg_fanout"})
        EXPECT_TRUE(v.contains(key)) << key;
    EXPECT_FALSE(v.contains("subscriptions_list"));

    v = http_get(m.http_port, "/subsz?subs=1").json_body();
    std::set<std::string> subjects;
    for (const auto& s : v["subscriptions_list"]) {
        if (s["account"] != "$G") continue;  // nats-server lists its system account's too
        subjects.insert(s["subject"].get<std::string>());
        if (s["subject"] == "billing.>") {
            EXPECT_EQ(s["qgroup"], "workers");
        }
    }
    EXPECT_TRUE(subjects.contains("orders.*") && subjects.contains("orders.new") && subjects.contains("billing.>"));
    EXPECT_TRUE(subjects.contains("odd.\xef\xbf\xbd"));
    EXPECT_EQ(v["total"], v["subscriptions_list"].size());

    v = http_get(m.http_port, "/subscriptionsz?subs=1&test=orders.new").json_body();
    subjects.clear();
    for (const auto& s : v["subscriptions_list"]) subjects.insert(s["subject"].get<std::string>());
    EXPECT_EQ(subjects, (std::set<std::string>{"orders.*", "orders.new"}));
    v = http_get(m.http_port, "/subsz?subs=1&test=orders.new&limit=1&offset=1").json_body();
    EXPECT_EQ(v["subscriptions_list"].size(), 1u);
    EXPECT_EQ(v["offset"], 1);
    // An empty page answers with the bare statistics, as nats-server.
    v = http_get(m.http_port, "/subsz?subs=1&test=nothing.here").json_body();
    EXPECT_FALSE(v.contains("subscriptions_list"));
    EXPECT_TRUE(v.contains("num_subscriptions"));
}

TEST(Monitoring, AccountzAndAccountStatistics) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    auto m = start_monitored();
    exchange(m.server->url(), "acc.test", 4, "abc");
    auto idle = nats_connect(m.server->url());

    json v = http_get(m.http_port, "/accountz").json_body();
    EXPECT_NE(std::find(v["accounts"].begin(), v["accounts"].end(), "$G"), v["accounts"].end());
    EXPECT_TRUE(v.contains("system_account"));
    v = http_get(m.http_port, "/accountz?acc=$G").json_body();
    EXPECT_EQ(v["account_detail"]["account_name"], "$G");
    EXPECT_EQ(v["account_detail"]["client_connections"], 1);
    auto reply = http_get(m.http_port, "/accountz?acc=nosuch");
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(reply.body, "Account nosuch does not exist");

    v = http_get(m.http_port, "/accstatz").json_body();
    ASSERT_EQ(v["account_statz"].size(), 1u);
    const json& g = v["account_statz"][0];
    EXPECT_EQ(g["acc"], "$G");
    EXPECT_EQ(g["conns"], 1);
    EXPECT_EQ(g["total_conns"], 1);
    EXPECT_EQ(g["leafnodes"], 0);
    // The exchange's connection has closed; its messages still count, as in nats-server.
    for (const char* key : {"sent", "received"}) {
        EXPECT_EQ(g[key]["msgs"], 4) << key;
        EXPECT_EQ(g[key]["bytes"], 12) << key;
    }
    EXPECT_TRUE(g.contains("slow_consumers"));
}

TEST(Monitoring, FeaturesOffAnswerLikeNatsServer) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    SKIP_WITHOUT_REFERENCE();
    auto ours = start_monitored();
    auto theirs = start_reference();
    for (const char* page : {"/routez", "/gatewayz", "/leafz", "/jsz", "/healthz", "/healthz?js-enabled-only=true",
                             "/jsz?accounts=true", "/leafz?subs=1", "/routez?subs=detail"}) {
        const auto a = http_get(ours.http_port, page);
        const auto b = http_get(theirs.http_port, page);
        EXPECT_EQ(a.status, b.status) << page;
        EXPECT_EQ(a.header("content-type"), b.header("content-type")) << page;
        json ja = a.json_body(), jb = b.json_body();
        EXPECT_EQ(key_paths(ja), key_paths(jb)) << page << key_difference(key_paths(ja), key_paths(jb));
        for (json* j : {&ja, &jb}) {
            j->erase("server_id");
            j->erase("now");
        }
        EXPECT_EQ(ja, jb) << page;
    }
    const auto a = http_get(ours.http_port, "/jsz?leader-only=true");
    const auto b = http_get(theirs.http_port, "/jsz?leader-only=true");
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.body, b.body);
}

TEST(Monitoring, JsonShapesMatchNatsServer) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    SKIP_WITHOUT_REFERENCE();
    auto ours = start_monitored();
    auto theirs = start_reference();
    auto a = shape_traffic(ours.server->url());
    auto b = shape_traffic(theirs.server->url());
    for (const char* page : {"/varz", "/connz", "/connz?subs=1", "/connz?subs=detail", "/connz?auth=1", "/subsz",
                             "/subsz?subs=1", "/healthz"}) {
        const auto ra = http_get(ours.http_port, page);
        const auto rb = http_get(theirs.http_port, page);
        ASSERT_EQ(ra.status, rb.status) << page;
        EXPECT_EQ(ra.header("content-type"), rb.header("content-type")) << page;
        const auto ka = key_paths(ra.json_body()), kb = key_paths(rb.json_body());
        EXPECT_EQ(ka, kb) << page << ":" << key_difference(ka, kb);
    }
    // Values that do not depend on the implementation.
    const json va = http_get(ours.http_port, "/varz").json_body();
    const json vb = http_get(theirs.http_port, "/varz").json_body();
    for (const char* key : {"version", "proto", "max_payload", "max_connections", "ping_interval", "ping_max",
                            "max_control_line", "max_pending", "write_deadline", "auth_timeout", "tls_timeout",
                            "http_host", "connections", "in_msgs", "out_msgs", "in_bytes", "out_bytes"})
        EXPECT_EQ(va[key], vb[key]) << key;
    const json ca = http_get(ours.http_port, "/connz").json_body();
    const json cb = http_get(theirs.http_port, "/connz").json_body();
    for (const char* key : {"num_connections", "total", "offset", "limit"}) EXPECT_EQ(ca[key], cb[key]) << key;
    for (const char* key : {"name", "lang", "subscriptions", "in_msgs", "in_bytes", "kind", "type", "ip"})
        EXPECT_EQ(ca["connections"][0][key], cb["connections"][0][key]) << key;
}

TEST(Monitoring, BadQueryValuesGetNatsServerStatusAndText) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    const std::vector<std::string> bad = {
        "/connz?sort=bogus",        "/connz?limit=abc",        "/connz?offset=1.5",  "/connz?subs=bogus",
        "/connz?state=bogus",       "/connz?cid=-1",           "/connz?auth=maybe",  "/connz?sort=stop",
        "/connz?sort=reason",       "/connz?limit=99999999999999999999",               "/subsz?subs=x",
        "/subsz?test=foo.*",        "/subsz?offset=x",         "/routez?subs=x",     "/gatewayz?accs=x",
        "/leafz?subs=x",            "/accstatz?unused=x",      "/jsz?accounts=x",    "/jsz?limit=x",
        "/healthz?js-enabled-only=x", "/healthz?js-server-only=x", "/accountz?acc=nosuch", "/nosuch",
        "/varz/",                   "/connz?sort=%20cid",
    };
    auto ours = start_monitored();
    std::optional<Monitored> theirs;
    if (reference_installed()) theirs = start_reference();
    for (const auto& target : bad) {
        const auto a = http_get(ours.http_port, target);
        EXPECT_GE(a.status, 400) << target;
        EXPECT_EQ(a.header("content-type"), "text/plain; charset=utf-8") << target;
        if (!theirs) continue;
        const auto b = http_get(theirs->http_port, target);
        EXPECT_EQ(a.status, b.status) << target;
        EXPECT_EQ(a.body, b.body) << target;
    }
    // Unclean paths redirect to the clean one.
    const auto r = http_get(ours.http_port, "//varz?x=1");
    EXPECT_EQ(r.status, 301);
    EXPECT_EQ(r.header("location"), "/varz?x=1");
    if (theirs) {
        EXPECT_EQ(http_get(theirs->http_port, "//varz?x=1").header("location"), "/varz?x=1");
    }
}

TEST(Monitoring, IndexPageLinksEveryPage) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    SKIP_UNLESS_PLUGIN_SERVER();  // nats-server's own index links to nats.io
    auto m = start_monitored();
    const auto r = http_get(m.http_port, "/");
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
    for (const char* link : {"/varz", "/connz", "/subsz", "/routez", "/gatewayz", "/leafz", "/accountz", "/accstatz",
                             "/jsz", "/healthz"})
        EXPECT_NE(r.body.find(std::string("href=\"") + link + "\""), std::string::npos) << link;
    EXPECT_EQ(r.body.find("http://"), std::string::npos) << "no external resources";
    EXPECT_EQ(r.body.find("https://"), std::string::npos) << "no external resources";
    // HEAD answers the headers alone.
    const auto head = http_request(m.http_port, "HEAD", "/varz");
    EXPECT_EQ(head.status, 200);
    EXPECT_TRUE(head.body.empty());
}

TEST(Monitoring, BasePathAndHttpHostPortForm) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    SKIP_UNLESS_PLUGIN_SERVER();
    const int port = test_support::free_port();
    auto server = start_server("http: \"127.0.0.1:" + std::to_string(port) + "\"\nhttp_base_path: \"/nats\"\n");
    ASSERT_TRUE(wait_for_log(*server, "Server is ready")) << server->log_text();
    EXPECT_TRUE(test_support::process_listens_on(server->pid(), port));
    EXPECT_EQ(http_get(port, "/varz").status, 404);
    const auto v = http_get(port, "/nats/varz").json_body();
    EXPECT_EQ(v["http_base_path"], "/nats");
    EXPECT_EQ(v["http_port"], port);
    EXPECT_EQ(v["http_host"], "127.0.0.1");
    EXPECT_NE(http_get(port, "/nats").body.find("href=\"/nats/connz\""), std::string::npos);
    EXPECT_NE(server->log_text().find("Starting http monitor on 127.0.0.1:" + std::to_string(port)), std::string::npos);
}

TEST(Monitoring, TakenPortStopsStartUp) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    SKIP_UNLESS_PLUGIN_SERVER();
    const int taken = test_support::free_port();
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(taken));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ASSERT_EQ(::listen(fd, 1), 0);
    const auto result = test_support::run_server_to_exit({"-a", "127.0.0.1", "-p", "-1", "-m", std::to_string(taken)}, 10s);
    ::close(fd);
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("can't listen to the monitor port: 127.0.0.1:" + std::to_string(taken)),
              std::string::npos)
        << result.output;
}

TEST(Monitoring, CredentialsFromThePluginBlock) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    SKIP_UNLESS_PLUGIN_SERVER();
    auto m = start_monitored(R"(plugins {
  monitoring { auth { user: "ops", password: "s3cret", token: "t0ken", public_paths: ["/healthz"] } }
})");
    auto r = http_get(m.http_port, "/varz");
    EXPECT_EQ(r.status, 401);
    EXPECT_NE(r.header("www-authenticate").find("Basic realm="), std::string::npos);
    EXPECT_NE(r.header("www-authenticate").find("Bearer realm="), std::string::npos);
    EXPECT_EQ(http_get(m.http_port, "/nosuch").status, 401);
    EXPECT_EQ(http_get(m.http_port, "/metrics").status, 401);
    EXPECT_EQ(http_get(m.http_port, "/varz", "Basic b3BzOnMzY3JldA==").status, 200);  // ops:s3cret
    EXPECT_EQ(http_get(m.http_port, "/varz", "Basic b3BzOndyb25n").status, 401);      // ops:wrong
    EXPECT_EQ(http_get(m.http_port, "/varz", "Bearer t0ken").status, 200);
    EXPECT_EQ(http_get(m.http_port, "/varz", "Bearer t0ke").status, 401);
    EXPECT_EQ(http_get(m.http_port, "/healthz").status, 200);

    auto bad = run_config_to_exit("http_port: -1\nplugins { monitoring { auth { user: \"ops\" } } }\n");
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.output.find("'auth' needs both 'user' and 'password'"), std::string::npos) << bad.output;
}

namespace {

// GET over TLS, verifying the server against `ca`; the answer's status line
// and body ("" when the handshake or verification fails).
std::string https_get(int port, const std::string& target, const std::filesystem::path& ca) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_load_verify_locations(ctx, ca.c_str(), nullptr);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    std::string out;
    SSL* ssl = nullptr;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
        SSL_set1_host(ssl, "127.0.0.1");
        if (SSL_connect(ssl) == 1) {
            const std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
            SSL_write(ssl, request.data(), static_cast<int>(request.size()));
            char buf[16384];
            for (int n; (n = SSL_read(ssl, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
        }
        SSL_free(ssl);
    }
    ::close(fd);
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return out;
}

}  // namespace

TEST(Monitoring, HttpsWithThePluginsCertificate) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    SKIP_UNLESS_PLUGIN_SERVER();
    test_support::TempDir dir;
    const auto certs = test_support::make_test_certificates(dir.path());
    const int port = test_support::free_port();
    auto server = start_server("https_port: " + std::to_string(port) + "\nplugins { monitoring { tls { cert_file: \"" +
                               certs.server_cert.string() + "\", key_file: \"" + certs.server_key.string() + "\" } } }\n");
    ASSERT_TRUE(wait_for_log(*server, "Server is ready")) << server->log_text();
    EXPECT_NE(server->log_text().find("Starting https monitor on 127.0.0.1:" + std::to_string(port)), std::string::npos);
    const std::string answer = https_get(port, "/varz", certs.ca_cert);
    EXPECT_EQ(answer.substr(0, 15), "HTTP/1.1 200 OK") << answer.substr(0, 200);
    EXPECT_NE(answer.find("\"https_port\": " + std::to_string(port)), std::string::npos);
    // Plain HTTP on the TLS port gets no page.
    EXPECT_THROW(http_get(port, "/varz"), std::runtime_error);
    // A certificate the plugin cannot read stops start-up.
    auto bad = run_config_to_exit("https_port: -1\nplugins { monitoring { tls { cert_file: \"/nonexistent.pem\", key_file: \"" +
                                  certs.server_key.string() + "\" } } }\n");
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.output.find("monitoring TLS certificate /nonexistent.pem"), std::string::npos) << bad.output;
}

// As nats-server, https_port without a tls block of the plugin's own serves
// with the server's certificate (which also puts TLS on the client port).
TEST(Monitoring, HttpsWithTheServersCertificate) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    test_support::TempDir dir;
    const auto certs = test_support::make_test_certificates(dir.path());
    const int port = test_support::free_port();
    auto server = start_server("https_port: " + std::to_string(port) + "\ntls { cert_file: \"" +
                               certs.server_cert.string() + "\", key_file: \"" + certs.server_key.string() + "\" }\n");
    ASSERT_TRUE(wait_for_log(*server, "Server is ready")) << server->log_text();
    const std::string answer = https_get(port, "/varz", certs.ca_cert);
    EXPECT_EQ(answer.substr(0, 15), "HTTP/1.1 200 OK") << answer.substr(0, 200);
    EXPECT_NE(answer.find("\"tls_required\": true"), std::string::npos) << answer.substr(0, 400);
}

TEST(Monitoring, HttpsWithoutACertificateStopsStartUp) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    SKIP_UNLESS_PLUGIN_SERVER();
    auto bad = run_config_to_exit("https_port: -1\n");
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.output.find("https_port needs a certificate"), std::string::npos) << bad.output;
}

TEST(Monitoring, ReloadChangesCredentials) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    SKIP_UNLESS_PLUGIN_SERVER();
    auto m = start_monitored("plugins { monitoring { auth { token: \"first\" } } }\n");
    EXPECT_EQ(http_get(m.http_port, "/varz", "Bearer first").status, 200);
    test_support::write_file(m.server->dir().file("server.conf"), "plugins { monitoring { auth { token: \"second\" } } }\n");
    m.server->send_signal(SIGHUP);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (http_get(m.http_port, "/varz", "Bearer second").status != 200) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << m.server->log_text();
        std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(http_get(m.http_port, "/varz", "Bearer first").status, 401);
    // A changed address needs a restart: refused, the old settings stay.
    test_support::write_file(m.server->dir().file("server.conf"),
                             "plugins { monitoring { threads: 1, auth { token: \"third\" } } }\n");
    m.server->send_signal(SIGHUP);
    ASSERT_TRUE(wait_for_log(*m.server, "change only on restart")) << m.server->log_text();
    EXPECT_EQ(http_get(m.http_port, "/varz", "Bearer second").status, 200);
}

// ------------------------------------------------------------ Prometheus

TEST(Monitoring, MetricsAreValidPrometheusText) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    SKIP_UNLESS_PLUGIN_SERVER();
    auto m = start_monitored();
    exchange(m.server->url(), "prom.test", 6, "xy");
    auto keep = named_connection(m.server->url(), "kept");
    // The exchange's connection closes asynchronously: wait, bounded, until the server
    // has seen it go, so that the connection counts below are settled.
    for (int i = 0; i < 300 && http_get(m.http_port, "/varz").json_body()["connections"] != 1; ++i)
        std::this_thread::sleep_for(10ms);
    const auto reply = http_get(m.http_port, "/metrics");
    ASSERT_EQ(reply.status, 200);
    EXPECT_EQ(reply.header("content-type"), "text/plain; version=0.0.4; charset=utf-8");

    // Line by line: HELP and TYPE once per family, before its samples; samples
    // contiguous per family; names, labels and values well formed.
    const std::regex name_re("[a-zA-Z_:][a-zA-Z0-9_:]*");
    const std::regex help_re("# HELP ([a-zA-Z_:][a-zA-Z0-9_:]*) .*");
    const std::regex type_re("# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)");
    const std::regex sample_re(
        R"(([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")(,[a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\[\\"n])*")*\})? ([-+]?([0-9]+(\.[0-9]*)?([eE][-+]?[0-9]+)?|Inf|NaN))( -?[0-9]+)?)");
    std::set<std::string> typed, finished;
    std::map<std::string, std::string> types;
    std::map<std::string, double> values;  // first sample of each family
    std::string current;
    std::istringstream in(reply.body);
    std::string line;
    int lines = 0;
    while (std::getline(in, line)) {
        ++lines;
        std::smatch match;
        if (line.empty()) continue;
        if (line.starts_with("# HELP ")) {
            ASSERT_TRUE(std::regex_match(line, match, help_re)) << line;
            continue;
        }
        if (line.starts_with("# TYPE ")) {
            ASSERT_TRUE(std::regex_match(line, match, type_re)) << line;
            const std::string family = match[1];
            ASSERT_FALSE(typed.contains(family)) << "TYPE twice: " << family;
            if (!current.empty()) finished.insert(current);
            typed.insert(family);
            types[family] = match[2];
            current = family;
            continue;
        }
        ASSERT_FALSE(line.starts_with("#")) << line;
        ASSERT_TRUE(std::regex_match(line, match, sample_re)) << line;
        const std::string family = match[1];
        ASSERT_EQ(family, current) << "sample outside its family: " << line;
        if (!values.contains(family)) values[family] = std::stod(std::string(match[7]) == "Inf" ? "inf" : std::string(match[7]));
    }
    EXPECT_GT(lines, 50);
    EXPECT_EQ(reply.body.back(), '\n');

    // The series the exporter and the NATS Grafana dashboard use, with values.
    EXPECT_EQ(values["gnatsd_varz_connections"], 1);
    EXPECT_EQ(values["gnatsd_varz_in_msgs"], 6);
    EXPECT_EQ(values["gnatsd_varz_out_msgs"], 6);
    EXPECT_EQ(values["gnatsd_varz_in_bytes"], 12);
    EXPECT_EQ(values["gnatsd_varz_slow_consumers"], 0);
    EXPECT_GE(values["gnatsd_varz_subscriptions"], 0);
    EXPECT_GT(values["gnatsd_varz_mem"], 0);
    EXPECT_EQ(types["gnatsd_varz_in_msgs"], "gauge");
    EXPECT_EQ(values["gnatsd_connz_num_connections"], 1);
    EXPECT_EQ(types["gnatsd_connz_in_msgs"], "counter");
    EXPECT_TRUE(values.contains("gnatsd_subsz_num_subscriptions"));
    EXPECT_EQ(values["gnatsd_routez_num_routes"], 0);
    EXPECT_EQ(values["gnatsd_healthz_status"], 0);
    EXPECT_EQ(values["gnatsd_accstatz_current_connections"], 1);
    EXPECT_EQ(values["jetstream_server_jetstream_disabled"], 1);
    EXPECT_NE(reply.body.find("gnatsd_accstatz_current_connections{server_id=\""), std::string::npos);
    EXPECT_NE(reply.body.find("account=\"$G\""), std::string::npos);
    EXPECT_NE(reply.body.find("gnatsd_varz_version{server_id=\""), std::string::npos);
    // The plugin's own counter, read back through metricz.
    EXPECT_GE(values["monitoring_http_requests"], 1);
    EXPECT_EQ(types["monitoring_http_requests"], "counter");
}

// --------------------------------------------------------------- plugins

TEST(Monitoring, PluginPagesThroughTheSdk) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    SKIP_UNLESS_PLUGIN_SERVER();
    auto m = start_monitored(plugins_block({"monitoring_test_endpoint"}));
    auto r = http_get(m.http_port, "/probez?x=1&y=two");
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.json_body(), json::parse(R"({"method":"GET","query":"x=1&y=two"})"));
    r = http_request(m.http_port, "POST", "/probez");
    EXPECT_EQ(r.json_body()["method"], "POST");
    r = http_get(m.http_port, "/teapot");
    EXPECT_EQ(r.status, 418);
    EXPECT_EQ(r.body, "short and stout");
    EXPECT_EQ(r.header("content-type"), "text/plain");
    // A section of /varz filled by the plugin.
    EXPECT_EQ(http_get(m.http_port, "/varz").json_body()["websocket"]["port"], 9999);
    // Loaded plugins, and the plugin's counter in /metrics.
    const json plugins = http_get(m.http_port, "/pluginz").json_body();
    std::set<std::string> names;
    for (const auto& p : plugins["plugins"]) names.insert(p["name"].get<std::string>());
    EXPECT_TRUE(names.contains("monitoring") && names.contains("monitoring_test_endpoint")) << plugins.dump();
    EXPECT_NE(http_get(m.http_port, "/metrics").body.find("monitoring_probe_hits{server_id=\""), std::string::npos);
}

// --------------------------------------------------------- message path

// Reading /connz for 10,000 connections runs on the monitoring threads; the
// I/O threads only share short per-connection locks with it, so messages keep
// flowing meanwhile.
TEST(Monitoring, ConnzWithTenThousandConnectionsDoesNotStallDelivery) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    SKIP_UNLESS_PLUGIN_SERVER();
    constexpr int connections = 10000;
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_max < connections + 500)
        GTEST_SKIP() << "needs " << connections + 500 << " file descriptors; the hard limit is " << limit.rlim_max;
    if (limit.rlim_cur < connections + 500) {
        limit.rlim_cur = connections + 500;
        ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);  // the server inherits it
    }
    auto m = start_monitored();
    std::vector<int> sockets;
    sockets.reserve(connections);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(m.server->port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const std::string connect = "CONNECT {\"verbose\":false,\"name\":\"idle\"}\r\n";
    struct Closer {
        std::vector<int>& fds;
        ~Closer() {
            for (int fd : fds) ::close(fd);
        }
    } closer{sockets};
    for (int i = 0; i < connections; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        ASSERT_GE(fd, 0);
        ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0) << "connection " << i;
        ASSERT_EQ(::send(fd, connect.data(), connect.size(), MSG_NOSIGNAL), static_cast<ssize_t>(connect.size()));
        sockets.push_back(fd);
    }
    // All of them registered before measuring.
    const auto deadline = std::chrono::steady_clock::now() + 30s;
    while (http_get(m.http_port, "/varz").json_body()["connections"].get<int>() < connections) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "the server did not take every connection";
        std::this_thread::sleep_for(50ms);
    }

    // Round trips through the server, timed, while /connz is read.
    auto nc = nats_connect(m.server->url());
    auto sub = nats_subscribe_sync(nc.get(), "latency");
    ASSERT_EQ(natsConnection_Flush(nc.get()), NATS_OK);
    std::atomic<long> worst_us{0}, round_trips{0};
    long longest_read_ms = 0;
    {
        // A jthread stops and joins on every way out of this block, a failed
        // assertion included.
        std::jthread probe([&](std::stop_token stop) {
            while (!stop.stop_requested()) {
                const auto start = std::chrono::steady_clock::now();
                natsConnection_PublishString(nc.get(), "latency", "ping");
                natsConnection_Flush(nc.get());
                if (!nats_next_msg(sub.get(), 5s)) {
                    worst_us = 5'000'000;
                    return;
                }
                const long us =
                    std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start)
                        .count();
                worst_us = std::max(worst_us.load(), us);
                ++round_trips;
            }
        });
        for (const char* target : {"/connz?limit=10000&subs=1", "/connz?sort=bytes_to"}) {
            const auto start = std::chrono::steady_clock::now();
            // A sanitized debug build renders 10,000 connections many times slower.
            const auto r = http_request(m.http_port, "GET", target, {}, 120s);
            longest_read_ms = std::max<long>(longest_read_ms, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                                  std::chrono::steady_clock::now() - start)
                                                                  .count());
            ASSERT_EQ(r.status, 200) << target;
            EXPECT_EQ(r.json_body()["total"], connections + 1) << target;
        }
    }
    RecordProperty("worst_round_trip_us", std::to_string(worst_us.load()));
    RecordProperty("slowest_connz_ms", std::to_string(longest_read_ms));
    EXPECT_GT(round_trips.load(), 0);
    EXPECT_LT(worst_us.load(), 5'000'000) << "a round trip got no answer while /connz was read";
    if (test_support::sanitized_build) return;  // sanitizer timings say nothing about stalls
    // A stalled I/O thread would hold a round trip for as long as a /connz
    // read takes; allow scheduling noise on a loaded 2-core machine.
    EXPECT_LT(worst_us.load(), 500'000) << "worst round trip while reading /connz (the slowest read took "
                                        << longest_read_ms << " ms)";
}

// -------------------------------------------------------------- dashboard

TEST(Monitoring, DashboardShowsTrafficInHeadlessChromium) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    SKIP_UNLESS_PLUGIN_SERVER();
    if (const std::string missing = dashboard_driver_missing(); !missing.empty()) GTEST_SKIP() << missing;
    auto m = start_monitored();

    const auto page = http_get(m.http_port, "/dashboard");
    ASSERT_EQ(page.status, 200);
    EXPECT_EQ(page.header("content-type"), "text/html; charset=utf-8");
    for (const char* external : {"src=\"http", "href=\"http", "@import", "url(http"})
        EXPECT_EQ(page.body.find(external), std::string::npos) << "self-contained: " << external;

    // Steady traffic while the browser polls.
    std::atomic<bool> running{true};
    std::thread traffic([&, url = m.server->url()] {
        auto nc = nats_connect(url);
        auto sub = nats_subscribe_sync(nc.get(), "dash.>");
        const std::string payload(100, 'x');
        while (running.load()) {
            for (int i = 0; i < 20; ++i) natsConnection_Publish(nc.get(), "dash.tick", payload.data(), 100);
            natsConnection_Flush(nc.get());
            std::this_thread::sleep_for(10ms);
        }
    });
    const json result = run_dashboard(m.http_port, 300, 3500);
    running = false;
    traffic.join();

    ASSERT_TRUE(result.is_object()) << "driver output was not JSON";
    ASSERT_FALSE(result.contains("fatal")) << result.dump();
    EXPECT_EQ(result["errors"], json::array()) << "console errors: " << result["errors"].dump(2);
    const json& p = result["page"];
    ASSERT_TRUE(p["state"].is_object()) << p.dump();
    EXPECT_GE(p["state"]["polls"].get<int>(), 4);
    EXPECT_EQ(p["state"]["errors"], json::array());
    EXPECT_EQ(p["scripts"], 0) << "no external scripts or style sheets";
    // The charts received rates from the traffic above.
    std::map<std::string, json> charts;
    for (const auto& c : p["charts"]) charts[c["id"].get<std::string>()] = c;
    EXPECT_GE(charts["msg_chart"]["points"].get<int>(), 3);
    EXPECT_GT(charts["msg_chart"]["max"].get<double>(), 0) << "messages per second drawn";
    EXPECT_GT(charts["byte_chart"]["max"].get<double>(), 0) << "bytes per second drawn";
    EXPECT_GE(charts["conn_chart"]["max"].get<double>(), 1) << "connections drawn";
    double best_rate = 0;
    for (const auto& s : p["state"]["samples"])
        if (s["rates"].is_object()) best_rate = std::max(best_rate, s["rates"]["in_msgs"].get<double>());
    EXPECT_GT(best_rate, 0);
    EXPECT_EQ(p["tiles"]["connections"], "1");
    EXPECT_EQ(p["tiles"]["slow_consumers"], "0");
    EXPECT_NE(std::find(p["plugins"].begin(), p["plugins"].end(), "monitoring"), p["plugins"].end()) << p["plugins"];
    // Without JetStream the section stays hidden and /jsz says so.
    EXPECT_EQ(p["jetstream"]["hidden"], true);
    EXPECT_EQ(p["state"]["jetstream"], json({{"enabled", false}}));
}

}  // namespace nats::integration
