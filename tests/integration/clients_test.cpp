// Official-client scenarios (libnats): pub/sub, interop with raw clients,
// headers, no-echo, auto-unsubscribe, fan-out, auth, client-side max_payload,
// and what clients see when the server stops. (TLS: tls_test.cpp.)
#include <csignal>
#include <thread>

#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

using test_support::NatsConnectionPtr;
using test_support::NatsMsgPtr;
using test_support::NatsOptionsPtr;
using test_support::NatsSubscriptionPtr;
using test_support::nats_check;
using test_support::nats_connect;
using test_support::nats_msg_data;
using test_support::nats_next_msg;
using test_support::nats_options;
using test_support::nats_subscribe_sync;
using test_support::nats_try_connect;

TEST(Clients, LibnatsPublishSubscribeKeepsOrder) {
    auto server = start_server();
    auto sub_conn = nats_connect(server->url());
    auto sub = nats_subscribe_sync(sub_conn.get(), "greet");
    nats_check(natsConnection_Flush(sub_conn.get()), "flush");
    auto pub_conn = nats_connect(server->url());
    for (int i = 0; i < 20; ++i) {
        nats_check(natsConnection_PublishString(pub_conn.get(), "greet", std::to_string(i).c_str()), "publish");
    }
    nats_check(natsConnection_Flush(pub_conn.get()), "flush");
    for (int i = 0; i < 20; ++i) {
        NatsMsgPtr m = nats_next_msg(sub.get(), 2s);
        ASSERT_TRUE(m) << "message " << i;
        EXPECT_EQ(nats_msg_data(m.get()), std::to_string(i));
    }
    EXPECT_FALSE(nats_next_msg(sub.get(), 100ms));
}

TEST(Clients, LibnatsAndRawClientsInteroperate) {
    auto server = start_server();
    auto nc = nats_connect(server->url());
    auto sub = nats_subscribe_sync(nc.get(), "from.raw");
    nats_check(natsConnection_Flush(nc.get()), "flush");
    RawClient raw(server->port());
    raw.connect();
    raw.send("SUB from.lib 5\r\n" + pub("from.raw", "raw->lib"));
    raw.flush();
    NatsMsgPtr m = nats_next_msg(sub.get(), 2s);
    ASSERT_TRUE(m);
    EXPECT_EQ(nats_msg_data(m.get()), "raw->lib");
    nats_check(natsConnection_PublishString(nc.get(), "from.lib", "lib->raw"), "publish");
    nats_check(natsConnection_Flush(nc.get()), "flush");
    const Frame f = raw.expect_msg();
    EXPECT_EQ(f.line, "MSG from.lib 5 8");
    EXPECT_EQ(f.payload, "lib->raw");
}

TEST(Clients, LibnatsHeadersRoundTrip) {
    auto server = start_server();
    auto nc = nats_connect(server->url());
    auto sub = nats_subscribe_sync(nc.get(), "hdr");
    nats_check(natsConnection_Flush(nc.get()), "flush");
    RawClient raw_headers(server->port());
    raw_headers.connect({{"headers", true}});
    raw_headers.send("SUB hdr 1\r\n");
    raw_headers.flush();
    RawClient raw_plain(server->port());
    raw_plain.connect();
    raw_plain.send("SUB hdr 1\r\n");
    raw_plain.flush();

    natsMsg* raw_msg = nullptr;
    nats_check(natsMsg_Create(&raw_msg, "hdr", nullptr, "body", 4), "natsMsg_Create");
    NatsMsgPtr msg(raw_msg);
    nats_check(natsMsgHeader_Set(msg.get(), "X-Trace", "abc"), "header");
    nats_check(natsConnection_PublishMsg(nc.get(), msg.get()), "publish");
    nats_check(natsConnection_Flush(nc.get()), "flush");

    NatsMsgPtr got = nats_next_msg(sub.get(), 2s);
    ASSERT_TRUE(got);
    const char* value = nullptr;
    ASSERT_EQ(natsMsgHeader_Get(got.get(), "X-Trace", &value), NATS_OK);
    EXPECT_STREQ(value, "abc");
    EXPECT_EQ(nats_msg_data(got.get()), "body");

    const Frame h = raw_headers.expect_hmsg();
    EXPECT_EQ(h.headers.rfind("NATS/1.0\r\n", 0), 0u) << h.headers;
    EXPECT_NE(h.headers.find("X-Trace: abc\r\n"), std::string::npos) << h.headers;
    EXPECT_EQ(h.payload, "body");
    const Frame p = raw_plain.expect_msg();
    EXPECT_EQ(p.line, "MSG hdr 1 4");
    EXPECT_EQ(p.payload, "body");
}

TEST(Clients, LibnatsNoEcho) {
    auto server = start_server();
    NatsOptionsPtr options = nats_options(server->url());
    nats_check(natsOptions_SetNoEcho(options.get(), true), "no echo");
    auto quiet = nats_connect(options.get());
    auto self_sub = nats_subscribe_sync(quiet.get(), "chat");
    auto other = nats_connect(server->url());
    auto other_sub = nats_subscribe_sync(other.get(), "chat");
    nats_check(natsConnection_Flush(other.get()), "flush");
    nats_check(natsConnection_PublishString(quiet.get(), "chat", "hi"), "publish");
    nats_check(natsConnection_Flush(quiet.get()), "flush");
    NatsMsgPtr m = nats_next_msg(other_sub.get(), 2s);
    ASSERT_TRUE(m);
    EXPECT_EQ(nats_msg_data(m.get()), "hi");
    EXPECT_FALSE(nats_next_msg(self_sub.get(), 200ms));
}

TEST(Clients, LibnatsAutoUnsubscribe) {
    auto server = start_server();
    auto nc = nats_connect(server->url());
    auto sub = nats_subscribe_sync(nc.get(), "tick");
    nats_check(natsSubscription_AutoUnsubscribe(sub.get(), 3), "auto-unsubscribe");
    for (int i = 0; i < 5; ++i) nats_check(natsConnection_PublishString(nc.get(), "tick", "t"), "publish");
    nats_check(natsConnection_Flush(nc.get()), "flush");
    int received = 0;
    natsMsg* raw = nullptr;
    while (natsSubscription_NextMsg(&raw, sub.get(), 200) == NATS_OK) {
        natsMsg_Destroy(raw);
        ++received;
    }
    EXPECT_EQ(received, 3);
}

TEST(Clients, LibnatsFanOutToManyConnections) {
    auto server = start_server();
    constexpr int kSubscribers = 10;
    constexpr int kMessages = 25;
    std::vector<NatsConnectionPtr> conns;
    std::vector<NatsSubscriptionPtr> subs;
    for (int i = 0; i < kSubscribers; ++i) {
        conns.push_back(nats_connect(server->url()));
        subs.push_back(nats_subscribe_sync(conns.back().get(), "news.>"));
        nats_check(natsConnection_Flush(conns.back().get()), "flush");
    }
    auto publisher = nats_connect(server->url());
    for (int i = 0; i < kMessages; ++i) {
        nats_check(natsConnection_PublishString(publisher.get(), "news.today", std::to_string(i).c_str()), "publish");
    }
    nats_check(natsConnection_Flush(publisher.get()), "flush");
    for (auto& sub : subs) {
        for (int i = 0; i < kMessages; ++i) {
            NatsMsgPtr m = nats_next_msg(sub.get(), 2s);
            ASSERT_TRUE(m);
            EXPECT_EQ(nats_msg_data(m.get()), std::to_string(i));
        }
    }
}

TEST(Clients, LibnatsUserAndPassword) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server({}, {"--user", "a", "--pass", "b"});
    {
        NatsOptionsPtr options = nats_options(server->url());
        nats_check(natsOptions_SetUserInfo(options.get(), "a", "b"), "user info");
        auto nc = nats_connect(options.get());
        EXPECT_EQ(natsConnection_Status(nc.get()), NATS_CONN_STATUS_CONNECTED);
    }
    {
        NatsOptionsPtr options = nats_options(server->url());
        nats_check(natsOptions_SetUserInfo(options.get(), "a", "wrong"), "user info");
        NatsConnectionPtr nc;
        const natsStatus s = nats_try_connect(options.get(), nc);
        EXPECT_EQ(s, NATS_CONNECTION_AUTH_FAILED) << natsStatus_GetText(s);
        natsStatus last = NATS_OK;
        const char* text = nats_GetLastError(&last);
        ASSERT_NE(text, nullptr);
        EXPECT_NE(std::string(text).find("Authorization Violation"), std::string::npos) << text;
    }
}

TEST(Clients, LibnatsHonoursServerMaxPayload) {
    auto server = start_server("max_payload: 100\n");
    auto nc = nats_connect(server->url());
    const std::string ok(100, 'x'), too_big(101, 'x');
    EXPECT_EQ(natsConnection_Publish(nc.get(), "p", ok.data(), static_cast<int>(ok.size())), NATS_OK);
    // libnats learns the limit from INFO and refuses before sending.
    EXPECT_EQ(natsConnection_Publish(nc.get(), "p", too_big.data(), static_cast<int>(too_big.size())),
              NATS_MAX_PAYLOAD);
    EXPECT_EQ(natsConnection_Flush(nc.get()), NATS_OK);
}

TEST(Clients, ConnectionsEndWhenTheServerStops) {
    auto server = start_server();
    auto nc = nats_connect(server->url());
    RawClient raw(server->port());
    raw.connect();
    server->send_signal(SIGINT);
    ASSERT_TRUE(server->wait_exit(5s).has_value());
    EXPECT_TRUE(raw.wait_closed(2s));
    // Reconnect is off in the test options, so libnats ends up closed.
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (natsConnection_Status(nc.get()) != NATS_CONN_STATUS_CLOSED && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    EXPECT_EQ(natsConnection_Status(nc.get()), NATS_CONN_STATUS_CLOSED);
}

} // namespace
} // namespace nats::integration
