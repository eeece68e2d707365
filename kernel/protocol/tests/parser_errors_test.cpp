// Every error kind, the limits' exact boundaries, and the -ERR texts.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recording_handler.hpp"

namespace nats::protocol::testing {
namespace {

using Events = std::vector<std::string>;

// The error for `input`, checked to be the same when more bytes follow it (so the
// wide argument scan, which needs 32 bytes in view, is exercised as well).
ParseError error_of(std::string_view input, ParserLimits limits = {}) {
    const Outcome out = feed_whole(input, limits);
    std::string padded_input(input);
    for (int i = 0; i < 7; ++i) padded_input += "PING\r\n";
    const Outcome padded = feed_whole(padded_input, limits);
    EXPECT_EQ(out.error, padded.error) << input;
    return out.error;
}

// "PUB <subject> 1" whose argument part (what nats-server measures) is `arg_len` bytes.
std::string pub_line_with_arg_len(std::size_t arg_len) {
    return "PUB " + std::string(arg_len - 2, 'a') + " 1";
}

TEST(ParserErrors, TextsMatchNatsServer) {
    EXPECT_EQ(error_text(ParseError::unknown_operation), "Unknown Protocol Operation");
    EXPECT_EQ(error_text(ParseError::max_control_line), "maximum control line exceeded");
    EXPECT_EQ(error_text(ParseError::max_payload), "Maximum Payload Violation");
    EXPECT_EQ(error_text(ParseError::bad_payload_terminator), "Unknown Protocol Operation");
    EXPECT_EQ(error_text(ParseError::bad_arguments), "");
    EXPECT_EQ(error_text(ParseError::handler_stopped), "");
    EXPECT_EQ(error_text(ParseError::none), "");
}

TEST(ParserErrors, UnknownOperation) {
    for (const char* input :
         {"XYZ\r\n", "\r\nPING\r\n", " PING\r\n", "PUBX foo 1\r\n", "PIN\r\n", "+O\r\n", "MSG foo 1 2\r\nhi\r\n",
          "HMSG foo 1 2 2\r\nhi\r\n", "CONNEC {}\r\n", "INF {}\r\n", "SUBB a 1\r\n", "UNSUBSCRIBE 1\r\n", "\v\r\n"}) {
        EXPECT_EQ(error_of(input), ParseError::unknown_operation) << input;
    }
}

TEST(ParserErrors, NameWithoutRequiredBlankIsUnknownOperation) {
    // nats-server: PUB, HPUB, SUB, UNSUB and -ERR must be followed by a space or tab.
    for (const char* input : {"PUB\r\n", "HPUB\r\n", "SUB\r\n", "UNSUB\r\n", "-ERR\r\n"}) {
        EXPECT_EQ(error_of(input), ParseError::unknown_operation) << input;
    }
}

TEST(ParserErrors, OperationsBeforeTheErrorAreDelivered) {
    const Outcome out = feed_whole("PING\r\nSUB a 1\r\nNOPE\r\nPING\r\n");
    EXPECT_EQ(out.error, ParseError::unknown_operation);
    EXPECT_EQ(out.events, Events({"PING", "SUB a queue= sid=1"}));
}

TEST(ParserErrors, ErrorIsStickyAndContextIsKept) {
    Parser parser;
    RecordingHandler handler;
    EXPECT_EQ(parser.parse("FOO\r\n", 5, handler), ParseError::unknown_operation);
    EXPECT_EQ(parser.last_error_detail(), "\"FOO\\r\"");
    EXPECT_EQ(parser.parse("PING\r\n", 6, handler), ParseError::unknown_operation);
    EXPECT_EQ(parser.parse(nullptr, 0, handler), ParseError::unknown_operation);
    EXPECT_TRUE(handler.events.empty());
}

TEST(ParserErrors, PubBadArguments) {
    for (const char* input : {"PUB foo\r\n", "PUB foo bar baz 5\r\n", "PUB foo -1\r\n", "PUB foo +5\r\n",
                              "PUB foo 5x\r\n", "PUB foo 1234567890\r\n", "PUB  \r\n", "PUB \t \r\n"}) {
        EXPECT_EQ(error_of(input), ParseError::bad_arguments) << input;
    }
}

TEST(ParserErrors, HpubBadArguments) {
    for (const char* input : {"HPUB foo 12\r\n", "HPUB foo bar 1 2 3\r\n", "HPUB foo bar x 2\r\n", "HPUB foo 1 x\r\n",
                              "HPUB foo\r\n", "HPUB foo -1 2\r\n"}) {
        EXPECT_EQ(error_of(input), ParseError::bad_arguments) << input;
    }
}

TEST(ParserErrors, HpubHeaderLargerThanTotal) {
    EXPECT_EQ(error_of("HPUB foo 3 2\r\nabc\r\n"), ParseError::bad_arguments);
    EXPECT_EQ(error_of("HPUB foo 2 2\r\nab\r\n"), ParseError::none);
}

TEST(ParserErrors, TooManyArguments) {
    for (const char* input :
         {"PUB a b c d 1\r\n", "HPUB a b c d e f 1\r\n", "SUB a b c d e f g\r\n", "UNSUB 1 2 3 4 5 6\r\n"}) {
        EXPECT_EQ(error_of(input), ParseError::bad_arguments) << input;
    }
}

TEST(ParserErrors, SubAndUnsubArgumentCounts) {
    for (const char* input : {"SUB foo\r\n", "SUB foo q 1 x\r\n", "SUB \r\n", "UNSUB 1 2 3\r\n", "UNSUB  \r\n"}) {
        EXPECT_EQ(error_of(input), ParseError::bad_arguments) << input;
    }
}

TEST(ParserErrors, MaxPayload) {
    EXPECT_EQ(error_of("PUB foo 1048577\r\n"), ParseError::max_payload);
    EXPECT_EQ(error_of("HPUB foo 1048577 1048577\r\n"), ParseError::max_payload);
    EXPECT_EQ(error_of("HPUB foo 10 1048577\r\n"), ParseError::max_payload);
    EXPECT_EQ(error_of("PUB foo 1048576\r\n"), ParseError::none);  // waiting for the payload
    EXPECT_EQ(error_of("PUB foo 11\r\n", ParserLimits{4096, 10}), ParseError::max_payload);
    EXPECT_EQ(error_of("PUB foo 10\r\n0123456789\r\n", ParserLimits{4096, 10}), ParseError::none);
    EXPECT_EQ(error_of("PUB foo 999999999\r\n", ParserLimits{4096, -1}), ParseError::none);
}

TEST(ParserErrors, SizeErrorsWinOverMaxPayload) {
    // nats-server validates the sizes before the limit.
    EXPECT_EQ(error_of("HPUB foo 2000000 1048577\r\n"), ParseError::bad_arguments);
}

TEST(ParserErrors, PayloadTerminator) {
    EXPECT_EQ(error_of("PUB foo 5\r\nhelloX\r\n"), ParseError::bad_payload_terminator);
    EXPECT_EQ(error_of("PUB foo 5\r\nhell\r\n"), ParseError::bad_payload_terminator);
    EXPECT_EQ(error_of("PUB foo 5\r\nhello\nPING\r\n"), ParseError::bad_payload_terminator);
    EXPECT_EQ(error_of("PUB foo 5\r\nhello\rX"), ParseError::bad_payload_terminator);
    EXPECT_EQ(error_of("HPUB foo 0 1\r\nab\r\n"), ParseError::bad_payload_terminator);
}

TEST(ParserErrors, PayloadTerminatorCheckedAsSoonAsItArrives) {
    Parser parser;
    RecordingHandler handler;
    EXPECT_EQ(parser.parse("PUB foo 5\r\nhel", 14, handler), ParseError::none);
    EXPECT_EQ(parser.parse("loX", 3, handler), ParseError::bad_payload_terminator);
    EXPECT_EQ(parser.buffered_bytes(), 0u);
    EXPECT_TRUE(handler.events.empty());
}

TEST(ParserErrors, MaxControlLineBoundaryInOneRead) {
    // nats-server measures the arguments (after the name and its blanks, without CRLF).
    EXPECT_EQ(error_of(pub_line_with_arg_len(4096) + "\r\nx\r\n"), ParseError::none);
    EXPECT_EQ(error_of(pub_line_with_arg_len(4097) + "\r\nx\r\n"), ParseError::max_control_line);
    EXPECT_EQ(error_of("PUB          " + pub_line_with_arg_len(4096).substr(4) + "\r\nx\r\n"), ParseError::none);
    EXPECT_EQ(error_of("SUB " + std::string(4095, 'a') + " 1\r\n"), ParseError::max_control_line);
    EXPECT_EQ(error_of("CONNECT " + std::string(5000, ' ') + "{}\r\n"), ParseError::none);
    EXPECT_EQ(error_of("CONNECT {}" + std::string(4095, ' ') + "\r\n"), ParseError::max_control_line);
    EXPECT_EQ(error_of("PING" + std::string(10000, ' ') + "\r\n"), ParseError::none);
}

TEST(ParserErrors, MaxControlLineBoundaryWhenSplit) {
    const std::string ok = pub_line_with_arg_len(4096);
    const std::string bad = pub_line_with_arg_len(4097);
    // Split before CR, between CR and LF, and in the middle.
    EXPECT_EQ(feed_split(ok + "\r\nx\r\n", {ok.size()}).error, ParseError::none);
    EXPECT_EQ(feed_split(bad + "\r\nx\r\n", {bad.size()}).error, ParseError::max_control_line);
    EXPECT_EQ(feed_split(ok + "\r\nx\r\n", {ok.size() + 1}).error, ParseError::none);
    EXPECT_EQ(feed_split(bad + "\r\nx\r\n", {bad.size() + 1}).error, ParseError::max_control_line);
    EXPECT_EQ(feed_split(ok + "\r\nx\r\n", {100}).error, ParseError::none);
    EXPECT_EQ(feed_split(bad + "\r\nx\r\n", {100}).error, ParseError::max_control_line);
    // Blanks after the name are not counted, even when they end a read.
    const std::string blanks_then_ok = "PUB      " + ok.substr(4);
    EXPECT_EQ(feed_split(blanks_then_ok + "\r\nx\r\n", {6}).error, ParseError::none);
    EXPECT_EQ(feed_split(blanks_then_ok + "\r\nx\r\n", {9}).error, ParseError::none);
}

TEST(ParserErrors, MaxControlLineDetectedBeforeCrlf) {
    // Like nats-server: the limit is checked at the end of each read, so an
    // endless line fails once it is too long, without waiting for LF.
    Parser parser;
    RecordingHandler handler;
    const std::string first = "PUB " + std::string(100, 'a');
    const std::string second(3996, 'a');  // arguments so far: 4096
    EXPECT_EQ(parser.parse(first.data(), first.size(), handler), ParseError::none);
    EXPECT_EQ(parser.parse(second.data(), second.size(), handler), ParseError::none);
    EXPECT_EQ(parser.parse("a", 1, handler), ParseError::max_control_line);
    EXPECT_EQ(parser.buffered_bytes(), 0u);
    EXPECT_EQ(parser.last_error_detail(),
              "maximum control line exceeded: max_control_line 4096 (snip: \"" + std::string(128, 'a') + "\"...)");
}

TEST(ParserErrors, MaxControlLineInOneReadWithoutLf) {
    const std::string input = "PUB " + std::string(5000, 'a');
    Parser parser;
    RecordingHandler handler;
    EXPECT_EQ(parser.parse(input.data(), input.size(), handler), ParseError::max_control_line);
    EXPECT_EQ(parser.buffered_bytes(), 0u);
}

TEST(ParserErrors, CustomControlLineLimit) {
    EXPECT_EQ(error_of("SUB abcdef 1\r\n", ParserLimits{8, 1024}), ParseError::none);
    EXPECT_EQ(error_of("SUB abcdefg 1\r\n", ParserLimits{8, 1024}), ParseError::max_control_line);
}

TEST(ParserErrors, SetLimitsTakesEffect) {
    Parser parser;
    RecordingHandler handler;
    parser.set_limits(ParserLimits{4096, 4});
    EXPECT_EQ(parser.parse("PUB a 5\r\n", 9, handler), ParseError::max_payload);
    EXPECT_EQ(parser.last_error_detail(), "maximum payload exceeded: 5 vs 4");
}

}  // namespace
}  // namespace nats::protocol::testing
