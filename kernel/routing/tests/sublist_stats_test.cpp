// Sublist::stats: nats-server's SublistStats (server/sublist.go) — inserts and
// removes that changed the index, every match() and the ones the shared cache
// answered, and the fan-out of cached results (queue groups count once).
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "test_subs.hpp"

namespace nats::routing {
namespace {

using test::make_sub;

TEST(SublistStats, StartAtZero) {
    Sublist sl;
    const SublistStats s = sl.stats();
    EXPECT_EQ(s.subscriptions, 0u);
    EXPECT_EQ(s.cache_entries, 0u);
    EXPECT_EQ(s.inserts, 0u);
    EXPECT_EQ(s.removes, 0u);
    EXPECT_EQ(s.matches, 0u);
    EXPECT_EQ(s.cache_hits, 0u);
    EXPECT_EQ(s.max_fanout, 0u);
    EXPECT_EQ(s.total_fanout, 0u);
}

TEST(SublistStats, CountOnlyInsertsAndRemovesThatChangedTheIndex) {
    Sublist sl;
    auto a = make_sub("a");
    auto b = make_sub("b.*");
    auto c = make_sub("c", "q");
    ASSERT_TRUE(sl.insert(a));
    ASSERT_TRUE(sl.insert(b));
    ASSERT_TRUE(sl.insert(c));
    EXPECT_FALSE(sl.insert(a)) << "the same object twice is refused";
    EXPECT_FALSE(sl.insert(make_sub("bad..subject")));
    EXPECT_FALSE(sl.insert(make_sub("a.>.b")));
    EXPECT_EQ(sl.stats().inserts, 3u);
    EXPECT_EQ(sl.stats().subscriptions, 3u);

    EXPECT_TRUE(sl.remove(a.get()));
    EXPECT_FALSE(sl.remove(a.get())) << "already gone";
    EXPECT_FALSE(sl.remove(nullptr));
    EXPECT_EQ(sl.stats().removes, 1u);

    // A batch counts each subscription it actually removed.
    sl.remove_batch({b.get(), c.get(), a.get(), nullptr});
    const SublistStats s = sl.stats();
    EXPECT_EQ(s.removes, 3u);
    EXPECT_EQ(s.inserts, 3u) << "removing never lowers the insert count";
    EXPECT_EQ(s.subscriptions, 0u);
}

TEST(SublistStats, EveryMatchCountsAndCacheHitsAreTheRepeats) {
    Sublist sl;
    ASSERT_TRUE(sl.insert(make_sub("foo")));
    sl.match("foo");          // miss, stored
    sl.match("foo");          // hit
    sl.match("foo");          // hit
    sl.match("nobody");       // miss, empty result stored too
    sl.match("bad..subject"); // counted, never cached
    const SublistStats s = sl.stats();
    EXPECT_EQ(s.matches, 5u);
    EXPECT_EQ(s.cache_hits, 2u);
    EXPECT_EQ(s.cache_entries, 2u);
}

TEST(SublistStats, ThreadMatchCacheHitsDoNotReachTheIndex) {
    // nats-server counts lookups in the account's sublist, not hits of the
    // per-connection cache in front of it; our per-thread cache is that layer.
    Sublist sl;
    ASSERT_TRUE(sl.insert(make_sub("foo")));
    ThreadMatchCache l1(64);
    for (int i = 0; i < 10; ++i) l1.match(sl, "foo");
    EXPECT_EQ(sl.stats().matches, 1u);
    ASSERT_TRUE(sl.insert(make_sub("foo", {}, "second")));  // new generation: the slot misses once
    l1.match(sl, "foo");
    l1.match(sl, "foo");
    const SublistStats s = sl.stats();
    EXPECT_EQ(s.matches, 2u);
    EXPECT_EQ(s.cache_hits, 1u) << "the insert patched the shared entry, so the second lookup hit it";
}

TEST(SublistStats, FanoutCountsPlainSubscriptionsAndQueueGroupsOfCachedResults) {
    Sublist sl;
    ASSERT_TRUE(sl.insert(make_sub("orders", {}, "p1")));
    ASSERT_TRUE(sl.insert(make_sub("orders", {}, "p2")));
    ASSERT_TRUE(sl.insert(make_sub("orders.*", {}, "w")));
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(sl.insert(make_sub("orders", "workers", "q" + std::to_string(i))));
    ASSERT_TRUE(sl.insert(make_sub("orders", "audit", "a")));
    ASSERT_TRUE(sl.insert(make_sub("orders.new")));

    EXPECT_EQ(sl.stats().max_fanout, 0u) << "nothing cached yet";
    sl.match("orders");      // p1, p2 + groups workers and audit: 4
    sl.match("orders.new");  // orders.new, orders.*: 2
    sl.match("empty");       // 0
    const SublistStats s = sl.stats();
    EXPECT_EQ(s.cache_entries, 3u);
    EXPECT_EQ(s.max_fanout, 4u) << "a queue group counts once, whatever its size";
    EXPECT_EQ(s.total_fanout, 6u);
}

TEST(SublistStats, FanoutFollowsTheCacheAsItChanges) {
    Sublist sl;
    auto a = make_sub("x");
    auto b = make_sub("x", {}, "x2");
    ASSERT_TRUE(sl.insert(a));
    ASSERT_TRUE(sl.insert(b));
    sl.match("x");
    EXPECT_EQ(sl.stats().max_fanout, 2u);
    ASSERT_TRUE(sl.remove(b.get()));  // evicts the entry
    EXPECT_EQ(sl.stats().cache_entries, 0u);
    EXPECT_EQ(sl.stats().max_fanout, 0u);
    sl.match("x");
    EXPECT_EQ(sl.stats().max_fanout, 1u);
}

TEST(SublistStats, ConcurrentMatchesAreAllCounted) {
    Sublist sl;
    ASSERT_TRUE(sl.insert(make_sub("hot")));
    constexpr int per_thread = 20000;
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < per_thread; ++i) sl.match("hot");
        });
    for (auto& t : threads) t.join();
    const SublistStats s = sl.stats();
    EXPECT_EQ(s.matches, 2u * per_thread);
    EXPECT_GE(s.cache_hits, 2u * per_thread - 2) << "at most each thread's first lookup missed";
    EXPECT_LE(s.cache_hits, s.matches);
}

}  // namespace
}  // namespace nats::routing
