#include <gtest/gtest.h>

#include "console.hpp"
#include "format.hpp"

namespace nats::cli {
namespace {

TEST(Format, CommaGroupsThousands) {
    EXPECT_EQ(comma(0), "0");
    EXPECT_EQ(comma(999), "999");
    EXPECT_EQ(comma(1000), "1,000");
    EXPECT_EQ(comma(1234567), "1,234,567");
    EXPECT_EQ(comma(-1234), "-1,234");
}

TEST(Format, CommafDropsTrailingZeros) {
    EXPECT_EQ(commaf(1234.5, 2), "1,234.5");
    EXPECT_EQ(commaf(3.0, 2), "3");
    EXPECT_EQ(commaf(12.3456, 2), "12.35");
}

TEST(Format, GoQuoteEscapes) {
    EXPECT_EQ(go_quote("orders.new"), "\"orders.new\"");
    EXPECT_EQ(go_quote("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(go_quote("line\n"), "\"line\\n\"");
    EXPECT_EQ(go_quote(std::string("\x01", 1)), "\"\\x01\"");
    EXPECT_EQ(go_quote("caf\xC3\xA9"), "\"caf\xC3\xA9\"");
    EXPECT_EQ(go_quote("\xff"), "\"\\xff\"");
}

TEST(Format, IBytesLikeGoHumanize) {
    EXPECT_EQ(ibytes(5), "5 B");
    EXPECT_EQ(ibytes(128), "128 B");
    EXPECT_EQ(ibytes(1024), "1.0 KiB");
    EXPECT_EQ(ibytes(1048576), "1.0 MiB");
    EXPECT_EQ(ibytes(15 * 1024), "15 KiB");
}

TEST(Format, BenchBytesTwoDecimals) {
    EXPECT_EQ(bench_bytes(512), "512.00 B");
    EXPECT_EQ(bench_bytes(1536), "1.50 KB");
    EXPECT_EQ(bench_bytes(3.0 * 1024 * 1024), "3.00 MB");
}

TEST(Format, ParseSizeUnits) {
    EXPECT_EQ(parse_size("128"), 128);
    EXPECT_EQ(parse_size("1K"), 1024);
    EXPECT_EQ(parse_size("1kb"), 1024);
    EXPECT_EQ(parse_size("2MiB"), 2 * 1024 * 1024);
    EXPECT_EQ(parse_size(" 0 "), 0);
    EXPECT_EQ(parse_size("-5"), -1);
    EXPECT_EQ(parse_size("12XB"), -1);
    EXPECT_EQ(parse_size("K"), -1);
    EXPECT_EQ(parse_size(""), -1);
}

TEST(Console, BodyBlockLikeNatscli) {
    EXPECT_EQ(body_block("hello"), "hello\n\n\n");
    EXPECT_EQ(body_block("hello\n"), "hello\n\n");
    EXPECT_EQ(body_block(""), "nil body\n\n\n");
}

} // namespace
} // namespace nats::cli
