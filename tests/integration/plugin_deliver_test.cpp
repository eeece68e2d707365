// SDK 1.2's publish_deliver end to end: the test_deliver plugin
// (tests/plugins/test_deliver.c) publishes routed by a deliver subject, and raw
// socket clients check what nats-server's JetStream deliveries look like on the
// wire: the MSG/HMSG line shows the message's own subject with the subscriber's
// sid, queue groups get it once, max_msgs counts it, a burst from the blocking
// pool arrives in order, and subscribe deny permissions apply as nats-server's
// deliverMsg applies them.
#include <algorithm>
#include <regex>

#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/raw_client.hpp"

namespace nats::integration {
namespace {

using test_support::Frame;
using test_support::RawClient;

constexpr std::string_view ack_reply = "$JS.ACK.ORDERS.C1.1.1.1.1795664448250476816.0";
constexpr std::string_view stream_headers = "NATS/1.0\r\nNats-Stream: ORDERS\r\n\r\n";

std::unique_ptr<test_support::ServerProcess> deliver_server(std::string_view extra = {}) {
    return start_plugin_server(std::string(extra) + plugins_block({"test_deliver"}));
}

// Asks the plugin on its own connection and returns the answer's payload.
class Control {
public:
    explicit Control(int port, const nlohmann::json& connect = nlohmann::json::object()) : client_(port) {
        client_.connect(connect);
        client_.send("SUB _CTL.answers 1\r\n");
        client_.flush();
    }
    std::string ask(std::string_view what, std::string_view payload) {
        client_.send("PUB deliver." + std::string(what) + " _CTL.answers " + std::to_string(payload.size()) +
                     "\r\n" + std::string(payload) + "\r\n");
        return client_.expect_msg().payload;
    }

private:
    RawClient client_;
};

// Frames a receiver had queued when it answered a PING: MSG/HMSG of stream
// subjects ("ORDERS."), not the control traffic a ">" subscription also sees.
std::vector<Frame> delivered(RawClient& client) {
    std::vector<Frame> out;
    for (auto& f : client.flush())
        if ((f.kind == Frame::Kind::msg || f.kind == Frame::Kind::hmsg) && f.subject.starts_with("ORDERS."))
            out.push_back(std::move(f));
    return out;
}

std::string one(std::string_view deliver, std::string_view subject, std::string_view reply, bool headers,
                std::string_view payload) {
    return std::string(deliver) + " " + std::string(subject) + " " + std::string(reply.empty() ? "-" : reply) +
           (headers ? " 1 " : " 0 ") + std::string(payload);
}

TEST(PluginDeliver, ShownUnderItsOwnSubjectRoutedByTheDeliverSubject) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = deliver_server();
    Control control(server->port());
    RawClient receiver(server->port());
    receiver.connect();
    receiver.send("SUB _INBOX.x 1\r\nSUB _INBOX.* 7\r\n");
    RawClient bystander(server->port());
    bystander.connect();
    bystander.send("SUB ORDERS.> 2\r\n");
    receiver.flush();
    bystander.flush();

    EXPECT_EQ(control.ask("one", one("_INBOX.x", "ORDERS.new", ack_reply, false, "hello")),
              "status=0 routed=1 receivers=2");
    auto frames = delivered(receiver);
    ASSERT_EQ(frames.size(), 2u);
    std::vector<std::string> lines{frames[0].line, frames[1].line};
    std::sort(lines.begin(), lines.end());
    EXPECT_EQ(lines[0], "MSG ORDERS.new 1 " + std::string(ack_reply) + " 5");
    EXPECT_EQ(lines[1], "MSG ORDERS.new 7 " + std::string(ack_reply) + " 5");
    EXPECT_EQ(frames[0].payload, "hello");
    EXPECT_TRUE(delivered(bystander).empty()) << "routed by the deliver subject only";

    // Without a reply the line has none, as a plain MSG.
    EXPECT_EQ(control.ask("one", one("_INBOX.x", "ORDERS.old", {}, false, "")), "status=0 routed=1 receivers=2");
    frames = delivered(receiver);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].line, "MSG ORDERS.old " + frames[0].sid + " 0");
    // Nobody on the deliver subject: nobody gets it.
    EXPECT_EQ(control.ask("one", one("_INBOX.x.y", "ORDERS.new", {}, false, "x")), "status=0 routed=1 receivers=0");
    EXPECT_TRUE(delivered(receiver).empty());
}

TEST(PluginDeliver, HeadersGiveAnHmsg) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = deliver_server();
    Control control(server->port());
    RawClient receiver(server->port());
    receiver.connect({{"headers", true}});
    receiver.send("SUB _INBOX.h 4\r\n");
    receiver.flush();
    EXPECT_EQ(control.ask("one", one("_INBOX.h", "ORDERS.new", ack_reply, true, "abc")),
              "status=0 routed=1 receivers=1");
    auto frames = delivered(receiver);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].line, "HMSG ORDERS.new 4 " + std::string(ack_reply) + " " +
                                  std::to_string(stream_headers.size()) + " " +
                                  std::to_string(stream_headers.size() + 3));
    EXPECT_EQ(frames[0].headers, stream_headers);
    EXPECT_EQ(frames[0].payload, "abc");
}

TEST(PluginDeliver, QueueGroupMembersGetEachMessageOnce) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = deliver_server();
    Control control(server->port());
    RawClient a(server->port()), b(server->port());
    a.connect();
    b.connect();
    a.send("SUB _INBOX.q workers 1\r\n");
    b.send("SUB _INBOX.q workers 2\r\n");
    a.flush();
    b.flush();
    constexpr int messages = 40;
    for (int i = 0; i < messages; ++i)
        ASSERT_EQ(control.ask("one", one("_INBOX.q", "ORDERS.q", {}, false, std::to_string(i))),
                  "status=0 routed=1 receivers=1");
    const auto got_a = delivered(a), got_b = delivered(b);
    EXPECT_EQ(got_a.size() + got_b.size(), static_cast<std::size_t>(messages));
    for (const auto& f : got_a) EXPECT_TRUE(f.line.starts_with("MSG ORDERS.q 1 ")) << f.line;
    for (const auto& f : got_b) EXPECT_TRUE(f.line.starts_with("MSG ORDERS.q 2 ")) << f.line;
}

TEST(PluginDeliver, AutoUnsubscribeCountsDeliveries) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = deliver_server();
    Control control(server->port());
    RawClient receiver(server->port());
    receiver.connect();
    receiver.send("SUB _INBOX.m 5\r\nUNSUB 5 2\r\n");
    receiver.flush();
    EXPECT_EQ(control.ask("one", one("_INBOX.m", "ORDERS.a", {}, false, "1")), "status=0 routed=1 receivers=1");
    EXPECT_EQ(control.ask("one", one("_INBOX.m", "ORDERS.b", {}, false, "2")), "status=0 routed=1 receivers=1");
    EXPECT_EQ(control.ask("one", one("_INBOX.m", "ORDERS.c", {}, false, "3")), "status=0 routed=1 receivers=0");
    const auto frames = delivered(receiver);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].line, "MSG ORDERS.a 5 1");
    EXPECT_EQ(frames[1].line, "MSG ORDERS.b 5 1");
}

TEST(PluginDeliver, BatchFromTheBlockingPoolArrivesInOrder) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = deliver_server();
    Control control(server->port());
    RawClient receiver(server->port());
    receiver.connect();
    receiver.send("SUB _INBOX.b 3\r\n");
    receiver.flush();
    constexpr int messages = 500;
    EXPECT_EQ(control.ask("batch", "_INBOX.b " + std::to_string(messages)), "batch status=0");
    for (int i = 1; i <= messages; ++i) {
        const Frame f = receiver.expect_msg();
        ASSERT_EQ(f.line, "MSG ORDERS." + std::to_string(i) + " 3 " + std::to_string(std::to_string(i).size()));
        ASSERT_EQ(f.payload, std::to_string(i));
    }
    EXPECT_TRUE(delivered(receiver).empty());
    // A wildcard deliver subject refuses the whole batch.
    EXPECT_EQ(control.ask("batch", "_INBOX.> 3"), "batch status=3");
    EXPECT_TRUE(delivered(receiver).empty());
}

TEST(PluginDeliver, BadDeliverSubjectsAreRefused) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = deliver_server();
    Control control(server->port());
    for (const char* bad : {"_INBOX.*", "_INBOX.>", "_INBOX..x", ".x"})
        EXPECT_EQ(control.ask("one", one(bad, "ORDERS.new", {}, false, "x")), "status=3 routed=0 receivers=0") << bad;
    // The shown subject is checked too.
    EXPECT_EQ(control.ask("one", one("_INBOX.x", "ORDERS.*", {}, false, "x")), "status=3 routed=0 receivers=0");
}

// nats-server's deliverMsg holds subscribe deny entries against the subject it is
// handed: the shown subject for plain subscriptions, the deliver subject for a
// queue group member (processMsgResults). The filter exists once a wildcard
// subscription overlaps a deny entry (canSubscribe), here ">".
TEST(PluginDeliver, SubscribeDenyAppliesAsNatsServerDoes) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = deliver_server(R"(
authorization {
  users = [
    {user: control, password: pc}
    {user: limited, password: pl, permissions: {subscribe: {deny: ["ORDERS.secret"]}}}
  ]
}
)");
    Control control(server->port(), {{"user", "control"}, {"pass", "pc"}});
    RawClient limited(server->port());
    limited.connect({{"user", "limited"}, {"pass", "pl"}});
    limited.send("SUB > 1\r\nSUB _INBOX.q workers 2\r\nSUB _INBOX.p 3\r\n");
    limited.flush();

    // Plain subscriptions: the shown subject is denied.
    EXPECT_EQ(control.ask("one", one("_INBOX.p", "ORDERS.secret", {}, false, "x")), "status=0 routed=1 receivers=0");
    // The queue member is checked against _INBOX.q: it gets it; ">" does not.
    EXPECT_EQ(control.ask("one", one("_INBOX.q", "ORDERS.secret", {}, false, "y")), "status=0 routed=1 receivers=1");
    auto frames = delivered(limited);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].line, "MSG ORDERS.secret 2 1");
    // Anything else passes: ">" and "_INBOX.p" both take it.
    EXPECT_EQ(control.ask("one", one("_INBOX.p", "ORDERS.open", {}, false, "z")), "status=0 routed=1 receivers=2");
    EXPECT_EQ(delivered(limited).size(), 2u);
}

}  // namespace
}  // namespace nats::integration
