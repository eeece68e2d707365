// Each verb of the client protocol, argument forms, and buffer ownership.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recording_handler.hpp"

namespace nats::protocol::testing {
namespace {

using Events = std::vector<std::string>;

// Parses `input` alone and again followed by more operations: a short input ends
// near the end of the read, a padded one is long enough for the parser's wide
// (32-byte) argument scan, so both ways of splitting arguments are checked.
Events parse_ok(std::string_view input, ParserLimits limits = {}) {
    const Outcome out = feed_whole(input, limits);
    EXPECT_EQ(out.error, ParseError::none) << input;
    const std::string padding = "PING\r\nPING\r\nPING\r\nPING\r\nPING\r\nPING\r\nPING\r\nPING\r\n";
    const Outcome padded = feed_whole(std::string(input) + padding, limits);
    EXPECT_EQ(padded.error, ParseError::none) << input;
    Events expected = out.events;
    expected.insert(expected.end(), 8, "PING");
    EXPECT_EQ(padded.events, expected) << input;
    return out.events;
}

TEST(Parser, Pub) {
    EXPECT_EQ(parse_ok("PUB foo 5\r\nhello\r\n"), Events{"PUB foo reply= hdr=0 total=5 [hello]"});
}

TEST(Parser, PubWithReply) {
    EXPECT_EQ(parse_ok("PUB foo.bar _INBOX.1 2\r\nhi\r\n"), Events{"PUB foo.bar reply=_INBOX.1 hdr=0 total=2 [hi]"});
}

TEST(Parser, PubEmptyPayload) {
    EXPECT_EQ(parse_ok("PUB foo 0\r\n\r\n"), Events{"PUB foo reply= hdr=0 total=0 []"});
}

TEST(Parser, PubPayloadMayContainCrlfAndOpNames) {
    // The payload is jumped over by length, never scanned.
    EXPECT_EQ(parse_ok("PUB foo 13\r\nPING\r\nSUB x\r\n\r\n"),
              Events{"PUB foo reply= hdr=0 total=13 [PING\r\nSUB x\r\n]"});
}

TEST(Parser, PubSizeWithLeadingZeros) {
    EXPECT_EQ(parse_ok("PUB foo 005\r\nhello\r\n"), Events{"PUB foo reply= hdr=0 total=5 [hello]"});
}

TEST(Parser, PubLineFeedOnlyControlLine) {
    // nats-server ends the control line at LF; the CR is optional.
    EXPECT_EQ(parse_ok("PUB foo 2\nhi\r\n"), Events{"PUB foo reply= hdr=0 total=2 [hi]"});
}

TEST(Parser, HpubSizes) {
    const std::string hdr = "NATS/1.0\r\nA: b\r\n\r\n";  // 18 bytes
    EXPECT_EQ(parse_ok("HPUB foo 18 20\r\n" + hdr + "hi\r\n"),
              Events{"PUB foo reply= hdr=18 total=20 [" + hdr + "hi]"});
    EXPECT_EQ(parse_ok("HPUB foo rep 18 18\r\n" + hdr + "\r\n"),
              Events{"PUB foo reply=rep hdr=18 total=18 [" + hdr + "]"});
    EXPECT_EQ(parse_ok("HPUB foo 0 0\r\n\r\n"), Events{"PUB foo reply= hdr=0 total=0 []"});
}

TEST(Parser, Sub) {
    EXPECT_EQ(parse_ok("SUB foo.* 1\r\n"), Events{"SUB foo.* queue= sid=1"});
}

TEST(Parser, SubWithQueue) {
    EXPECT_EQ(parse_ok("SUB foo.> workers 22\r\n"), Events{"SUB foo.> queue=workers sid=22"});
}

TEST(Parser, UnsubWithoutMax) {
    EXPECT_EQ(parse_ok("UNSUB 7\r\n"), Events{"UNSUB 7 max=none"});
}

TEST(Parser, UnsubWithMax) {
    EXPECT_EQ(parse_ok("UNSUB 7 10\r\nUNSUB 8 0\r\n"), Events({"UNSUB 7 max=10", "UNSUB 8 max=0"}));
}

TEST(Parser, UnsubWithUnparsableMaxMeansNoMax) {
    // nats-server's parseSize yields -1 and it unsubscribes at once.
    EXPECT_EQ(parse_ok("UNSUB 7 abc\r\nUNSUB 8 1234567890\r\n"), Events({"UNSUB 7 max=none", "UNSUB 8 max=none"}));
}

TEST(Parser, PingPong) {
    EXPECT_EQ(parse_ok("PING\r\nPONG\r\n"), Events({"PING", "PONG"}));
}

TEST(Parser, PingPongWithTrailingBlanksOrLfOnly) {
    EXPECT_EQ(parse_ok("PING   \r\nPONG\t\r\nPING\n"), Events({"PING", "PONG", "PING"}));
}

TEST(Parser, PingIgnoresRestOfLineLikeNatsServer) {
    EXPECT_EQ(parse_ok("PINGXYZ\r\n+OKAY\r\n"), Events({"PING", "+OK"}));
}

TEST(Parser, ConnectCarriesTrimmedJson) {
    EXPECT_EQ(parse_ok("CONNECT {\"verbose\":false}\r\n"), Events{"CONNECT {\"verbose\":false}"});
    EXPECT_EQ(parse_ok("CONNECT \t {\"a\": 1} \t \r\n"), Events{"CONNECT {\"a\": 1}"});
    // nats-server needs no blank between CONNECT and the JSON.
    EXPECT_EQ(parse_ok("CONNECT{}\r\n"), Events{"CONNECT {}"});
    EXPECT_EQ(parse_ok("CONNECT\r\n"), Events{"CONNECT "});
}

TEST(Parser, InfoOkErr) {
    EXPECT_EQ(parse_ok("INFO {\"x\":1} \r\n+OK\r\n-ERR 'Stale Connection'\r\n"),
              Events({"INFO {\"x\":1}", "+OK", "-ERR 'Stale Connection'"}));
}

TEST(Parser, OperationNamesAreCaseInsensitive) {
    EXPECT_EQ(
        parse_ok("pub a 1\r\nx\r\nPuB b 1\r\ny\r\nhPuB c 0 0\r\n\r\nsUb d 1\r\nUnSuB 1\r\n"
                 "ping\r\npOnG\r\ncOnNeCt {}\r\niNfO {}\r\n+ok\r\n-eRr x\r\n"),
        Events({"PUB a reply= hdr=0 total=1 [x]", "PUB b reply= hdr=0 total=1 [y]", "PUB c reply= hdr=0 total=0 []",
                "SUB d queue= sid=1", "UNSUB 1 max=none", "PING", "PONG", "CONNECT {}", "INFO {}", "+OK", "-ERR x"}));
}

TEST(Parser, TabsAndRunsOfBlanksSeparateArguments) {
    EXPECT_EQ(parse_ok("PUB\tfoo\t\t5\r\nhello\r\nSUB \t foo \t q \t 9 \t\r\nHPUB\tx\t r \t0\t1\r\nz\r\n"
                       "UNSUB\t\t3\t 4\r\n"),
              Events({"PUB foo reply= hdr=0 total=5 [hello]", "SUB foo queue=q sid=9",
                      "PUB x reply=r hdr=0 total=1 [z]", "UNSUB 3 max=4"}));
}

TEST(Parser, CompleteMessageIsAViewIntoTheCallersBuffer) {
    const std::string input = "PUB subj 5\r\nhello\r\n";
    Parser parser;
    RecordingHandler handler;
    ASSERT_EQ(parser.parse(input.data(), input.size(), handler), ParseError::none);
    EXPECT_EQ(handler.last_subject, input.data() + 4);
    EXPECT_EQ(handler.last_payload, input.data() + 12);
    EXPECT_EQ(parser.buffered_bytes(), 0u);
}

TEST(Parser, SplitMessageIsHeldThenReleased) {
    const std::string first = "PUB subj 10\r\nhello";
    const std::string second = "world\r\nPING\r\n";
    Parser parser;
    RecordingHandler handler;
    ASSERT_EQ(parser.parse(first.data(), first.size(), handler), ParseError::none);
    EXPECT_TRUE(handler.events.empty());
    EXPECT_GT(parser.buffered_bytes(), 0u);
    ASSERT_EQ(parser.parse(second.data(), second.size(), handler), ParseError::none);
    EXPECT_EQ(handler.events, Events({"PUB subj reply= hdr=0 total=10 [helloworld]", "PING"}));
    EXPECT_EQ(parser.buffered_bytes(), 0u);
}

TEST(Parser, SplitControlLineIsHeldThenReleased) {
    Parser parser;
    RecordingHandler handler;
    ASSERT_EQ(parser.parse("SUB fo", 6, handler), ParseError::none);
    EXPECT_GT(parser.buffered_bytes(), 0u);
    ASSERT_EQ(parser.parse("o 1\r\n", 5, handler), ParseError::none);
    EXPECT_EQ(handler.events, Events{"SUB foo queue= sid=1"});
    EXPECT_EQ(parser.buffered_bytes(), 0u);
}

TEST(Parser, SplitControlLineWithPayloadInNextRead) {
    // The control line comes from the spill buffer, the payload from the new read.
    Parser parser;
    RecordingHandler handler;
    ASSERT_EQ(parser.parse("PUB a.b 3", 9, handler), ParseError::none);
    const std::string rest = "\r\nabc\r\n";
    ASSERT_EQ(parser.parse(rest.data(), rest.size(), handler), ParseError::none);
    EXPECT_EQ(handler.events, Events{"PUB a.b reply= hdr=0 total=3 [abc]"});
    EXPECT_EQ(handler.last_payload, rest.data() + 2);
    EXPECT_EQ(parser.buffered_bytes(), 0u);
}

TEST(Parser, IdleBetweenSplitPingsHoldsNoMemory) {
    Parser parser;
    RecordingHandler handler;
    ASSERT_EQ(parser.parse("PI", 2, handler), ParseError::none);
    EXPECT_EQ(parser.buffered_bytes(), 0u);
    ASSERT_EQ(parser.parse("NG\r", 3, handler), ParseError::none);
    EXPECT_EQ(parser.buffered_bytes(), 0u);
    ASSERT_EQ(parser.parse("\n", 1, handler), ParseError::none);
    EXPECT_EQ(handler.events, Events{"PING"});
}

TEST(Parser, LargeSplitPayload) {
    const std::string payload(200000, 'x');
    const std::string input = "PUB big 200000\r\n" + payload + "\r\nPING\r\n";
    const Outcome out = feed_split(input, {10, 70000, 140000});
    ASSERT_EQ(out.error, ParseError::none);
    EXPECT_EQ(out.events, Events({"PUB big reply= hdr=0 total=200000 [" + payload + "]", "PING"}));
}

TEST(Parser, UnlimitedPayloadGrowsSpillAsDataArrives) {
    const std::string payload(3 * 1024 * 1024, 'y');
    const std::string input = "PUB big " + std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
    const Outcome out = feed_split(input, {20, 1000000, 2000000}, ParserLimits{4096, -1});
    ASSERT_EQ(out.error, ParseError::none);
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0].size(), payload.size() + std::string("PUB big reply= hdr=0 total=3145728 []").size());
}

TEST(Parser, HandlerStopEndsParsing) {
    Parser parser;
    RecordingHandler handler;
    handler.stop_at = 1;
    const std::string input = "PING\r\nSUB a 1\r\nPING\r\n";
    EXPECT_EQ(parser.parse(input.data(), input.size(), handler), ParseError::handler_stopped);
    EXPECT_EQ(handler.events, Events({"PING", "SUB a queue= sid=1"}));
    // Errors are final: nothing more is delivered.
    EXPECT_EQ(parser.parse("PING\r\n", 6, handler), ParseError::handler_stopped);
    EXPECT_EQ(handler.events.size(), 2u);
}

TEST(Parser, HandlerStopOnSplitPubReleasesSpill) {
    Parser parser;
    RecordingHandler handler;
    handler.stop_at = 0;
    ASSERT_EQ(parser.parse("PUB a 2\r\nh", 10, handler), ParseError::none);
    EXPECT_EQ(parser.parse("i\r\n", 3, handler), ParseError::handler_stopped);
    EXPECT_EQ(handler.events, Events{"PUB a reply= hdr=0 total=2 [hi]"});
    EXPECT_EQ(parser.buffered_bytes(), 0u);
}

TEST(Parser, EmptyInputIsFine) {
    Parser parser;
    RecordingHandler handler;
    EXPECT_EQ(parser.parse(nullptr, 0, handler), ParseError::none);
    EXPECT_TRUE(handler.events.empty());
}

}  // namespace
}  // namespace nats::protocol::testing
