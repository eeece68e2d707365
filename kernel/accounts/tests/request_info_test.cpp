// The Nats-Request-Info header: where it goes in a header block and the
// field order of its JSON (nats-server's setHeader and ClientInfo).
#include <gtest/gtest.h>

#include "kernel/accounts/request_info.hpp"

using nats::accounts::get_header;
using nats::accounts::request_info_text;
using nats::accounts::set_header;

TEST(RequestInfo, NewBlockWhenThereWereNoHeaders) {
    EXPECT_EQ(set_header("", "Nats-Request-Info", "{\"acc\":\"B\"}"),
              "NATS/1.0\r\nNats-Request-Info: {\"acc\":\"B\"}\r\n\r\n");
}

TEST(RequestInfo, AppendedAfterExistingHeaders) {
    EXPECT_EQ(set_header("NATS/1.0\r\nX-Trace: 7\r\n\r\n", "Nats-Request-Info", "v"),
              "NATS/1.0\r\nX-Trace: 7\r\nNats-Request-Info: v\r\n\r\n");
}

TEST(RequestInfo, ReplacesAnEarlierValue) {
    const std::string block = "NATS/1.0\r\nNats-Request-Info: old\r\nX-A: 1\r\n\r\n";
    EXPECT_EQ(set_header(block, "Nats-Request-Info", "new"), "NATS/1.0\r\nX-A: 1\r\nNats-Request-Info: new\r\n\r\n");
    // Only a whole key at the start of a line counts.
    EXPECT_EQ(set_header("NATS/1.0\r\nX-Nats-Request-Info: keep\r\n\r\n", "Nats-Request-Info", "v"),
              "NATS/1.0\r\nX-Nats-Request-Info: keep\r\nNats-Request-Info: v\r\n\r\n");
}

TEST(RequestInfo, GetHeader) {
    const std::string block = "NATS/1.0\r\nA: 1\r\nNats-Request-Info:   {\"acc\":\"C\"}\r\n\r\n";
    EXPECT_EQ(get_header(block, "Nats-Request-Info").value_or("none"), "{\"acc\":\"C\"}");
    EXPECT_EQ(get_header(block, "A").value_or("none"), "1");
    EXPECT_FALSE(get_header(block, "Missing").has_value());
    EXPECT_FALSE(get_header("", "A").has_value());
}

TEST(RequestInfo, FieldOrderIsNatsServers) {
    nlohmann::json info = {{"svc", "B"}, {"rtt", 5}, {"acc", "C"}, {"unknown", 1}};
    EXPECT_EQ(request_info_text(info), "{\"acc\":\"C\",\"svc\":\"B\",\"rtt\":5}");
}

TEST(RequestInfo, GoEscapesAndInvalidUtf8DoNotThrow) {
    // A user name an authenticator returned may hold any bytes.
    nlohmann::json info = {{"acc", "A"}, {"user", std::string("a<b>\xff")}};
    EXPECT_EQ(request_info_text(info), "{\"acc\":\"A\",\"user\":\"a\\u003cb\\u003e\\ufffd\"}");
}
