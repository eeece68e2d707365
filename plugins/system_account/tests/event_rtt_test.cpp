// The rtt of DISCONNECT and auth error events, as nats-server 2.9.10's getRTT truncates it.
#include <gtest/gtest.h>

#include "plugins/system_account/events.hpp"

namespace nats::system_account {
namespace {

using std::chrono::nanoseconds;

TEST(EventRtt, MicrosecondsBetweenOneMicrosecondAndOneMillisecond) {
    EXPECT_EQ(go_event_rtt(nanoseconds(545123)), 545000);
    EXPECT_EQ(go_event_rtt(nanoseconds(1001)), 1000);
    EXPECT_EQ(go_event_rtt(nanoseconds(999999)), 999000);
}

TEST(EventRtt, NanosecondsOtherwise) {
    EXPECT_EQ(go_event_rtt(nanoseconds(0)), 0);
    EXPECT_EQ(go_event_rtt(nanoseconds(1000)), 1000);
    EXPECT_EQ(go_event_rtt(nanoseconds(999)), 999);
    EXPECT_EQ(go_event_rtt(nanoseconds(1000000)), 1000000);
    EXPECT_EQ(go_event_rtt(nanoseconds(2345678)), 2345678);
}

}  // namespace
}  // namespace nats::system_account
