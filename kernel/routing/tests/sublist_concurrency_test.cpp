// Readers matching (through the shared cache and through per-thread caches)
// while a writer inserts and removes. Each reader checks every result it got
// against what the writer had finished when the reader started and ended.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include "test_subs.hpp"

namespace nats::routing {
namespace {

using test::make_sub;

// Even values: no operation in flight and the probe is (state/2 odd ? present : absent).
// Odd values: the writer is between two states; readers ignore such windows.
std::atomic<std::uint64_t> state{0};

bool contains_tag(const MatchResult& r, const std::string& tag) {
    for (const auto& s : r.plain) {
        if (test::tag_of(s) == tag) return true;
    }
    for (const auto& g : r.queue_groups) {
        for (const auto& s : g) {
            if (test::tag_of(s) == tag) return true;
        }
    }
    return false;
}

TEST(SublistConcurrency, ReadersSeeEveryCompletedChange) {
    constexpr int writer_ops = 300;
    constexpr int readers = 2;
    Sublist sl;
    // Always present: every result for "p.x" must include it.
    ASSERT_TRUE(sl.insert(make_sub("p.>", "", "stable")));
    // The probes alternate between the literal, wildcard and queue paths.
    const std::vector<std::shared_ptr<test::TaggedSub>> probes{
        make_sub("p.x", "", "probe"), make_sub("p.*", "", "probe"), make_sub("*.x", "g", "probe"),
        make_sub(">", "", "probe")};
    state.store(0);
    std::atomic<bool> done{false};
    std::atomic<int> ready{0};
    std::atomic<long> checked{0};
    std::atomic<long> saw_present{0};
    std::atomic<long> saw_absent{0};
    std::atomic<long> failures{0};
    std::atomic<int> ops{0};
    // Lingers in a stable state until some reader has checked it, so checks
    // cover both states. Bounded by the clock: on a loaded machine a reader
    // may not run for a while.
    auto let_readers_look = [&] {
        const long seen = checked.load();
        const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2);
        while (checked.load() == seen && std::chrono::steady_clock::now() < until) std::this_thread::yield();
    };
    const auto give_up_at = std::chrono::steady_clock::now() + std::chrono::seconds(20);

    std::thread writer([&] {
        while (ready.load() < readers && std::chrono::steady_clock::now() < give_up_at) std::this_thread::yield();
        std::vector<std::shared_ptr<test::TaggedSub>> noise;
        for (int i = 0; i < writer_ops && std::chrono::steady_clock::now() < give_up_at; ++i) {
            ops.fetch_add(1);
            const auto& probe = probes[static_cast<std::size_t>(i) % probes.size()];
            state.fetch_add(1);  // odd: busy
            if (!sl.insert(probe)) failures.fetch_add(1);
            state.fetch_add(1);  // even, probe present
            let_readers_look();
            // Unrelated churn: more generations and wildcard cache scans.
            noise.push_back(make_sub("n." + std::to_string(i % 50) + ".*"));
            sl.insert(noise.back());
            if (noise.size() > 20) {
                sl.remove_batch({noise.front().get()});
                noise.erase(noise.begin());
            }
            state.fetch_add(1);
            if (!sl.remove(probe.get())) failures.fetch_add(1);
            state.fetch_add(1);  // even, probe absent
            let_readers_look();
        }
        done.store(true);
    });

    std::vector<std::thread> pool;
    for (int t = 0; t < readers; ++t) {
        pool.emplace_back([&, t] {
            ThreadMatchCache cache(64);
            ready.fetch_add(1);
            // Runs as long as the writer does (itself bounded by give_up_at).
            for (long iter = 0; !done.load(); ++iter) {
                const std::uint64_t before = state.load();
                const bool via_thread_cache = (iter + t) % 2 == 0;
                const MatchResult* r = nullptr;
                MatchResultPtr held;
                if (via_thread_cache) {
                    r = cache.match(sl, "p.x");
                } else {
                    held = sl.match("p.x");
                    r = held.get();
                }
                const std::uint64_t after = state.load();
                if (!contains_tag(*r, "stable")) failures.fetch_add(1);
                if (before == after && before % 2 == 0) {
                    const bool present = (before / 2) % 2 == 1;
                    if (contains_tag(*r, "probe") != present) failures.fetch_add(1);
                    (present ? saw_present : saw_absent).fetch_add(1);
                    checked.fetch_add(1);
                }
                // Unique subjects keep the shared cache trimming underneath.
                if (iter % 8 == 0) sl.match("u." + std::to_string(t) + "." + std::to_string(iter));
            }
        });
    }
    writer.join();
    for (auto& th : pool) th.join();

    EXPECT_EQ(failures.load(), 0);
    // Writers must not be starved by a stream of readers (std::shared_mutex on
    // glibc lets them starve; the deadline is far above a normal run).
    EXPECT_EQ(ops.load(), writer_ops);
    RecordProperty("writer_ops", ops.load());
    RecordProperty("checks", static_cast<int>(checked.load()));
    EXPECT_GT(saw_present.load(), 0);
    EXPECT_GT(saw_absent.load(), 0);
    // Final state: only the stable sub and the last 20 noise subs remain, and
    // every cache path agrees.
    EXPECT_EQ(sl.count(), 1u + std::min(ops.load(), 20));
    ThreadMatchCache fresh;
    EXPECT_EQ(test::plain_tags(*sl.match("p.x")), (std::vector<std::string>{"stable"}));
    EXPECT_EQ(test::plain_tags(*fresh.match(sl, "p.x")), (std::vector<std::string>{"stable"}));
    EXPECT_LE(sl.cache_entries(), 1024u);
}

}  // namespace
}  // namespace nats::routing
