// Authenticator plugins end to end with raw sockets. The test plugin allows
// user "plug" / password "in" into account "PLUG", answers user "later" from
// its blocking pool (pending, then allowed into PLUG), defers "pass-on" and
// refuses everyone else. Accounts keep their messages apart.
#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

// The authorization block loads auth_users too, which is asked after test_auth
// (plugins named in `load` start first): "pass-on" is decided there.
std::string auth_config(std::string_view extra_block = {}) {
    return "authorization { user: \"pass-on\", password: \"builtin\" }\n" +
           plugins_block({"test_auth", "test_probe"}, extra_block);
}

json user(const std::string& name, const std::string& pass) { return {{"user", name}, {"pass", pass}}; }

// CONNECT as `name`; expects -ERR 'Authorization Violation' and a closed connection.
void expect_refused(int port, const std::string& name, const std::string& pass) {
    RawClient c(port);
    c.read_info();
    c.send("CONNECT " + user(name, pass).dump() + "\r\nPING\r\n");
    EXPECT_EQ(c.read_line(), "-ERR 'Authorization Violation'") << name;
    EXPECT_TRUE(c.wait_closed(2s)) << name;
}

TEST(PluginAuth, InfoAsksForAuthWithoutNonceByDefault) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(auth_config());
    RawClient c(server->port());
    const json info = c.read_info();
    EXPECT_EQ(info.value("auth_required", false), true) << info.dump();
    EXPECT_FALSE(info.contains("nonce")) << info.dump();
}

TEST(PluginAuth, AllowsPlugAndRefusesOthers) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(auth_config());
    RawClient ok(server->port());
    ok.connect(user("plug", "in"));
    expect_refused(server->port(), "plug", "out");
    expect_refused(server->port(), "intruder", "x");
    expect_refused(server->port(), "", "");
    // The refusal is logged with the authenticator's reason, never the password.
    const std::string log = server->log_text();
    EXPECT_NE(log.find("authentication error - User \"intruder\" (test): unknown user"), std::string::npos) << log;
    EXPECT_EQ(log.find("\"x\""), std::string::npos);
}

TEST(PluginAuth, DeferredClientsMeetTheNextAuthenticator) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(auth_config());
    RawClient ok(server->port());
    ok.connect(user("pass-on", "builtin"));
    expect_refused(server->port(), "pass-on", "wrong");
}

TEST(PluginAuth, DeferredByEveryAuthenticatorIsRefused) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(plugins_block({"test_auth"}));
    expect_refused(server->port(), "pass-on", "anything");
}

TEST(PluginAuth, AccountsAreIsolated) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(auth_config());
    RawClient plug1(server->port()), plug2(server->port()), global(server->port());
    plug1.connect(user("plug", "in"));
    plug2.connect(user("plug", "in"));
    global.connect(user("pass-on", "builtin"));
    plug1.send("SUB iso.> 1\r\n");
    global.send("SUB iso.> 1\r\n");
    plug1.flush();
    global.flush();

    plug2.send(pub("iso.a", "from-plug"));
    plug2.flush();
    global.send(pub("iso.b", "from-global"));

    const Frame to_plug = plug1.expect_msg();
    EXPECT_EQ(to_plug.subject, "iso.a");
    EXPECT_EQ(to_plug.payload, "from-plug");
    const Frame to_global = global.expect_msg();
    EXPECT_EQ(to_global.subject, "iso.b");
    EXPECT_EQ(to_global.payload, "from-global");
    EXPECT_TRUE(only(plug1.flush(), Frame::Kind::msg).empty());
    EXPECT_TRUE(only(global.flush(), Frame::Kind::msg).empty());
}

TEST(PluginAuth, PluginPublishReachesOnlyItsAccount) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(auth_config());
    RawClient plug(server->port()), global(server->port());
    plug.connect(user("plug", "in"));
    global.connect(user("pass-on", "builtin"));
    plug.send("SUB probe.delivered 1\r\n");
    global.send("SUB probe.delivered 1\r\nSUB done 2\r\n");
    plug.flush();
    global.send(pub("probe.to.PLUG", "for-plug", "done"));
    EXPECT_EQ(global.expect_msg().payload, "sent");
    EXPECT_EQ(plug.expect_msg().payload, "for-plug");
    EXPECT_TRUE(only(global.flush(), Frame::Kind::msg).empty());

    // A plugin subscription in PLUG sees PLUG's messages only.
    global.send("SUB probe.seen 3\r\n" + pub("probe.watch.PLUG", "", "done"));
    EXPECT_EQ(global.expect_msg().payload, "watching");
    global.send(pub("inbox.global", "not-seen"));
    global.flush();
    plug.send(pub("inbox.plug", "seen"));
    const Frame seen = global.expect_msg();
    EXPECT_EQ(seen.subject, "probe.seen");
    EXPECT_EQ(seen.payload, "PLUG inbox.plug seen");
    EXPECT_TRUE(only(global.flush(), Frame::Kind::msg).empty());
}

TEST(PluginAuth, PendingAnswerHoldsWhatTheClientSentMeanwhile) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(auth_config());
    RawClient plug(server->port());
    plug.connect(user("plug", "in"));
    plug.send("SUB held 1\r\n");
    plug.flush();

    // Everything in one write: CONNECT is answered later, the rest waits for it.
    RawClient later(server->port());
    later.read_info();
    later.send("CONNECT " + user("later", "").dump() + "\r\nSUB held 7\r\n" + pub("held", "while-pending") +
               "PING\r\n");
    // verbose defaults to true: +OK for CONNECT, SUB and PUB, then our own message, then PONG.
    std::vector<std::string> lines;
    for (int i = 0; i < 6; ++i) lines.push_back(later.read_line());
    EXPECT_EQ(lines, (std::vector<std::string>{"+OK", "+OK", "+OK", "MSG held 7 13", "while-pending", "PONG"}));
    // It landed in PLUG.
    EXPECT_EQ(plug.expect_msg().payload, "while-pending");
}

TEST(PluginAuth, AnswerThatNeverComesEndsInAuthTimeout) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server("authorization { timeout: 0.3 }\n" + plugins_block({"test_auth"}));
    RawClient c(server->port());
    c.read_info();
    c.send("CONNECT " + user("never", "").dump() + "\r\nPING\r\n");
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(c.read_line(2s), "-ERR 'Authentication Timeout'");
    EXPECT_GE(std::chrono::steady_clock::now() - start, 200ms);
    EXPECT_TRUE(c.wait_closed(2s));
}

TEST(PluginAuth, NonceWhenAnAuthenticatorNeedsOne) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    SKIP_UNLESS_PLUGIN_SERVER();
    auto server = start_plugin_server(auth_config("test_auth { needs_nonce: true }"));
    RawClient c(server->port());
    const json info = c.read_info();
    ASSERT_TRUE(info.contains("nonce")) << info.dump();
    const std::string nonce = info["nonce"];
    EXPECT_TRUE(std::regex_match(nonce, std::regex("[A-Za-z0-9_-]{15}"))) << nonce;
    c.connect(user("plug", "in"));
    RawClient other(server->port());
    EXPECT_NE(other.read_info()["nonce"], nonce);
}

}  // namespace
}  // namespace nats::integration
