// SDK 1.1 "messages, interest and clients" end to end, through the
// test_messaging plugin (tests/plugins/test_messaging.c) and libnats or raw
// socket clients: no-echo, receiver counts, batch publish order from the
// blocking pool, the sender's client id and its gone-callback, interest
// watches, disconnect events, bad input.
#include <regex>

#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/raw_client.hpp"

namespace nats::integration {
namespace {

using test_support::nats_check;
using test_support::nats_connect;
using test_support::nats_msg_data;
using test_support::nats_next_msg;
using test_support::nats_queue_subscribe_sync;
using test_support::nats_subscribe_sync;
using test_support::NatsMsgPtr;

std::string ask(natsConnection* nc, const std::string& what, const std::string& payload = {}) {
    natsMsg* raw = nullptr;
    nats_check(natsConnection_RequestString(&raw, nc, ("msg." + what).c_str(), payload.c_str(), 3000),
               "request msg." + what);
    return nats_msg_data(NatsMsgPtr(raw).get());
}

std::unique_ptr<test_support::ServerProcess> messaging_server(std::string_view extra = {}) {
    return start_plugin_server(std::string(extra) + plugins_block({"test_messaging"}));
}

// The next message on `sub` as text, "" after `timeout`.
std::string next_text(natsSubscription* sub, std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
    natsMsg* raw = nullptr;
    if (natsSubscription_NextMsg(&raw, sub, static_cast<int64_t>(timeout.count())) != NATS_OK) return {};
    return nats_msg_data(NatsMsgPtr(raw).get());
}

// Events until one starts with `prefix` (others are skipped), "" when none comes.
std::string next_event(natsSubscription* events, std::string_view prefix) {
    for (int i = 0; i < 20; ++i) {
        std::string e = next_text(events);
        if (e.empty()) return {};
        if (e.rfind(prefix, 0) == 0) return e;
    }
    return {};
}

void flush(natsConnection* nc) { nats_check(natsConnection_FlushTimeout(nc, 2000), "flush"); }

TEST(PluginMessaging, SubscriptionsSeeTheSendersClientId) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = messaging_server();
    auto a = nats_connect(server->url());
    auto b = nats_connect(server->url());
    uint64_t id_a = 0, id_b = 0;
    nats_check(natsConnection_GetClientID(a.get(), &id_a), "client id a");
    nats_check(natsConnection_GetClientID(b.get(), &id_b), "client id b");
    ASSERT_NE(id_a, id_b);
    EXPECT_EQ(ask(a.get(), "sender"), "client " + std::to_string(id_a));
    EXPECT_EQ(ask(b.get(), "sender"), "client " + std::to_string(id_b));
}

TEST(PluginMessaging, NoEchoSkipsOnlyThePluginsOwnSubscriptions) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = messaging_server();
    auto nc = nats_connect(server->url());
    auto sub = nats_subscribe_sync(nc.get(), "self.check");
    flush(nc.get());
    // The plugin and this client both subscribe to self.check: without the flag
    // both take it; with it only the client does, and the plugin saw one message.
    EXPECT_EQ(ask(nc.get(), "noecho"), "noecho=1 echo=2 self=1");
    EXPECT_EQ(next_text(sub.get()), "x");
    EXPECT_EQ(next_text(sub.get()), "x");
}

TEST(PluginMessaging, ResultCountsReceiversWithQueueGroupsOnce) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = messaging_server();
    auto nc = nats_connect(server->url());
    EXPECT_EQ(ask(nc.get(), "count", "nobody.here"), "status=0 routed=1 receivers=0");
    auto s1 = nats_subscribe_sync(nc.get(), "count.me");
    auto s2 = nats_subscribe_sync(nc.get(), "count.*");
    auto q1 = nats_queue_subscribe_sync(nc.get(), "count.me", "workers");
    auto q2 = nats_queue_subscribe_sync(nc.get(), "count.>", "workers");
    flush(nc.get());
    EXPECT_EQ(ask(nc.get(), "count", "count.me"), "status=0 routed=1 receivers=3");
    EXPECT_EQ(next_text(s1.get()), "counted");
    EXPECT_EQ(next_text(s2.get()), "counted");
}

TEST(PluginMessaging, BatchesFromTheBlockingPoolArriveInOrder) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = messaging_server();
    auto nc = nats_connect(server->url());
    auto sub = nats_subscribe_sync(nc.get(), "batch.out");
    nats_check(natsSubscription_SetPendingLimits(sub.get(), -1, -1), "pending limits");
    flush(nc.get());
    EXPECT_EQ(ask(nc.get(), "batch", "20 250"), "queued");
    for (int i = 0; i < 5000; ++i) ASSERT_EQ(next_text(sub.get()), std::to_string(i));
    EXPECT_EQ(next_text(sub.get(), std::chrono::milliseconds(200)), "");
}

TEST(PluginMessaging, GoneCallbackRunsWhenTheClientDisconnects) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = messaging_server();
    auto watcher = nats_connect(server->url());
    auto events = nats_subscribe_sync(watcher.get(), "msg.events");
    flush(watcher.get());
    auto leaving = nats_connect(server->url());
    uint64_t id = 0;
    nats_check(natsConnection_GetClientID(leaving.get(), &id), "client id");
    EXPECT_EQ(ask(leaving.get(), "gone"), "watching status=0");
    EXPECT_EQ(next_text(events.get(), std::chrono::milliseconds(300)), "");  // still here
    leaving.reset();
    EXPECT_EQ(next_event(events.get(), "gone"), "gone " + std::to_string(id));
    EXPECT_EQ(next_text(events.get(), std::chrono::milliseconds(300)), "");  // once
}

TEST(PluginMessaging, InterestWatchSeesPlainQueueAndWildcardSubscriptions) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = messaging_server();
    auto nc = nats_connect(server->url());
    auto events = nats_subscribe_sync(nc.get(), "msg.events");
    flush(nc.get());
    EXPECT_EQ(ask(nc.get(), "has", "watch.me"), "0");
    EXPECT_EQ(ask(nc.get(), "interest", "watch.me"), "status=0 active_now=0");

    auto other = nats_connect(server->url());
    auto plain = nats_subscribe_sync(other.get(), "watch.me");
    flush(other.get());
    EXPECT_EQ(next_event(events.get(), "interest"), "interest watch.me 1");
    EXPECT_EQ(ask(nc.get(), "has", "watch.me"), "1");
    // A second subscriber changes nothing; the last one leaving does.
    auto wildcard = nats_subscribe_sync(other.get(), "watch.*");
    flush(other.get());
    plain.reset();
    flush(other.get());
    EXPECT_EQ(next_text(events.get(), std::chrono::milliseconds(300)), "");
    wildcard.reset();
    flush(other.get());
    EXPECT_EQ(next_event(events.get(), "interest"), "interest watch.me 0");
    EXPECT_EQ(ask(nc.get(), "has", "watch.me"), "0");

    auto queue = nats_queue_subscribe_sync(other.get(), "watch.>", "q");
    flush(other.get());
    EXPECT_EQ(next_event(events.get(), "interest"), "interest watch.me 1");
    other.reset();  // closing the connection removes its subscriptions
    EXPECT_EQ(next_event(events.get(), "interest"), "interest watch.me 0");
    // Subjects that do not match the watch are not reported.
    auto unrelated = nats_subscribe_sync(nc.get(), "watch.other");
    flush(nc.get());
    EXPECT_EQ(next_text(events.get(), std::chrono::milliseconds(300)), "");
    EXPECT_EQ(ask(nc.get(), "unwatch"), "unwatched 1");
    auto after = nats_subscribe_sync(nc.get(), "watch.me");
    flush(nc.get());
    EXPECT_EQ(next_text(events.get(), std::chrono::milliseconds(300)), "");
    EXPECT_EQ(ask(nc.get(), "interest", "watch.me"), "status=0 active_now=1");
}

TEST(PluginMessaging, DisconnectEventsCarryTheClientsDetailsAndCounts) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = messaging_server();
    auto nc = nats_connect(server->url());
    auto events = nats_subscribe_sync(nc.get(), "msg.events");
    flush(nc.get());
    EXPECT_EQ(ask(nc.get(), "conns"), "watching status=0");
    auto raw = std::make_unique<test_support::RawClient>(server->port());
    const auto info = raw->connect({{"name", "event-test"}, {"lang", "raw"}});
    raw->send("PUB some.where 5\r\nhello\r\nPING\r\n");
    raw->expect_line("PONG");
    const std::string id = std::to_string(info.at("client_id").get<std::uint64_t>());
    raw.reset();  // the socket closes
    EXPECT_EQ(next_event(events.get(), "disconnect"),
              "disconnect " + id + " $G event-test raw 127.0.0.1 0 in=1/5 out=0/0 Client Closed");
}

// SDK 1.3 added refused logins for watches that ask (NMK_WATCH_AUTH_ERRORS); a watch
// made with watch_connections still sees admitted clients only.
TEST(PluginMessaging, PlainConnectionWatchesDoNotSeeRefusedLogins) {
    SKIP_UNLESS_PLUGIN_SERVER();
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = messaging_server("authorization { users: [{user: u, password: p}] }\n");
    auto nc = nats_connect("nats://u:p@127.0.0.1:" + std::to_string(server->port()));
    auto events = nats_subscribe_sync(nc.get(), "msg.events");
    flush(nc.get());
    EXPECT_EQ(ask(nc.get(), "conns"), "watching status=0");
    test_support::RawClient refused(server->port());
    refused.read_info();
    refused.send("CONNECT {\"verbose\":false,\"user\":\"u\",\"pass\":\"wrong\"}\r\nPING\r\n");
    EXPECT_TRUE(refused.wait_closed(std::chrono::seconds(3)));
    auto raw = std::make_unique<test_support::RawClient>(server->port());
    const auto info = raw->connect({{"user", "u"}, {"pass", "p"}, {"name", "admitted"}, {"lang", "raw"}});
    const std::string id = std::to_string(info.at("client_id").get<std::uint64_t>());
    // The first event after the refusal is the admitted client's connect.
    const std::string first = next_text(events.get());
    EXPECT_TRUE(first.starts_with("connect " + id + " $G u admitted raw")) << first;
}

TEST(PluginMessaging, BadInputIsRefused) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = messaging_server();
    auto nc = nats_connect(server->url());
    EXPECT_EQ(ask(nc.get(), "bad"), "ok");
}

}  // namespace
}  // namespace nats::integration
