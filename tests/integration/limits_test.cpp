// Limits and bad input: which -ERR text nats-server 2.9.10 sends, and whether
// it then closes the connection. Configs use short timeouts to stay fast.
#include <atomic>
#include <thread>

#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/net.hpp"
#include "tests/support/temp_dir.hpp"

namespace nats::integration {
namespace {

using Clock = std::chrono::steady_clock;

// Sends `input` on a fresh connection and asserts the server answers with
// exactly `reply` (possibly empty) and then closes.
void expect_reply_then_close(int port, const std::string& input, const std::string& reply,
                             const json& connect_options = json::object()) {
    RawClient c(port);
    c.connect(connect_options);
    c.send(input);
    std::string received;
    EXPECT_TRUE(c.wait_closed(3s, &received)) << "still open after: " << input;
    EXPECT_EQ(received, reply) << "input: " << input;
}

// A new client with `connect_json` is let in (CONNECT, PING answered by PONG)
// within about a second: the server notices a freed slot asynchronously.
bool admitted_soon(int port, const std::string& connect_json) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        try {
            RawClient c(port);
            c.read_info();
            c.send("CONNECT " + connect_json + "\r\nPING\r\n");
            if (c.read_line() == "PONG") return true;
        } catch (const std::exception&) {
            // refused and closed
        }
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

TEST(Limits, DefaultMaxPayloadAcceptsExactlyOneMebibyte) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    const std::string payload(1048576, 'y');
    c.send("SUB big 1\r\n" + pub("big", payload));
    const auto frames = c.flush();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].line, "MSG big 1 1048576");
    EXPECT_EQ(frames[0].payload, payload);
}

TEST(Limits, DefaultMaxPayloadViolationClosesConnection) {
    auto server = start_server();
    // The size on the control line is enough; the payload is never read.
    expect_reply_then_close(server->port(), "PUB foo 1048577\r\n", "-ERR 'Maximum Payload Violation'\r\n");
}

TEST(Limits, ConfiguredMaxPayload) {
    auto server = start_server("max_payload: 100\n");
    {
        RawClient c(server->port());
        EXPECT_EQ(c.read_info()["max_payload"], 100);
        c.connect({{"headers", true}});
        c.send("SUB foo 1\r\n" + pub("foo", std::string(100, 'x')));
        EXPECT_EQ(c.flush().size(), 1u);
    }
    expect_reply_then_close(server->port(), "PUB foo 101\r\n", "-ERR 'Maximum Payload Violation'\r\n");
    // For HPUB the limit applies to headers plus payload.
    expect_reply_then_close(server->port(), "HPUB foo 12 101\r\n", "-ERR 'Maximum Payload Violation'\r\n",
                            {{"headers", true}});
}

TEST(Limits, ControlLineLimitCountsTheArguments) {
    auto server = start_server("max_control_line: 64\n");
    // The limit applies to what follows "SUB "/"PUB ": 64 bytes pass, 65 do not.
    {
        RawClient c(server->port());
        c.connect();
        c.send("SUB " + std::string(62, 'a') + " 1\r\n" + "PUB " + std::string(62, 'a') + " 1\r\nx\r\n");
        const auto frames = c.flush();
        ASSERT_EQ(frames.size(), 1u);
        EXPECT_EQ(frames[0].payload, "x");
    }
    const std::string err = "-ERR 'maximum control line exceeded'\r\n";
    expect_reply_then_close(server->port(), "SUB " + std::string(63, 'a') + " 1\r\n", err);
    expect_reply_then_close(server->port(), "PUB " + std::string(63, 'a') + " 1\r\nx\r\n", err);
}

TEST(Limits, DefaultControlLineLimitApplies) {
    auto server = start_server();
    // 4096 by default; the error comes even before the line is complete.
    expect_reply_then_close(server->port(), "PUB foo " + std::string(5000, 'a') + " 1\r\n",
                            "-ERR 'maximum control line exceeded'\r\n");
    expect_reply_then_close(server->port(), "PUB foo " + std::string(5000, 'a'),
                            "-ERR 'maximum control line exceeded'\r\n");
}

TEST(Limits, UnknownProtocolOperation) {
    auto server = start_server();
    const std::string err = "-ERR 'Unknown Protocol Operation'\r\n";
    expect_reply_then_close(server->port(), "FOO bar\r\n", err);
    // Server-to-client operations are not accepted from a client.
    expect_reply_then_close(server->port(), "MSG foo 1 1\r\nx\r\n", err);
    // UNSUB needs a sid: without one the op itself does not parse.
    expect_reply_then_close(server->port(), "UNSUB\r\n", err);
}

TEST(Limits, ClientSendingErrIsClosedWithoutReply) {
    auto server = start_server();
    expect_reply_then_close(server->port(), "-ERR 'x'\r\n", "");
}

TEST(Limits, PayloadLongerThanDeclared) {
    auto server = start_server();
    expect_reply_then_close(server->port(), "PUB foo 3\r\nhello\r\n", "-ERR 'Unknown Protocol Operation'\r\n");
    // The payload must be followed by CRLF, a bare LF is not enough.
    expect_reply_then_close(server->port(), "PUB foo 1\r\na\n", "-ERR 'Unknown Protocol Operation'\r\n");
}

TEST(Limits, PayloadShorterThanDeclaredWaitsForTheRest) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("SUB foo 1\r\nPUB foo 10\r\nhello\r\n");
    // The CRLF after "hello" is part of the 10 payload bytes.
    EXPECT_EQ(c.read_for(300ms), "");
    c.send("abc\r\n");
    const Frame m = c.expect_msg();
    EXPECT_EQ(m.line, "MSG foo 1 10");
    EXPECT_EQ(m.payload, "hello\r\nabc");
}

TEST(Limits, MalformedArgumentsCloseWithoutReply) {
    auto server = start_server();
    for (const char* input : {"PUB foo bar baz 1\r\nx\r\n", "PUB foo\r\n", "PUB foo -1\r\n", "PUB foo abc\r\n",
                              "SUB foo\r\n", "SUB foo q 1 2\r\n", "UNSUB 1 2 3\r\n", "CONNECT {bad json\r\n"}) {
        expect_reply_then_close(server->port(), input, "");
    }
}

TEST(Limits, NonNumericUnsubMaxIsIgnored) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("SUB foo 1\r\nUNSUB 1 abc\r\n" + pub("foo", "x"));
    EXPECT_TRUE(c.flush().empty());
}

TEST(Limits, MaxConnections) {
    auto server = start_server("max_connections: 2\n");
    auto a = std::make_unique<RawClient>(server->port());
    a->connect();
    RawClient b(server->port());
    b.connect();
    {
        RawClient c(server->port());
        const json info = c.read_info(); // INFO still comes first
        EXPECT_EQ(info["max_payload"], 1048576);
        c.expect_line("-ERR 'maximum connections exceeded'");
        std::string rest;
        EXPECT_TRUE(c.wait_closed(2s, &rest));
        EXPECT_EQ(rest, "");
    }
    // Once a slot frees up, a new client gets in (after the server noticed).
    a.reset();
    EXPECT_TRUE(admitted_soon(server->port(), R"({"verbose":false})"));
}

TEST(Limits, MaxSubscriptionsKeepsConnectionOpen) {
    auto server = start_server("max_subscriptions: 2\n");
    RawClient c(server->port());
    c.connect();
    c.send("SUB a 1\r\nSUB b 2\r\nSUB c 3\r\n");
    c.expect_line("-ERR 'maximum subscriptions exceeded'");
    c.send(pub("c", "x"));
    EXPECT_TRUE(c.flush().empty()) << "the refused subscription does not exist";
    c.send("UNSUB 1\r\nSUB c 4\r\n" + pub("c", "y"));
    const auto frames = c.flush();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].line, "MSG c 4 1");
}

// An account's `limits` apply to its users' connections, whatever the
// server-wide limits say (runs against nats-server too).
constexpr const char* limited_accounts =
    "accounts {\n"
    "  LIMITED: { users: [{user: a, password: a}], limits: {max_connections: 2, max_subs: 2, max_payload: 8} }\n"
    "  OPEN: { users: [{user: b, password: b}] }\n"
    "}\n";

TEST(Limits, AccountMaxConnections) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(limited_accounts);
    const json alice = {{"user", "a"}, {"pass", "a"}};
    auto first = std::make_unique<RawClient>(server->port());
    first->connect(alice);
    RawClient second(server->port());
    second.connect(alice);
    {
        RawClient third(server->port());
        third.read_info();
        third.send("CONNECT {\"verbose\":false,\"user\":\"a\",\"pass\":\"a\"}\r\nPING\r\n");
        std::string received;
        EXPECT_TRUE(third.wait_closed(3s, &received));
        EXPECT_EQ(received, "-ERR 'maximum account active connections exceeded'\r\n");
    }
    // Another account is not limited by this one.
    RawClient other(server->port());
    other.connect({{"user", "b"}, {"pass", "b"}});
    other.send("PING\r\n");
    EXPECT_EQ(other.read_line(), "PONG");
    // A slot freed by a client leaving lets the next one in.
    first.reset();
    EXPECT_TRUE(admitted_soon(server->port(), R"({"verbose":false,"user":"a","pass":"a"})"));
}

TEST(Limits, AccountMaxSubscriptionsAndPayload) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server(limited_accounts);
    const json alice = {{"user", "a"}, {"pass", "a"}};
    {
        RawClient c(server->port());
        c.connect(alice);
        c.send("SUB a 1\r\nSUB b 2\r\nSUB c 3\r\n");
        c.expect_line("-ERR 'maximum subscriptions exceeded'");
        c.send(pub("b", "12345678"));  // exactly max_payload
        const auto frames = c.flush();
        ASSERT_EQ(frames.size(), 1u);
        EXPECT_EQ(frames[0].line, "MSG b 2 8");
    }
    expect_reply_then_close(server->port(), pub("b", "123456789"), "-ERR 'Maximum Payload Violation'\r\n", alice);
    {
        // A client that takes async INFO learns its lower limit after its first PING.
        RawClient async_info(server->port());
        EXPECT_EQ(async_info.read_info()["max_payload"], 1048576);
        async_info.connect({{"user", "a"}, {"pass", "a"}, {"protocol", 1}});
        const std::string line = async_info.read_line();
        ASSERT_EQ(line.rfind("INFO ", 0), 0u) << line;
        EXPECT_EQ(json::parse(line.substr(5))["max_payload"], 8);
        async_info.send("PING\r\n");
        EXPECT_EQ(async_info.read_line(), "PONG") << "only after the first PING";
    }
    // The other account has the server's limits.
    RawClient open(server->port());
    open.connect({{"user", "b"}, {"pass", "b"}});
    open.send("SUB a 1\r\nSUB b 2\r\nSUB c 3\r\n" + pub("c", "123456789"));
    const auto frames = open.flush();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].line, "MSG c 3 9");
}

// An account that allows no subscriptions refuses its clients at once, as
// nats-server's subsAtLimit does when a client joins the account.
TEST(Limits, AccountAllowingNoSubscriptionsClosesItsClients) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server("accounts { NONE: { users: [{user: n, password: n}], limits: {max_subs: 0} } }\n");
    RawClient c(server->port());
    c.read_info();
    c.send("CONNECT {\"verbose\":false,\"user\":\"n\",\"pass\":\"n\"}\r\n");
    std::string received;
    EXPECT_TRUE(c.wait_closed(3s, &received));
    EXPECT_EQ(received, "-ERR 'maximum subscriptions exceeded'\r\n");
}

TEST(Limits, AccountLimitsMustBeIntegers) {
    SKIP_UNLESS_PLUGIN_SERVER();
    auto bad = run_config_to_exit("accounts { A: { limits: { max_conn: \"many\" } } }\n");
    EXPECT_EQ(bad.exit_code, 1);
    EXPECT_NE(bad.output.find("Expected max_conn to be an integer"), std::string::npos) << bad.output;
}

TEST(Limits, InvalidSubjectOnSubKeepsConnectionOpen) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("SUB foo..bar 1\r\nSUB foo 2\r\n" + pub("foo", "x"));
    c.expect_line("-ERR 'Invalid Subject'");
    EXPECT_EQ(c.expect_msg().line, "MSG foo 2 1");
}

TEST(Limits, StaleConnectionAfterUnansweredPings) {
    auto server = start_server("ping_interval: \"250ms\"\nping_max: 2\n");
    RawClientOptions options;
    options.auto_pong = false;
    RawClient c(server->port(), options);
    c.read_info();
    c.send("CONNECT {\"verbose\":false}\r\nPING\r\n");
    c.expect_line("PONG");
    const auto start = Clock::now();
    std::string received;
    ASSERT_TRUE(c.wait_closed(5s, &received));
    EXPECT_EQ(received, "PING\r\nPING\r\n-ERR 'Stale Connection'\r\n");
    // Three intervals: two PINGs, then the close.
    EXPECT_GE(Clock::now() - start, 500ms);
}

TEST(Limits, ClientThatAnswersPingsStaysConnected) {
    auto server = start_server("ping_interval: \"250ms\"\nping_max: 1\n");
    RawClient c(server->port()); // answers PINGs itself
    c.connect();
    EXPECT_EQ(c.idle_for(1500ms), "");
    // The server kept probing (every 250-500 ms: activity delays a PING) and was satisfied.
    EXPECT_GE(c.pings_answered(), 2);
    EXPECT_TRUE(c.flush().empty());
}

TEST(Limits, AuthenticationTimeoutWithCommandLineUser) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server({}, {"--user", "a", "--pass", "b"});
    RawClient c(server->port());
    const auto start = Clock::now();
    const json info = c.read_info();
    EXPECT_EQ(info["auth_required"], true);
    std::string received;
    ASSERT_TRUE(c.wait_closed(5s, &received));
    EXPECT_EQ(received, "-ERR 'Authentication Timeout'\r\n");
    // The default auth timeout is two seconds.
    const auto elapsed = Clock::now() - start;
    EXPECT_GE(elapsed, 1500ms);
    EXPECT_LE(elapsed, 3500ms);
}

TEST(Limits, AuthenticationTimeoutFromConfig) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server("authorization { user: a, password: b, timeout: 0.5 }\n");
    RawClient c(server->port());
    const auto start = Clock::now();
    c.read_info();
    std::string received;
    ASSERT_TRUE(c.wait_closed(3s, &received));
    EXPECT_EQ(received, "-ERR 'Authentication Timeout'\r\n");
    EXPECT_LT(Clock::now() - start, 1500ms);
}

TEST(Limits, AuthorizationViolation) {
    SKIP_WITHOUT_PLUGINS("auth_users");
    auto server = start_server({}, {"--user", "a", "--pass", "b"});
    const std::string err = "-ERR 'Authorization Violation'\r\n";
    for (const std::string input : {"CONNECT {\"user\":\"a\",\"pass\":\"x\"}\r\nPING\r\n",
                                    "CONNECT {\"verbose\":false}\r\nPING\r\n", "PING\r\n", "PUB foo 1\r\nx\r\n",
                                    "SUB foo 1\r\n"}) {
        RawClient c(server->port());
        c.read_info();
        c.send(input);
        std::string received;
        EXPECT_TRUE(c.wait_closed(3s, &received)) << input;
        EXPECT_EQ(received, err) << input;
    }
    RawClient ok(server->port());
    ok.read_info();
    ok.send("CONNECT {\"user\":\"a\",\"pass\":\"b\"}\r\nPING\r\n");
    ok.expect_line("+OK"); // verbose defaults to on
    ok.expect_line("PONG");
}

TEST(Limits, SlowConsumerIsCutOffWhileOthersKeepReceiving) {
    auto server = start_server("max_payload: 65536\nmax_pending: 262144\nwrite_deadline: \"500ms\"\n");
    constexpr int kMessages = 512;
    const std::string payload(32768, 's');

    RawClientOptions slow_options;
    slow_options.receive_buffer = 4096;
    RawClient slow(server->port(), slow_options);
    slow.connect();
    slow.send("SUB flood 1\r\n");
    slow.flush();

    RawClientOptions fast_options;
    fast_options.timeout = 20s;
    RawClient fast(server->port(), fast_options);
    fast.connect();
    fast.send("SUB flood 1\r\n");
    fast.flush();

    // The fast subscriber reads everything on its own thread while the slow
    // one reads nothing at all.
    std::atomic<int> fast_received{0};
    std::thread reader([&] {
        try {
            for (int i = 0; i < kMessages; ++i) {
                if (fast.read_frame().kind == Frame::Kind::msg) ++fast_received;
            }
        } catch (const std::exception&) {
            // Counted short; the assertion below reports it.
        }
    });

    RawClient publisher(server->port(), fast_options);
    publisher.connect();
    std::string batch;
    for (int i = 0; i < kMessages; ++i) batch += pub("flood", payload);
    publisher.send(batch);
    EXPECT_TRUE(publisher.flush().empty()) << "the publisher is not affected";
    reader.join();
    EXPECT_EQ(fast_received.load(), kMessages);
    EXPECT_TRUE(fast.flush().empty());

    // The slow subscriber gets what fit in the socket buffers, then the
    // connection ends, cut mid-stream and without an -ERR line.
    std::string received;
    EXPECT_TRUE(slow.wait_closed(10s, &received));
    EXPECT_LT(received.size(), batch.size());
    EXPECT_EQ(received.find("-ERR"), std::string::npos);
}

TEST(Limits, ConfigErrorStopsStartup) {
    test_support::TempDir dir;
    const auto conf = dir.file("bad.conf");
    // max_payload (1 MiB by default) may not exceed max_pending.
    test_support::write_file(conf, "max_pending: 65536\n");
    const auto result = test_support::run_server_to_exit(
        {"-a", "127.0.0.1", "-p", std::to_string(test_support::free_port()), "-c", conf.string()}, 5s);
    ASSERT_TRUE(result.exit_code.has_value()) << "still running after 5 s";
    EXPECT_EQ(*result.exit_code, 1);
    EXPECT_NE(result.output.find("max_payload"), std::string::npos) << result.output;
}

} // namespace
} // namespace nats::integration
