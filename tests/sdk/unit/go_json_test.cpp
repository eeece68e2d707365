// nats_sdk/go_json.hpp: JSON written as Go's encoding/json writes it
// (MarshalIndent and Marshal), streamed or from an nlohmann document.
#include <gtest/gtest.h>

#include <limits>
#include <nats_sdk/go_json.hpp>
#include <nlohmann/json.hpp>

namespace {

using nats_sdk::GoJsonWriter;

std::string string_literal(std::string_view text) {
    std::string out;
    nats_sdk::append_go_json_string(out, text);
    return out;
}

std::string float_text(double f) {
    std::string out;
    nats_sdk::append_go_json_float(out, f);
    return out;
}

TEST(GoJsonWriter, IndentsLikeMarshalIndent) {
    GoJsonWriter w;
    w.begin_object().field("a", 1).key("b").begin_array().value(1).value("x").end_array();
    w.key("c").begin_object().end_object().key("d").begin_array().end_array().key("e").null();
    w.key("f").begin_object().field("g", true).end_object().end_object();
    EXPECT_EQ(w.text(), "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    \"x\"\n  ],\n  \"c\": {},\n  \"d\": [],\n"
                        "  \"e\": null,\n  \"f\": {\n    \"g\": true\n  }\n}");
}

TEST(GoJsonWriter, CompactLikeMarshal) {
    GoJsonWriter w(false);
    w.begin_object().field("a", 1).key("b").begin_array().value(1).value("x").end_array();
    w.key("c").begin_object().end_object().field("s", std::string("t")).end_object();
    EXPECT_EQ(w.take(), R"({"a":1,"b":[1,"x"],"c":{},"s":"t"})");
}

TEST(GoJsonWriter, TopLevelScalarsAndArrays) {
    GoJsonWriter scalar;
    scalar.value(-5);
    EXPECT_EQ(scalar.text(), "-5");
    GoJsonWriter nested;
    nested.begin_array().begin_array().end_array().begin_object().field("k", "v").end_object().end_array();
    EXPECT_EQ(nested.text(), "[\n  [],\n  {\n    \"k\": \"v\"\n  }\n]");
}

TEST(GoJsonWriter, IntegersOfEveryWidth) {
    GoJsonWriter w(false);
    w.begin_array()
        .value(std::numeric_limits<std::uint64_t>::max())
        .value(std::numeric_limits<std::int64_t>::min())
        .value(static_cast<short>(-7))
        .value(std::size_t{0})
        .value(false)
        .end_array();
    EXPECT_EQ(w.text(), "[18446744073709551615,-9223372036854775808,-7,0,false]");
}

TEST(GoJsonString, EscapesAsGoDoes) {
    EXPECT_EQ(string_literal("plain text"), "\"plain text\"");
    EXPECT_EQ(string_literal("<a&b>"), R"("\u003ca\u0026b\u003e")");
    EXPECT_EQ(string_literal(std::string("q\"\\\n\r\t\x01", 7)), R"("q\"\\\n\r\t\u0001")");
    EXPECT_EQ(string_literal("\xe2\x80\xa8 \xe2\x80\xa9"), R"("\u2028 \u2029")");
    EXPECT_EQ(string_literal("ok\xff!"), R"("ok\ufffd!")");
    EXPECT_EQ(string_literal("caf\xc3\xa9 \xf0\x9f\x98\x80"), "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"");
    // Overlong, surrogate and truncated sequences are each replaced byte by byte.
    EXPECT_EQ(string_literal("\xc0\xaf"), R"("\ufffd\ufffd")");
    EXPECT_EQ(string_literal("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");
    EXPECT_EQ(string_literal("x\xe2\x82"), R"("x\ufffd\ufffd")");
    EXPECT_EQ(string_literal(""), "\"\"");
}

TEST(GoJsonFloat, ShortestTextInGoFormat) {
    EXPECT_EQ(float_text(2.0), "2");
    EXPECT_EQ(float_text(0.5), "0.5");
    EXPECT_EQ(float_text(-3.25), "-3.25");
    EXPECT_EQ(float_text(0.1), "0.1");
    EXPECT_EQ(float_text(1e21), "1e+21");
    EXPECT_EQ(float_text(1e-7), "1e-7");
    EXPECT_EQ(float_text(1.5e-10), "1.5e-10");
    EXPECT_EQ(float_text(1e20), "100000000000000000000");
    EXPECT_EQ(float_text(0.0), "0");
    EXPECT_EQ(float_text(std::numeric_limits<double>::quiet_NaN()), "null");
}

TEST(GoJsonDocument, WritesNlohmannValuesInTheirOrder) {
    nlohmann::ordered_json ordered;
    ordered["z"] = 1;
    ordered["a"] = nlohmann::ordered_json::array({1.5, "s", nullptr, true, -2});
    GoJsonWriter w(false);
    nats_sdk::write_go_json(w, ordered);
    EXPECT_EQ(w.text(), R"({"z":1,"a":[1.5,"s",null,true,-2]})");
    // nlohmann::json sorts its keys, as Go sorts a map's.
    GoJsonWriter sorted(false);
    nats_sdk::write_go_json(sorted, nlohmann::json{{"z", 1}, {"a", {{"<", "&"}}}});
    EXPECT_EQ(sorted.text(), R"({"a":{"\u003c":"\u0026"},"z":1})");
}

}  // namespace
