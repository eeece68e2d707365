// Service plugins end to end: a plugin that subscribes as an internal client
// and answers requests (checked with libnats), and the host API as a plugin
// sees it: kernel queries in nats-server's /varz, /connz, /subsz shapes,
// timers, posts, the blocking pool and the data directory.
#include <filesystem>

#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

using test_support::nats_check;
using test_support::nats_connect;
using test_support::nats_msg_data;
using test_support::NatsMsgPtr;

NatsMsgPtr request(natsConnection* nc, const std::string& subject, const std::string& payload) {
    natsMsg* raw = nullptr;
    nats_check(natsConnection_RequestString(&raw, nc, subject.c_str(), payload.c_str(), 2000), "request " + subject);
    return NatsMsgPtr(raw);
}

std::string ask(natsConnection* nc, const std::string& subject, const std::string& payload = {}) {
    return nats_msg_data(request(nc, subject, payload).get());
}

TEST(PluginService, EchoAnswersLibnatsRequests) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(plugins_block({"test_echo"}));
    auto nc = nats_connect(server->url());
    EXPECT_EQ(ask(nc.get(), "echo.hello", "ping"), "ping");
    for (int i = 0; i < 200; ++i) {
        const std::string payload = "n" + std::to_string(i);
        ASSERT_EQ(ask(nc.get(), "echo.many." + std::to_string(i % 7), payload), payload);
    }
    // Only "echo.>" is served: anything else has no responders.
    natsMsg* raw = nullptr;
    EXPECT_EQ(natsConnection_RequestString(&raw, nc.get(), "other.hello", "x", 500), NATS_NO_RESPONDERS);
}

TEST(PluginService, EchoKeepsHeaders) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(plugins_block({"test_echo"}));
    auto nc = nats_connect(server->url());
    natsMsg* raw = nullptr;
    nats_check(natsMsg_Create(&raw, "echo.headers", nullptr, "body", 4), "create message");
    NatsMsgPtr msg(raw);
    nats_check(natsMsgHeader_Set(msg.get(), "X-Test", "kept"), "set header");
    natsMsg* reply_raw = nullptr;
    nats_check(natsConnection_RequestMsg(&reply_raw, nc.get(), msg.get(), 2000), "request with headers");
    NatsMsgPtr reply(reply_raw);
    const char* value = nullptr;
    nats_check(natsMsgHeader_Get(reply.get(), "X-Test", &value), "get header");
    EXPECT_STREQ(value, "kept");
    EXPECT_EQ(nats_msg_data(reply.get()), "body");
}

TEST(PluginService, EchoWorksForRawClients) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(plugins_block({"test_echo"}));
    RawClient client(server->port());
    client.connect();
    client.send("SUB inbox.1 1\r\n" + pub("echo.raw", "hi there", "inbox.1"));
    const Frame f = client.expect_msg();
    EXPECT_EQ(f.subject, "inbox.1");
    EXPECT_EQ(f.payload, "hi there");
}

TEST(PluginHostApi, VarzConnzSubszInNatsServerShapes) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(plugins_block({"test_probe"}));
    RawClient raw(server->port());
    const json info = raw.connect({{"name", "probe-client"}, {"lang", "raw"}, {"version", "9.9"}});
    raw.send("SUB a.b 1\r\nSUB c.d 2\r\n" + pub("nobody", "12345"));
    raw.flush();

    auto nc = nats_connect(server->url());
    const json varz = json::parse(ask(nc.get(), "probe.varz"));
    EXPECT_EQ(varz["server_id"], info["server_id"]);
    EXPECT_EQ(varz["server_name"], info["server_name"]);
    EXPECT_EQ(varz["version"], info["version"]);
    EXPECT_EQ(varz["port"], server->port());
    EXPECT_EQ(varz["connections"], 2);
    EXPECT_GE(varz["in_msgs"].get<long>(), 2);  // the PUB above and the request
    EXPECT_GE(varz["in_bytes"].get<long>(), 5);
    EXPECT_GE(varz["subscriptions"].get<long>(), 3);  // a.b, c.d, the probe's, the requester's inbox
    for (const char* field : {"out_msgs", "out_bytes", "slow_consumers", "max_payload", "start", "now", "uptime",
                              "total_connections", "ping_interval", "write_deadline"})
        EXPECT_TRUE(varz.contains(field)) << field;

    const json connz = json::parse(ask(nc.get(), "probe.connz"));
    EXPECT_EQ(connz["num_connections"], 2);
    bool found = false;
    for (const auto& c : connz["connections"]) {
        if (c.value("name", "") != "probe-client") continue;
        found = true;
        EXPECT_EQ(c["cid"], info["client_id"]);
        EXPECT_EQ(c["ip"], "127.0.0.1");
        EXPECT_GT(c["port"].get<int>(), 0);
        EXPECT_EQ(c["lang"], "raw");
        EXPECT_EQ(c["version"], "9.9");
        EXPECT_EQ(c["subscriptions"], 2);
        EXPECT_EQ(c["in_msgs"], 1);
        EXPECT_EQ(c["in_bytes"], 5);
        EXPECT_EQ(c["account"], "$G");
    }
    EXPECT_TRUE(found) << connz.dump();

    const json subsz = json::parse(ask(nc.get(), "probe.subsz"));
    EXPECT_EQ(subsz["num_subscriptions"], varz["subscriptions"]);

    EXPECT_EQ(ask(nc.get(), "probe.nosuch"), "status " + std::to_string(2));  // NMK_NOT_FOUND
}

TEST(PluginHostApi, TimersPostsAndBlockingWorkAnswer) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(plugins_block({"test_probe"}));
    auto nc = nats_connect(server->url());
    EXPECT_EQ(ask(nc.get(), "probe.timer"), "timer fired");
    EXPECT_EQ(ask(nc.get(), "probe.post"), "posted");
    // Published from a worker thread, not an I/O thread.
    EXPECT_EQ(ask(nc.get(), "probe.blocking"), "blocking");

    // A repeating timer fires three times, then the plugin cancels it.
    auto inbox = test_support::nats_subscribe_sync(nc.get(), "ticks");
    nats_check(natsConnection_PublishRequestString(nc.get(), "probe.repeat", "ticks", ""), "start ticks");
    for (int i = 1; i <= 3; ++i) {
        auto m = test_support::nats_next_msg(inbox.get(), 2s);
        ASSERT_TRUE(m) << "tick " << i;
        EXPECT_EQ(nats_msg_data(m.get()), "tick " + std::to_string(i));
    }
    EXPECT_FALSE(test_support::nats_next_msg(inbox.get(), 100ms));
}

TEST(PluginHostApi, DataDirIsUnderStoreDirAndCreated) {
    SKIP_UNLESS_PLUGIN_SERVER();
    test_support::TempDir store;
    auto server = start_plugin_server("store_dir: \"" + store.path().string() + "\"\n" + plugins_block({"test_probe"}));
    auto nc = nats_connect(server->url());
    const std::string dir = ask(nc.get(), "probe.datadir");
    EXPECT_EQ(std::filesystem::path(dir), store.path() / "plugins" / "test_probe");
    EXPECT_TRUE(std::filesystem::is_directory(dir));
}

TEST(PluginHostApi, PublishIntoAnotherAccountStaysThere) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(plugins_block({"test_probe"}));
    RawClient watcher(server->port());
    watcher.connect();
    watcher.send("SUB probe.delivered 1\r\n");
    watcher.flush();
    auto nc = nats_connect(server->url());
    EXPECT_EQ(ask(nc.get(), "probe.to.OTHER", "secret"), "sent");
    EXPECT_EQ(ask(nc.get(), "probe.to.$G", "public"), "sent");
    // Only the $G copy reaches a $G subscriber.
    const Frame f = watcher.expect_msg();
    EXPECT_EQ(f.payload, "public");
    EXPECT_TRUE(only(watcher.flush(), Frame::Kind::msg).empty());
}

}  // namespace
}  // namespace nats::integration
