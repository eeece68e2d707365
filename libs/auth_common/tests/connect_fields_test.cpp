// Which CONNECT credentials count as given.
#include <gtest/gtest.h>

#include <string>

#include "libs/auth_common/connect_fields.hpp"

namespace nats::auth_common {
namespace {

using nlohmann::json;

TEST(FieldGiven, NullAndEmptyStringAreAbsent) {
    const json connect = json::parse(R"({"user": "a", "pass": "", "auth_token": null, "nkey": 5, "jwt": {}})");
    EXPECT_TRUE(field_given(connect, "user"));
    EXPECT_FALSE(field_given(connect, "pass"));
    EXPECT_FALSE(field_given(connect, "auth_token"));
    EXPECT_TRUE(field_given(connect, "nkey")) << "a wrong type is still something the client sent";
    EXPECT_TRUE(field_given(connect, "jwt"));
    EXPECT_FALSE(field_given(connect, "sig"));
    EXPECT_FALSE(field_given(json::array(), "user"));
    EXPECT_FALSE(field_given(json(), "user"));
}

TEST(CarriesNoCredentials, AnyOfTheFiveCounts) {
    EXPECT_TRUE(carries_no_credentials(json::parse(R"({"verbose": false, "name": "x", "sig": "abc"})")));
    EXPECT_TRUE(carries_no_credentials(json::parse(R"({"user": "", "pass": null, "auth_token": ""})")));
    for (const char* field : {"user", "pass", "auth_token", "nkey", "jwt"}) {
        EXPECT_FALSE(carries_no_credentials(json{{field, "x"}})) << field;
    }
}

TEST(ForLog, CutsLongNames) {
    EXPECT_EQ(for_log("alice"), "alice");
    EXPECT_EQ(for_log(std::string(1000, 'u')).size(), 64u);
}

}  // namespace
}  // namespace nats::auth_common
