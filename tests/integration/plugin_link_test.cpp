// Links end to end with the loopback test link: it is told when local
// interest comes and goes, receives local messages for the interest it
// announced, and what it publishes reaches local subscribers but never comes
// back to the link itself.
#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

TEST(PluginLink, SeesLocalInterestComeAndGo) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(plugins_block({"test_link"}));
    RawClient watcher(server->port());
    watcher.connect();
    watcher.send("SUB link.interest 1\r\n");
    EXPECT_EQ(watcher.expect_msg().payload, "+ $G link.interest");

    {
        RawClient client(server->port());
        client.connect();
        client.send("SUB orders.* 1\r\nSUB q.x work 2\r\n");
        client.flush();
        EXPECT_EQ(watcher.expect_msg().payload, "+ $G orders.*");
        EXPECT_EQ(watcher.expect_msg().payload, "+ $G q.x");
        client.send("UNSUB 1\r\n");
        client.flush();
        EXPECT_EQ(watcher.expect_msg().payload, "- $G orders.*");
    }
    // Closing the connection takes its remaining interest away.
    EXPECT_EQ(watcher.expect_msg().payload, "- $G q.x");
}

TEST(PluginLink, GetsLocalMessagesForRemoteInterest) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(plugins_block({"test_link"}));
    RawClient watcher(server->port());
    watcher.connect();
    watcher.send("SUB link.got 1\r\n");
    watcher.flush();
    RawClient publisher(server->port());
    publisher.connect();
    publisher.send(pub("remote.orders", "one") + pub("local.only", "two"));
    publisher.flush();
    EXPECT_EQ(watcher.expect_msg().payload, "remote.orders one");
    EXPECT_TRUE(only(watcher.flush(), Frame::Kind::msg).empty());
}

TEST(PluginLink, PublishReachesLocalSubscribersButNotTheLinkItself) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(plugins_block({"test_link"}));
    RawClient watcher(server->port());
    watcher.connect();
    watcher.send("SUB link.got 1\r\nSUB remote.x 2\r\n");
    watcher.flush();
    RawClient client(server->port());
    client.connect();
    client.send(pub("link.inject.remote.x", "from-the-other-side"));
    client.flush();
    const Frame f = watcher.expect_msg();
    EXPECT_EQ(f.subject, "remote.x");
    EXPECT_EQ(f.payload, "from-the-other-side");
    // The link's own interest in remote.> matched too, but it must not get its message back.
    EXPECT_TRUE(only(watcher.flush(), Frame::Kind::msg).empty());
}

}  // namespace
}  // namespace nats::integration
