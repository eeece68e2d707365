// Subject mappings: the `mappings` / `maps` blocks parsed into each account's
// table, the weights and the auto-added source, the draw, and the refusals with
// nats-server 2.9.10's texts (checked with `nats-server -t -c file`).
#include <gtest/gtest.h>

#include "kernel/accounts/accounts_config.hpp"
#include "kernel/accounts/tests/accounts_test_parse.hpp"

using nats::accounts::AccountsConfig;
using nats::accounts::make_mapping;
using nats::accounts::MappingDestination;
using nats::accounts::MappingError;
using nats::accounts::MappingTable;
using nats::accounts::TransformError;

namespace {

using nats::accounts::test_parse::error_of;
using nats::accounts::test_parse::parse;

std::string select(const MappingTable& t, std::string_view subject, int draw = 0) {
    auto s = t.select(subject, draw);
    return s ? *s : "<none>";
}

}  // namespace

TEST(SubjectMappingParse, TopLevelMappingsBelongToTheGlobalAccount) {
    auto c = parse("mappings { foo: bar, \"a.*\": \"b.$1\" }\nMAPS { x: y }\n");
    ASSERT_TRUE(c.global_mappings);
    EXPECT_EQ(c.global_mappings->mappings().size(), 3u);
    EXPECT_EQ(select(*c.global_mappings, "foo"), "bar");
    EXPECT_EQ(select(*c.global_mappings, "a.z"), "b.z");
    EXPECT_EQ(select(*c.global_mappings, "x"), "y");
    EXPECT_EQ(select(*c.global_mappings, "a"), "<none>");
    EXPECT_EQ(select(*c.global_mappings, "a.z.q"), "<none>");
}

TEST(SubjectMappingParse, NoMappingsMeansNoTable) {
    auto c = parse("port: 4222\naccounts { A: {} }\n");
    EXPECT_FALSE(c.global_mappings);
    ASSERT_EQ(c.accounts.size(), 1u);
    EXPECT_FALSE(c.accounts[0].mappings);
}

TEST(SubjectMappingParse, AccountMappingsAndMapsAlias) {
    auto c = parse("accounts { A: { mappings: { foo: bar } }, B: { maps: { q: [ {destination: r, weight: 100} ] } } }\n");
    ASSERT_EQ(c.accounts.size(), 2u);
    ASSERT_TRUE(c.find("A")->mappings);
    ASSERT_TRUE(c.find("B")->mappings);
    EXPECT_EQ(select(*c.find("A")->mappings, "foo"), "bar");
    EXPECT_EQ(select(*c.find("B")->mappings, "q"), "r");
    EXPECT_FALSE(c.global_mappings);
}

TEST(SubjectMappingParse, WeightsAccumulateAndTheSourceGetsTheRest) {
    auto c = parse("mappings { s: [ {destination: a, weight: \"20%\"}, {dest: b, weight: 30} ] }\n");
    const auto& m = c.global_mappings->mappings().at(0);
    ASSERT_EQ(m.choices.size(), 3u);  // a 20, b 30, s 50: sorted by weight, cumulative
    EXPECT_EQ(m.choices[0].upto, 20);
    EXPECT_EQ(m.choices[1].upto, 50);
    EXPECT_EQ(m.choices[2].upto, 100);
    EXPECT_EQ(select(*c.global_mappings, "s", 0), "a");
    EXPECT_EQ(select(*c.global_mappings, "s", 19), "a");
    EXPECT_EQ(select(*c.global_mappings, "s", 20), "b");
    EXPECT_EQ(select(*c.global_mappings, "s", 49), "b");
    EXPECT_EQ(select(*c.global_mappings, "s", 50), "s");
    EXPECT_EQ(select(*c.global_mappings, "s", 99), "s");
}

TEST(SubjectMappingParse, WildcardSourceKeepsItsSubjectForTheRest) {
    auto c = parse("mappings { \"s.*\": {destination: \"t.$1\", weight: 10} }\n");
    EXPECT_EQ(select(*c.global_mappings, "s.k", 5), "t.k");
    EXPECT_EQ(select(*c.global_mappings, "s.k", 50), "s.k");
}

TEST(SubjectMappingParse, AListedSourceGetsNoRemainder) {
    auto c = parse("mappings { s: [ {destination: s, weight: 30}, {destination: t, weight: 30} ] }\n");
    EXPECT_EQ(select(*c.global_mappings, "s", 10), "s");
    EXPECT_EQ(select(*c.global_mappings, "s", 40), "t");
    EXPECT_EQ(select(*c.global_mappings, "s", 70), "");  // dropped
}

TEST(SubjectMappingParse, ClusterScopedDestinationsAreNeverChosenHere) {
    auto c = parse("mappings { s: [ {destination: e, weight: 100, cluster: east} ] }\n");
    EXPECT_EQ(select(*c.global_mappings, "s", 0), "s");
    EXPECT_EQ(select(*c.global_mappings, "s", 99), "s");
}

TEST(SubjectMappingParse, TheFirstMatchingMappingWins) {
    MappingTable t;
    t.add(make_mapping("a.*", {{"wild.$1", 100, {}}}));
    t.add(make_mapping("a.b", {{"exact", 100, {}}}));
    EXPECT_EQ(select(t, "a.b"), "wild.b");
    t.add(make_mapping("a.*", {{"again.$1", 100, {}}}));  // replaced in place
    EXPECT_EQ(t.mappings().size(), 2u);
    EXPECT_EQ(select(t, "a.b"), "again.b");
}

TEST(SubjectMappingParse, RandomDrawSplitsRoughlyByWeight) {
    MappingTable t;
    t.add(make_mapping("s", {{"a", 50, {}}, {"b", 50, {}}}));
    int a = 0;
    for (int i = 0; i < 2000; ++i) a += *t.select("s") == "a";
    EXPECT_GT(a, 700);
    EXPECT_LT(a, 1300);
}

TEST(SubjectMappingParse, MakeMappingRefusals) {
    auto what = [](std::string_view src, std::vector<MappingDestination> d) -> std::string {
        try {
            make_mapping(src, d);
        } catch (const MappingError& e) {
            return e.what();
        } catch (const TransformError& e) {
            return e.what();
        }
        return "ok";
    };
    EXPECT_EQ(what("a..b", {{"x", 100, {}}}), "invalid subject");
    EXPECT_EQ(what("s", {{"a", 60, {}}, {"b", 50, {}}}), "total weight needs to be <= 100");
    EXPECT_EQ(what("s", {{"a", 10, {}}, {"a", 10, {}}}), "duplicate entry for \"a\"");
    EXPECT_EQ(what("s", {{"{{nope(1)}}", 100, {}}}), "invalid mapping destination: unknown function in {{nope(1)}}");
    EXPECT_EQ(what("s", {{"a.>.b", 100, {}}}), "invalid mapping destination: invalid subject in b");
    EXPECT_EQ(what("s", {{"", 100, {}}}), "invalid mapping destination: invalid subject in ");
    EXPECT_EQ(what("s.*", {{"t.{{wildcard(1)}}", 100, {}}}), "ok");
}

TEST(SubjectMappingParse, ConfigRefusalsMatchNatsServer) {
    EXPECT_EQ(error_of("mappings {\n  foo: \"{{bad(1)}}\"\n}\n"),
              "test.conf:2:3: Error adding mapping for \"foo\" to \"{{bad(1)}}\" : invalid mapping destination: unknown "
              "function in {{bad(1)}}");
    EXPECT_EQ(error_of("mappings {\n  foo: {destination: a, weight: \"150%\"}\n}\n"),
              "test.conf:2:25: Invalid weight 150 for mapping destination");
    EXPECT_EQ(error_of("mappings {\n  foo: {destination: a, weight: \"x%\"}\n}\n"),
              "test.conf:2:25: Invalid weight \"x\" for mapping destination");
    EXPECT_EQ(error_of("mappings {\n  foo: {destination: a}\n}\n"),
              "test.conf:2:3: Missing weight for mapping destination \"a\"");
    EXPECT_EQ(error_of("mappings {\n  foo: 5\n}\n"), "test.conf:2:3: Expected an entry for the mapping destination");
    EXPECT_EQ(error_of("mappings {\n  foo: [ {destination: a, weight: 60, other: 1} ]\n}\n"),
              "test.conf:2:39: Unknown field \"other\" for mapping destination");
    EXPECT_EQ(error_of("mappings {\n  foo: [\n    {destination: a, weight: 60}\n    {destination: b, weight: 50}\n  ]\n}\n"),
              // nats-server: 4:33 (past the entry's closing brace); ours points at the entry.
              "test.conf:4:5: interface conversion: interface {} is []interface {}, not string");
    EXPECT_EQ(error_of("mappings {\n  \"a..b\": x\n}\n"), "test.conf:1:1: Subject \"a..b\" is not a valid subject");  // nats-server: 1:0
    EXPECT_EQ(error_of("accounts {\n  A: {\n    mappings: {\n      foo: \"a b\"\n    }\n  }\n}\n"),
              "test.conf:4:7: Error adding mapping for \"foo\" to \"a b\" : invalid mapping destination: invalid subject");
}
