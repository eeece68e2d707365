#include <gtest/gtest.h>

#include <regex>

#include "templates.hpp"

namespace nats::cli {
namespace {

template_values at(long long count) { return {.count = count, .request = std::nullopt, .now = std::chrono::system_clock::now()}; }

TEST(Templates, PlainTextIsUnchanged) {
    EXPECT_EQ(render_template("hello world", at(1)), "hello world");
    EXPECT_EQ(render_template("", at(1)), "");
    EXPECT_EQ(render_template("a } b {", at(1)), "a } b {");
}

TEST(Templates, CountAsFunctionAndField) {
    EXPECT_EQ(render_template("msg {{Count}}", at(7)), "msg 7");
    EXPECT_EQ(render_template("msg {{ .Count }}", at(8)), "msg 8");
    EXPECT_EQ(render_template("{{Cnt}}/{{.Cnt}}", at(3)), "3/3");
}

TEST(Templates, TrimMarkersAndComments) {
    EXPECT_EQ(render_template("a   {{- Count -}}   b", at(5)), "a5b");
    EXPECT_EQ(render_template("x{{/* note */}}y", at(1)), "xy");
}

TEST(Templates, RandomLengthWithinBounds) {
    for (int i = 0; i < 50; ++i) {
        const auto s = render_template("{{ Random 3 6 }}", at(1));
        EXPECT_GE(s.size(), 3u);
        EXPECT_LE(s.size(), 6u);
        EXPECT_TRUE(std::regex_match(s, std::regex("[A-Za-z0-9]+"))) << s;
    }
    EXPECT_EQ(render_template("{{Random 4 4}}", at(1)).size(), 4u);
}

TEST(Templates, TimeFunctions) {
    const auto now = std::chrono::system_clock::from_time_t(1700000000);
    const template_values v{.count = 1, .request = std::nullopt, .now = now};
    EXPECT_EQ(render_template("{{Unix}}", v), "1700000000");
    EXPECT_EQ(render_template("{{UnixNano}}", v), "1700000000000000000");
    EXPECT_TRUE(std::regex_match(render_template("{{TimeStamp}}", v),
                                 std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d))")));
    EXPECT_TRUE(std::regex_match(render_template("{{Time}}", v), std::regex(R"(\d{1,2}:\d\d(AM|PM))")));
    EXPECT_TRUE(std::regex_match(render_template("{{ID}}", v), std::regex("[0-9A-Za-z]{22}")));
}

TEST(Templates, RequestOnlyWhenGiven) {
    template_values v = at(1);
    EXPECT_THROW(render_template("{{Request}}", v), template_error);
    EXPECT_EQ(render_template("{{.Request}}", v), "");
    v.request = "ping";
    EXPECT_EQ(render_template("got {{Request}}", v), "got ping");
}

TEST(Templates, ErrorsWordedLikeGo) {
    try {
        render_template("line1\n{{ Nope }}", at(1));
        FAIL() << "expected an error";
    } catch (const template_error& e) {
        EXPECT_STREQ(e.what(), "template: body:2: function \"Nope\" not defined");
    }
    EXPECT_THROW(render_template("{{ Count", at(1)), template_error);
    EXPECT_THROW(render_template("{{ Random 1 }}", at(1)), template_error);
    EXPECT_THROW(render_template("{{ Random a b }}", at(1)), template_error);
    EXPECT_THROW(render_template("{{ .Missing }}", at(1)), template_error);
    EXPECT_THROW(render_template("{{ }}", at(1)), template_error);
    EXPECT_THROW(render_template("{{ Count 1 }}", at(1)), template_error);
}

} // namespace
} // namespace nats::cli
