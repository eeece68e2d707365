// Publish and subscribe permissions end to end, configured the nats-server way
// (`authorization { users = [ {user, password, permissions} ] }`, served by the
// auth_users plugin). Every wire text and whether the connection stays open is
// what nats-server 2.9.10 does with the same config; the tests run against
// either server.
#include <algorithm>
#include <mutex>
#include <thread>

#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

const std::string users_config = R"(authorization { users = [
  {user: pub, password: pub, permissions: {
     publish: { allow: ["foo.*", "bar.>"], deny: ["foo.secret"] } } }
  {user: sub, password: sub, permissions: {
     subscribe: { allow: ["sub.>", "q.* grp", "q2.* grp.*"], deny: ["sub.secret", "sub.x.>"] } } }
  {user: watcher, password: watcher, permissions: { subscribe: { deny: "sub.secret" } } }
  {user: narrow, password: narrow, permissions: { subscribe: "x.*" } }
  {user: queues, password: queues, permissions: { subscribe: { allow: ["foo", "foo v1"] } } }
  {user: svc, password: svc, permissions: { publish: "svc.status", allow_responses: true } }
  {user: svc2, password: svc2, permissions: { publish: "nothing", allow_responses: { max: 2, expires: "300ms" } } }
  {user: anyone, password: anyone}
]}
)";

json login(const std::string& name, const json& extra = json::object()) {
    json out = {{"user", name}, {"pass", name}};
    out.update(extra);
    return out;
}

// Sends PING and returns the lines before PONG (verbose clients see their +OKs).
std::vector<std::string> lines_until_pong(RawClient& c) {
    c.send("PING\r\n");
    std::vector<std::string> lines;
    for (std::string line = c.read_line(); line != "PONG"; line = c.read_line()) lines.push_back(line);
    return lines;
}

std::string pub_violation(const std::string& subject) {
    return "-ERR 'Permissions Violation for Publish to \"" + subject + "\"'";
}
std::string sub_violation(const std::string& subject, const std::string& queue = {}) {
    std::string text = "-ERR 'Permissions Violation for Subscription to \"" + subject + "\"";
    if (!queue.empty()) text += " using queue \"" + queue + "\"";
    return text + "'";
}

TEST(Permissions, PublishAllowAndDenyWithWildcards) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(users_config);
    RawClient watcher(server->port());
    watcher.connect(login("anyone"));
    watcher.send("SUB > 1\r\n");
    watcher.flush();

    RawClient c(server->port());
    c.connect(login("pub", {{"verbose", true}, {"headers", true}}));
    c.send(pub("foo.x", "1") + pub("foo.secret", "2") + pub("other", "3") + pub("bar.a.b", "4") +
           hpub("other", "NATS/1.0\r\n\r\n", "5") + hpub("bar.h", "NATS/1.0\r\n\r\n", "6"));
    // A denied message gets no +OK, and the connection stays open.
    EXPECT_EQ(lines_until_pong(c), (std::vector<std::string>{"+OK", pub_violation("foo.secret"), pub_violation("other"),
                                                             "+OK", pub_violation("other"), "+OK"}));
    c.send(pub("foo.y", "7"));
    EXPECT_EQ(lines_until_pong(c), (std::vector<std::string>{"+OK"}));

    // Only the allowed messages were routed.
    std::vector<std::string> got;
    for (const auto& f : only(watcher.flush(), Frame::Kind::msg)) got.push_back(f.subject + "=" + f.payload);
    EXPECT_EQ(got, (std::vector<std::string>{"foo.x=1", "bar.a.b=4", "bar.h=6", "foo.y=7"}));
}

TEST(Permissions, SubscribeAllowDenyAndQueueForms) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(users_config);
    RawClient c(server->port());
    c.connect(login("sub", {{"verbose", true}}));
    c.send("SUB sub.a 1\r\nSUB sub.secret 2\r\nSUB sub.x.y 3\r\nSUB nope 4\r\nSUB q.a grp 5\r\nSUB q.a other 6\r\n"
           "SUB q.a 7\r\nSUB q2.a grp.x 8\r\nSUB q2.a grp 9\r\nSUB sub.* 10\r\nSUB sub.> 11\r\nSUB sub.secret qq 12\r\n");
    EXPECT_EQ(lines_until_pong(c),
              (std::vector<std::string>{"+OK", sub_violation("sub.secret"), sub_violation("sub.x.y"),
                                        sub_violation("nope"), "+OK", sub_violation("q.a", "other"),
                                        sub_violation("q.a"), "+OK", sub_violation("q2.a", "grp"), "+OK", "+OK",
                                        sub_violation("sub.secret", "qq")}));

    // The refused sids do not exist: publishing on their subjects reaches only the allowed ones.
    RawClient p(server->port());
    p.connect(login("anyone"));
    p.send(pub("nope", "x") + pub("q.a", "q") + pub("sub.a", "a"));
    p.flush();
    std::vector<std::string> got;
    for (const auto& f : only(c.flush(), Frame::Kind::msg)) got.push_back(f.sid + ":" + f.subject);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"10:sub.a", "11:sub.a", "1:sub.a", "5:q.a"}));
}

TEST(Permissions, WildcardSubscriptionAgainstNarrowerAllow) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(users_config);
    RawClient c(server->port());
    c.connect(login("narrow"));
    c.send("SUB x.> 1\r\nSUB x.* 2\r\nSUB > 3\r\nSUB x.a q 4\r\n");
    EXPECT_EQ(lines_until_pong(c), (std::vector<std::string>{sub_violation(">")}));
}

TEST(Permissions, QueueEntriesDecideForQueueSubscriptions) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(users_config);
    RawClient c(server->port());
    c.connect(login("queues"));
    c.send("SUB foo 1\r\nSUB foo v1 2\r\nSUB foo v2 3\r\n");
    EXPECT_EQ(lines_until_pong(c), (std::vector<std::string>{sub_violation("foo", "v2")}));
}

TEST(Permissions, DeniedSubjectsNeverReachWildcardSubscriptions) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(users_config);
    RawClient c(server->port());
    c.connect(login("watcher"));
    c.send("SUB sub.* 1\r\nSUB > 2\r\n");
    EXPECT_TRUE(lines_until_pong(c).empty());
    RawClient p(server->port());
    p.connect(login("anyone"));
    p.send(pub("sub.secret", "hidden") + pub("sub.ok", "seen"));
    p.flush();
    std::vector<std::string> got;
    for (const auto& f : only(c.flush(), Frame::Kind::msg)) got.push_back(f.sid + ":" + f.subject + "=" + f.payload);
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"1:sub.ok=seen", "2:sub.ok=seen"}));
}

TEST(Permissions, AllowResponsesLetsAServiceAnswerEachRequestOnce) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(users_config);
    RawClient svc(server->port());
    svc.connect(login("svc"));
    svc.send("SUB svc.req 1\r\n");
    svc.flush();
    RawClient client(server->port());
    client.connect(login("anyone"));
    client.send("SUB _INBOX.> 1\r\n" + pub("svc.req", "q", "_INBOX.1"));
    client.flush();
    const Frame request = svc.expect_msg();
    EXPECT_EQ(request.reply, "_INBOX.1");

    svc.send(pub("_INBOX.1", "first") + pub("_INBOX.1", "second") + pub("_INBOX.2", "never asked") +
             pub("svc.status", "listed"));
    EXPECT_EQ(lines_until_pong(svc), (std::vector<std::string>{pub_violation("_INBOX.1"), pub_violation("_INBOX.2")}));
    const auto answers = only(client.flush(), Frame::Kind::msg);
    ASSERT_EQ(answers.size(), 1u);
    EXPECT_EQ(answers[0].payload, "first");
}

TEST(Permissions, AllowResponsesMaxAndExpiry) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(users_config);
    RawClient svc(server->port());
    svc.connect(login("svc2"));
    svc.send("SUB svc.req 1\r\n");
    svc.flush();
    RawClient client(server->port());
    client.connect(login("anyone"));
    client.send(pub("svc.req", "a", "_INBOX.a") + pub("svc.req", "b", "_INBOX.b"));
    client.flush();
    EXPECT_EQ(svc.expect_msg().reply, "_INBOX.a");
    EXPECT_EQ(svc.expect_msg().reply, "_INBOX.b");
    svc.send(pub("_INBOX.a", "1") + pub("_INBOX.a", "2") + pub("_INBOX.a", "3"));
    EXPECT_EQ(lines_until_pong(svc), (std::vector<std::string>{pub_violation("_INBOX.a")}));
    std::this_thread::sleep_for(450ms);  // past the 300ms expiry
    svc.send(pub("_INBOX.b", "late"));
    EXPECT_EQ(lines_until_pong(svc), (std::vector<std::string>{pub_violation("_INBOX.b")}));
}

TEST(Permissions, UsersWithoutPermissionsAreUnrestricted) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(users_config);
    RawClient c(server->port());
    c.connect(login("anyone"));
    c.send("SUB > 1\r\n" + pub("foo.secret", "x") + pub("sub.secret", "y"));
    EXPECT_EQ(only(c.flush(), Frame::Kind::msg).size(), 2u);
}

// The official client sees the violation as an asynchronous error and stays connected.
TEST(Permissions, LibnatsClientGetsAsyncErrorAndStaysConnected) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(users_config);
    struct Seen {
        std::mutex mutex;
        natsStatus status = NATS_OK;
        std::string text;
    } seen;
    auto options = test_support::nats_options("nats://pub:pub@127.0.0.1:" + std::to_string(server->port()));
    natsOptions_SetErrorHandler(
        options.get(),
        [](natsConnection* nc, natsSubscription*, natsStatus status, void* closure) {
            auto* s = static_cast<Seen*>(closure);
            const char* text = nullptr;
            natsConnection_GetLastError(nc, &text);
            std::lock_guard lock(s->mutex);
            s->status = status;
            s->text = text ? text : "";
        },
        &seen);
    auto nc = test_support::nats_connect(options.get());
    auto own = test_support::nats_subscribe_sync(nc.get(), "foo.mine");
    test_support::nats_check(natsConnection_PublishString(nc.get(), "foo.secret", "x"), "publish");
    test_support::nats_check(natsConnection_FlushTimeout(nc.get(), 2000), "flush");
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (std::chrono::steady_clock::now() < deadline) {
        {
            std::lock_guard lock(seen.mutex);
            if (seen.status != NATS_OK) break;
        }
        std::this_thread::sleep_for(10ms);
    }
    {
        std::lock_guard lock(seen.mutex);
        EXPECT_EQ(seen.status, NATS_NOT_PERMITTED);
        EXPECT_NE(seen.text.find("Permissions Violation for Publish to \"foo.secret\""), std::string::npos) << seen.text;
    }
    EXPECT_FALSE(natsConnection_IsClosed(nc.get()));
    test_support::nats_check(natsConnection_PublishString(nc.get(), "foo.mine", "still here"), "publish");
    auto msg = test_support::nats_next_msg(own.get(), 2s);
    ASSERT_TRUE(msg);
    EXPECT_EQ(test_support::nats_msg_data(msg.get()), "still here");
}

TEST(Permissions, LibnatsRequestToAServiceWithAllowResponses) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(users_config);
    const std::string base = "127.0.0.1:" + std::to_string(server->port());
    auto service = test_support::nats_connect("nats://svc:svc@" + base);
    auto requests = test_support::nats_subscribe_sync(service.get(), "svc.req");
    test_support::nats_check(natsConnection_FlushTimeout(service.get(), 2000), "flush");  // subscribed before the request
    auto requester = test_support::nats_connect("nats://anyone:anyone@" + base);
    std::thread responder([&] {
        auto msg = test_support::nats_next_msg(requests.get(), 2s);
        if (msg) natsConnection_PublishString(service.get(), natsMsg_GetReply(msg.get()), "pong");
        natsConnection_FlushTimeout(service.get(), 2000);
    });
    natsMsg* raw = nullptr;
    const natsStatus s = natsConnection_RequestString(&raw, requester.get(), "svc.req", "ping", 2000);
    test_support::NatsMsgPtr reply(raw);
    responder.join();
    ASSERT_EQ(s, NATS_OK) << natsStatus_GetText(s);
    EXPECT_EQ(test_support::nats_msg_data(reply.get()), "pong");
}

}  // namespace
}  // namespace nats::integration
