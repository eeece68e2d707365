// Subject grammar tables. Expectations for SUB and pedantic PUB were checked
// against nats-server 2.9.10 on the wire (-ERR 'Invalid Subject' /
// 'Invalid Publish Subject'); whitespace rows follow IsValidSubject.
#include <gtest/gtest.h>

#include <string>

#include "kernel/routing/subject.hpp"

namespace nats::routing {
namespace {

struct Row {
    std::string subject;
    bool valid;    // as a subscription subject
    bool literal;  // as a publish subject
};

const Row rows[] = {
    {"foo", true, true},
    {"foo.bar", true, true},
    {"foo.bar.baz", true, true},
    {"$JS.API.INFO", true, true},
    {"_INBOX.abc123.1", true, true},
    {"a-b_c/d:e=f", true, true},
    {"\xc3\xa9t\xc3\xa9.caf\xc3\xa9", true, true},  // UTF-8 bytes are ordinary token bytes
    {"*", true, false},
    {">", true, false},
    {"foo.*", true, false},
    {"foo.>", true, false},
    {"*.>", true, false},
    {"*.*.*", true, false},
    {"foo.*.bar", true, false},
    {"foo.*.>", true, false},
    // Wildcards only count as whole tokens.
    {"foo.*bar", true, true},
    {"foo.b*r", true, true},
    {"foo.>>", true, true},
    {"foo.b>", true, true},
    {"**", true, true},
    {">foo", true, true},
    // Empty tokens.
    {"", false, false},
    {".", false, false},
    {"..", false, false},
    {".foo", false, false},
    {"foo.", false, false},
    {"foo..bar", false, false},
    {"foo.*.", false, false},
    // '>' must be last.
    {"foo.>.bar", false, false},
    {">.foo", false, false},
    {">.>", false, false},
    {">.*", false, false},
    // Whitespace anywhere, including single-character tokens.
    {"foo bar", false, false},
    {" ", false, false},
    {"foo. ", false, false},
    {"foo.\tbar", false, false},
    {"foo\t", false, false},
    {"foo\r\n", false, false},
    {"foo.\n", false, false},
    {"a\fb", false, false},
    {"foo.\f.>", false, false},
};

TEST(SubjectValidation, SubscriptionSubjects) {
    for (const Row& r : rows) {
        EXPECT_EQ(is_valid_subject(r.subject), r.valid) << '"' << r.subject << '"';
    }
}

TEST(SubjectValidation, LiteralSubjects) {
    for (const Row& r : rows) {
        EXPECT_EQ(is_valid_literal_subject(r.subject), r.literal) << '"' << r.subject << '"';
    }
}

TEST(SubjectValidation, LiteralImpliesValid) {
    for (const Row& r : rows) {
        if (r.literal) {
            EXPECT_TRUE(r.valid) << '"' << r.subject << '"';
        }
    }
}

TEST(SubjectValidation, EmbeddedNulIsAnOrdinaryByte) {
    const std::string s("a\0b", 3);
    EXPECT_TRUE(is_valid_subject(s));
    EXPECT_TRUE(is_valid_literal_subject(s));
}

TEST(SubjectValidation, QueueNames) {
    EXPECT_TRUE(is_valid_queue_name("workers"));
    EXPECT_TRUE(is_valid_queue_name("q.with.dots"));
    EXPECT_TRUE(is_valid_queue_name("*"));
    EXPECT_TRUE(is_valid_queue_name(">"));
    EXPECT_FALSE(is_valid_queue_name(""));
    EXPECT_FALSE(is_valid_queue_name("two words"));
    EXPECT_FALSE(is_valid_queue_name("tab\t"));
    EXPECT_FALSE(is_valid_queue_name("\r\n"));
    EXPECT_FALSE(is_valid_queue_name("ff\f"));
}

}  // namespace
}  // namespace nats::routing
