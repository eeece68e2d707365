// Accounts with exports and imports, end to end: isolation, stream imports
// (prefix, to), service imports (request/reply with libnats, the
// Nats-Request-Info header, singleton and streamed responses, response
// threshold), restricted exports, no_auth_user, reload. Every expectation is
// what nats-server 2.9.10 does (run with NMK_SERVER_BIN=/usr/sbin/nats-server).
//
// Users: against nats-server, or ours with plugins/auth_users built, the
// config lists them in the accounts (`accounts { A: { users: [...] } }`);
// a build without auth_users admits them with the test_account_auth plugin.
#include <csignal>
#include <filesystem>
#include <map>

#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

// user -> account ("" is the global account $G); every password is the user's name.
using Users = std::map<std::string, std::string>;

struct AccountBlock {
    std::string name;
    std::string body;  // exports / imports
};

bool users_in_config() { return !server_loads_plugins() || std::filesystem::exists(plugin_file("auth_users")); }

std::string accounts_config(const std::vector<AccountBlock>& accounts, const Users& users,
                            std::string_view no_auth_user = {}, std::string_view extra = {}) {
    const bool real = users_in_config();
    auto users_of = [&](const std::string& account) {
        std::string out;
        for (const auto& [u, a] : users)
            if (a == account) out += (out.empty() ? "" : ", ") + ("{user: " + u + ", password: " + u + "}");
        return out;
    };
    std::string text = "accounts {\n";
    for (const auto& a : accounts) {
        text += "  " + a.name + ": {\n";
        if (real) {
            const std::string list = users_of(a.name);
            if (!list.empty()) text += "    users: [" + list + "]\n";
        }
        text += "    " + a.body + "\n  }\n";
    }
    text += "}\n";
    if (real) {
        const std::string global = users_of("");
        if (!global.empty()) text += "authorization { users: [" + global + "] }\n";
        if (!no_auth_user.empty()) text += "no_auth_user: " + std::string(no_auth_user) + "\n";
    } else {
        std::string block = "test_account_auth {\n  users: {";
        for (const auto& [u, a] : users) block += "\n    " + u + ": \"" + a + "\"";
        block += "\n  }\n";
        if (!no_auth_user.empty()) block += "  no_auth_user: " + std::string(no_auth_user) + "\n";
        text += plugins_block({"test_account_auth"}, block + "}");
    }
    return text + std::string(extra);
}

json login(const std::string& user) { return {{"user", user}, {"pass", user}, {"headers", true}}; }

// A raw client logged in as `user`.
std::unique_ptr<RawClient> client(const ServerProcess& server, const std::string& user, json extra = json::object()) {
    auto c = std::make_unique<RawClient>(server.port());
    json options = login(user);
    options.update(extra);
    c->connect(options);
    return c;
}

// Messages (MSG and HMSG) among the frames.
std::vector<Frame> messages(const std::vector<Frame>& frames) {
    std::vector<Frame> out;
    for (const auto& f : frames)
        if (f.kind == Frame::Kind::msg || f.kind == Frame::Kind::hmsg) out.push_back(f);
    return out;
}

// Messages that arrive within `window` (the client waits the whole window).
std::vector<Frame> messages_within(RawClient& c, std::chrono::milliseconds window) {
    std::vector<Frame> out;
    const auto deadline = std::chrono::steady_clock::now() + window;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        try {
            Frame f = c.read_frame(left);
            if (f.kind == Frame::Kind::msg || f.kind == Frame::Kind::hmsg) out.push_back(f);
        } catch (const std::runtime_error&) {
            break;  // the window ran out
        }
    }
    return out;
}

std::unique_ptr<ServerProcess> start(const std::string& config) {
    auto server = start_plugin_server(config);
    return server;
}

test_support::NatsConnectionPtr libnats_connect(const ServerProcess& server, const std::string& user) {
    auto options = test_support::nats_options(server.url());
    test_support::nats_check(natsOptions_SetUserInfo(options.get(), user.c_str(), user.c_str()), "user info");
    return test_support::nats_connect(options.get());
}

void reload(ServerProcess& server, const std::string& config) {
    const auto before = lines_containing(server.log_text(), "Reloaded server configuration").size();
    test_support::write_file(server.dir().file("server.conf"), config);
    server.send_signal(SIGHUP);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (lines_containing(server.log_text(), "Reloaded server configuration").size() == before &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
    ASSERT_GT(lines_containing(server.log_text(), "Reloaded server configuration").size(), before) << server.log_text();
}

const Users abc{{"a", "A"}, {"b", "B"}, {"c", "C"}, {"g", ""}};

}  // namespace

// ---- isolation ----------------------------------------------------------------

TEST(Accounts, MessagesStayInTheirAccount) {
    auto server = start(accounts_config({{"A", ""}, {"B", ""}}, abc));
    auto g = client(*server, "g");
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    for (auto* c : {g.get(), a.get(), b.get()}) c->send("SUB foo 1\r\n");
    g->send(pub("foo", "from-g"));
    a->send(pub("foo", "from-a"));
    b->send(pub("foo", "from-b"));
    const auto in_g = messages(g->flush());
    const auto in_a = messages(a->flush());
    const auto in_b = messages(b->flush());
    ASSERT_EQ(in_g.size(), 1u);
    EXPECT_EQ(in_g[0].payload, "from-g");
    ASSERT_EQ(in_a.size(), 1u);
    EXPECT_EQ(in_a[0].payload, "from-a");
    ASSERT_EQ(in_b.size(), 1u);
    EXPECT_EQ(in_b[0].payload, "from-b");
    EXPECT_TRUE(messages_within(*g, 200ms).empty());
}

// ---- stream imports -------------------------------------------------------------

TEST(Accounts, StreamImportWithPrefix) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {stream: \"foo.>\"} ]"},
         {"B", "imports: [ {stream: {account: A, subject: \"foo.>\"}, prefix: from_a} ]"}},
        abc));
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    b->send("SUB from_a.> 1\r\nSUB foo.> 2\r\n");
    b->flush();
    a->send(pub("foo.x", "hello", "reply.here") + pub("bar", "not exported"));
    a->flush();
    const auto got = messages_within(*b, 300ms);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].subject, "from_a.foo.x");
    EXPECT_EQ(got[0].sid, "1");
    EXPECT_EQ(got[0].reply, "reply.here");  // passed through unchanged
    EXPECT_EQ(got[0].payload, "hello");
    // Nothing flows back: B publishing on the imported subject stays in B.
    a->send("SUB > 9\r\n");
    a->flush();
    b->send(pub("from_a.foo.x", "back") + pub("foo.x", "back"));
    b->flush();
    EXPECT_TRUE(messages_within(*a, 200ms).empty());
}

TEST(Accounts, StreamImportWithTo) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {stream: \"w.*.*\"}, {stream: literal} ]"},
         {"B", "imports: [ {stream: {account: A, subject: \"w.*.*\"}, to: \"m.$2.$1\"}, "
               "{stream: {account: A, subject: literal}, to: mapped} ]"}},
        abc));
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    b->send("SUB m.> 1\r\nSUB mapped 2\r\n");
    b->flush();
    a->send(pub("w.one.two", "x") + pub("literal", "y"));
    a->flush();
    auto got = messages_within(*b, 300ms);
    ASSERT_EQ(got.size(), 2u);
    std::sort(got.begin(), got.end(), [](const Frame& l, const Frame& r) { return l.sid < r.sid; });
    EXPECT_EQ(got[0].subject, "m.two.one");
    EXPECT_EQ(got[1].subject, "mapped");
    EXPECT_EQ(got[1].payload, "y");
}

TEST(Accounts, StreamImportsDoNotChain) {
    // C imports what B imported from A: nats-server delivers stream imports
    // straight to B's subscribers, so C never sees A's messages.
    auto server = start(accounts_config(
        {{"A", "exports: [ {stream: \"foo.>\"} ]"},
         {"B", "imports: [ {stream: {account: A, subject: \"foo.>\"}, prefix: b} ], exports: [ {stream: \"b.>\"} ]"},
         {"C", "imports: [ {stream: {account: B, subject: \"b.>\"}} ]"}},
        abc));
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    auto c = client(*server, "c");
    b->send("SUB b.> 1\r\n");
    c->send("SUB b.> 1\r\n");
    b->flush();
    c->flush();
    a->send(pub("foo.x", "1"));
    a->flush();
    EXPECT_EQ(messages_within(*b, 300ms).size(), 1u);
    EXPECT_TRUE(messages_within(*c, 100ms).empty());
    // B's own publications do reach C.
    b->send(pub("b.y", "2"));
    b->flush();
    const auto got = messages_within(*c, 300ms);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].subject, "b.y");
}

TEST(Accounts, ImportingQueueSubscribersShareTheExportersGroup) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {stream: q} ]"}, {"B", "imports: [ {stream: {account: A, subject: q}} ]"}}, abc));
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    a->send("SUB q workers 1\r\n");
    b->send("SUB q workers 1\r\n");
    a->flush();
    b->flush();
    std::string burst;
    for (int i = 0; i < 40; ++i) burst += pub("q", std::to_string(i));
    a->send(burst);
    const auto in_a = messages(a->flush()).size() + messages_within(*a, 200ms).size();
    const auto in_b = messages_within(*b, 200ms).size();
    EXPECT_GT(in_a, 0u);
    EXPECT_GT(in_b, 0u);
    EXPECT_EQ(in_a + in_b, 40u);  // one group: each message once
}

TEST(Accounts, SubscriptionsMadeBeforeAndAfterTheImporterConnects) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {stream: \"s.*\"} ]"}, {"B", "imports: [ {stream: {account: A, subject: \"s.*\"}}]"}}, abc));
    auto b = client(*server, "b");
    b->send("SUB s.1 1\r\nSUB s.* 2\r\nSUB > 3\r\n");
    b->flush();
    auto a = client(*server, "a");
    a->send(pub("s.1", "x"));
    a->flush();
    auto got = messages_within(*b, 300ms);
    EXPECT_EQ(got.size(), 3u);
    // Unsubscribing takes the import's copy away too.
    b->send("UNSUB 1\r\nUNSUB 3\r\n");
    b->flush();
    a->send(pub("s.1", "y"));
    a->flush();
    got = messages_within(*b, 300ms);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].sid, "2");
}

// ---- service imports ------------------------------------------------------------

TEST(Accounts, ServiceImportRequestReplyWithLibnats) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {service: \"svc.*\"} ]"},
         {"B", "imports: [ {service: {account: A, subject: \"svc.*\"}, to: \"ask.*\"} ]"}},
        abc));
    auto responder = client(*server, "a");
    responder->send("SUB svc.* 1\r\n");
    responder->flush();
    auto requester = libnats_connect(*server, "b");
    std::thread answer([&] {
        const Frame req = responder->expect_hmsg();
        EXPECT_EQ(req.subject, "svc.time");
        EXPECT_EQ(req.reply.rfind("_R_.", 0), 0u) << req.reply;
        EXPECT_NE(req.headers.find("Nats-Request-Info: {\"acc\":\"B\""), std::string::npos) << req.headers;
        EXPECT_EQ(req.payload, "what time");
        responder->send(pub(req.reply, "noon"));
        responder->flush();
    });
    natsMsg* reply = nullptr;
    const natsStatus s = natsConnection_Request(&reply, requester.get(), "ask.time", "what time", 9, 2000);
    answer.join();
    ASSERT_EQ(s, NATS_OK) << natsStatus_GetText(s);
    test_support::NatsMsgPtr owned(reply);
    EXPECT_EQ(test_support::nats_msg_data(reply), "noon");
}

TEST(Accounts, SingletonServiceDeliversOneResponse) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {service: one}, {service: many, response_type: stream} ]"},
         {"B", "imports: [ {service: {account: A, subject: one}}, {service: {account: A, subject: many}} ]"}},
        abc));
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    a->send("SUB one 1\r\nSUB many 2\r\n");
    a->flush();
    b->send("SUB inbox.> 1\r\n" + pub("one", "q1", "inbox.1"));
    const Frame single = a->expect_hmsg();
    a->send(pub(single.reply, "r1") + pub(single.reply, "r2"));
    a->flush();
    auto got = messages_within(*b, 300ms);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].subject, "inbox.1");
    EXPECT_EQ(got[0].payload, "r1");

    b->send(pub("many", "q2", "inbox.2"));
    const Frame streamed = a->expect_hmsg();
    a->send(pub(streamed.reply, "r1") + pub(streamed.reply, "r2") + pub(streamed.reply, "r3"));
    a->flush();
    got = messages_within(*b, 300ms);
    ASSERT_EQ(got.size(), 3u);
    EXPECT_EQ(got[2].payload, "r3");
}

TEST(Accounts, StreamedResponsesStopAfterTheThreshold) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {service: many, response_type: stream, threshold: \"200ms\"} ]"},
         {"B", "imports: [ {service: {account: A, subject: many}} ]"}},
        abc));
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    a->send("SUB many 1\r\n");
    a->flush();
    b->send("SUB inbox 1\r\n" + pub("many", "q", "inbox"));
    const Frame req = a->expect_hmsg();
    a->send(pub(req.reply, "early"));
    a->flush();
    EXPECT_EQ(messages_within(*b, 200ms).size(), 1u);
    std::this_thread::sleep_for(500ms);  // past twice the threshold
    a->send(pub(req.reply, "late"));
    a->flush();
    EXPECT_TRUE(messages_within(*b, 200ms).empty());
}

TEST(Accounts, ResponseMappingEndsWhenTheRequesterStopsListening) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {service: many, response_type: stream} ]"}, {"B", "imports: [ {service: {account: A, subject: many}} ]"}},
        abc));
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    a->send("SUB many 1\r\n");
    a->flush();
    b->send("SUB inbox.* 1\r\n" + pub("many", "q", "inbox.1"));
    const Frame req = a->expect_hmsg();
    a->send(pub(req.reply, "first"));
    EXPECT_EQ(b->expect_msg().payload, "first");
    // Interest in the reply goes away, then comes back: the mapping is gone.
    b->send("UNSUB 1\r\nSUB inbox.1 2\r\n");
    b->flush();
    a->send(pub(req.reply, "second"));
    a->flush();
    EXPECT_TRUE(messages_within(*b, 200ms).empty());
}

TEST(Accounts, ResponsesWithAReplyGoBackThroughTheImport) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {service: svc, response_type: stream} ]"}, {"B", "imports: [ {service: {account: A, subject: svc}} ]"}},
        abc));
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    a->send("SUB svc 1\r\nSUB ack 2\r\n");
    a->flush();
    b->send("SUB inbox 1\r\n" + pub("svc", "q", "inbox"));
    const Frame req = a->expect_hmsg();
    a->send(pub(req.reply, "answer", "ack"));
    a->flush();
    const Frame answer = b->expect_msg();
    EXPECT_EQ(answer.subject, "inbox");
    EXPECT_EQ(answer.reply.rfind("_R_.", 0), 0u) << answer.reply;
    b->send(pub(answer.reply, "thanks"));
    const Frame ack = a->expect_msg();
    EXPECT_EQ(ack.subject, "ack");
    EXPECT_EQ(ack.payload, "thanks");
}

TEST(Accounts, RequestWithoutReplyAndHeadersKept) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {service: svc} ]"}, {"B", "imports: [ {service: {account: A, subject: svc}} ]"}}, abc));
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    auto a_plain = client(*server, "a", {{"headers", false}});
    a->send("SUB svc 1\r\n");
    a_plain->send("SUB svc 1\r\n");
    a->flush();
    a_plain->flush();
    b->send(hpub("svc", "NATS/1.0\r\nX-Trace: 7\r\n\r\n", "fire"));
    const Frame got = a->expect_hmsg();
    EXPECT_EQ(got.reply, "");
    EXPECT_EQ(got.headers.rfind("NATS/1.0\r\nX-Trace: 7\r\nNats-Request-Info: {\"acc\":\"B\"", 0), 0u) << got.headers;
    EXPECT_EQ(got.payload, "fire");
    // A subscriber without header support gets the payload alone.
    const Frame plain = a_plain->expect_msg();
    EXPECT_EQ(plain.payload, "fire");
}

TEST(Accounts, ChainedServiceImports) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {service: \"svc.>\"} ]"},
         {"B", "imports: [ {service: {account: A, subject: \"svc.>\"}} ], exports: [ {service: \"svc.>\"} ]"},
         {"C", "imports: [ {service: {account: B, subject: \"svc.>\"}, to: \"c.>\"} ]"}},
        abc));
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    auto c = client(*server, "c");
    a->send("SUB svc.> 1\r\n");
    a->flush();
    c->send("SUB inbox 1\r\n" + pub("c.x", "req", "inbox"));
    const Frame in_a = a->expect_hmsg();
    EXPECT_EQ(in_a.subject, "svc.x");
    EXPECT_NE(in_a.headers.find("Nats-Request-Info: {\"acc\":\"C\",\"svc\":\"B\""), std::string::npos) << in_a.headers;
    a->send(pub(in_a.reply, "done"));
    const Frame back = c->expect_msg();
    EXPECT_EQ(back.subject, "inbox");
    EXPECT_EQ(back.payload, "done");
}

TEST(Accounts, ServiceImportedMessagesAreNotReExportedAsStreams) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {service: \"svc.>\"}, {stream: \"svc.>\"} ]"},
         {"B", "imports: [ {service: {account: A, subject: \"svc.>\"}} ]"},
         {"C", "imports: [ {stream: {account: A, subject: \"svc.>\"}} ]"}},
        abc));
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    auto c = client(*server, "c");
    a->send("SUB svc.> 1\r\n");
    c->send("SUB svc.> 1\r\n");
    a->flush();
    c->flush();
    b->send(pub("svc.x", "via service"));
    EXPECT_EQ(a->expect_hmsg().payload, "via service");
    EXPECT_TRUE(messages_within(*c, 200ms).empty());
    a->send(pub("svc.y", "published in A"));
    EXPECT_EQ(c->expect_msg().payload, "published in A");
}

TEST(Accounts, NoRespondersStatusDoesNotCrossAServiceImport) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {service: svc} ]"}, {"B", "imports: [ {service: {account: A, subject: svc}} ]"}}, abc));
    auto b = client(*server, "b", {{"no_responders", true}});
    b->send("SUB inbox 1\r\n" + pub("local", "", "inbox"));
    const Frame status = b->expect_hmsg();  // no one in B: 503 as usual
    EXPECT_EQ(status.headers, "NATS/1.0 503\r\n\r\n");
    b->send(pub("svc", "", "inbox"));
    EXPECT_TRUE(messages_within(*b, 200ms).empty());
}

// ---- restricted exports and bad configs -------------------------------------------

// ------------------------------------------------------- service latency

// The next `n` messages (MSG or HMSG), skipping other frames.
std::vector<Frame> next_messages(RawClient& c, std::size_t n) {
    std::vector<Frame> out;
    while (out.size() < n) {
        Frame f = c.read_frame(10s);
        if (f.kind == Frame::Kind::msg || f.kind == Frame::Kind::hmsg) out.push_back(std::move(f));
    }
    return out;
}

// A service_latency result read by the exporter's client `a` on `latency.>`.
json latency_result(RawClient& a) {
    const Frame f = next_messages(a, 1)[0];
    EXPECT_TRUE(f.subject.starts_with("latency.")) << f.line;
    return json::parse(f.payload);
}

std::string latency_accounts() {
    return accounts_config(
        {{"A", "exports: [ {service: echo, latency: \"latency.echo\"}, "
               "{service: traced, latency: {sampling: headers, subject: \"latency.traced\"}}, "
               "{service: slow, threshold: \"200ms\", latency: {sampling: \"100%\", subject: \"latency.slow\"}} ]"},
         {"B", "imports: [ {service: {account: A, subject: echo}}, {service: {account: A, subject: traced}, share: true}, "
               "{service: {account: A, subject: slow}} ]"}},
        abc);
}

// The first response of a sampled request publishes status 200 with the
// timings, the requestor (its account and rtt only, without `share`) and the
// responder in the exporting account.
TEST(Accounts, ServiceLatencyIsPublishedForAnsweredRequests) {
    auto server = start(latency_accounts());
    auto a = client(*server, "a", {{"name", "responder"}, {"lang", "raw"}, {"version", "1.0"}});
    auto b = client(*server, "b", {{"name", "requester"}});
    a->send("SUB echo 1\r\nSUB latency.> 2\r\n");
    a->flush();
    b->send("SUB inbox 1\r\n" + pub("echo", "ping", "inbox"));
    const Frame request = a->expect_hmsg();
    a->send(pub(request.reply, "pong"));
    EXPECT_EQ(b->expect_msg().payload, "pong");
    const json r = latency_result(*a);
    EXPECT_EQ(r["type"], "io.nats.server.metric.v1.service_latency");
    EXPECT_EQ(r["status"], 200);
    EXPECT_FALSE(r.contains("description"));
    EXPECT_EQ(r["id"].get<std::string>().size(), 22u);
    EXPECT_EQ(r["requestor"]["acc"], "B");
    EXPECT_FALSE(r["requestor"].contains("name")) << "shared only with share: true";
    EXPECT_EQ(r["responder"]["acc"], "A");
    EXPECT_EQ(r["responder"]["name"], "responder");
    EXPECT_EQ(r["responder"]["lang"], "raw");
    EXPECT_EQ(r["responder"]["ver"], "1.0");
    EXPECT_EQ(r["responder"]["host"], "127.0.0.1");
    EXPECT_EQ(r["responder"]["kind"], "Client");
    EXPECT_GT(r["responder"]["id"].get<long>(), 0);
    for (const char* key : {"start", "timestamp"}) EXPECT_TRUE(r[key].is_string()) << key;
    for (const char* key : {"service", "system", "total"}) EXPECT_GE(r[key].get<long long>(), 0) << key;
    EXPECT_GE(r["total"].get<long long>(), r["service"].get<long long>());
    EXPECT_FALSE(r.contains("header"));

    // A request without a reply subject can never be answered: 400.
    b->send(pub("echo", "no reply"));
    // nats-server publishes results from its own goroutine: either order.
    auto frames = next_messages(*a, 2);
    if (frames[0].subject == "echo") std::swap(frames[0], frames[1]);
    ASSERT_EQ(frames[0].subject, "latency.echo");
    const json bad = json::parse(frames[0].payload);
    EXPECT_EQ(bad["status"], 400);
    EXPECT_EQ(bad["description"], "Bad Request");
    EXPECT_EQ(bad["requestor"]["acc"], "B");
    EXPECT_FALSE(bad.contains("responder"));
}

// Nobody in the exporter takes the request: 503; nobody answers within the
// export's response threshold: 504.
TEST(Accounts, ServiceLatencyReportsUnavailableAndTimedOutServices) {
    auto server = start(latency_accounts());
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    a->send("SUB latency.> 2\r\n");
    a->flush();
    b->send("SUB inbox 1\r\n" + pub("echo", "ping", "inbox"));
    const json unavailable = latency_result(*a);
    EXPECT_EQ(unavailable["status"], 503);
    EXPECT_EQ(unavailable["description"], "Service Unavailable");

    a->send("SUB slow 3\r\n");
    a->flush();
    b->send(pub("slow", "ping", "inbox"));
    EXPECT_EQ(next_messages(*a, 1)[0].subject, "slow");  // taken, never answered
    // The threshold is 200ms; the result comes when the server next sweeps.
    const Frame f = next_messages(*a, 1)[0];
    const json timed_out = json::parse(f.payload);
    EXPECT_EQ(f.subject, "latency.slow");
    EXPECT_EQ(timed_out["status"], 504);
    EXPECT_EQ(timed_out["description"], "Service Timeout");

    // The requester stops listening before the answer: 408.
    a->send("SUB echo 4\r\n");
    a->flush();
    b->send("SUB gone 5\r\n" + pub("echo", "ping", "gone"));
    EXPECT_EQ(next_messages(*a, 1)[0].subject, "echo");
    b->send("UNSUB 5\r\n");
    const json lost = latency_result(*a);
    EXPECT_EQ(lost["status"], 408);
    EXPECT_EQ(lost["description"], "Request Timeout");
}

// Nats-Request-Info is nats-server's ClientInfo: the account (and rtt once
// measured) by default, the requester's connection with share: true.
TEST(Accounts, RequestInfoSharesTheRequesterOnlyWithShare) {
    auto server = start(latency_accounts());
    auto a = client(*server, "a");
    auto b = client(*server, "b", {{"name", "requester"}, {"lang", "raw"}, {"version", "2.0"}});
    a->send("SUB echo 1\r\nSUB traced 2\r\n");
    a->flush();
    b->send(pub("echo", "x", "inbox") + pub("traced", "y", "inbox"));
    std::map<std::string, json> info;
    for (const Frame& f : next_messages(*a, 2)) {
        const auto header = f.headers.find("Nats-Request-Info: ");
        ASSERT_NE(header, std::string::npos) << f.headers;
        const auto start = header + std::string_view("Nats-Request-Info: ").size();
        info[f.subject] = json::parse(f.headers.substr(start, f.headers.find("\r\n", start) - start));
    }
    EXPECT_EQ(info["echo"]["acc"], "B");
    for (const char* hidden : {"name", "host", "id", "start", "kind", "server"})
        EXPECT_FALSE(info["echo"].contains(hidden)) << hidden;
    const json& shared = info["traced"];
    EXPECT_EQ(shared["acc"], "B");
    EXPECT_EQ(shared["name"], "requester");
    EXPECT_EQ(shared["lang"], "raw");
    EXPECT_EQ(shared["ver"], "2.0");
    EXPECT_EQ(shared["host"], "127.0.0.1");
    EXPECT_EQ(shared["kind"], "Client");
    EXPECT_EQ(shared["client_type"], "nats");
    EXPECT_GT(shared["id"].get<long>(), 0);
    EXPECT_TRUE(shared["start"].is_string());
    EXPECT_TRUE(shared["server"].is_string());
}

// sampling: headers measures only requests whose trace headers ask for it,
// and quotes those headers; share: true adds the requester's details.
TEST(Accounts, ServiceLatencySampledByTraceHeaders) {
    auto server = start(latency_accounts());
    auto a = client(*server, "a");
    auto b = client(*server, "b", {{"name", "requester"}});
    a->send("SUB traced 1\r\nSUB latency.> 2\r\n");
    a->flush();
    b->send("SUB inbox 1\r\n" + pub("traced", "untraced", "inbox"));
    Frame request = a->expect_hmsg();
    a->send(pub(request.reply, "ok"));
    b->expect_msg();
    const std::string parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    b->send(hpub("traced", "NATS/1.0\r\ntraceparent: " + parent + "\r\ntracestate: k=v\r\n\r\n", "traced", "inbox"));
    request = a->expect_hmsg();
    a->send(pub(request.reply, "ok"));
    b->expect_msg();
    // Only the traced request was measured: the next message on latency.> is its result.
    const json r = latency_result(*a);
    EXPECT_EQ(r["status"], 200);
    EXPECT_EQ(r["header"], json::parse(R"({"Traceparent":[")" + parent + R"("],"Tracestate":["k=v"]})"));
    EXPECT_EQ(r["requestor"]["name"], "requester");
    EXPECT_EQ(r["requestor"]["acc"], "B");
    EXPECT_EQ(r["requestor"]["kind"], "Client");
    // A trace that is not sampled (flags 00) is not measured either.
    b->send(hpub("traced", "NATS/1.0\r\ntraceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00\r\n\r\n",
                 "unsampled", "inbox"));
    request = a->expect_hmsg();
    a->send(pub(request.reply, "ok"));
    b->expect_msg();
    EXPECT_TRUE(messages_within(*a, 300ms).empty());
}

TEST(Accounts, RestrictedExportAllowsTheNamedAccount) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {stream: news, accounts: [B]} ]"}, {"B", "imports: [ {stream: {account: A, subject: news}} ]"},
         {"C", ""}},
        abc));
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    b->send("SUB news 1\r\n");
    b->flush();
    a->send(pub("news", "extra"));
    EXPECT_EQ(b->expect_msg().payload, "extra");
}

TEST(Accounts, RestrictedExportRefusesOtherImporters) {
    const auto r = run_config_to_exit(accounts_config(
        {{"A", "exports: [ {stream: news, accounts: [C]} ]"}, {"B", "imports: [ {stream: {account: A, subject: news}} ]"},
         {"C", ""}},
        abc));
    ASSERT_TRUE(r.exit_code.has_value()) << r.output;
    EXPECT_NE(*r.exit_code, 0);
    EXPECT_NE(r.output.find("Error adding stream import \"news\": stream import not authorized"), std::string::npos)
        << r.output;
}

TEST(Accounts, ImportOfAnUndefinedAccountStopsStartUp) {
    const auto r = run_config_to_exit(
        accounts_config({{"B", "imports: [ {service: {account: X, subject: svc}} ]"}}, abc));
    ASSERT_TRUE(r.exit_code.has_value()) << r.output;
    EXPECT_NE(*r.exit_code, 0);
    EXPECT_NE(r.output.find("\"X\" account not defined for service import"), std::string::npos) << r.output;
}

// ---- no_auth_user -----------------------------------------------------------------

TEST(Accounts, NoAuthUserLandsInItsAccount) {
    auto server = start(accounts_config(
        {{"A", "exports: [ {stream: feed} ]"}, {"B", "imports: [ {stream: {account: A, subject: feed}} ]"}}, abc, "b"));
    RawClient anonymous(server->port());
    anonymous.connect();  // no credentials: becomes user b, in B
    anonymous.send("SUB feed 1\r\n");
    anonymous.flush();
    auto a = client(*server, "a");
    a->send(pub("feed", "via import"));
    EXPECT_EQ(anonymous.expect_msg().payload, "via import");
}

// ---- reload -----------------------------------------------------------------------

TEST(Accounts, ReloadChangesAnImport) {
    auto config = [](const std::string& prefix) {
        return accounts_config({{"A", "exports: [ {stream: feed}, {service: svc} ]"},
                                {"B", "imports: [ {stream: {account: A, subject: feed}, prefix: " + prefix + "} ]"}},
                               abc);
    };
    auto server = start(config("old"));
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    b->send("SUB old.feed 1\r\nSUB new.feed 2\r\n");
    b->flush();
    a->send(pub("feed", "1"));
    auto got = messages_within(*b, 300ms);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0].subject, "old.feed");

    reload(*server, config("new"));
    a->send(pub("feed", "2"));
    got = messages_within(*b, 300ms);
    ASSERT_EQ(got.size(), 1u) << server->log_text();
    EXPECT_EQ(got[0].subject, "new.feed");

    // A service import added by a reload works for clients already connected.
    reload(*server, accounts_config({{"A", "exports: [ {stream: feed}, {service: svc} ]"},
                                     {"B", "imports: [ {service: {account: A, subject: svc}} ]"}},
                                    abc));
    a->send("SUB svc 5\r\n");
    a->flush();
    b->send(pub("svc", "hi"));
    EXPECT_EQ(a->expect_hmsg().payload, "hi");
    a->send(pub("feed", "3"));
    EXPECT_TRUE(messages_within(*b, 200ms).empty());
}

TEST(Accounts, ReloadWithABadImportKeepsTheRunningLinks) {
    const std::string good = accounts_config(
        {{"A", "exports: [ {stream: feed} ]"}, {"B", "imports: [ {stream: {account: A, subject: feed}} ]"}}, abc);
    auto server = start(good);
    test_support::write_file(server->dir().file("server.conf"),
                             accounts_config({{"A", ""}, {"B", "imports: [ {stream: {account: A, subject: feed}} ]"}}, abc));
    server->send_signal(SIGHUP);
    EXPECT_TRUE(wait_for_log(*server, "stream import not authorized")) << server->log_text();
    auto a = client(*server, "a");
    auto b = client(*server, "b");
    b->send("SUB feed 1\r\n");
    b->flush();
    a->send(pub("feed", "still"));
    EXPECT_EQ(b->expect_msg().payload, "still");
}

}  // namespace nats::integration
