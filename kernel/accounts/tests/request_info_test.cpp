// The Nats-Request-Info header's JSON: nats-server's ClientInfo field order. Where it
// goes in a header block (setHeader) is tested with nats_sdk/headers.hpp.
#include <gtest/gtest.h>

#include "kernel/accounts/request_info.hpp"

using nats::accounts::request_info_text;

TEST(RequestInfo, FieldOrderIsNatsServers) {
    nlohmann::json info = {{"svc", "B"}, {"rtt", 5}, {"acc", "C"}, {"unknown", 1}};
    EXPECT_EQ(request_info_text(info), "{\"acc\":\"C\",\"svc\":\"B\",\"rtt\":5}");
}

TEST(RequestInfo, GoEscapesAndInvalidUtf8DoNotThrow) {
    // A user name an authenticator returned may hold any bytes.
    nlohmann::json info = {{"acc", "A"}, {"user", std::string("a<b>\xff")}};
    EXPECT_EQ(request_info_text(info), "{\"acc\":\"A\",\"user\":\"a\\u003cb\\u003e\\ufffd\"}");
}
