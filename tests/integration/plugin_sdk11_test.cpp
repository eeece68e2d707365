// SDK 1.1 end to end, through tests/plugins/test_sdk11.c: accounts created and
// updated at run time become usable by clients (an authenticator's answer names
// them) with their limits, exports and imports; their config blocks read back;
// watches see them; bad blocks are refused with the config file's reasons; a
// serial executor keeps order. Ours only (nats-server has no plugins).
#include <set>

#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

using namespace std::chrono_literals;
using test_support::nats_check;
using test_support::nats_connect;
using test_support::nats_msg_data;
using test_support::NatsMsgPtr;

// The probe answers in $G; test_sdk11 admits "user":"<ACCOUNT>-x" into ACCOUNT.
// $G itself exists, so "$G-probe" asks from the global account.
std::string ask(RawClient& c, const std::string& subject, const std::string& payload = {}) {
    static int sid = 100;
    const std::string inbox = "reply." + std::to_string(++sid);
    c.send("SUB " + inbox + " " + std::to_string(sid) + "\r\n" + pub(subject, payload, inbox));
    return c.expect_msg().payload;
}

// Sends `input` right after CONNECT <connect_json> and returns what the server
// said before it closed the connection ("" when it stayed open).
std::string answer_then_close(int port, const std::string& connect_json, const std::string& input) {
    RawClient c(port);
    c.read_info();
    c.send("CONNECT " + connect_json + "\r\n" + input);
    std::string received;
    if (!c.wait_closed(3s, &received)) return "";
    return received;
}

constexpr const char* base_config = "accounts { FILE: { jetstream: {max_memory: 2MB, max_streams: 4} } }\n";

std::unique_ptr<test_support::ServerProcess> start_sdk11() {
    return start_plugin_server(std::string(base_config) + plugins_block({"test_sdk11"}));
}

TEST(PluginSdk11, RunTimeAccountIsUsableWithItsLimits) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_sdk11();
    RawClient admin(server->port());
    admin.connect({{"user", "$G-admin"}});
    // Unknown to the server: refused.
    EXPECT_EQ(answer_then_close(server->port(), R"({"verbose":false,"user":"TEAM-a"})", "PING\r\n"),
              "-ERR 'Authorization Violation'\r\n");

    EXPECT_EQ(ask(admin, "sdk11.upsert.TEAM", R"({"limits":{"max_connections":1,"max_payload":16}})"), "ok");
    RawClient first(server->port());
    first.connect({{"user", "TEAM-a"}});
    first.send("PING\r\n");
    EXPECT_EQ(first.read_line(), "PONG");
    {
        RawClient second(server->port());
        second.read_info();
        second.send("CONNECT {\"verbose\":false,\"user\":\"TEAM-b\"}\r\nPING\r\n");
        std::string received;
        EXPECT_TRUE(second.wait_closed(3s, &received));
        EXPECT_EQ(received, "-ERR 'maximum account active connections exceeded'\r\n");
    }
    // max_payload applies to clients joining from then on.
    EXPECT_EQ(ask(admin, "sdk11.upsert.TEAM", R"({"limits":{"max_connections":5,"max_payload":4}})"), "ok");
    EXPECT_EQ(answer_then_close(server->port(), R"({"verbose":false,"user":"TEAM-c"})", pub("x", "12345")),
              "-ERR 'Maximum Payload Violation'\r\n");
    // The config reads back as given.
    EXPECT_EQ(json::parse(ask(admin, "sdk11.config.TEAM")),
              json::parse(R"({"limits":{"max_connections":5,"max_payload":4}})"));
    EXPECT_EQ(json::parse(ask(admin, "sdk11.config.FILE"))["jetstream"],
              json::parse(R"({"max_memory":2097152,"max_streams":4})"));
    EXPECT_EQ(ask(admin, "sdk11.config.NOPE"), "status 2");
    EXPECT_EQ(ask(admin, "sdk11.list"), "$G,$SYS,FILE,TEAM");
}

TEST(PluginSdk11, RunTimeExportsAndImportsCarryMessages) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_sdk11();
    RawClient admin(server->port());
    admin.connect({{"user", "$G-admin"}});
    EXPECT_EQ(ask(admin, "sdk11.upsert.EXP", R"({"exports":[{"stream":"feed.>"}]})"), "ok");
    EXPECT_EQ(ask(admin, "sdk11.upsert.IMP", R"({"imports":[{"stream":{"account":"EXP","subject":"feed.>"}}]})"),
              "ok");
    RawClient reader(server->port());
    reader.connect({{"user", "IMP-r"}});
    reader.send("SUB feed.> 1\r\n");
    reader.flush();
    RawClient writer(server->port());
    writer.connect({{"user", "EXP-w"}});
    writer.send(pub("feed.news", "hello"));
    const Frame f = reader.expect_msg();
    EXPECT_EQ(f.subject, "feed.news");
    EXPECT_EQ(f.payload, "hello");
}

TEST(PluginSdk11, BadBlocksAreRefusedWithReasons) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_sdk11();
    RawClient admin(server->port());
    admin.connect({{"user", "$G-admin"}});
    EXPECT_EQ(ask(admin, "sdk11.upsert.BAD", "{oops"), "error 3: the account's config is not a JSON object");
    EXPECT_EQ(ask(admin, "sdk11.upsert.BAD", R"({"limits":{"max_payload":"lots"}})"),
              "error 3: account \"BAD\": Expected max_payload to be an integer, got string");
    const std::string users = ask(admin, "sdk11.upsert.BAD", R"({"users":[{"user":"u","password":"p"}]})");
    EXPECT_NE(users.find("`users` are not taken at run time"), std::string::npos) << users;
    EXPECT_EQ(ask(admin, "sdk11.config.BAD"), "status 2");
    EXPECT_EQ(answer_then_close(server->port(), R"({"verbose":false,"user":"BAD-x"})", "PING\r\n"),
              "-ERR 'Authorization Violation'\r\n");
}

TEST(PluginSdk11, WatchSeesAccountsComeAndChange) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_sdk11();
    RawClient admin(server->port());
    admin.connect({{"user", "$G-admin"}});
    admin.send("SUB sdk11.event 1\r\n");
    admin.flush();
    EXPECT_EQ(ask(admin, "sdk11.watch"), "watching");
    std::vector<std::string> events;
    for (int i = 0; i < 3; ++i) events.push_back(admin.expect_msg().payload);
    EXPECT_EQ(events, (std::vector<std::string>{"added $G", "added $SYS", "added FILE"}));
    // The reply (from the blocking executor) and the event (from the watch's queue)
    // may come in either order.
    auto reply_and_event = [&](const std::string& subject, const std::string& payload) {
        admin.send("SUB reply.watch 99\r\n" + pub(subject, payload, "reply.watch"));
        std::multiset<std::string> got{admin.expect_msg().payload, admin.expect_msg().payload};
        admin.send("UNSUB 99\r\n");
        return got;
    };
    EXPECT_EQ(reply_and_event("sdk11.upsert.LATE", "{}"), (std::multiset<std::string>{"ok", "added LATE"}));
    EXPECT_EQ(reply_and_event("sdk11.upsert.LATE", R"({"limits":{"max_subscriptions":3}})"),
              (std::multiset<std::string>{"ok", "updated LATE"}));
}

TEST(PluginSdk11, SerialExecutorKeepsOrder) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_sdk11();
    RawClient admin(server->port());
    admin.connect({{"user", "$G-admin"}});
    std::string want;
    for (int i = 0; i < 200; ++i) want += (i ? "," : "") + std::to_string(i);
    EXPECT_EQ(ask(admin, "sdk11.serial", "200"), want);
}

}  // namespace
}  // namespace nats::integration
