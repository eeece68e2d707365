// The republish mapping rules of nats-server 2.9.10's newTransform.
#include <gtest/gtest.h>

#include "stream/subject_transform.hpp"

namespace nmk::jetstream {
namespace {

TEST(SubjectTransform, PlaceholdersCarryWildcardTokens) {
    auto t = SubjectTransform::make("orders.*.*", "copy.$2.{{wildcard(1)}}");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->apply("orders.eu.42"), "copy.42.eu");
    t = SubjectTransform::make("a.>", "b.>");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->apply("a.x.y.z"), "b.x.y.z");
    t = SubjectTransform::make("a.*.>", "b.$1.c.>");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->apply("a.1.2.3"), "b.1.c.2.3");
    t = SubjectTransform::make("lit", "other");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->apply("lit"), "other");
}

TEST(SubjectTransform, RefusedAsNatsServerRefuses) {
    EXPECT_FALSE(SubjectTransform::make("a.*", "b.*"));          // a `*` in the destination
    EXPECT_FALSE(SubjectTransform::make("a.*", "b"));            // a wildcard not used
    EXPECT_FALSE(SubjectTransform::make("a.*", "b.$2"));         // no second wildcard
    EXPECT_FALSE(SubjectTransform::make("a.>", "b"));            // `>` on one side only
    EXPECT_FALSE(SubjectTransform::make("a", "b.>"));
    EXPECT_FALSE(SubjectTransform::make("a..b", "c"));           // not a subject
    EXPECT_FALSE(SubjectTransform::make("a.*", "b.{{partition(3,1)}}"));  // not supported here
    EXPECT_FALSE(SubjectTransform::make("a.*", "b.$0"));
}

}  // namespace
}  // namespace nmk::jetstream
