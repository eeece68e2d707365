// Text formats the kernel's monitoring answers share with nats-server.
#include <gtest/gtest.h>

#include "kernel/introspection/kernel_queries.hpp"

namespace nats::introspection {
namespace {

TEST(KernelQueries, UptimeLikeNatsServer) {
    using std::chrono::seconds;
    EXPECT_EQ(uptime_text(seconds(0)), "0s");
    EXPECT_EQ(uptime_text(seconds(59)), "59s");
    EXPECT_EQ(uptime_text(seconds(62)), "1m2s");
    EXPECT_EQ(uptime_text(seconds(3601)), "1h0m1s");
    EXPECT_EQ(uptime_text(seconds(2 * 86400 + 3600)), "2d1h0m0s");
    EXPECT_EQ(uptime_text(seconds(366 * 86400)), "1y1d0h0m0s");
}

TEST(KernelQueries, Rfc3339LikeGo) {
    using namespace std::chrono;
    const system_clock::time_point epoch{};
    EXPECT_EQ(rfc3339(epoch + seconds(86400 + 3661)), "1970-01-02T01:01:01Z");
    EXPECT_EQ(rfc3339(epoch + seconds(1) + milliseconds(250)), "1970-01-01T00:00:01.25Z");
    EXPECT_EQ(rfc3339(epoch + nanoseconds(1)), "1970-01-01T00:00:00.000000001Z");
}

TEST(KernelQueries, QueryArgumentsAreFormDecoded) {
    EXPECT_EQ(query_arg("x=a%20b+c", "x").value_or("?"), "a b c");
    EXPECT_EQ(query_arg("x=1&acc=A%2BB", "acc").value_or("?"), "A+B");
    EXPECT_FALSE(query_arg("x=1", "acc").has_value());
    EXPECT_EQ(query_arg("acc", "acc").value_or("?"), "");
    // Go's ParseQuery drops a pair with a bad escape or a ';' (the kernel used to keep it).
    EXPECT_FALSE(query_arg("acc=%zz", "acc").has_value());
    EXPECT_FALSE(query_arg("acc=A;B", "acc").has_value());
    EXPECT_EQ(query_arg("acc=%zz&acc=B", "acc").value_or("?"), "B");
}

}  // namespace
}  // namespace nats::introspection
