// Go's time.ParseDuration, as used for allow_responses.expires.
#include <gtest/gtest.h>

#include <limits>

#include "plugins/auth_common/go_duration.hpp"

namespace nats::auth_common {
namespace {

constexpr std::int64_t ms = 1000 * 1000;
constexpr std::int64_t s = 1000 * ms;

std::string error_of(std::string_view text) {
    std::string error;
    EXPECT_FALSE(parse_go_duration(text, &error).has_value()) << text;
    return error;
}

TEST(GoDuration, Units) {
    EXPECT_EQ(parse_go_duration("0"), 0);
    EXPECT_EQ(parse_go_duration("0s"), 0);
    EXPECT_EQ(parse_go_duration("7ns"), 7);
    EXPECT_EQ(parse_go_duration("7us"), 7000);
    EXPECT_EQ(parse_go_duration("7\xC2\xB5s"), 7000);
    EXPECT_EQ(parse_go_duration("7\xCE\xBCs"), 7000);
    EXPECT_EQ(parse_go_duration("500ms"), 500 * ms);
    EXPECT_EQ(parse_go_duration("2s"), 2 * s);
    EXPECT_EQ(parse_go_duration("1m"), 60 * s);
    EXPECT_EQ(parse_go_duration("2h"), 7200 * s);
}

TEST(GoDuration, CompoundsFractionsAndSigns) {
    EXPECT_EQ(parse_go_duration("1h30m"), 5400 * s);
    EXPECT_EQ(parse_go_duration("1m0.5s"), 60 * s + 500 * ms);
    EXPECT_EQ(parse_go_duration("1.5s"), 1500 * ms);
    EXPECT_EQ(parse_go_duration(".5s"), 500 * ms);
    EXPECT_EQ(parse_go_duration("2.s"), 2 * s);
    EXPECT_EQ(parse_go_duration("0.000000001s"), 1);
    EXPECT_EQ(parse_go_duration("-1m"), -60 * s);
    EXPECT_EQ(parse_go_duration("+3s"), 3 * s);
    EXPECT_EQ(parse_go_duration("-0"), 0);
    EXPECT_EQ(parse_go_duration("9223372036854775807ns"), std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(parse_go_duration("-9223372036854775808ns"), std::numeric_limits<std::int64_t>::min());
}

TEST(GoDuration, ErrorsInGosWords) {
    EXPECT_EQ(error_of("5x"), "time: unknown unit \"x\" in duration \"5x\"");
    EXPECT_EQ(error_of("5"), "time: missing unit in duration \"5\"");
    EXPECT_EQ(error_of(""), "time: invalid duration \"\"");
    EXPECT_EQ(error_of("s"), "time: invalid duration \"s\"");
    EXPECT_EQ(error_of("-"), "time: invalid duration \"-\"");
    EXPECT_EQ(error_of(".s"), "time: invalid duration \".s\"");
    EXPECT_EQ(error_of("1s x"), "time: unknown unit \"s x\" in duration \"1s x\"");
    EXPECT_EQ(error_of("9223372036854775808ns"), "time: invalid duration \"9223372036854775808ns\"");
    EXPECT_EQ(error_of("3000000h"), "time: invalid duration \"3000000h\"");
    EXPECT_EQ(error_of("99999999999999999999s"), "time: invalid duration \"99999999999999999999s\"");
    EXPECT_FALSE(parse_go_duration("1h-1m").has_value());
}

}  // namespace
}  // namespace nats::auth_common
