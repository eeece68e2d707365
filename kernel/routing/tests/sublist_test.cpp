// Trie semantics: matching, queue grouping, insert/remove bookkeeping, generation.
#include <gtest/gtest.h>

#include <random>
#include <set>

#include <nats_sdk/subject.hpp>

#include "test_subs.hpp"

namespace nats::routing {
namespace {

using test::make_sub;
using test::plain_tags;
using test::queue_tags;
using Tags = std::vector<std::string>;

TEST(Sublist, EmptyMatchesNothingAndIsNeverNull) {
    Sublist sl;
    auto r = sl.match("foo");
    ASSERT_NE(r, nullptr);
    EXPECT_TRUE(r->empty());
    EXPECT_EQ(sl.count(), 0u);
}

TEST(Sublist, LiteralAndWildcardSemantics) {
    Sublist sl;
    for (const char* s : {"foo", "foo.bar", "foo.*", "foo.>", "*.bar", "*", ">", "*.*.baz", "foo.bar.baz"}) {
        ASSERT_TRUE(sl.insert(make_sub(s))) << s;
    }
    EXPECT_EQ(plain_tags(*sl.match("foo")), (Tags{"*", ">", "foo"}));
    EXPECT_EQ(plain_tags(*sl.match("foo.bar")), (Tags{"*.bar", ">", "foo.*", "foo.>", "foo.bar"}));
    EXPECT_EQ(plain_tags(*sl.match("foo.bar.baz")), (Tags{"*.*.baz", ">", "foo.>", "foo.bar.baz"}));
    EXPECT_EQ(plain_tags(*sl.match("bar")), (Tags{"*", ">"}));
    EXPECT_EQ(plain_tags(*sl.match("x.y.z.w")), (Tags{">"}));
}

TEST(Sublist, FullWildcardNeedsAtLeastOneToken) {
    Sublist sl;
    ASSERT_TRUE(sl.insert(make_sub("a.>")));
    EXPECT_TRUE(sl.match("a")->empty());
    EXPECT_EQ(plain_tags(*sl.match("a.b")), (Tags{"a.>"}));
    EXPECT_EQ(plain_tags(*sl.match("a.b.c.d")), (Tags{"a.>"}));
    EXPECT_TRUE(sl.match("b.c")->empty());
}

TEST(Sublist, WildcardTokensInPublishedSubject) {
    // Same deliveries as nats-server 2.9.10 for a non-pedantic PUB (checked live).
    Sublist sl;
    for (const char* s : {"foo.*", "foo.>", "*.*", "foo.bar", ">", "foo", "*"}) ASSERT_TRUE(sl.insert(make_sub(s)));
    EXPECT_EQ(plain_tags(*sl.match("foo.*")), (Tags{"*.*", ">", "foo.*", "foo.>"}));
    EXPECT_EQ(plain_tags(*sl.match("foo.>")), (Tags{"*.*", ">", "foo.*", "foo.>"}));
    EXPECT_EQ(plain_tags(*sl.match("foo")), (Tags{"*", ">", "foo"}));
    EXPECT_EQ(plain_tags(*sl.match("foo.bar.baz")), (Tags{">", "foo.>"}));
}

TEST(Sublist, MalformedPublishSubjectMatchesNothing) {
    Sublist sl;
    ASSERT_TRUE(sl.insert(make_sub(">")));
    for (const char* s : {"", ".", "foo..bar", ".foo", "foo."}) {
        EXPECT_TRUE(sl.match(s)->empty()) << s;
    }
    EXPECT_EQ(sl.cache_entries(), 0u);  // and is not cached
}

// nats-server's Sublist.Insert rule: empty tokens and tokens after '>' are refused;
// whitespace is the wire's business (it splits arguments first), not the index's.
TEST(Sublist, InvalidSubscriptionsAreRejected) {
    Sublist sl;
    for (const char* s : {"", "foo..bar", "foo.", ".foo", "foo.>.bar", ">.>"}) {
        EXPECT_FALSE(sl.insert(make_sub(s))) << s;
    }
    EXPECT_FALSE(sl.insert(nullptr));
    EXPECT_EQ(sl.count(), 0u);
    EXPECT_TRUE(sl.all().empty());
}

TEST(Sublist, WhitespaceIsAnOrdinaryByteInTheIndex) {
    Sublist sl;
    auto ff = make_sub("foo\fbar", "", "ff");
    auto queued = make_sub("foo", "q\fx", "queued");
    ASSERT_TRUE(sl.insert(ff));
    ASSERT_TRUE(sl.insert(queued));
    EXPECT_EQ(plain_tags(*sl.match("foo\fbar")), Tags{"ff"});
    EXPECT_EQ(sl.match("foo")->queue_groups.size(), 1u);
}

TEST(Sublist, SameObjectTwiceIsRejected) {
    Sublist sl;
    auto plain = make_sub("foo");
    auto queued = make_sub("foo", "q");
    ASSERT_TRUE(sl.insert(plain));
    ASSERT_TRUE(sl.insert(queued));
    const auto gen = sl.generation();
    EXPECT_FALSE(sl.insert(plain));
    EXPECT_FALSE(sl.insert(queued));
    EXPECT_EQ(sl.generation(), gen);
    EXPECT_EQ(sl.count(), 2u);
    EXPECT_EQ(test::total(*sl.match("foo")), 2u);
    // A distinct object with the same subject is a distinct subscription.
    EXPECT_TRUE(sl.insert(make_sub("foo")));
    EXPECT_EQ(test::total(*sl.match("foo")), 3u);
}

TEST(Sublist, QueueSubscriptionsAreGroupedPerQueueName) {
    Sublist sl;
    ASSERT_TRUE(sl.insert(make_sub("orders.new", "", "p1")));
    ASSERT_TRUE(sl.insert(make_sub("orders.new", "workers", "w1")));
    ASSERT_TRUE(sl.insert(make_sub("orders.new", "workers", "w2")));
    // Same group name on a wildcard node lands in the same group.
    ASSERT_TRUE(sl.insert(make_sub("orders.*", "workers", "w3")));
    ASSERT_TRUE(sl.insert(make_sub("orders.>", "audit", "a1")));
    ASSERT_TRUE(sl.insert(make_sub("orders.*", "", "p2")));

    auto r = sl.match("orders.new");
    EXPECT_EQ(plain_tags(*r), (Tags{"p1", "p2"}));
    EXPECT_EQ(queue_tags(*r), (std::vector<Tags>{{"a1"}, {"w1", "w2", "w3"}}));
    for (const auto& group : r->queue_groups) {
        ASSERT_FALSE(group.empty());
        for (const auto& s : group) EXPECT_EQ(s->queue, group.front()->queue);
    }

    auto other = sl.match("orders.old");
    EXPECT_EQ(plain_tags(*other), (Tags{"p2"}));
    EXPECT_EQ(queue_tags(*other), (std::vector<Tags>{{"a1"}, {"w3"}}));
}

TEST(Sublist, RemoveExactlyThatObject) {
    Sublist sl;
    auto a = make_sub("foo", "", "a");
    auto b = make_sub("foo", "", "b");
    auto q1 = make_sub("foo", "q", "q1");
    auto q2 = make_sub("foo", "q", "q2");
    for (auto& s : {a, b, q1, q2}) ASSERT_TRUE(sl.insert(s));

    EXPECT_TRUE(sl.remove(a.get()));
    EXPECT_FALSE(sl.remove(a.get()));
    auto stranger = make_sub("foo", "", "a");  // equal fields, different object
    EXPECT_FALSE(sl.remove(stranger.get()));
    EXPECT_FALSE(sl.remove(nullptr));
    EXPECT_EQ(plain_tags(*sl.match("foo")), (Tags{"b"}));

    EXPECT_TRUE(sl.remove(q1.get()));
    EXPECT_EQ(queue_tags(*sl.match("foo")), (std::vector<Tags>{{"q2"}}));
    EXPECT_TRUE(sl.remove(q2.get()));
    EXPECT_TRUE(sl.match("foo")->queue_groups.empty());
    EXPECT_EQ(sl.count(), 1u);
}

TEST(Sublist, RemoveOfNeverInsertedSubjects) {
    Sublist sl;
    ASSERT_TRUE(sl.insert(make_sub("a.b.c")));
    EXPECT_FALSE(sl.remove(make_sub("a.b").get()));
    EXPECT_FALSE(sl.remove(make_sub("a.b.c.d").get()));
    EXPECT_FALSE(sl.remove(make_sub("a.*.c").get()));
    EXPECT_FALSE(sl.remove(make_sub("foo..bar").get()));
    EXPECT_FALSE(sl.remove(make_sub("a.b.c", "q").get()));
    EXPECT_EQ(sl.count(), 1u);
}

TEST(Sublist, RemovingLeavesSiblingsAndPrefixesIntact) {
    Sublist sl;
    auto deep = make_sub("a.b.c.d");
    auto mid = make_sub("a.b");
    auto sib = make_sub("a.b.x");
    for (auto& s : {deep, mid, sib}) ASSERT_TRUE(sl.insert(s));
    ASSERT_TRUE(sl.remove(deep.get()));
    EXPECT_TRUE(sl.match("a.b.c.d")->empty());
    EXPECT_EQ(plain_tags(*sl.match("a.b")), (Tags{"a.b"}));
    EXPECT_EQ(plain_tags(*sl.match("a.b.x")), (Tags{"a.b.x"}));
    ASSERT_TRUE(sl.remove(mid.get()));
    EXPECT_EQ(plain_tags(*sl.match("a.b.x")), (Tags{"a.b.x"}));
    ASSERT_TRUE(sl.remove(sib.get()));
    EXPECT_EQ(sl.count(), 0u);
    // Pruned paths can be rebuilt.
    ASSERT_TRUE(sl.insert(deep));
    EXPECT_EQ(plain_tags(*sl.match("a.b.c.d")), (Tags{"a.b.c.d"}));
}

TEST(Sublist, RemoveBatch) {
    Sublist sl;
    std::vector<std::shared_ptr<test::TaggedSub>> subs;
    for (const char* s : {"a", "a.b", "a.*", "a.>", ">", "b.c"}) subs.push_back(make_sub(s));
    auto keep = make_sub("a.b", "", "keep");
    for (auto& s : subs) ASSERT_TRUE(sl.insert(s));
    ASSERT_TRUE(sl.insert(keep));

    const auto gen = sl.generation();
    auto stranger = make_sub("a.b");
    std::vector<const Subscription*> batch;
    for (auto& s : subs) batch.push_back(s.get());
    batch.push_back(stranger.get());  // absent members are skipped
    batch.push_back(nullptr);
    sl.remove_batch(batch);
    EXPECT_GT(sl.generation(), gen);
    EXPECT_EQ(sl.count(), 1u);
    EXPECT_EQ(plain_tags(*sl.match("a.b")), (Tags{"keep"}));
    EXPECT_TRUE(sl.match("a")->empty());
    EXPECT_TRUE(sl.match("b.c")->empty());

    const auto after = sl.generation();
    sl.remove_batch(batch);  // nothing left to remove: no change
    sl.remove_batch({});
    EXPECT_EQ(sl.generation(), after);
    EXPECT_EQ(sl.count(), 1u);
}

TEST(Sublist, GenerationChangesOnEveryInsertAndRemoveOnly) {
    Sublist sl;
    auto g0 = sl.generation();
    auto s = make_sub("foo");
    ASSERT_TRUE(sl.insert(s));
    auto g1 = sl.generation();
    EXPECT_NE(g1, g0);
    sl.match("foo");
    sl.match("bar");
    EXPECT_EQ(sl.generation(), g1);
    EXPECT_FALSE(sl.insert(make_sub("foo..bar")));
    EXPECT_EQ(sl.generation(), g1);
    ASSERT_TRUE(sl.remove(s.get()));
    auto g2 = sl.generation();
    EXPECT_NE(g2, g1);
    EXPECT_FALSE(sl.remove(s.get()));
    EXPECT_EQ(sl.generation(), g2);
}

TEST(Sublist, GenerationsAreNeverSharedBetweenSublists) {
    std::set<std::uint64_t> seen;
    for (int i = 0; i < 20; ++i) {
        Sublist sl;
        EXPECT_TRUE(seen.insert(sl.generation()).second);
        ASSERT_TRUE(sl.insert(make_sub("x")));
        EXPECT_TRUE(seen.insert(sl.generation()).second);
    }
}

TEST(Sublist, CountAndAll) {
    Sublist sl;
    std::set<std::string> expected;
    for (int i = 0; i < 50; ++i) {
        auto s = make_sub("svc." + std::to_string(i % 7) + ".x" + std::to_string(i), i % 3 ? "" : "g");
        expected.insert(test::tag_of(s));
        ASSERT_TRUE(sl.insert(s));
    }
    EXPECT_EQ(sl.count(), 50u);
    std::set<std::string> got;
    for (const auto& s : sl.all()) got.insert(test::tag_of(s));
    EXPECT_EQ(got, expected);
}

TEST(Sublist, WideLevelsSurviveGrowthAndShrink) {
    // One level with thousands of literal children: exercises the child
    // table's switch to hashing, its growth, deletion and shrink back.
    Sublist sl;
    std::vector<std::shared_ptr<test::TaggedSub>> subs;
    for (int i = 0; i < 3000; ++i) subs.push_back(make_sub("wide." + std::to_string(i)));
    for (auto& s : subs) ASSERT_TRUE(sl.insert(s));
    for (int i = 0; i < 3000; i += 2) ASSERT_TRUE(sl.remove(subs[i].get()));
    for (int i = 0; i < 3000; ++i) {
        auto r = sl.match("wide." + std::to_string(i));
        ASSERT_EQ(r->plain.size(), i % 2 ? 1u : 0u) << i;
    }
    for (int i = 1; i < 3000; i += 2) {
        if (i > 7) {
            ASSERT_TRUE(sl.remove(subs[i].get()));
        }
    }
    for (int i = 1; i < 8; i += 2) EXPECT_EQ(sl.match("wide." + std::to_string(i))->plain.size(), 1u) << i;
    EXPECT_EQ(sl.count(), 4u);
}

// The trie walk must agree with nats_sdk::subject::literal_matches for every filter and subject.
TEST(Sublist, AgreesWithSubjectMatchesOnRandomSubjects) {
    std::mt19937 rng(1234);
    const std::vector<std::string> words{"a", "b", "c", "*", ">"};
    auto random_subject = [&](bool literal) {
        std::string s;
        const int len = 1 + static_cast<int>(rng() % 4);
        for (int i = 0; i < len; ++i) {
            if (i) s += '.';
            s += words[rng() % (literal ? 3 : words.size())];
        }
        return s;
    };
    Sublist sl;
    std::vector<std::shared_ptr<test::TaggedSub>> subs;
    for (int i = 0; i < 300; ++i) {
        std::string f = random_subject(false);
        if (!nats_sdk::subject::is_valid_subject(f)) continue;
        auto s = make_sub(f, "", f + "#" + std::to_string(i));
        ASSERT_TRUE(sl.insert(s));
        subs.push_back(s);
    }
    for (int i = 0; i < 200; ++i) {
        const std::string subject = random_subject(true);
        Tags expected;
        for (const auto& s : subs) {
            if (nats_sdk::subject::literal_matches(subject, s->subject)) expected.push_back(s->tag);
        }
        std::sort(expected.begin(), expected.end());
        ASSERT_EQ(plain_tags(*sl.match(subject)), expected) << subject;
    }
}

}  // namespace
}  // namespace nats::routing
