// The client protocol as nats-server 2.9.10 speaks it: INFO, CONNECT options
// (verbose, pedantic, echo, headers, no_responders), HPUB/HMSG framing and
// UNSUB with a maximum. Exact bytes, asserted with a raw socket.
#include <set>

#include "tests/integration/integration_helpers.hpp"

namespace nats::integration {
namespace {

TEST(Protocol, InfoIsTheFirstLineAndEndsWithSpaceBeforeCrlf) {
    auto server = start_server();
    RawClient c(server->port());
    const std::string line = c.read_line();
    ASSERT_EQ(line.rfind("INFO {", 0), 0u) << line;
    // nats-server writes "INFO {...} \r\n": one space after the JSON.
    ASSERT_GE(line.size(), 2u);
    EXPECT_EQ(line.substr(line.size() - 2), "} ");
    EXPECT_TRUE(json::accept(line.substr(5)));
}

TEST(Protocol, InfoFieldsAndTypes) {
    auto server = start_server();
    RawClient c(server->port());
    const json info = c.read_info();
    ASSERT_TRUE(info.contains("server_id") && info["server_id"].is_string());
    EXPECT_FALSE(info["server_id"].get<std::string>().empty());
    ASSERT_TRUE(info.contains("server_name") && info["server_name"].is_string());
    ASSERT_TRUE(info.contains("version") && info["version"].is_string());
    ASSERT_TRUE(info.contains("proto") && info["proto"].is_number_integer());
    EXPECT_EQ(info["proto"], 1);
    ASSERT_TRUE(info.contains("host") && info["host"].is_string());
    EXPECT_EQ(info["host"], "127.0.0.1");
    ASSERT_TRUE(info.contains("port") && info["port"].is_number_integer());
    EXPECT_EQ(info["port"], server->port());
    ASSERT_TRUE(info.contains("headers") && info["headers"].is_boolean());
    EXPECT_EQ(info["headers"], true);
    ASSERT_TRUE(info.contains("max_payload") && info["max_payload"].is_number_integer());
    EXPECT_EQ(info["max_payload"], 1048576);
    ASSERT_TRUE(info.contains("client_id") && info["client_id"].is_number_unsigned());
    ASSERT_TRUE(info.contains("client_ip") && info["client_ip"].is_string());
    EXPECT_EQ(info["client_ip"], "127.0.0.1");
    // Without auth or TLS configured these are left out, not sent as false.
    EXPECT_FALSE(info.contains("auth_required"));
    EXPECT_FALSE(info.contains("tls_required"));
    EXPECT_FALSE(info.contains("nonce"));
}

TEST(Protocol, EachConnectionGetsItsOwnClientId) {
    auto server = start_server();
    RawClient a(server->port());
    RawClient b(server->port());
    EXPECT_NE(a.read_info()["client_id"], b.read_info()["client_id"]);
}

TEST(Protocol, ConnectThenPingGetsOnlyPong) {
    auto server = start_server();
    RawClient c(server->port());
    c.read_info();
    c.send("CONNECT {\"verbose\":false,\"pedantic\":false}\r\nPING\r\n");
    c.expect_line("PONG");
    // Nothing else was queued before our next PING.
    EXPECT_TRUE(c.flush().empty());
}

TEST(Protocol, VerboseIsOnWhenConnectLeavesItOut) {
    auto server = start_server();
    RawClient c(server->port());
    c.read_info();
    c.send("CONNECT {}\r\nPING\r\n");
    c.expect_line("+OK");
    c.expect_line("PONG");
}

TEST(Protocol, VerboseAcksEveryOperationButPing) {
    auto server = start_server();
    RawClient c(server->port());
    c.read_info();
    c.send("CONNECT {\"verbose\":true,\"headers\":true}\r\n");
    c.expect_line("+OK");
    c.send("PING\r\n");
    c.expect_line("PONG");
    c.send("SUB foo 1\r\n");
    c.expect_line("+OK");
    c.send(pub("foo", "hello"));
    // The publisher's +OK comes before its own message is delivered back.
    c.expect_line("+OK");
    c.expect_line("MSG foo 1 5");
    EXPECT_EQ(c.read_bytes(7), "hello\r\n");
    c.send(hpub("foo", "NATS/1.0\r\n\r\n", "hi"));
    c.expect_line("+OK");
    c.expect_line("HMSG foo 1 12 14");
    EXPECT_EQ(c.read_bytes(16), "NATS/1.0\r\n\r\nhi\r\n");
    c.send("UNSUB 1\r\n");
    c.expect_line("+OK");
    c.send(pub("foo", "gone"));
    c.expect_line("+OK");
    c.send("PING\r\n");
    c.expect_line("PONG");
}

TEST(Protocol, VerboseStillAcksAPublishThatDrewAnError) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect({{"verbose", true}, {"pedantic", true}});
    c.send(pub("foo.*", "x"));
    c.expect_line("-ERR 'Invalid Publish Subject'");
    c.expect_line("+OK");
}

TEST(Protocol, VerboseDoesNotAckARefusedSubscription) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect({{"verbose", true}});
    c.send("SUB foo..bar 1\r\nPING\r\n");
    c.expect_line("-ERR 'Invalid Subject'");
    c.expect_line("PONG");
}

TEST(Protocol, InvalidSubscribeSubjectsAreRejectedAndConnectionStays) {
    auto server = start_server();
    for (bool pedantic : {true, false}) {
        RawClient c(server->port());
        c.connect({{"pedantic", pedantic}});
        for (const char* subject : {"foo..bar", "foo.", ".foo", ">.foo", "foo.>.bar"}) {
            c.send(std::string("SUB ") + subject + " 1\r\n");
            c.expect_line("-ERR 'Invalid Subject'");
        }
        EXPECT_TRUE(c.flush().empty());
    }
}

TEST(Protocol, WildcardCharactersInsideATokenAreLiteral) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect({{"pedantic", true}});
    c.send("SUB f*o 6\r\nSUB foo> 7\r\n" + pub("f*o", "x") + pub("foo>", "y"));
    const auto frames = c.flush();
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].line, "MSG f*o 6 1");
    EXPECT_EQ(frames[0].payload, "x");
    EXPECT_EQ(frames[1].line, "MSG foo> 7 1");
    EXPECT_EQ(frames[1].payload, "y");
}

TEST(Protocol, PedanticPublishToWildcardSubjectIsReportedYetDelivered) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect({{"pedantic", true}});
    c.send("SUB foo.* 1\r\n" + pub("foo.*", "x"));
    // nats-server 2.9.10 reports the error but still routes the message.
    c.expect_line("-ERR 'Invalid Publish Subject'");
    const Frame m = c.expect_msg();
    EXPECT_EQ(m.line, "MSG foo.* 1 1");
    EXPECT_TRUE(c.flush().empty());
}

TEST(Protocol, NonPedanticPublishToWildcardSubjectIsRoutedAsLiteral) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect({{"pedantic", false}});
    c.send("SUB foo.* 1\r\nSUB > 2\r\nSUB foo.bar 3\r\n" + pub("foo.*", "x"));
    const auto frames = c.flush();
    std::multiset<std::string> sids;
    for (const auto& f : frames) {
        ASSERT_EQ(f.kind, Frame::Kind::msg) << f.line;
        EXPECT_EQ(f.subject, "foo.*");
        sids.insert(f.sid);
    }
    EXPECT_EQ(sids, (std::multiset<std::string>{"1", "2"}));
}

TEST(Protocol, PublishToMalformedSubjectIsDropped) {
    auto server = start_server();
    {
        RawClient c(server->port());
        c.connect({{"pedantic", false}});
        c.send("SUB > 1\r\n" + pub("foo..bar", "x") + pub("foo.", "x") + pub(".foo", "x"));
        EXPECT_TRUE(c.flush().empty()) << "no delivery and no error without pedantic";
    }
    {
        RawClient c(server->port());
        c.connect({{"pedantic", true}});
        c.send("SUB > 1\r\n" + pub("foo..bar", "x"));
        c.expect_line("-ERR 'Invalid Publish Subject'");
        EXPECT_TRUE(c.flush().empty());
    }
}

TEST(Protocol, EchoFalseSuppressesSelfDelivery) {
    auto server = start_server();
    RawClient other(server->port());
    other.connect();
    other.send("SUB foo 1\r\n");
    other.flush();
    RawClient c(server->port());
    c.connect({{"echo", false}});
    c.send("SUB foo 1\r\n" + pub("foo", "hi"));
    EXPECT_TRUE(c.flush().empty());
    const Frame m = other.expect_msg();
    EXPECT_EQ(m.line, "MSG foo 1 2");
    EXPECT_EQ(m.payload, "hi");
}

TEST(Protocol, EchoDefaultsToOn) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("SUB foo 1\r\n" + pub("foo", "hi"));
    const auto frames = c.flush();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].line, "MSG foo 1 2");
}

TEST(Protocol, HpubIsDeliveredAsHmsgWithExactFraming) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect({{"headers", true}});
    c.send("SUB foo 1\r\n");
    c.send("HPUB foo 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\n");
    c.expect_line("HMSG foo 1 18 23");
    EXPECT_EQ(c.read_bytes(25), "NATS/1.0\r\nA: b\r\n\r\nhello\r\n");
    c.send("HPUB foo r.x 18 23\r\nNATS/1.0\r\nA: b\r\n\r\nhello\r\n");
    const Frame m = c.expect_hmsg();
    EXPECT_EQ(m.line, "HMSG foo 1 r.x 18 23");
    EXPECT_EQ(m.reply, "r.x");
    EXPECT_EQ(m.headers, "NATS/1.0\r\nA: b\r\n\r\n");
    EXPECT_EQ(m.payload, "hello");
}

TEST(Protocol, HeaderBlockIsPassedThroughUnchecked) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect({{"headers", true}});
    c.send("SUB foo 1\r\n" + hpub("foo", "NATS/1.0\r\n\r\n", "") + hpub("foo", "abcd", "xy"));
    const auto frames = c.flush();
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].line, "HMSG foo 1 12 12");
    EXPECT_EQ(frames[0].headers, "NATS/1.0\r\n\r\n");
    EXPECT_EQ(frames[0].payload, "");
    EXPECT_EQ(frames[1].line, "HMSG foo 1 4 6");
    EXPECT_EQ(frames[1].headers, "abcd");
    EXPECT_EQ(frames[1].payload, "xy");
}

TEST(Protocol, SubscriberWithoutHeadersGetsMsgWithHeadersStripped) {
    auto server = start_server();
    RawClient plain(server->port());
    plain.connect(); // no "headers":true
    plain.send("SUB foo 1\r\n");
    plain.flush();
    RawClient publisher(server->port());
    publisher.connect({{"headers", true}});
    publisher.send(hpub("foo", "NATS/1.0\r\nA: b\r\n\r\n", "hello", "r.1"));
    publisher.flush();
    plain.expect_line("MSG foo 1 r.1 5");
    EXPECT_EQ(plain.read_bytes(7), "hello\r\n");
}

TEST(Protocol, HpubFromClientWithoutHeadersClosesWithoutError) {
    auto server = start_server();
    for (const json& options : {json::object(), json{{"headers", false}}}) {
        RawClient c(server->port());
        c.connect(options);
        c.send(hpub("foo", "NATS/1.0\r\n\r\n", "x"));
        std::string received;
        EXPECT_TRUE(c.wait_closed(2s, &received));
        EXPECT_EQ(received, "") << "nats-server sends no -ERR here";
    }
}

TEST(Protocol, HpubWithHeaderSizeAboveTotalClosesWithoutError) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect({{"headers", true}});
    c.send("HPUB foo 30 20\r\n");
    std::string received;
    EXPECT_TRUE(c.wait_closed(2s, &received));
    EXPECT_EQ(received, "");
}

TEST(Protocol, NoRespondersStatusExactBytes) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect({{"headers", true}, {"no_responders", true}});
    c.send("SUB _INBOX.x 7\r\n" + pub("nobody", "hi", "_INBOX.x"));
    c.expect_line("HMSG _INBOX.x 7 16 16");
    EXPECT_EQ(c.read_bytes(18), "NATS/1.0 503\r\n\r\n\r\n");
    EXPECT_TRUE(c.flush().empty());
}

TEST(Protocol, NoRespondersWithVerboseAcksFirst) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect({{"verbose", true}, {"headers", true}, {"no_responders", true}});
    c.send("SUB _INBOX.x 7\r\n" + pub("nobody", "hi", "_INBOX.x"));
    c.expect_line("+OK");
    c.expect_line("+OK");
    c.expect_line("HMSG _INBOX.x 7 16 16");
    EXPECT_EQ(c.read_bytes(18), "NATS/1.0 503\r\n\r\n\r\n");
}

TEST(Protocol, NoRespondersNeedsAReplyTheOptionAndNoListener) {
    auto server = start_server();
    {
        // No reply subject: nothing to answer.
        RawClient c(server->port());
        c.connect({{"headers", true}, {"no_responders", true}});
        c.send("SUB _INBOX.x 7\r\n" + pub("nobody", "hi"));
        EXPECT_TRUE(c.flush().empty());
    }
    {
        // Headers but no no_responders option.
        RawClient c(server->port());
        c.connect({{"headers", true}});
        c.send("SUB _INBOX.x 7\r\n" + pub("nobody", "hi", "_INBOX.x"));
        EXPECT_TRUE(c.flush().empty());
    }
    {
        // Someone listens: the request goes there and no status comes back.
        RawClient service(server->port());
        service.connect();
        service.send("SUB svc 1\r\n");
        service.flush();
        RawClient c(server->port());
        c.connect({{"headers", true}, {"no_responders", true}});
        c.send("SUB _INBOX.x 7\r\n" + pub("svc", "hi", "_INBOX.x"));
        EXPECT_TRUE(c.flush().empty());
        EXPECT_EQ(service.expect_msg().line, "MSG svc 1 _INBOX.x 2");
    }
}

TEST(Protocol, NoRespondersWithoutHeadersIsRejected) {
    auto server = start_server();
    RawClient c(server->port());
    c.read_info();
    c.send("CONNECT {\"no_responders\":true}\r\nPING\r\n");
    c.expect_line("-ERR 'no responders requires headers support'");
    std::string rest;
    EXPECT_TRUE(c.wait_closed(2s, &rest));
    EXPECT_EQ(rest, "");
}

TEST(Protocol, UnsubWithMaxAutoUnsubscribesAfterN) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("SUB foo 9\r\nUNSUB 9 2\r\n" + pub("foo", "a") + pub("foo", "b") + pub("foo", "c"));
    const auto frames = c.flush();
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].line, "MSG foo 9 1");
    EXPECT_EQ(frames[0].payload, "a");
    EXPECT_EQ(frames[1].payload, "b");
    // The sid is gone: a later message is not delivered either.
    c.send(pub("foo", "d"));
    EXPECT_TRUE(c.flush().empty());
}

TEST(Protocol, UnsubWithMaxAlreadyReachedRemovesAtOnce) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("SUB foo 9\r\n" + pub("foo", "a") + pub("foo", "b"));
    EXPECT_EQ(c.flush().size(), 2u);
    c.send("UNSUB 9 1\r\n" + pub("foo", "c"));
    EXPECT_TRUE(c.flush().empty());
}

TEST(Protocol, UnsubOfUnknownSidIsIgnored) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect({{"verbose", true}});
    c.send("UNSUB 99\r\n");
    c.expect_line("+OK");
    EXPECT_TRUE(c.flush().empty());
}

TEST(Protocol, SecondSubWithSameSidKeepsOneSubscription) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("SUB foo 1\r\nSUB foo 1\r\n" + pub("foo", "x"));
    EXPECT_EQ(c.flush().size(), 1u);
}

TEST(Protocol, ClientIdentityFieldsAreAccepted) {
    auto server = start_server();
    RawClient c(server->port());
    c.read_info();
    c.send(R"(CONNECT {"verbose":true,"pedantic":false,"lang":"cpp","version":"1.2.3",)"
           R"("name":"itest client","protocol":1})"
           "\r\nPING\r\n");
    c.expect_line("+OK");
    c.expect_line("PONG");
}

TEST(Protocol, ConnectMayBeSentAgain) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("CONNECT {\"verbose\":true}\r\nPING\r\n");
    c.expect_line("+OK");
    c.expect_line("PONG");
}

TEST(Protocol, OperationNamesAreCaseInsensitive) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("sub foo 1\r\npub foo 1\r\nx\r\nping\r\n");
    const Frame m = c.expect_msg();
    EXPECT_EQ(m.line, "MSG foo 1 1");
    c.expect_line("PONG");
}

TEST(Protocol, ArgumentsMayBeSeparatedByTabsAndRuns) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("SUB\tfoo  \t1\r\nPUB\tfoo  \t 1\r\nx\r\n");
    const auto frames = c.flush();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].line, "MSG foo 1 1");
}

TEST(Protocol, ControlLinesMayEndWithBareLf) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("SUB foo 1\nPUB foo 1\nx\r\n");
    const auto frames = c.flush();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].payload, "x");
}

TEST(Protocol, PayloadsMayBeEmptyOrContainProtocolText) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("SUB foo 1\r\n" + pub("foo", "") + pub("foo", "PING\r\nPUB x 1\r\n"));
    const auto frames = c.flush();
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].line, "MSG foo 1 0");
    EXPECT_EQ(frames[0].payload, "");
    EXPECT_EQ(frames[1].payload, "PING\r\nPUB x 1\r\n");
}

TEST(Protocol, RepliesOnTheServersOwnPrefixesAreRefused) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("SUB foo 1\r\n");
    // Service-import, JetStream-ack and gateway reply prefixes: dropped with an -ERR, the connection stays.
    for (const std::string reply : {"_R_.abc", "$JS.ACK.x", "_GR_.x"}) {
        c.send("PUB foo " + reply + " 2\r\nhi\r\n");
        c.expect_line("-ERR 'Permissions Violation for Publish with Reply of \"" + reply + "\"'");
    }
    c.send("PUB foo _INBOX.x 2\r\nhi\r\n");
    const auto frames = c.flush();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].line, "MSG foo 1 _INBOX.x 2");
}

TEST(Protocol, PublishBeforeConnectIsAcceptedWithoutAuth) {
    auto server = start_server();
    RawClient c(server->port());
    c.read_info();
    // No CONNECT yet: the defaults apply, so verbose is on.
    c.send(pub("foo", "x"));
    c.expect_line("+OK");
    c.send("PING\r\n");
    c.expect_line("PONG");
}

TEST(Protocol, FirstServerPingComesAboutTwoSecondsAfterConnect) {
    auto server = start_server();
    RawClientOptions options;
    options.auto_pong = false;
    options.timeout = 4s;
    RawClient c(server->port(), options);
    c.connect();
    const auto start = std::chrono::steady_clock::now();
    // The default interval is 2 minutes, but the first PING (which measures
    // the round trip) is sent after 2 s plus up to 20% jitter.
    c.expect_line("PING");
    const auto elapsed = std::chrono::steady_clock::now() - start;
    EXPECT_GE(elapsed, 1500ms);
    EXPECT_LE(elapsed, 3000ms);
    c.send("PONG\r\n");
    EXPECT_EQ(c.read_for(300ms), "");
}

TEST(Protocol, ClientMayAnswerWithPongAndOkWithoutEffect) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("PONG\r\n+OK\r\n");
    EXPECT_TRUE(c.flush().empty());
}

} // namespace
} // namespace nats::integration
