// last_error_detail(): what the server logs for each parse error, in nats-server
// 2.9.10's words (checked against it with -DV), with the client's bytes quoted as
// Go's %q does so that no raw control byte reaches the log.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "recording_handler.hpp"

namespace nats::protocol::testing {
namespace {

std::string detail_of(std::string_view input, ParserLimits limits = {}) {
    Parser parser(limits);
    RecordingHandler handler;
    EXPECT_NE(parser.parse(input.data(), input.size(), handler), ParseError::none) << input;
    return std::string(parser.last_error_detail());
}

// The same input split at every byte gives the same detail where the text does not
// depend on the read (bad arguments, max payload).
std::string detail_split_everywhere(std::string_view input) {
    const std::string whole = detail_of(input);
    for (std::size_t cut = 1; cut < input.size(); ++cut) {
        Parser parser;
        RecordingHandler handler;
        ParseError e = parser.parse(input.data(), cut, handler);
        if (e == ParseError::none) e = parser.parse(input.data() + cut, input.size() - cut, handler);
        EXPECT_NE(e, ParseError::none) << cut;
        EXPECT_EQ(parser.last_error_detail(), whole) << "cut at " << cut;
    }
    return whole;
}

TEST(ParserErrorDetail, PubArguments) {
    EXPECT_EQ(detail_split_everywhere("PUB a -1\r\n"), "processPub Bad or Missing Size: \"a -1\"");
    EXPECT_EQ(detail_split_everywhere("PUB a x\r\n"), "processPub Bad or Missing Size: \"a x\"");
    EXPECT_EQ(detail_split_everywhere("PUB a b c 5\r\n"), "processPub Parse Error: \"a b c 5\"");
    EXPECT_EQ(detail_split_everywhere("PUB a\r\n"), "processPub Parse Error: \"a\"");
}

TEST(ParserErrorDetail, HpubArguments) {
    EXPECT_EQ(detail_split_everywhere("HPUB a 5 3\r\n"), "processHeaderPub Header Size larger then TotalSize: \"a 5 3\"");
    EXPECT_EQ(detail_split_everywhere("HPUB a\r\n"), "processHeaderPub Parse Error: \"a\"");
    EXPECT_EQ(detail_split_everywhere("HPUB a x 3\r\n"), "processHeaderPub Bad or Missing Header Size: \"a x 3\"");
    EXPECT_EQ(detail_split_everywhere("HPUB a 3 x\r\n"), "processHeaderPub Bad or Missing Total Size: \"a 3 x\"");
    EXPECT_EQ(detail_split_everywhere("HPUB a b c d e\r\n"), "processHeaderPub Parse Error: \"a b c d e\"");
}

TEST(ParserErrorDetail, SubAndUnsubArguments) {
    EXPECT_EQ(detail_split_everywhere("SUB a\r\n"), "processSub Parse Error: \"a\"");
    EXPECT_EQ(detail_split_everywhere("SUB a b c d\r\n"), "processSub Parse Error: \"a b c d\"");
    EXPECT_EQ(detail_split_everywhere("UNSUB 1 x y\r\n"), "processUnsub Parse Error: \"1 x y\"");
}

TEST(ParserErrorDetail, ClientBytesAreQuoted) {
    EXPECT_EQ(detail_of("PUB a\x1b[31m\x01\xff x\r\n"), "processPub Bad or Missing Size: \"a\\x1b[31m\\x01\\xff x\"");
    EXPECT_EQ(detail_of("SUB \"q\\\r\n"), "processSub Parse Error: \"\\\"q\\\\\"");
}

TEST(ParserErrorDetail, MaxPayload) {
    EXPECT_EQ(detail_of("PUB a 2000\r\n", ParserLimits{4096, 1000}), "maximum payload exceeded: 2000 vs 1000");
    EXPECT_EQ(detail_of("HPUB a 3 5000\r\n", ParserLimits{4096, 1000}), "maximum payload exceeded: 5000 vs 1000");
}

TEST(ParserErrorDetail, MaxControlLine) {
    const std::string line = "PUB a " + std::string(300, 'b') + " 5\r\n";
    EXPECT_EQ(detail_of(line, ParserLimits{256, 1024}),
              "maximum control line exceeded: max_control_line 256 (snip: \"a " + std::string(126, 'b') + "\"...)");
    // Shorter than the snippet: the last byte is left out, as protoSnippet does.
    EXPECT_EQ(detail_of("SUB abcdefg 1\r\n", ParserLimits{8, 1024}),
              "maximum control line exceeded: max_control_line 8 (snip: \"abcdefg \"...)");
}

TEST(ParserErrorDetail, UnknownOperationSnippetFromTheOffendingByte) {
    // nats-server: proto='"BOGUS\x1b\xff\r"...' (the LF, the read's last byte, left out).
    EXPECT_EQ(detail_of("BOGUS\x1b\xff\r\n"), "\"BOGUS\\x1b\\xff\\r\"");
    EXPECT_EQ(detail_of("PUB\r\n"), "\"\\r\"");
    EXPECT_EQ(detail_of("\x01\r\n"), "\"\\x01\\r\"");
    const std::string long_junk = "X" + std::string(40, 'y') + "\r\n";
    EXPECT_EQ(detail_of(long_junk), "\"X" + std::string(31, 'y') + "\"");
}

TEST(ParserErrorDetail, PayloadTerminatorSnippet) {
    // nats-server: proto='"c\r"...' for the byte where the CR should be.
    EXPECT_EQ(detail_of("PUB a 2\r\nabc\r\n"), "\"c\\r\"");
    // The CR is there but the LF is not: the snippet starts at the wrong byte.
    EXPECT_EQ(detail_of("PUB a 2\r\nab\rX\r\n"), "\"X\\r\"");
    // Split: the payload arrived in an earlier read.
    Parser parser;
    RecordingHandler handler;
    EXPECT_EQ(parser.parse("PUB a 2\r\nab", 11, handler), ParseError::none);
    EXPECT_EQ(parser.parse("x\r\n", 3, handler), ParseError::bad_payload_terminator);
    EXPECT_EQ(parser.last_error_detail(), "\"x\\r\"");
}

}  // namespace
}  // namespace nats::protocol::testing
