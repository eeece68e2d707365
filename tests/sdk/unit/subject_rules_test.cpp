// nats_sdk/subject.hpp against nats-server 2.9.10's rules: the shared subject table
// (the integration test sends the same rows to a live server), matching, subset and
// collision tables, brute force over a small alphabet, and tokenizing.
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nats_sdk/subject.hpp"
#include "subject_rules_table.hpp"

namespace nats_sdk::subject {
namespace {

using test_tables::shown;
using test_tables::subject_rules;

TEST(SubjectRules, IsValidSubjectIsNatsServersIsValidSubject) {
    for (const auto& r : subject_rules) EXPECT_EQ(is_valid_subject(r.subject), r.valid) << shown(r.subject);
}

TEST(SubjectRules, IsValidPublishSubject) {
    for (const auto& r : subject_rules)
        EXPECT_EQ(is_valid_publish_subject(r.subject), r.publish_valid) << shown(r.subject);
}

TEST(SubjectRules, IsValidLiteralSubjectIsThePedanticPublishCheck) {
    for (const auto& r : subject_rules)
        EXPECT_EQ(is_valid_literal_subject(r.subject), r.literal_valid) << shown(r.subject);
}

TEST(SubjectRules, IsValidSubscribeSubjectIsSublistInsert) {
    for (const auto& r : subject_rules)
        EXPECT_EQ(is_valid_subscribe_subject(r.subject), r.subscribe_valid) << shown(r.subject);
}

TEST(SubjectRules, ImplicationsBetweenTheChecks) {
    for (const auto& r : subject_rules) {
        if (r.publish_valid) {
            EXPECT_TRUE(r.valid && r.literal_valid) << shown(r.subject);
        }
        if (r.valid) {
            EXPECT_TRUE(r.subscribe_valid) << shown(r.subject);
        }
        EXPECT_EQ(is_valid_publish_subject(r.subject), is_valid_subject(r.subject) && is_literal(r.subject));
    }
}

TEST(SubjectRules, EverySubscribableRowMatchesItselfWhenPublished) {
    // What the integration test sees: a SUB that was accepted gets the PUB on the same
    // subject back, wildcards included ("a.*" published is an ordinary token "*").
    for (const auto& r : subject_rules) {
        if (r.subscribe_valid) {
            EXPECT_TRUE(literal_matches(r.subject, r.subject)) << shown(r.subject);
        }
    }
}

TEST(SubjectRules, IsLiteralLooksOnlyAtWholeTokens) {
    EXPECT_TRUE(is_literal("a.b"));
    EXPECT_TRUE(is_literal("a.b*"));
    EXPECT_TRUE(is_literal("a.>>"));
    EXPECT_TRUE(is_literal("a..b"));  // not a validity check
    EXPECT_TRUE(is_literal(""));
    EXPECT_FALSE(is_literal("*"));
    EXPECT_FALSE(is_literal("a.>"));
    EXPECT_FALSE(is_literal("*.a"));
    EXPECT_FALSE(is_literal("a.*.b"));
    EXPECT_TRUE(has_wildcard(">"));
    EXPECT_FALSE(has_wildcard("x>"));
}

TEST(SubjectRules, QueueNames) {
    EXPECT_TRUE(is_valid_queue_name("workers"));
    EXPECT_TRUE(is_valid_queue_name("q.with.dots"));
    EXPECT_TRUE(is_valid_queue_name("*"));
    EXPECT_FALSE(is_valid_queue_name(""));
    EXPECT_FALSE(is_valid_queue_name("two words"));
    EXPECT_FALSE(is_valid_queue_name("tab\t"));
    EXPECT_FALSE(is_valid_queue_name("\r\n"));
    EXPECT_FALSE(is_valid_queue_name("ff\f"));
}

struct MatchRow {
    std::string_view literal;
    std::string_view pattern;
    bool matches;
};

TEST(LiteralMatches, Table) {
    const MatchRow rows[] = {
        {"foo", "foo", true},
        {"foo", "bar", false},
        {"foo.bar", "foo", false},
        {"foo", "foo.bar", false},
        {"foo", "*", true},
        {"foo.bar", "*", false},
        {"foo.bar", "foo.*", true},
        {"foo.bar", "*.bar", true},
        {"foo.bar.baz", "foo.*.baz", true},
        {"foo.bar.baz", "foo.*", false},
        {"foo", ">", true},
        {"foo.bar.baz", ">", true},
        {"foo.bar.baz", "foo.>", true},
        {"foo", "foo.>", false},  // '>' needs at least one token
        {"foo.bar", "foo.bar.>", false},
        {"foo", "*.>", false},
        // Tokens that merely contain wildcard characters are compared byte for byte.
        {"foo.bar", "foo.b*", false},
        {"foo.b*", "foo.b*", true},
        {"foo.bar", "foo.>x", false},
        // A '>' that is not last is an ordinary token (matchLiteral compares it).
        {"foo.bar.baz", "foo.>.baz", false},
        {"foo.>.baz", "foo.>.baz", true},
        // Wildcard tokens in a published subject are ordinary tokens.
        {"foo.*", "foo.*", true},
        {"foo.*", "foo.bar", false},
        {"foo.>", "foo.*", true},
        {"foo.>", "foo.>", true},
        // A literal with an empty token matches nothing (Sublist.Match returns nothing).
        {"", ">", false},
        {"", "", false},
        {"foo", "", false},
        {"foo..bar", "foo.>", false},
        {"foo..bar", "foo.*.bar", false},
        {"foo.", "foo.>", false},
        {".foo", ">", false},
        {"foo.bar", "foo..bar", false},
        // Whitespace and other bytes are ordinary.
        {"a\fb", "a\fb", true},
        {"a\fb.c", "*.c", true},
        {"\xff.x", "\xff.>", true},
    };
    for (const MatchRow& r : rows)
        EXPECT_EQ(literal_matches(r.literal, r.pattern), r.matches) << shown(r.literal) << " vs " << shown(r.pattern);
}

struct PairRow {
    std::string_view a;
    std::string_view b;
    bool expected;
};

TEST(SubjectsCollide, TableIncludingNatsServersQuirks) {
    const PairRow rows[] = {
        {"foo", "foo", true},
        {"foo", "bar", false},
        {"foo.bar", "foo", false},
        {"foo", "*", true},
        {"foo", ">", true},
        {"foo.bar", "*", false},
        {"foo.bar", "foo.*", true},
        {"foo", "foo.>", false},
        {"foo.*", "foo.>", true},
        {"foo.*", "*.bar", true},
        {"foo.*", "bar.*", false},
        {"foo.*", "foo.*.*", false},
        {"foo.>", "foo.*.*", true},
        {"foo.>", "bar.>", false},
        {"*.*", "*.*.>", false},
        {"*.*.>", "foo.>", true},
        {"a.*", "a.*.>", false},
        {"a.b.c", "a.*.>", true},
        // Quirks: with wildcards on both sides a token starting with '*' counts as one;
        // equal strings collide even when invalid.
        {"a.*b.>", "a.c.>", true},
        {"a.*b", "a.c", false},  // both literal: string compare
        {"", "", true},
        {"foo..bar", "foo..bar", true},
    };
    for (const PairRow& r : rows) {
        EXPECT_EQ(subjects_collide(r.a, r.b), r.expected) << r.a << " vs " << r.b;
        EXPECT_EQ(subjects_collide(r.b, r.a), r.expected) << r.b << " vs " << r.a << " (swapped)";
    }
}

TEST(IsSubsetMatch, TableIncludingNatsServersQuirks) {
    const PairRow rows[] = {
        {"foo.*", ">", true},
        {"foo.*", "*.*", true},
        {"foo.*", "foo.*", true},
        {"foo.*", "foo.bar", false},
        {"foo.bar", "foo.*", true},
        {"foo.bar", "foo.>", true},
        {"foo.>", "foo.*", false},
        {"foo.>", "foo.>", true},
        {"foo", "foo.bar", false},
        {"foo.bar", "foo", false},
        {"foo.bar", "foo..bar", false},
        // Quirks: ">" in the test accepts the rest unseen, empty tokens included;
        {"foo..bar", "foo.>", true},
        {"foo..bar", "*.*.*", false},
        // and a test token that starts with '*' accepts any literal token.
        {"foo.bar", "foo.*x", true},
    };
    for (const PairRow& r : rows) EXPECT_EQ(is_subset_match(r.a, r.b), r.expected) << r.a << " in " << r.b;
}

// Every sequence of 1..max_len tokens drawn from alphabet, joined by '.'.
std::vector<std::string> subjects_over(const std::vector<std::string>& alphabet, std::size_t max_len) {
    std::vector<std::string> out;
    std::vector<std::string> frontier{""};
    for (std::size_t len = 1; len <= max_len; ++len) {
        std::vector<std::string> next;
        for (const std::string& prefix : frontier) {
            for (const std::string& t : alphabet) next.push_back(prefix.empty() ? t : prefix + "." + t);
        }
        out.insert(out.end(), next.begin(), next.end());
        frontier = std::move(next);
    }
    return out;
}

// On valid filters made of whole-token wildcards, SubjectsCollide is exactly "some
// literal subject matches both", and subset match is "every literal matched by the
// first is matched by the second".
TEST(SubjectsCollide, AgreesWithBruteForceOnValidFilters) {
    std::vector<std::string> filters;
    for (const std::string& f : subjects_over({"a", "b", "*", ">"}, 3)) {
        if (is_valid_subject(f)) filters.push_back(f);
    }
    // "z" appears in no filter, so it stands for every other token; one token longer
    // than the longest filter is enough to witness any '>' overlap.
    const std::vector<std::string> literals = subjects_over({"a", "b", "z"}, 4);
    ASSERT_GT(filters.size(), 50u);
    for (const std::string& a : filters) {
        for (const std::string& b : filters) {
            bool some = false;
            bool all = true;
            for (const std::string& l : literals) {
                const bool in_a = literal_matches(l, a);
                const bool in_b = literal_matches(l, b);
                some = some || (in_a && in_b);
                all = all && (!in_a || in_b);
            }
            ASSERT_EQ(subjects_collide(a, b), some) << a << " vs " << b;
            // nats-server's subset match is conservative: it may say no where every
            // literal agrees (a "*" under a literal token), never yes wrongly.
            if (is_subset_match(a, b)) {
                ASSERT_TRUE(all) << a << " in " << b;
            }
        }
    }
}

TEST(Tokens, CursorNumTokensTokenAt) {
    EXPECT_EQ(num_tokens(""), 0u);
    EXPECT_EQ(num_tokens("a"), 1u);
    EXPECT_EQ(num_tokens("a..b"), 3u);
    EXPECT_EQ(num_tokens(test_tables::many_tokens.view()), 1000u);
    EXPECT_EQ(token_at("a.b.c", 1), "a");
    EXPECT_EQ(token_at("a.b.c", 3), "c");
    EXPECT_EQ(token_at("a.b.c", 4), "");
    EXPECT_EQ(token_at("a.b.c", 0), "");
    const std::vector<std::string_view> expected{"", "a", "", "b", ""};
    EXPECT_EQ(tokens(".a..b."), expected);
    EXPECT_EQ(last_token("greet.alice"), "alice");
    EXPECT_EQ(last_token("single"), "single");
    EXPECT_EQ(last_token("a."), "");
    TokenCursor cursor("x.y");
    ASSERT_TRUE(cursor.next());
    EXPECT_EQ(cursor.token(), "x");
    EXPECT_TRUE(cursor.has_more());
    ASSERT_TRUE(cursor.next());
    EXPECT_EQ(cursor.token(), "y");
    EXPECT_FALSE(cursor.has_more());
    EXPECT_FALSE(cursor.next());
}

// Everything is constexpr: a plugin can check a subject at compile time.
static_assert(is_valid_subject("a.*.>") && !is_valid_subject("a.>.b"));
static_assert(literal_matches("a.b.c", "a.>") && !literal_matches("a", "a.>"));
static_assert(subjects_collide("a.*", "*.b"));

}  // namespace
}  // namespace nats_sdk::subject
