// However the input is cut into reads, the parser must report the same callbacks
// and the same final error as for one read (nats-server parser_test.go does the same).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recording_handler.hpp"

namespace nats::protocol::testing {
namespace {

const std::string& multi_op_input() {
    static const std::string input =
        "CONNECT {\"verbose\":false,\"headers\":true}\r\n"
        "PING\r\n"
        "SUB foo.* 1\r\n"
        "sub\tbar  workers\t2\r\n"
        "PUB foo.a 5\r\nhello\r\n"
        "PUB foo.b _INBOX.x 13\r\nPING\r\nSUB x\r\n\r\n"
        "HPUB foo.c 18 20\r\nNATS/1.0\r\nA: b\r\n\r\nhi\r\n"
        "hpub foo.d reply 12 12\r\nNATS/1.0\r\n\r\n\r\n"
        "PUB foo.e 0\r\n\r\n"
        "UNSUB 1\r\n"
        "UNSUB 2 10\r\n"
        "PONG  \r\n"
        "INFO {}\r\n"
        "+OK\r\n"
        "-ERR 'x'\r\n"
        "PUB\tlast 3\nend\r\n"
        "ping\n";
    return input;
}

// Every reachable error, each after an op that succeeds.
const std::vector<std::string>& error_inputs() {
    static const std::vector<std::string> inputs = {
        "PING\r\nXYZ\r\n",
        "SUB a 1\r\nPUB foo 5\r\nhelloX\r\n",
        "SUB a 1\r\nPUB foo 5\r\nhello\n",
        "SUB a 1\r\nPUB foo 2000000\r\n",
        "SUB a 1\r\nHPUB foo 3 2\r\nabc\r\n",
        "SUB a 1\r\nSUB a b c d\r\n",
        "SUB a 1\r\nUNSUB\r\n",
        "SUB a 1\r\nPUB " + std::string(5000, 'a') + " 1\r\nx\r\n",
    };
    return inputs;
}

TEST(ParserSplit, WholeInputGivesExpectedCallbacks) {
    const Outcome out = feed_whole(multi_op_input());
    ASSERT_EQ(out.error, ParseError::none);
    const std::vector<std::string> expected = {
        "CONNECT {\"verbose\":false,\"headers\":true}",
        "PING",
        "SUB foo.* queue= sid=1",
        "SUB bar queue=workers sid=2",
        "PUB foo.a reply= hdr=0 total=5 [hello]",
        "PUB foo.b reply=_INBOX.x hdr=0 total=13 [PING\r\nSUB x\r\n]",
        "PUB foo.c reply= hdr=18 total=20 [NATS/1.0\r\nA: b\r\n\r\nhi]",
        "PUB foo.d reply=reply hdr=12 total=12 [NATS/1.0\r\n\r\n]",
        "PUB foo.e reply= hdr=0 total=0 []",
        "UNSUB 1 max=none",
        "UNSUB 2 max=10",
        "PONG",
        "INFO {}",
        "+OK",
        "-ERR 'x'",
        "PUB last reply= hdr=0 total=3 [end]",
        "PING",
    };
    EXPECT_EQ(out.events, expected);
}

TEST(ParserSplit, EverySplitPointGivesSameCallbacks) {
    const std::string& input = multi_op_input();
    const Outcome whole = feed_whole(input);
    ASSERT_EQ(whole.error, ParseError::none);
    ASSERT_EQ(whole.events.size(), 17u);
    for (std::size_t cut = 0; cut <= input.size(); ++cut) {
        ASSERT_EQ(feed_split(input, {cut}), whole) << "cut at " << cut;
    }
}

TEST(ParserSplit, EveryPairOfSplitPointsGivesSameCallbacks) {
    const std::string& input = multi_op_input();
    const Outcome whole = feed_whole(input);
    ASSERT_EQ(whole.error, ParseError::none);
    ASSERT_EQ(whole.events.size(), 17u);
    for (std::size_t a = 1; a < input.size(); ++a) {
        for (std::size_t b = a + 1; b < input.size(); b += 3) {
            ASSERT_EQ(feed_split(input, {a, b}), whole) << "cuts at " << a << ", " << b;
        }
    }
}

TEST(ParserSplit, OneBytePiecesGiveSameCallbacks) {
    const std::string& input = multi_op_input();
    std::vector<std::size_t> cuts;
    for (std::size_t i = 1; i < input.size(); ++i) cuts.push_back(i);
    const Outcome whole = feed_whole(input);
    ASSERT_EQ(whole.error, ParseError::none);
    ASSERT_EQ(whole.events.size(), 17u);
    EXPECT_EQ(feed_split(input, cuts), whole);
}

TEST(ParserSplit, ErrorsAreTheSameAtEverySplitPoint) {
    for (const std::string& input : error_inputs()) {
        const Outcome whole = feed_whole(input);
        ASSERT_NE(whole.error, ParseError::none) << input;
        ASSERT_EQ(whole.events.size(), 1u) << input;
        for (std::size_t cut = 0; cut <= input.size(); ++cut) {
            ASSERT_EQ(feed_split(input, {cut}), whole) << input.substr(0, 40) << " cut at " << cut;
        }
        std::vector<std::size_t> cuts;
        for (std::size_t i = 1; i < input.size(); ++i) cuts.push_back(i);
        EXPECT_EQ(feed_split(input, cuts), whole) << input.substr(0, 40) << " in 1-byte pieces";
    }
}

TEST(ParserSplit, SpillIsReleasedAfterEverySplitOperation) {
    const std::string& input = multi_op_input();
    for (std::size_t cut = 1; cut < input.size(); ++cut) {
        Parser parser;
        RecordingHandler handler;
        ASSERT_EQ(parser.parse(input.data(), cut, handler), ParseError::none);
        ASSERT_EQ(parser.parse(input.data() + cut, input.size() - cut, handler), ParseError::none);
        ASSERT_EQ(parser.buffered_bytes(), 0u) << "cut at " << cut;
    }
}

}  // namespace
}  // namespace nats::protocol::testing
