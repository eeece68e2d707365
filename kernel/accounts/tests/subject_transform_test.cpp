// Subject transforms as nats-server 2.9.10 builds and applies them for
// imports (accounts.go newTransform / transformSubject / reverse).
#include <gtest/gtest.h>

#include "kernel/accounts/subject_tokens.hpp"
#include "kernel/accounts/subject_transform.hpp"

using nats::accounts::SubjectTransform;
using nats::accounts::TransformError;

namespace {

std::string map(std::string_view src, std::string_view dest, std::string_view subject) {
    return SubjectTransform::create(src, dest).apply(subject);
}

std::string error_of(std::string_view src, std::string_view dest) {
    try {
        SubjectTransform::create(src, dest);
    } catch (const TransformError& e) {
        return e.what();
    }
    return "no error";
}

}  // namespace

TEST(SubjectTransform, DollarPlaceholdersReorderWildcards) {
    EXPECT_EQ(map("w.*.*", "m.$2.$1", "w.one.two"), "m.two.one");
    EXPECT_EQ(map("foo.*", "bar.$1", "foo.x"), "bar.x");
}

TEST(SubjectTransform, MustacheWildcard) {
    EXPECT_EQ(map("foo.*", "bar.{{wildcard(1)}}", "foo.x"), "bar.x");
    EXPECT_EQ(map("foo.*", "bar.{{ Wildcard( 1 ) }}", "foo.x"), "bar.x");
}

TEST(SubjectTransform, FullWildcardCarriesTheTail) {
    EXPECT_EQ(map("foo.>", "bar.>", "foo.a.b.c"), "bar.a.b.c");
    EXPECT_EQ(map("a.*.>", "b.$1.>", "a.x.y.z"), "b.x.y.z");
}

TEST(SubjectTransform, LiteralSourceMapsToDestination) {
    EXPECT_EQ(map("foo", "bar.baz", "foo"), "bar.baz");
}

TEST(SubjectTransform, Functions) {
    EXPECT_EQ(map("a.*", "{{splitFromLeft(1,2)}}", "a.abcd"), "ab.cd");
    EXPECT_EQ(map("a.*", "{{splitFromRight(1,1)}}", "a.abcd"), "abc.d");
    EXPECT_EQ(map("a.*", "{{splitFromLeft(1,9)}}", "a.abcd"), "abcd");
    EXPECT_EQ(map("a.*", "{{sliceFromLeft(1,2)}}", "a.abcde"), "ab.cd.e");
    EXPECT_EQ(map("a.*", "{{sliceFromRight(1,2)}}", "a.abcde"), "a.bc.de");
    EXPECT_EQ(map("a.*", "{{split(1,-)}}", "a.-x--y-"), "x.y");
    // partition(n, wildcards...) is fnv32a of the tokens modulo n, as nats-server's.
    std::uint32_t h = 2166136261u;
    for (unsigned char c : std::string("keyz")) {
        h ^= c;
        h *= 16777619u;
    }
    EXPECT_EQ(map("a.*", "p.{{partition(7,1)}}", "a.keyz"), "p." + std::to_string(h % 7));
    EXPECT_EQ(map("a.*.*", "p.{{partition(7,1,2)}}.$1.$2", "a.key.z"), "p." + std::to_string(h % 7) + ".key.z");
}

TEST(SubjectTransform, ErrorsAsNatsServer) {
    EXPECT_EQ(error_of("foo.*", "bar.baz"),
              "invalid mapping destination: not using all of the token wildcard(s) in bar.baz");
    EXPECT_EQ(error_of("foo.*", "bar.{{wildcard(2)}}"),
              "invalid mapping destination: wildcard index out of range in {{wildcard(2)}}: [2]");
    EXPECT_EQ(error_of("foo.*", "bar.{{nope(1)}}"), "invalid mapping destination: unknown function in {{nope(1)}}");
    EXPECT_EQ(error_of("foo.*", "bar.{{wildcard()}}"),
              "invalid mapping destination: not enough arguments passed to the function in {{wildcard()}}");
    EXPECT_EQ(error_of("foo.*", "bar.{{wildcard(1,2)}}"),
              "invalid mapping destination: too many arguments passed to the function in {{wildcard(1,2)}}");
    EXPECT_EQ(error_of("foo.*", "bar.{{wildcard(x)}}"),
              "invalid mapping destination: function argument is invalid or in the wrong format in {{wildcard(x)}}");
    // A '.' inside a function splits the token itself, leaving no placeholder.
    EXPECT_EQ(error_of("foo.*", "{{split(1,a.b)}}"),
              "invalid mapping destination: not using all of the token wildcard(s) in {{split(1,a.b)}}");
    EXPECT_EQ(error_of("a.*.*", "p.{{partition(7,1,2)}}"),
              "invalid mapping destination: not using all of the token wildcard(s) in p.{{partition(7,1,2)}}");
    EXPECT_EQ(error_of("foo.>", "bar.*"), "invalid subject");
    EXPECT_EQ(error_of("foo.>", "bar"), "invalid subject");
    EXPECT_EQ(error_of("foo..x", "bar"), "invalid subject");
    EXPECT_EQ(error_of("", "bar"), "invalid subject");
}

TEST(SubjectTransform, ReverseMapsBack) {
    auto t = SubjectTransform::create("foo.*", "p.foo.$1");
    auto r = t.reverse();
    ASSERT_TRUE(r.has_value());
    EXPECT_EQ(r->source(), "p.foo.*");
    EXPECT_EQ(r->apply("p.foo.bar"), "foo.bar");
    auto swapped = SubjectTransform::create("w.*.*", "m.$2.$1").reverse();
    ASSERT_TRUE(swapped.has_value());
    EXPECT_EQ(swapped->apply("m.two.one"), "w.one.two");
    auto literal = SubjectTransform::create("a", "b").reverse();
    ASSERT_TRUE(literal.has_value());
    EXPECT_EQ(literal->apply("b"), "a");
}

TEST(SubjectTransform, TokenizeAndUntokenize) {
    EXPECT_EQ(nats::accounts::transform_tokenize("a.*.b.*.>"), "a.$1.b.$2.>");
    std::vector<std::string> holders;
    EXPECT_EQ(nats::accounts::transform_untokenize("a.$2.$1.$x", &holders), "a.*.*.$x");
    EXPECT_EQ(holders, (std::vector<std::string>{"$2", "$1"}));
}

TEST(SubjectTokens, SubsetMatch) {
    using nats::accounts::is_subset_match;
    EXPECT_TRUE(is_subset_match("foo.*", ">"));
    EXPECT_TRUE(is_subset_match("foo.*", "*.*"));
    EXPECT_TRUE(is_subset_match("foo.*", "foo.*"));
    EXPECT_FALSE(is_subset_match("foo.*", "foo.bar"));
    EXPECT_TRUE(is_subset_match("foo.bar", "foo.*"));
    EXPECT_FALSE(is_subset_match("foo", "foo.>"));
    EXPECT_FALSE(is_subset_match("foo.>", "foo.*"));
    EXPECT_TRUE(is_subset_match("foo.a.b", "foo.>"));
    EXPECT_TRUE(nats::accounts::has_wildcard("a.*"));
    EXPECT_TRUE(nats::accounts::has_wildcard(">"));
    EXPECT_FALSE(nats::accounts::has_wildcard("a*.b>"));
}
