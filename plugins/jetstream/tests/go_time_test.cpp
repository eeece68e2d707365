// time.Time as a consumer's opt_start_time: Go reads any four-digit year, keeps the
// offset it was given and writes RFC3339Nano back. Unix nanoseconds in 64 bits end in
// 1677 and 2262, so GoTime keeps seconds and nanoseconds apart (a fuzzer found the
// overflow: year 1014 multiplied past int64).
#include <gtest/gtest.h>

#include <limits>

#include "consumer/consumer_config.hpp"

namespace nmk::jetstream {
namespace {

TEST(GoTime, YearsBeyondNanosecondRangeReadAndWriteBack) {
    for (const char* text : {"1014-02-03T04:05:06Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999999Z",
                             "2400-06-01T12:00:00.5+02:00", "1600-01-01T00:00:00-05:30"}) {
        const GoTime t = parse_go_time(text);
        EXPECT_EQ(format_go_time(t), text);
        EXPECT_EQ(parse_go_time(format_go_time(t)), t) << text;
    }
}

TEST(GoTime, UnixNanosecondsHoldAtTheRangeEnds) {
    EXPECT_EQ(parse_go_time("1014-02-03T04:05:06Z").unix_ns(), std::numeric_limits<std::int64_t>::min());
    EXPECT_EQ(parse_go_time("9999-01-01T00:00:00Z").unix_ns(), std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(parse_go_time("2023-11-14T22:13:20.000000001Z").unix_ns(), 1'700'000'000'000'000'001);
    EXPECT_EQ(parse_go_time("2023-11-15T00:13:20+02:00").unix_ns(), 1'700'000'000'000'000'000);
}

TEST(GoTime, FromUnixNanosecondsBeforeAndAfter1970) {
    EXPECT_EQ(format_go_time(GoTime::from_unix_ns(1'700'000'000'000'000'000)), "2023-11-14T22:13:20Z");
    const GoTime before = GoTime::from_unix_ns(-1);
    EXPECT_EQ(before.unix_seconds, -1);
    EXPECT_EQ(before.nanos, 999'999'999);
    EXPECT_EQ(format_go_time(before), "1969-12-31T23:59:59.999999999Z");
    EXPECT_EQ(before.unix_ns(), -1);
}

}  // namespace
}  // namespace nmk::jetstream
