#include <gtest/gtest.h>

#include <limits>

#include "durations.hpp"

namespace nats::cli {
namespace {

using namespace std::chrono;

TEST(Durations, ParsesGoSyntax) {
    EXPECT_EQ(parse_duration("5s"), nanoseconds(seconds(5)));
    EXPECT_EQ(parse_duration("300ms"), nanoseconds(milliseconds(300)));
    EXPECT_EQ(parse_duration("1m30s"), nanoseconds(seconds(90)));
    EXPECT_EQ(parse_duration("1.5s"), nanoseconds(milliseconds(1500)));
    EXPECT_EQ(parse_duration("2h"), nanoseconds(hours(2)));
    EXPECT_EQ(parse_duration("10us"), nanoseconds(microseconds(10)));
    EXPECT_EQ(parse_duration("10\xC2\xB5s"), nanoseconds(microseconds(10)));
    EXPECT_EQ(parse_duration("7ns"), nanoseconds(7));
    EXPECT_EQ(parse_duration("0"), nanoseconds(0));
    EXPECT_EQ(parse_duration("-1s"), nanoseconds(seconds(-1)));
}

TEST(Durations, RejectsMalformedText) {
    EXPECT_FALSE(parse_duration(""));
    EXPECT_FALSE(parse_duration("5"));
    EXPECT_FALSE(parse_duration("s"));
    EXPECT_FALSE(parse_duration("5x"));
    EXPECT_FALSE(parse_duration("1.s5"));
    EXPECT_FALSE(parse_duration("abc"));
}

TEST(Durations, FormatsLikeGo) {
    EXPECT_EQ(format_duration(nanoseconds(0)), "0s");
    EXPECT_EQ(format_duration(nanoseconds(812)), "812ns");
    EXPECT_EQ(format_duration(nanoseconds(1500)), "1.5\xC2\xB5s");
    EXPECT_EQ(format_duration(microseconds(1234)), "1.234ms");
    EXPECT_EQ(format_duration(seconds(2)), "2s");
    EXPECT_EQ(format_duration(milliseconds(123456)), "2m3.456s");
    EXPECT_EQ(format_duration(hours(1)), "1h0m0s");
    EXPECT_EQ(format_duration(seconds(-90)), "-1m30s");
}

TEST(Durations, HumanizesLikeNatscli) {
    EXPECT_EQ(humanize_duration(nanoseconds(1499)), "1\xC2\xB5s");
    EXPECT_EQ(humanize_duration(microseconds(2500)), "3ms");
    EXPECT_EQ(humanize_duration(milliseconds(2500)), "2.50s");
    EXPECT_EQ(humanize_duration(seconds(125)), "2m5s");
    EXPECT_EQ(humanize_duration(hours(26) + seconds(1)), "1d2h0m1s");
}

} // namespace
} // namespace nats::cli

namespace nats::cli {
namespace {

TEST(DurationsClassic, SecondsWithTwoDecimalsBelowAMinute) {
    using namespace std::chrono;
    EXPECT_EQ(humanize_duration_classic(milliseconds(250)), "0.25s");
    EXPECT_EQ(humanize_duration_classic(seconds(59)), "59.00s");
    EXPECT_EQ(humanize_duration_classic(seconds(90)), "1m30s");
    EXPECT_EQ(humanize_duration_classic(hours(25)), "1d1h0m0s");
    EXPECT_EQ(humanize_duration_classic(nanoseconds(std::numeric_limits<std::int64_t>::max())), "never");
}

TEST(DurationsClassic, LongUnitsForLimits) {
    using namespace std::chrono;
    EXPECT_EQ(parse_long_duration("90s"), seconds(90));
    EXPECT_EQ(parse_long_duration("1d"), hours(24));
    EXPECT_EQ(parse_long_duration("1w2d"), hours(24 * 9));
    EXPECT_EQ(parse_long_duration("1y"), hours(24 * 365));
    EXPECT_EQ(parse_long_duration("1.5d"), hours(36));
    EXPECT_FALSE(parse_long_duration("soon"));
    EXPECT_FALSE(parse_long_duration("1x"));
    EXPECT_FALSE(parse_long_duration(""));
}

} // namespace
} // namespace nats::cli
