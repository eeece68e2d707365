// The shared (L2) match cache must never serve a result that disagrees with
// the trie: every insert patches or evicts what it affects, and it stays bounded.
#include <gtest/gtest.h>

#include "test_subs.hpp"

namespace nats::routing {
namespace {

using test::make_sub;
using test::plain_tags;
using test::queue_tags;
using Tags = std::vector<std::string>;

TEST(SublistCache, MatchResultsAreCachedIncludingEmptyOnes) {
    Sublist sl;
    ASSERT_TRUE(sl.insert(make_sub("foo")));
    auto first = sl.match("foo");
    auto again = sl.match("foo");
    EXPECT_EQ(first.get(), again.get());
    sl.match("nobody.listens");
    EXPECT_EQ(sl.cache_entries(), 2u);
}

TEST(SublistCache, LiteralInsertPatchesCachedEntry) {
    Sublist sl;
    EXPECT_TRUE(sl.match("foo")->empty());
    ASSERT_EQ(sl.cache_entries(), 1u);
    ASSERT_TRUE(sl.insert(make_sub("foo")));
    EXPECT_EQ(sl.cache_entries(), 1u);  // patched in place, not dropped
    EXPECT_EQ(plain_tags(*sl.match("foo")), (Tags{"foo"}));
    ASSERT_TRUE(sl.insert(make_sub("foo", "q", "q1")));
    EXPECT_EQ(queue_tags(*sl.match("foo")), (std::vector<Tags>{{"q1"}}));
    ASSERT_TRUE(sl.insert(make_sub("foo", "q", "q2")));
    EXPECT_EQ(queue_tags(*sl.match("foo")), (std::vector<Tags>{{"q1", "q2"}}));
}

TEST(SublistCache, WildcardInsertUpdatesEveryCachedSubjectItMatches) {
    Sublist sl;
    ASSERT_TRUE(sl.insert(make_sub("a.b")));
    for (const char* s : {"a.b", "a.c", "a.b.c", "x.y", "a"}) sl.match(s);
    ASSERT_TRUE(sl.insert(make_sub("a.*")));
    EXPECT_EQ(plain_tags(*sl.match("a.b")), (Tags{"a.*", "a.b"}));
    EXPECT_EQ(plain_tags(*sl.match("a.c")), (Tags{"a.*"}));
    EXPECT_TRUE(sl.match("a.b.c")->empty());
    EXPECT_TRUE(sl.match("x.y")->empty());
    ASSERT_TRUE(sl.insert(make_sub("a.>")));
    EXPECT_EQ(plain_tags(*sl.match("a.b.c")), (Tags{"a.>"}));
    EXPECT_TRUE(sl.match("a")->empty());
    ASSERT_TRUE(sl.insert(make_sub(">", "all", "q>")));
    EXPECT_EQ(queue_tags(*sl.match("x.y")), (std::vector<Tags>{{"q>"}}));
    EXPECT_EQ(queue_tags(*sl.match("a")), (std::vector<Tags>{{"q>"}}));
    EXPECT_EQ(sl.cache_entries(), 5u);
}

TEST(SublistCache, RemoveEvictsAffectedEntriesOnly) {
    Sublist sl;
    auto lit = make_sub("a.b");
    auto wc = make_sub("a.*");
    ASSERT_TRUE(sl.insert(lit));
    ASSERT_TRUE(sl.insert(wc));
    for (const char* s : {"a.b", "a.c", "x.y"}) sl.match(s);
    ASSERT_EQ(sl.cache_entries(), 3u);

    ASSERT_TRUE(sl.remove(lit.get()));
    EXPECT_EQ(sl.cache_entries(), 2u);
    EXPECT_EQ(plain_tags(*sl.match("a.b")), (Tags{"a.*"}));

    ASSERT_TRUE(sl.remove(wc.get()));
    EXPECT_EQ(sl.cache_entries(), 1u);  // only "x.y" was unaffected
    EXPECT_TRUE(sl.match("a.b")->empty());
    EXPECT_TRUE(sl.match("a.c")->empty());
}

TEST(SublistCache, QueueMemberRemovalIsVisible) {
    Sublist sl;
    auto q1 = make_sub("jobs.*", "w", "q1");
    auto q2 = make_sub("jobs.*", "w", "q2");
    ASSERT_TRUE(sl.insert(q1));
    ASSERT_TRUE(sl.insert(q2));
    EXPECT_EQ(queue_tags(*sl.match("jobs.x")), (std::vector<Tags>{{"q1", "q2"}}));
    ASSERT_TRUE(sl.remove(q1.get()));
    EXPECT_EQ(queue_tags(*sl.match("jobs.x")), (std::vector<Tags>{{"q2"}}));
}

TEST(SublistCache, PublishedResultsAreNeverMutated) {
    Sublist sl;
    ASSERT_TRUE(sl.insert(make_sub("a.b")));
    auto before = sl.match("a.b");
    ASSERT_TRUE(sl.insert(make_sub("a.*")));
    ASSERT_TRUE(sl.insert(make_sub("a.b", "q")));
    EXPECT_EQ(plain_tags(*before), (Tags{"a.b"}));
    EXPECT_TRUE(before->queue_groups.empty());
    auto after = sl.match("a.b");
    EXPECT_NE(before.get(), after.get());
    EXPECT_EQ(test::total(*after), 3u);
}

TEST(SublistCache, BoundedAndTrimmedLikeNatsServer) {
    Sublist sl;
    ASSERT_TRUE(sl.insert(make_sub("u.>")));
    for (int i = 0; i < 1024; ++i) sl.match("u." + std::to_string(i));
    EXPECT_EQ(sl.cache_entries(), 1024u);
    sl.match("u.last");  // the 1025th entry triggers the trim to 512
    EXPECT_EQ(sl.cache_entries(), 512u);
    // The entry just stored survives the trim: matching it again is a hit.
    sl.match("u.last");
    EXPECT_EQ(sl.cache_entries(), 512u);
    for (int i = 0; i < 3000; ++i) {
        auto r = sl.match("v." + std::to_string(i));
        ASSERT_LE(sl.cache_entries(), 1024u);
        ASSERT_TRUE(r->empty());
    }
    EXPECT_EQ(plain_tags(*sl.match("u.7")), (Tags{"u.>"}));
}

TEST(SublistCache, SmallBatchEvictsAffectedLargeBatchClears) {
    Sublist sl;
    auto gone = make_sub("a.*");
    ASSERT_TRUE(sl.insert(gone));
    ASSERT_TRUE(sl.insert(make_sub("b")));
    for (const char* s : {"a.x", "a.y", "b"}) sl.match(s);
    sl.remove_batch({gone.get()});
    EXPECT_EQ(sl.cache_entries(), 1u);
    EXPECT_TRUE(sl.match("a.x")->empty());

    std::vector<std::shared_ptr<test::TaggedSub>> many;
    std::vector<const Subscription*> batch;
    for (int i = 0; i < 100; ++i) {
        many.push_back(make_sub("m." + std::to_string(i)));
        ASSERT_TRUE(sl.insert(many.back()));
        batch.push_back(many.back().get());
    }
    sl.match("m.5");
    sl.match("b");
    sl.remove_batch(batch);
    EXPECT_EQ(sl.cache_entries(), 0u);
    EXPECT_TRUE(sl.match("m.5")->empty());
    EXPECT_EQ(plain_tags(*sl.match("b")), (Tags{"b"}));
}


// Once the cache has filled, a subject met once (a unique reply inbox) is answered but
// not stored; met again it is. Results are right either way.
TEST(SublistCache, FullCacheStoresOnlySubjectsSeenTwice) {
    Sublist sl;
    ASSERT_TRUE(sl.insert(make_sub("_INBOX.*")));
    for (int i = 0; i < 1100; ++i) sl.match("fill." + std::to_string(i));  // past 1024: trimmed, doorkeeper on
    const std::size_t after_fill = sl.cache_entries();
    EXPECT_LE(after_fill, 1024u);
    for (int i = 0; i < 200; ++i) EXPECT_EQ(plain_tags(*sl.match("_INBOX." + std::to_string(i))), (Tags{"_INBOX.*"}));
    EXPECT_EQ(sl.cache_entries(), after_fill);  // each met once: none stored
    auto first = sl.match("_INBOX.again");
    auto second = sl.match("_INBOX.again");
    EXPECT_NE(first.get(), second.get());  // the second sighting stores it
    EXPECT_EQ(sl.cache_entries(), after_fill + 1);
    EXPECT_EQ(sl.match("_INBOX.again").get(), second.get());
    EXPECT_EQ(plain_tags(*second), (Tags{"_INBOX.*"}));
}

}  // namespace
}  // namespace nats::routing
