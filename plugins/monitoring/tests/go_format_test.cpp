// Go-compatible text: query decoding with nats-server's 400 texts, JSON layout
// and escapes, path cleaning.
#include <gtest/gtest.h>

#include "plugins/monitoring/go_json.hpp"
#include "plugins/monitoring/go_query.hpp"
#include "plugins/monitoring/settings.hpp"

namespace nats::monitoring {
namespace {

using nlohmann::ordered_json;

TEST(GoQuery, FirstValueDecodedAndBadPairsDropped) {
    const GoQuery q("a=1&a=2&b=x+y%21&c&bad=%zz&semi=1;2&&=empty");
    EXPECT_EQ(q.get("a"), "1");
    EXPECT_EQ(q.get("b"), "x y!");
    EXPECT_TRUE(q.has("c"));
    EXPECT_EQ(q.get("c"), "");
    EXPECT_FALSE(q.has("bad"));
    EXPECT_FALSE(q.has("semi"));
    EXPECT_EQ(q.get(""), "empty");
    EXPECT_EQ(q.get("missing"), "");
}

TEST(GoQuery, BoolAcceptsGoSpellingsOnly) {
    for (const char* yes : {"1", "t", "T", "true", "TRUE", "True"}) {
        bool v = false;
        EXPECT_FALSE(decode_bool(GoQuery(std::string("subs=") + yes), "subs", v)) << yes;
        EXPECT_TRUE(v) << yes;
    }
    for (const char* no : {"0", "f", "F", "false", "FALSE", "False", ""}) {
        bool v = true;
        EXPECT_FALSE(decode_bool(GoQuery(std::string("subs=") + no), "subs", v)) << no;
        EXPECT_FALSE(v) << no;
    }
    bool v = false;
    EXPECT_EQ(decode_bool(GoQuery("subs=yes"), "subs", v).value_or(""),
              "Error decoding boolean for 'subs': strconv.ParseBool: parsing \"yes\": invalid syntax");
    EXPECT_EQ(decode_bool(GoQuery("subs=tRuE"), "subs", v).value_or(""),
              "Error decoding boolean for 'subs': strconv.ParseBool: parsing \"tRuE\": invalid syntax");
}

TEST(GoQuery, IntegersWithAtoiAndParseUintErrors) {
    std::int64_t i = 0;
    EXPECT_FALSE(decode_int(GoQuery("limit=-5"), "limit", i));
    EXPECT_EQ(i, -5);
    EXPECT_FALSE(decode_int(GoQuery("limit=%2B7"), "limit", i));
    EXPECT_EQ(i, 7);
    EXPECT_EQ(decode_int(GoQuery("limit=abc"), "limit", i).value_or(""),
              "Error decoding int for 'limit': strconv.Atoi: parsing \"abc\": invalid syntax");
    EXPECT_EQ(decode_int(GoQuery("limit=99999999999999999999"), "limit", i).value_or(""),
              "Error decoding int for 'limit': strconv.Atoi: parsing \"99999999999999999999\": value out of range");
    EXPECT_EQ(decode_int(GoQuery("limit=1.5"), "limit", i).value_or(""),
              "Error decoding int for 'limit': strconv.Atoi: parsing \"1.5\": invalid syntax");
    EXPECT_FALSE(decode_int(GoQuery("limit=-9223372036854775808"), "limit", i));
    EXPECT_EQ(i, INT64_MIN);
    EXPECT_TRUE(decode_int(GoQuery("limit=9223372036854775808"), "limit", i));
    // As Go's ParseUint: the digit that overflows decides, before any bad character after it.
    EXPECT_EQ(decode_int(GoQuery("limit=99999999999999999999x"), "limit", i).value_or(""),
              "Error decoding int for 'limit': strconv.Atoi: parsing \"99999999999999999999x\": value out of range");
    EXPECT_EQ(decode_int(GoQuery("limit=-99999999999999999999x"), "limit", i).value_or(""),
              "Error decoding int for 'limit': strconv.Atoi: parsing \"-99999999999999999999x\": value out of range");
    EXPECT_EQ(decode_int(GoQuery("limit=9223372036854775808x"), "limit", i).value_or(""),
              "Error decoding int for 'limit': strconv.Atoi: parsing \"9223372036854775808x\": invalid syntax");

    std::uint64_t u = 0;
    EXPECT_FALSE(decode_uint64(GoQuery("cid=18446744073709551615"), "cid", u));
    EXPECT_EQ(u, UINT64_MAX);
    EXPECT_EQ(decode_uint64(GoQuery("cid=-1"), "cid", u).value_or(""),
              "Error decoding uint64 for 'cid': strconv.ParseUint: parsing \"-1\": invalid syntax");
    EXPECT_EQ(decode_uint64(GoQuery("cid=18446744073709551616"), "cid", u).value_or(""),
              "Error decoding uint64 for 'cid': strconv.ParseUint: parsing \"18446744073709551616\": value out of range");
    EXPECT_EQ(decode_uint64(GoQuery("cid=999999999999999999999x"), "cid", u).value_or(""),
              "Error decoding uint64 for 'cid': strconv.ParseUint: parsing \"999999999999999999999x\": value out of range");
}

TEST(GoQuery, QuoteEscapesLikeStrconv) {
    EXPECT_EQ(go_quote("a\"b\\c"), R"("a\"b\\c")");
    EXPECT_EQ(go_quote(std::string("\n\t\x01\x7f", 4)), R"("\n\t\x01\x7f")");
    EXPECT_EQ(go_quote("h\xc3\xa9"), "\"h\xc3\xa9\"");
    EXPECT_EQ(go_quote("\xff"), R"("\xff")");
}

// Escapes and number formats: tests/sdk/unit/go_json_test.cpp.
TEST(GoJson, IndentedLikeMarshalIndent) {
    ordered_json v;
    v["a"] = 1;
    v["b"] = ordered_json::array({1, "x"});
    v["c"] = ordered_json::object();
    v["d"] = ordered_json::array();
    v["e"] = nullptr;
    v["f"] = {{"g", true}};
    EXPECT_EQ(go_json(v), "{\n  \"a\": 1,\n  \"b\": [\n    1,\n    \"x\"\n  ],\n  \"c\": {},\n  \"d\": [],\n"
                          "  \"e\": null,\n  \"f\": {\n    \"g\": true\n  }\n}");
    EXPECT_EQ(go_json(v, false), R"({"a":1,"b":[1,"x"],"c":{},"d":[],"e":null,"f":{"g":true}})");
}

TEST(GoPath, CleanAndBasePath) {
    EXPECT_EQ(clean_path("/a//b/./c/../d"), "/a/b/d");
    EXPECT_EQ(clean_path("/../x"), "/x");
    EXPECT_EQ(clean_path("/"), "/");
    EXPECT_EQ(normalize_base_path(""), "/");
    EXPECT_EQ(normalize_base_path("nats"), "/nats");
    EXPECT_EQ(normalize_base_path("/nats/"), "/nats");
    EXPECT_EQ(normalize_base_path("/a/../b"), "/b");
}

}  // namespace
}  // namespace nats::monitoring
