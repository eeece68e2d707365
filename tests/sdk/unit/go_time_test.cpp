// nats_sdk/go_time.hpp: Go's time.ParseDuration and Duration.String and
// RFC 3339 timestamps, as nats-server reads and writes them.
#include <gtest/gtest.h>

#include <limits>
#include <nats_sdk/go_time.hpp>

namespace {

using nats_sdk::format_go_duration;
using nats_sdk::parse_go_duration;
using nats_sdk::rfc3339;

constexpr std::int64_t ms = 1000 * 1000;
constexpr std::int64_t s = 1000 * ms;

// The parsed duration in nanoseconds, nullopt when refused.
std::optional<std::int64_t> nanos(std::string_view text) {
    const auto d = parse_go_duration(text);
    return d ? std::optional<std::int64_t>(d->count()) : std::nullopt;
}

std::string error_of(std::string_view text) {
    std::string error;
    EXPECT_FALSE(parse_go_duration(text, &error).has_value()) << text;
    return error;
}

TEST(GoDuration, Units) {
    EXPECT_EQ(nanos("0"), 0);
    EXPECT_EQ(nanos("0s"), 0);
    EXPECT_EQ(nanos("7ns"), 7);
    EXPECT_EQ(nanos("7us"), 7000);
    EXPECT_EQ(nanos("7\xC2\xB5s"), 7000);
    EXPECT_EQ(nanos("7\xCE\xBCs"), 7000);
    EXPECT_EQ(nanos("500ms"), 500 * ms);
    EXPECT_EQ(nanos("2s"), 2 * s);
    EXPECT_EQ(nanos("1m"), 60 * s);
    EXPECT_EQ(nanos("2h"), 7200 * s);
}

TEST(GoDuration, CompoundsFractionsAndSigns) {
    EXPECT_EQ(nanos("1h30m"), 5400 * s);
    EXPECT_EQ(nanos("1m0.5s"), 60 * s + 500 * ms);
    EXPECT_EQ(nanos("1.5s"), 1500 * ms);
    EXPECT_EQ(nanos(".5s"), 500 * ms);
    EXPECT_EQ(nanos("2.s"), 2 * s);
    EXPECT_EQ(nanos("0.000000001s"), 1);
    EXPECT_EQ(nanos("-1m"), -60 * s);
    EXPECT_EQ(nanos("+3s"), 3 * s);
    EXPECT_EQ(nanos("-0"), 0);
    EXPECT_EQ(nanos("9223372036854775807ns"), std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(nanos("-9223372036854775808ns"), std::numeric_limits<std::int64_t>::min());
}

TEST(GoDuration, ErrorsInGosWords) {
    EXPECT_EQ(error_of("5x"), "time: unknown unit \"x\" in duration \"5x\"");
    EXPECT_EQ(error_of("5"), "time: missing unit in duration \"5\"");
    EXPECT_EQ(error_of(""), "time: invalid duration \"\"");
    EXPECT_EQ(error_of("s"), "time: invalid duration \"s\"");
    EXPECT_EQ(error_of("-"), "time: invalid duration \"-\"");
    EXPECT_EQ(error_of(".s"), "time: invalid duration \".s\"");
    EXPECT_EQ(error_of("1s x"), "time: unknown unit \"s x\" in duration \"1s x\"");
    // The time package quotes with its own quote(): every non-ASCII byte as \x.. .
    EXPECT_EQ(error_of("5\xc3\xa9"), "time: unknown unit \"\\xc3\\xa9\" in duration \"5\\xc3\\xa9\"");
    EXPECT_EQ(error_of("9223372036854775808ns"), "time: invalid duration \"9223372036854775808ns\"");
    EXPECT_EQ(error_of("3000000h"), "time: invalid duration \"3000000h\"");
    EXPECT_EQ(error_of("99999999999999999999s"), "time: invalid duration \"99999999999999999999s\"");
    EXPECT_FALSE(nanos("1h-1m").has_value());
}

TEST(GoDuration, FormatsLikeGo) {
    using namespace std::chrono_literals;
    EXPECT_EQ(format_go_duration(0s), "0s");
    EXPECT_EQ(format_go_duration(90s), "1m30s");
    EXPECT_EQ(format_go_duration(3h), "3h0m0s");
    EXPECT_EQ(format_go_duration(1500ms), "1.5s");
    EXPECT_EQ(format_go_duration(1500us), "1.5ms");
    EXPECT_EQ(format_go_duration(std::chrono::nanoseconds(1500)), "1.5\xC2\xB5s");
    EXPECT_EQ(format_go_duration(std::chrono::nanoseconds(12)), "12ns");
    EXPECT_EQ(format_go_duration(-90s), "-1m30s");
    // What it writes, it reads back.
    for (auto d : {std::chrono::nanoseconds(1), std::chrono::nanoseconds(123456789), std::chrono::nanoseconds(90min)})
        EXPECT_EQ(parse_go_duration(format_go_duration(d)), d);
}

TEST(Rfc3339, TrimsNanosecondsAsGo) {
    using namespace std::chrono;
    const system_clock::time_point epoch{};
    EXPECT_EQ(rfc3339(epoch), "1970-01-01T00:00:00Z");
    EXPECT_EQ(rfc3339(epoch + 86400s + 500ms), "1970-01-02T00:00:00.5Z");
    EXPECT_EQ(rfc3339(epoch + 1s + nanoseconds(1)), "1970-01-01T00:00:01.000000001Z");
    EXPECT_EQ(rfc3339(system_clock::time_point{seconds(1700000000)}), "2023-11-14T22:13:20Z");
}

}  // namespace
