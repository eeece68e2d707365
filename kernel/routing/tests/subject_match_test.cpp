// subject_matches and subjects_overlap, by table and by brute force over a
// small alphabet (the definition: some literal subject matches both filters).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel/routing/subject.hpp"

namespace nats::routing {
namespace {

struct MatchRow {
    std::string literal;
    std::string filter;
    bool matches;
};

TEST(SubjectMatches, Table) {
    const MatchRow rows[] = {
        {"foo", "foo", true},
        {"foo", "bar", false},
        {"foo.bar", "foo.bar", true},
        {"foo.bar", "foo", false},
        {"foo", "foo.bar", false},
        {"foo", "*", true},
        {"foo.bar", "*", false},
        {"foo.bar", "foo.*", true},
        {"foo.bar", "*.bar", true},
        {"foo.bar", "*.*", true},
        {"foo.bar.baz", "foo.*", false},
        {"foo.bar.baz", "foo.*.baz", true},
        {"foo.bar.baz", "foo.*.qux", false},
        {"foo", ">", true},
        {"foo.bar.baz", ">", true},
        {"foo.bar", "foo.>", true},
        {"foo.bar.baz", "foo.>", true},
        {"foo", "foo.>", false},  // '>' needs at least one token
        {"bar.baz", "foo.>", false},
        {"foo.bar.baz", "*.>", true},
        {"foo", "*.>", false},
        {"foo.bar", "foo.bar.>", false},
        // Tokens that merely contain wildcard characters are literal.
        {"foo.bar", "foo.b*", false},
        {"foo.b*", "foo.b*", true},
        {"foo.bar", "foo.>x", false},
        // A published subject with a '*' or '>' token (allowed without
        // pedantic) is matched only by wildcards or by exactly that text.
        {"foo.*", "foo.*", true},
        {"foo.*", "foo.bar", false},
        {"foo.>", "foo.*", true},
        {"foo.>", "foo.>", true},
        // Malformed input never matches.
        {"", ">", false},
        {"", "", false},
        {"foo", "", false},
        {"foo..bar", "foo.>", false},
        {"foo..bar", "foo.*.bar", false},
        {"foo.", "foo.>", false},
        {".foo", ">", false},
        {"foo.bar", "foo..bar", false},
        {"foo.bar.baz", "foo.>.baz", false},
    };
    for (const MatchRow& r : rows) {
        EXPECT_EQ(subject_matches(r.literal, r.filter), r.matches) << r.literal << " vs " << r.filter;
    }
}

struct OverlapRow {
    std::string a;
    std::string b;
    bool overlap;
};

TEST(SubjectsOverlap, Table) {
    const OverlapRow rows[] = {
        {"foo", "foo", true},
        {"foo", "bar", false},
        {"foo.bar", "foo", false},
        {"foo", "*", true},
        {"foo", ">", true},
        {"foo.bar", "*", false},
        {"foo.bar", "foo.*", true},
        {"foo.bar", "foo.>", true},
        {"foo", "foo.>", false},
        {"foo.*", "foo.>", true},
        {"foo.*", "*.bar", true},
        {"foo.*", "bar.*", false},
        {"foo.*", "foo.*.*", false},
        {"foo.>", "foo.*.*", true},
        {"foo.>", "*.>", true},
        {"foo.>", "bar.>", false},
        {"*.>", ">", true},
        {"*.*", "*.*.>", false},
        {"*.*.>", "foo.>", true},
        {"a.>", "a.*.>", true},
        {"a.*", "a.*.>", false},
        {"a.b.c", "a.*.>", true},
        {"a.b", "a.*.>", false},
        // A token starting with '*' is literal (nats-server's SubjectsCollide
        // compares only first characters and would report this as a collision).
        {"a.*b.>", "a.c.>", false},
        {"a.*b.>", "a.*b.>", true},
        // Invalid filters overlap with nothing, not even themselves.
        {"", "", false},
        {"foo..bar", "foo..bar", false},
        {"foo.>.bar", ">", false},
        {">", "foo bar", false},
    };
    for (const OverlapRow& r : rows) {
        EXPECT_EQ(subjects_overlap(r.a, r.b), r.overlap) << r.a << " vs " << r.b;
        EXPECT_EQ(subjects_overlap(r.b, r.a), r.overlap) << r.b << " vs " << r.a << " (swapped)";
    }
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

TEST(SubjectsOverlap, AgreesWithBruteForce) {
    std::vector<std::string> filters;
    for (const std::string& f : subjects_over({"a", "b", "*", ">"}, 3)) {
        if (is_valid_subject(f)) filters.push_back(f);
    }
    // "z" appears in no filter, so it stands for every other token; one token
    // longer than the longest filter is enough to witness any '>' overlap.
    const std::vector<std::string> literals = subjects_over({"a", "b", "z"}, 4);
    ASSERT_GT(filters.size(), 50u);
    for (const std::string& a : filters) {
        for (const std::string& b : filters) {
            bool witness = false;
            for (const std::string& l : literals) {
                if (subject_matches(l, a) && subject_matches(l, b)) {
                    witness = true;
                    break;
                }
            }
            ASSERT_EQ(subjects_overlap(a, b), witness) << a << " vs " << b;
        }
    }
}

}  // namespace
}  // namespace nats::routing
