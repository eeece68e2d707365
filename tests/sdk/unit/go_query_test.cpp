// nats_sdk/go_query.hpp against Go's net/url: QueryUnescape, PathUnescape,
// QueryEscape and ParseQuery (with its error), bad and huge input.
#include <string>

#include <gtest/gtest.h>

#include "nats_sdk/go_query.hpp"

namespace nats_sdk {
namespace {

TEST(GoUnescape, QueryAndPathModes) {
    EXPECT_EQ(go_query_unescape("a%20b+c%2Bd").value_or("?"), "a b c+d");
    EXPECT_EQ(go_path_unescape("a%20b+c").value_or("?"), "a b+c");
    EXPECT_EQ(go_query_unescape("%41%4a%4A").value_or("?"), "AJJ");
    EXPECT_EQ(go_query_unescape("").value_or("?"), "");
    EXPECT_EQ(go_query_unescape("%00%ff").value_or("?"), std::string("\0\xff", 2));
}

TEST(GoUnescape, MalformedEscapesFailWithGosText) {
    std::string error;
    EXPECT_FALSE(go_query_unescape("a%zz", &error));
    EXPECT_EQ(error, R"(invalid URL escape "%zz")");
    EXPECT_FALSE(go_query_unescape("ab%4", &error));
    EXPECT_EQ(error, R"(invalid URL escape "%4")");
    EXPECT_FALSE(go_query_unescape("%", &error));
    EXPECT_EQ(error, R"(invalid URL escape "%")");
    EXPECT_FALSE(go_path_unescape("%g0", &error));
    EXPECT_EQ(error, R"(invalid URL escape "%g0")");
    // The escape is quoted as Go does, invalid UTF-8 included.
    EXPECT_FALSE(go_query_unescape("%\xff\xfe", &error));
    EXPECT_EQ(error, R"(invalid URL escape "%\xff\xfe")");
}

TEST(GoQueryEscape, FormEncoding) {
    EXPECT_EQ(go_query_escape("a b&c=d/é~_.-"), "a+b%26c%3Dd%2F%C3%A9~_.-");
    EXPECT_EQ(go_query_escape(std::string("\0\xff", 2)), "%00%FF");
    const std::string raw = "x y+z%";
    EXPECT_EQ(go_query_unescape(go_query_escape(raw)).value_or("?"), raw);
}

TEST(GoQuery, ParseQueryKeepsGoodPairsAndReportsTheError) {
    const GoQuery q("a=1&a=2&b=x+y%21&c&bad=%zz&semi=1;2&&=empty&%zz=k");
    EXPECT_EQ(q.get("a"), "1");
    EXPECT_EQ(q.values("a"), (std::vector<std::string>{"1", "2"}));
    EXPECT_EQ(q.get("b"), "x y!");
    EXPECT_TRUE(q.has("c"));
    EXPECT_EQ(q.get("c"), "");
    EXPECT_FALSE(q.has("bad"));
    EXPECT_FALSE(q.has("semi"));
    EXPECT_TRUE(q.has(""));  // "=empty": an empty key is still a key
    EXPECT_EQ(q.get(""), "empty");
    EXPECT_EQ(q.get("missing"), "");
    // Go: the semicolon error replaces an earlier escape error; a later escape error
    // does not replace it.
    EXPECT_EQ(q.error(), "invalid semicolon separator in query");
    EXPECT_EQ(GoQuery("x=%zz&y=%qq").error(), R"(invalid URL escape "%zz")");
    EXPECT_EQ(GoQuery("x=1").error(), "");
    EXPECT_TRUE(GoQuery("").pairs().empty());
    EXPECT_TRUE(GoQuery("&&&").pairs().empty());
}

TEST(GoQuery, HugeInput) {
    std::string raw;
    for (int i = 0; i < 10000; ++i) raw += "k" + std::to_string(i) + "=v%20" + std::to_string(i) + "&";
    raw += "big=" + std::string(1 << 20, 'x');
    const GoQuery q(raw);
    EXPECT_EQ(q.pairs().size(), 10001u);
    EXPECT_EQ(q.get("k9999"), "v 9999");
    EXPECT_EQ(q.get("big").size(), 1u << 20);
}

}  // namespace
}  // namespace nats_sdk
