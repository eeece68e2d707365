// Subject mappings (`mappings` / `maps`), end to end: a PUB on a mapped subject
// is routed, permission-checked and delivered on the destination; wildcards and
// destination functions; weighted splits drawn per message; an account's own
// mappings; bad mappings refused at start-up and by -t with nats-server's
// texts; SIGHUP adding and removing a mapping. Expectations are nats-server
// 2.9.10's (checked against it with NMK_SERVER_BIN).
#include <csignal>
#include <thread>

#include "tests/integration/integration_helpers.hpp"
#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/temp_dir.hpp"

namespace nats::integration {
namespace {

using test_support::ExitResult;
using test_support::TempDir;
using test_support::write_file;

// Subscribes `subjects` (sids 1, 2, ...) and waits until the server has them.
std::unique_ptr<RawClient> subscriber(int port, const std::vector<std::string>& subjects, const json& login = {}) {
    auto c = std::make_unique<RawClient>(port);
    c->connect(login.is_null() ? json::object() : login);
    std::string subs;
    for (std::size_t i = 0; i < subjects.size(); ++i) subs += "SUB " + subjects[i] + " " + std::to_string(i + 1) + "\r\n";
    c->send(subs + "PING\r\n");
    c->expect_line("PONG");
    return c;
}

// Publishes on a fresh connection and waits until the server processed it.
void publish(int port, const std::string& protocol, const json& login = {}) {
    RawClient p(port);
    p.connect(login.is_null() ? json::object() : login);
    p.send(protocol + "PING\r\n");
    p.expect_line("PONG");
}

// Subjects of the MSGs that arrive until a PONG (a PING is sent first).
std::vector<std::string> received(RawClient& c) {
    c.send("PING\r\n");
    std::vector<std::string> out;
    for (;;) {
        Frame f = c.read_frame();
        if (f.kind == Frame::Kind::pong) return out;
        if (f.kind == Frame::Kind::msg || f.kind == Frame::Kind::hmsg) out.push_back(f.subject + " " + f.payload);
    }
}

TEST(SubjectMapping, PlainMappingDeliversOnTheDestinationOnly) {
    auto server = start_server("mappings { foo: bar }\n");
    auto sub = subscriber(server->port(), {"foo", "bar"});
    publish(server->port(), pub("foo", "hello"));
    Frame f = sub->expect_msg();
    EXPECT_EQ(f.subject, "bar");
    EXPECT_EQ(f.sid, "2");
    EXPECT_EQ(f.payload, "hello");
    EXPECT_TRUE(received(*sub).empty());
    // Other subjects are left alone; a PUB on the destination stays there.
    publish(server->port(), pub("bar", "direct") + pub("foo.x", "other"));
    EXPECT_EQ(received(*sub), (std::vector<std::string>{"bar direct"}));
}

TEST(SubjectMapping, HeadersAndReplyTravelWithTheMappedMessage) {
    auto server = start_server("maps { req: svc }\n");
    auto sub = subscriber(server->port(), {"svc"}, {{"headers", true}});
    RawClient p(server->port());
    p.connect({{"headers", true}});
    p.send(hpub("req", "NATS/1.0\r\nA: b\r\n\r\n", "body", "inbox.1") + "PING\r\n");
    p.expect_line("PONG");
    Frame f = sub->expect_hmsg();
    EXPECT_EQ(f.subject, "svc");
    EXPECT_EQ(f.reply, "inbox.1");
    EXPECT_EQ(f.payload, "body");
}

TEST(SubjectMapping, WildcardsMoveTokensWithDollarAndWildcardFunction) {
    auto server = start_server(
        "mappings {\n"
        "  \"orders.*\": \"new.$1\"\n"
        "  \"a.*.*\": \"b.{{wildcard(2)}}.{{wildcard(1)}}\"\n"
        "  \"p.*\": \"q.{{partition(3,1)}}.{{wildcard(1)}}\"\n"
        "  \"full.>\": \"moved.>\"\n"
        "}\n");
    auto sub = subscriber(server->port(), {">"});
    publish(server->port(), pub("orders.x", "1") + pub("a.one.two", "2") + pub("full.x.y", "3") + pub("orders", "4"));
    EXPECT_EQ(received(*sub), (std::vector<std::string>{"new.x 1", "b.two.one 2", "moved.x.y 3", "orders 4"}));
    publish(server->port(), pub("p.key", "5"));
    const auto got = received(*sub);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_TRUE(got[0] == "q.0.key 5" || got[0] == "q.1.key 5" || got[0] == "q.2.key 5") << got[0];
}

// Counts the MSGs per subject for `n` PUBs on `subject`.
std::map<std::string, int> split_counts(int port, RawClient& sub, const std::string& subject, int n) {
    RawClient p(port);
    p.connect();
    std::string batch;
    for (int i = 0; i < n; ++i) batch += pub(subject, "x");
    p.send(batch + "PING\r\n");
    p.expect_line("PONG");
    std::map<std::string, int> counts;
    for (const auto& s : received(sub)) ++counts[s.substr(0, s.find(' '))];
    return counts;
}

TEST(SubjectMapping, WeightedDestinationsSplitEveryMessageByDraw) {
    auto server = start_server(
        "mappings {\n"
        "  work: [ {destination: w.a, weight: \"50%\"}, {dest: w.b, weight: 50} ]\n"
        "}\n");
    auto sub = subscriber(server->port(), {"w.*", "work"});
    const auto counts = split_counts(server->port(), *sub, "work", 1000);
    EXPECT_GT(counts.count("w.a") ? counts.at("w.a") : 0, 100);
    EXPECT_GT(counts.count("w.b") ? counts.at("w.b") : 0, 100);
    EXPECT_EQ(counts.count("work"), 0u);
    int total = 0;
    for (const auto& [s, n] : counts) total += n;
    EXPECT_EQ(total, 1000);
}

TEST(SubjectMapping, WeightsUnderAHundredLeaveTheRestOnTheSource) {
    auto server = start_server("mappings { part: {destination: p.x, weight: 40} }\n");
    auto sub = subscriber(server->port(), {"part", "p.x"});
    const auto counts = split_counts(server->port(), *sub, "part", 1000);
    EXPECT_GT(counts.count("p.x") ? counts.at("p.x") : 0, 100);
    EXPECT_GT(counts.count("part") ? counts.at("part") : 0, 100);
    EXPECT_EQ((counts.count("p.x") ? counts.at("p.x") : 0) + (counts.count("part") ? counts.at("part") : 0), 1000);
}

TEST(SubjectMapping, ListingTheSourceWithWeightsUnderAHundredDropsTheRest) {
    // nats-server adds no remainder when the source is listed: the rest is lost.
    auto server = start_server("mappings { drop: [ {destination: drop, weight: 30}, {destination: d.x, weight: 30} ] }\n");
    auto sub = subscriber(server->port(), {"drop", "d.x"});
    const auto counts = split_counts(server->port(), *sub, "drop", 1000);
    const int kept = (counts.count("drop") ? counts.at("drop") : 0) + (counts.count("d.x") ? counts.at("d.x") : 0);
    EXPECT_GT(kept, 300);
    EXPECT_LT(kept, 900);
}

TEST(SubjectMapping, ClusterScopedDestinationsFallBackToTheUnscopedOnes) {
    // This server is in no cluster: only the unscoped destinations are used.
    auto server = start_server(
        "mappings { c: [ {destination: c.east, weight: 100, cluster: east}, {destination: c.all, weight: 0} ] }\n");
    auto sub = subscriber(server->port(), {"c.*", "c"});
    const auto counts = split_counts(server->port(), *sub, "c", 50);
    EXPECT_EQ(counts.count("c.east"), 0u);
    // c.all has weight 0: the source keeps all of it (auto-added at 100).
    EXPECT_EQ(counts.count("c") ? counts.at("c") : 0, 50);
}

const char* accounts_config =
    "accounts {\n"
    "  A: { users: [{user: a, password: a}], mappings: { foo: bar } }\n"
    "  B: { users: [{user: b, password: b}] }\n"
    "}\n";

TEST(SubjectMapping, AnAccountsMappingsApplyInThatAccountOnly) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(accounts_config);
    const json a = {{"user", "a"}, {"pass", "a"}}, b = {{"user", "b"}, {"pass", "b"}};
    auto sub_a = subscriber(server->port(), {"foo", "bar"}, a);
    auto sub_b = subscriber(server->port(), {"foo", "bar"}, b);
    publish(server->port(), pub("foo", "in-a"), a);
    publish(server->port(), pub("foo", "in-b"), b);
    EXPECT_EQ(received(*sub_a), (std::vector<std::string>{"bar in-a"}));
    EXPECT_EQ(received(*sub_b), (std::vector<std::string>{"foo in-b"}));
}

// A request through a service import lands in the exporting account mapped by
// that account's own mappings (nats-server's processServiceImport), and the
// answer finds its way back; the importer's mappings do not apply there.
TEST(SubjectMapping, TheExportersMappingsApplyToItsServiceImports) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(
        "accounts {\n"
        "  SVC: { users: [{user: s, password: s}], exports: [{service: \"svc.>\"}],\n"
        "         mappings: { \"svc.old\": \"svc.new\" } }\n"
        "  APP: { users: [{user: a, password: a}], imports: [{service: {account: SVC, subject: \"svc.>\"}}] }\n"
        "}\n");
    const json svc = {{"user", "s"}, {"pass", "s"}}, app = {{"user", "a"}, {"pass", "a"}};
    auto responder = subscriber(server->port(), {"svc.old", "svc.new"}, svc);
    RawClient requester(server->port());
    requester.connect(app);
    requester.send("SUB _INBOX.r 1\r\n" + pub("svc.old", "ping", "_INBOX.r") + "PING\r\n");
    requester.expect_line("PONG");

    Frame request = responder->expect_msg();
    EXPECT_EQ(request.subject, "svc.new");
    EXPECT_EQ(request.sid, "2");
    EXPECT_EQ(request.payload, "ping");
    ASSERT_FALSE(request.reply.empty());
    responder->send(pub(request.reply, "pong") + "PING\r\n");
    responder->expect_line("PONG");
    Frame answer = requester.expect_msg();
    EXPECT_EQ(answer.subject, "_INBOX.r");
    EXPECT_EQ(answer.payload, "pong");
    EXPECT_TRUE(received(*responder).empty()) << "nothing on svc.old";
}

TEST(SubjectMapping, PublishPermissionsAreCheckedOnTheMappedSubject) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(
        "mappings { foo: bar, open: closed }\n"
        "authorization { users: [ {user: u, password: p, permissions: { publish: [\"bar\", \"open\"], "
        "subscribe: \">\" }} ] }\n");
    const json u = {{"user", "u"}, {"pass", "p"}};
    auto sub = subscriber(server->port(), {"bar", "closed", "open"}, u);
    RawClient p(server->port());
    p.connect(u);
    // foo is not allowed but its destination bar is: delivered.
    p.send(pub("foo", "1") + "PING\r\n");
    p.expect_line("PONG");
    EXPECT_EQ(received(*sub), (std::vector<std::string>{"bar 1"}));
    // open is allowed but its destination closed is not: refused, named by the destination.
    p.send(pub("open", "2"));
    p.expect_line("-ERR 'Permissions Violation for Publish to \"closed\"'");
    EXPECT_TRUE(received(*sub).empty());
}

// -t and a start with `config`: both exit 1 naming the file, `line` and `text`.
// The column is left out: for a list entry nats-server points past its closing
// brace and for a bad source at column 0 of the block, ours at the entry.
void expect_refused(const std::string& config, const std::string& position_and_text) {
    TempDir dir;
    const auto conf = dir.file("server.conf");
    write_file(conf, config);
    const std::string line = position_and_text.substr(0, position_and_text.find(':'));
    const std::string text = position_and_text.substr(position_and_text.find(": ") + 2);
    // run_config_to_exit writes its own server.conf elsewhere: match the file name only.
    auto has = [&](const std::string& output) {
        const std::size_t at = output.find("server.conf:" + line + ":");
        return at != std::string::npos && output.find(": " + text, at) != std::string::npos;
    };
    const ExitResult check = test_support::run_server_to_exit({"-t", "-c", conf.string()}, std::chrono::seconds(5));
    ASSERT_TRUE(check.exit_code.has_value());
    EXPECT_EQ(*check.exit_code, 1) << check.output;
    EXPECT_TRUE(has(check.output)) << "want: " << position_and_text << "\ngot: " << check.output;
    const ExitResult start = run_config_to_exit(config);
    ASSERT_TRUE(start.exit_code.has_value()) << start.output;
    EXPECT_EQ(*start.exit_code, 1) << start.output;
    EXPECT_TRUE(has(start.output)) << "want: " << position_and_text << "\ngot: " << start.output;
}

TEST(SubjectMapping, BadMappingsAreRefusedWithNatsServersText) {
    expect_refused("mappings {\n  foo: \"a..b\"\n}\n",
                   "2:3: Error adding mapping for \"foo\" to \"a..b\" : invalid mapping destination: invalid subject in ");
    expect_refused("mappings {\n  foo: \"{{bad(1)}}\"\n}\n",
                   "2:3: Error adding mapping for \"foo\" to \"{{bad(1)}}\" : invalid mapping destination: unknown "
                   "function in {{bad(1)}}");
    expect_refused("mappings {\n  \"foo.*\": \"x.{{wildcard(2)}}\"\n}\n",
                   "2:3: Error adding mapping for \"foo.*\" to \"x.{{wildcard(2)}}\" : invalid mapping destination: "
                   "wildcard index out of range in {{wildcard(2)}}: [2]");
    expect_refused("mappings {\n  \"bar.*\": x\n}\n",
                   "2:3: Error adding mapping for \"bar.*\" to \"x\" : invalid mapping destination: not using all of "
                   "the token wildcard(s) in x");
    expect_refused("mappings {\n  foo: {destination: a, weight: \"150%\"}\n}\n",
                   "2:25: Invalid weight 150 for mapping destination");
    expect_refused("mappings {\n  foo: {destination: a}\n}\n", "2:3: Missing weight for mapping destination \"a\"");
    expect_refused("mappings {\n  \"a..b\": x\n}\n", "1:0: Subject \"a..b\" is not a valid subject");
    expect_refused("mappings {\n  foo: [ {destination: a, weight: 60, other: 1} ]\n}\n",
                   "2:39: Unknown field \"other\" for mapping destination");
}

TEST(SubjectMapping, WeightsOverAHundredAndDuplicatesAreRefused) {
    // nats-server words these with a failed type assertion, pointing at the last entry.
    expect_refused("mappings {\n  foo: [\n    {destination: a, weight: 60}\n    {destination: b, weight: 50}\n  ]\n}\n",
                   "4:33: interface conversion: interface {} is []interface {}, not string");
    expect_refused("mappings {\n  foo: [\n    {destination: a, weight: 10}\n    {destination: a, weight: 10}\n  ]\n}\n",
                   "4:33: interface conversion: interface {} is []interface {}, not string");
}

TEST(SubjectMapping, BadMappingInAnAccountIsRefused) {
    expect_refused("accounts {\n  A: {\n    mappings: {\n      foo: \"a b\"\n    }\n  }\n}\n",
                   "4:7: Error adding mapping for \"foo\" to \"a b\" : invalid mapping destination: invalid subject");
}

// Rewrites the config, sends SIGHUP and waits until the server logged the reload.
void reload(ServerProcess& server, const std::string& config) {
    const auto count = [&] {
        const std::string log = server.log_text();
        std::size_t n = 0;
        for (std::size_t at = log.find("Reloaded server configuration"); at != std::string::npos;
             at = log.find("Reloaded server configuration", at + 1))
            ++n;
        return n;
    };
    const auto before = count();
    write_file(server.dir().file("server.conf"), config);
    server.send_signal(SIGHUP);
    const auto deadline = std::chrono::steady_clock::now() + 3s;
    while (count() == before) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << "no reload logged:\n" << server.log_text();
        std::this_thread::sleep_for(10ms);
    }
}

TEST(SubjectMapping, ReloadAddsAndRemovesMappings) {
    auto server = start_server("max_payload: 1MB\n");
    auto sub = subscriber(server->port(), {"foo", "bar"});
    // A new connection for each phase: nats-server's clients connected
    // before a reload keep the account (and the mappings) they joined with.
    auto send = [&](const std::string& payload) { publish(server->port(), pub("foo", payload)); };
    send("before");
    EXPECT_EQ(received(*sub), (std::vector<std::string>{"foo before"}));
    reload(*server, "max_payload: 1MB\nmappings { foo: bar }\n");
    send("mapped");
    EXPECT_EQ(received(*sub), (std::vector<std::string>{"bar mapped"}));
    reload(*server, "max_payload: 1MB\n");
    send("after");
    EXPECT_EQ(received(*sub), (std::vector<std::string>{"foo after"}));
}

TEST(SubjectMapping, TraceShowsTheMapping) {
    auto server = start_server("mappings { foo: bar }\n", {"-V"});
    publish(server->port(), pub("foo", "x"));
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (server->log_text().find("[MAPPING foo -> bar]") == std::string::npos) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline) << server->log_text();
        std::this_thread::sleep_for(10ms);
    }
}

}  // namespace
}  // namespace nats::integration
