// Value accessors and the duration helpers.
#include <gtest/gtest.h>

#include <functional>

#include "kernel/config/conf_value.hpp"
#include "kernel/config/duration.hpp"
#include "kernel/config/value_json.hpp"

namespace nats::config {
namespace {

using namespace std::chrono_literals;

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(ConfValue, FactoriesAndTypes) {
    const Location loc{"f.conf", 3, 7};
    EXPECT_TRUE(Value::make_null(loc).is_null());
    EXPECT_EQ(Value::make_bool(true, loc).type(), Value::Type::boolean);
    EXPECT_EQ(Value::make_int(5, loc).as_int(), 5);
    EXPECT_DOUBLE_EQ(Value::make_double(2.5, loc).as_double(), 2.5);
    EXPECT_EQ(Value::make_string("s", loc).as_string(), "s");
    EXPECT_EQ(Value::make_array({Value::make_int(1)}, loc).as_array().size(), 1u);
    EXPECT_EQ(Value::make_map({{"k", Value::make_int(1)}}, loc).find("K")->as_int(), 1);
    EXPECT_EQ(Value::make_int(5, loc).location().to_string(), "f.conf:3:7");
    EXPECT_EQ(Value().type_name(), "null");
}

TEST(ConfValue, WrongTypeThrowsWithLocation) {
    const Value v = Value::make_string("x", {"f.conf", 3, 7});
    EXPECT_EQ(error_of([&] { (void)v.as_int(); }), "f.conf:3:7: expected integer, got string");
    EXPECT_EQ(error_of([&] { (void)v.as_bool(); }), "f.conf:3:7: expected bool, got string");
    EXPECT_EQ(error_of([&] { (void)v.as_double(); }), "f.conf:3:7: expected float, got string");
    EXPECT_EQ(error_of([&] { (void)v.as_array(); }), "f.conf:3:7: expected array, got string");
    EXPECT_EQ(error_of([&] { (void)v.as_map(); }), "f.conf:3:7: expected map, got string");
    EXPECT_EQ(error_of([&] { (void)Value::make_int(1, {"f.conf", 1, 1}).as_string(); }),
              "f.conf:1:1: expected string, got integer");
    EXPECT_EQ(v.find("x"), nullptr);  // not a map
}

TEST(ConfValue, FindReturnsTheLastOfKeysThatDifferOnlyInCase) {
    const Value m = Value::make_map({{"Port", Value::make_int(1)}, {"port", Value::make_int(2)}});
    EXPECT_EQ(m.find("PORT")->as_int(), 2);
}

TEST(ConfValue, EqualityIgnoresLocation) {
    EXPECT_EQ(Value::make_int(1, {"a", 1, 1}), Value::make_int(1, {"b", 2, 2}));
    EXPECT_FALSE(Value::make_int(1) == Value::make_double(1.0));
}

TEST(ConfDuration, GoSyntax) {
    EXPECT_EQ(parse_go_duration("2m"), std::chrono::nanoseconds(2min));
    EXPECT_EQ(parse_go_duration("1h30m"), std::chrono::nanoseconds(90min));
    EXPECT_EQ(parse_go_duration("500ms"), std::chrono::nanoseconds(500ms));
    EXPECT_EQ(parse_go_duration("10s"), std::chrono::nanoseconds(10s));
    EXPECT_EQ(parse_go_duration("1.5s"), std::chrono::nanoseconds(1500ms));
    EXPECT_EQ(parse_go_duration(".5s"), std::chrono::nanoseconds(500ms));
    EXPECT_EQ(parse_go_duration("3us"), std::chrono::nanoseconds(3us));
    EXPECT_EQ(parse_go_duration("3\xC2\xB5s"), std::chrono::nanoseconds(3us));
    EXPECT_EQ(parse_go_duration("7ns"), std::chrono::nanoseconds(7));
    EXPECT_EQ(parse_go_duration("0"), std::chrono::nanoseconds(0));
    EXPECT_EQ(parse_go_duration("-1m"), std::chrono::nanoseconds(-1min));
    EXPECT_EQ(parse_go_duration("+1m"), std::chrono::nanoseconds(1min));
}

TEST(ConfDuration, GoErrors) {
    std::string err;
    EXPECT_FALSE(parse_go_duration("3x", &err));
    EXPECT_EQ(err, "time: unknown unit \"x\" in duration \"3x\"");
    EXPECT_FALSE(parse_go_duration("30", &err));
    EXPECT_EQ(err, "time: missing unit in duration \"30\"");
    EXPECT_FALSE(parse_go_duration("", &err));
    EXPECT_EQ(err, "time: invalid duration \"\"");
    EXPECT_FALSE(parse_go_duration("abc", &err));
    EXPECT_EQ(err, "time: invalid duration \"abc\"");
    EXPECT_FALSE(parse_go_duration(".s", &err));
    EXPECT_FALSE(parse_go_duration("9999999999h", &err));
    EXPECT_EQ(err, "time: invalid duration \"9999999999h\"");
}

TEST(ConfDuration, GoFormatting) {
    EXPECT_EQ(format_go_duration(0s), "0s");
    EXPECT_EQ(format_go_duration(10s), "10s");
    EXPECT_EQ(format_go_duration(90s), "1m30s");
    EXPECT_EQ(format_go_duration(2min), "2m0s");
    EXPECT_EQ(format_go_duration(3h), "3h0m0s");
    EXPECT_EQ(format_go_duration(1500ms), "1.5s");
    EXPECT_EQ(format_go_duration(500ms), "500ms");
    EXPECT_EQ(format_go_duration(1500us), "1.5ms");
    EXPECT_EQ(format_go_duration(std::chrono::nanoseconds(1500)), "1.5\xC2\xB5s");
    EXPECT_EQ(format_go_duration(std::chrono::nanoseconds(12)), "12ns");
    EXPECT_EQ(format_go_duration(-90s), "-1m30s");
}

TEST(ConfDuration, ValueFormsStringOrSeconds) {
    EXPECT_EQ(parse_duration(Value::make_string("1h30m")), std::chrono::milliseconds(90min));
    EXPECT_EQ(parse_duration(Value::make_int(30)), std::chrono::milliseconds(30s));
    EXPECT_EQ(parse_duration(Value::make_string("bogus")), std::nullopt);
    EXPECT_EQ(parse_duration(Value::make_bool(true)), std::nullopt);
    EXPECT_EQ(parse_duration(Value::make_double(1.5)), std::nullopt);
}

TEST(ConfDuration, ParsedFromAConfigFile) {
    const Value v = parse_config_string("a: \"2m\"\nb: 45\nc: 10s\n", "t.conf");
    EXPECT_EQ(parse_duration(*v.find("a")), std::chrono::milliseconds(2min));
    EXPECT_EQ(parse_duration(*v.find("b")), std::chrono::milliseconds(45s));
    EXPECT_EQ(parse_duration(*v.find("c")), std::chrono::milliseconds(10s));
}

TEST(ConfValueJson, KeepsTypesAndOrder) {
    const Value v = parse_config_string("z: 1\na: [true, 1.5, \"s\", {k: 2KB}]\nm { inner: off }\n", "t.conf");
    EXPECT_EQ(to_json(v).dump(), R"({"z":1,"a":[true,1.5,"s",{"k":2048}],"m":{"inner":false}})");
    EXPECT_TRUE(to_json(Value::make_null()).is_null());
}

TEST(ConfValueJson, LeavesOutKeysUsedAsVariables) {
    // nats-server accepts a variable defined inside the block that uses it.
    const Value v = parse_config_string(
        "authorization { SECRET: \"s3\", users: [{user: a, password: $SECRET}] }\nunused: 1\n", "t.conf");
    EXPECT_EQ(to_json(v).dump(), R"({"authorization":{"users":[{"user":"a","password":"s3"}]},"unused":1})");
}

}  // namespace
}  // namespace nats::config
