// The per-thread direct-mapped cache in front of Sublist::match.
#include <gtest/gtest.h>

#include "test_subs.hpp"

namespace nats::routing {
namespace {

using test::make_sub;
using test::plain_tags;
using Tags = std::vector<std::string>;

TEST(ThreadMatchCache, HitReturnsTheSameResultUntilTheGenerationMoves) {
    Sublist sl;
    ThreadMatchCache cache;
    ASSERT_TRUE(sl.insert(make_sub("foo")));
    const MatchResult* first = cache.match(sl, "foo");
    EXPECT_EQ(plain_tags(*first), (Tags{"foo"}));
    EXPECT_EQ(cache.match(sl, "foo"), first);
    // A cached result belongs to the cache: L2 trimming or eviction must not free it.
    for (int i = 0; i < 2000; ++i) sl.match("other." + std::to_string(i));
    EXPECT_EQ(cache.match(sl, "foo"), first);
    EXPECT_EQ(plain_tags(*first), (Tags{"foo"}));
}

TEST(ThreadMatchCache, InsertAndRemoveInvalidate) {
    Sublist sl;
    ThreadMatchCache cache;
    EXPECT_TRUE(cache.match(sl, "a.b")->empty());
    auto wc = make_sub("a.*");
    ASSERT_TRUE(sl.insert(wc));
    EXPECT_EQ(plain_tags(*cache.match(sl, "a.b")), (Tags{"a.*"}));
    auto lit = make_sub("a.b");
    ASSERT_TRUE(sl.insert(lit));
    EXPECT_EQ(plain_tags(*cache.match(sl, "a.b")), (Tags{"a.*", "a.b"}));
    ASSERT_TRUE(sl.remove(wc.get()));
    EXPECT_EQ(plain_tags(*cache.match(sl, "a.b")), (Tags{"a.b"}));
    sl.remove_batch({lit.get()});
    EXPECT_TRUE(cache.match(sl, "a.b")->empty());
}

TEST(ThreadMatchCache, KeepsSublistsApart) {
    Sublist one;
    Sublist two;
    ASSERT_TRUE(one.insert(make_sub("x", "", "in-one")));
    ASSERT_TRUE(two.insert(make_sub("x", "", "in-two")));
    ThreadMatchCache cache(1);  // a single slot: both always collide
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(plain_tags(*cache.match(one, "x")), (Tags{"in-one"}));
        EXPECT_EQ(plain_tags(*cache.match(two, "x")), (Tags{"in-two"}));
    }
}

TEST(ThreadMatchCache, CollidingSubjectsStayCorrect) {
    Sublist sl;
    ASSERT_TRUE(sl.insert(make_sub("a")));
    ASSERT_TRUE(sl.insert(make_sub("b")));
    for (std::size_t slots : {0u, 1u, 3u}) {
        ThreadMatchCache cache(slots);
        for (int i = 0; i < 4; ++i) {
            EXPECT_EQ(plain_tags(*cache.match(sl, "a")), (Tags{"a"}));
            EXPECT_EQ(plain_tags(*cache.match(sl, "b")), (Tags{"b"}));
            EXPECT_TRUE(cache.match(sl, "c")->empty());
        }
    }
}

TEST(ThreadMatchCache, ARecycledSublistAddressIsNotTrusted) {
    ThreadMatchCache cache;
    for (int round = 0; round < 10; ++round) {
        auto sl = std::make_unique<Sublist>();
        const std::string tag = "round" + std::to_string(round);
        ASSERT_TRUE(sl->insert(make_sub("s", "", tag)));
        EXPECT_EQ(plain_tags(*cache.match(*sl, "s")), (Tags{tag}));
    }
}

TEST(ThreadMatchCache, ClearReleasesHeldSubscriptions) {
    Sublist sl;
    ThreadMatchCache cache;
    auto sub = make_sub("held");
    std::weak_ptr<test::TaggedSub> watch = sub;
    ASSERT_TRUE(sl.insert(sub));
    ASSERT_EQ(cache.match(sl, "held")->plain.size(), 1u);
    ASSERT_TRUE(sl.remove(sub.get()));
    sub.reset();
    EXPECT_FALSE(watch.expired());  // the slot still holds the old result
    cache.clear();
    EXPECT_TRUE(watch.expired());
    EXPECT_TRUE(cache.match(sl, "held")->empty());
}

}  // namespace
}  // namespace nats::routing
