#pragma once
// The subject index: a trie with one level per token and, per level, literal
// children plus the '*' and '>' nodes (nats-server's sublist model).
//
// Threading: insert/remove take a writer mutex and bump an atomic generation;
// match() serves from a bounded shared cache and falls back to a trie walk under
// a shared lock. ThreadMatchCache adds a lock-free per-thread cache in front,
// invalidated by comparing generations. See kernel/routing/README.md.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

namespace nats::routing {

// A subscription as the index sees it. The server derives from it to add the
// owning connection, sid and counters. The index never dereferences anything
// but subject and queue.
struct Subscription {
    virtual ~Subscription() = default;
    std::string subject;
    std::string queue;  // empty: not in a queue group
};
using SubscriptionPtr = std::shared_ptr<Subscription>;

// Everything a subject matched: plain subscriptions, and per queue group the
// members (the caller picks one member per group at delivery time).
// Results are immutable once published by the index.
struct MatchResult {
    std::vector<SubscriptionPtr> plain;
    std::vector<std::vector<SubscriptionPtr>> queue_groups;
    bool empty() const { return plain.empty() && queue_groups.empty(); }
};
using MatchResultPtr = std::shared_ptr<const MatchResult>;

// nats-server's SublistStats for one index (server/sublist.go: Stats). The
// counts run from the index's creation; fan-out is measured over the results
// in the shared cache (plain subscriptions plus queue groups per result).
struct SublistStats {
    std::size_t subscriptions = 0;
    std::size_t cache_entries = 0;
    std::uint64_t inserts = 0;
    std::uint64_t removes = 0;
    std::uint64_t matches = 0;     // calls to Sublist::match (not ThreadMatchCache hits)
    std::uint64_t cache_hits = 0;  // of those, answered from the shared cache
    std::size_t max_fanout = 0;
    std::size_t total_fanout = 0;  // summed over cache_entries results
};

class Sublist {
public:
    Sublist();
    ~Sublist();
    Sublist(const Sublist&) = delete;
    Sublist& operator=(const Sublist&) = delete;

    // Adds a subscription; false if its subject or queue name is invalid.
    bool insert(SubscriptionPtr sub);
    // Removes exactly this subscription object; false if it was not present.
    bool remove(const Subscription* sub);
    // Removes many at once (a closing connection), with one generation bump.
    void remove_batch(const std::vector<const Subscription*>& subs);

    // All subscriptions matching a literal subject. Never null.
    MatchResultPtr match(std::string_view subject);

    // Changes on every insert/remove; ThreadMatchCache compares it.
    std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }
    std::size_t count() const;
    std::size_t cache_entries() const;
    // Every subscription (for monitoring), in no particular order.
    std::vector<SubscriptionPtr> all() const;
    // Counters and cache fan-out (for monitoring; walks the shared cache).
    SublistStats stats() const;

private:
    struct Impl;
    void bump_generation();

    std::unique_ptr<Impl> impl_;
    // Drawn from one process-wide counter, so a value is never reused by any
    // sublist: a ThreadMatchCache slot naming a destroyed sublist whose
    // address was recycled can never look valid.
    std::atomic<std::uint64_t> generation_{0};
};

// A small direct-mapped cache owned by one thread, in front of any number of
// sublists. A hit costs one atomic load (the generation) and a string compare.
// The returned pointer stays valid until the next call on the same cache.
class ThreadMatchCache {
public:
    // slots is rounded up to a power of two (at least 1).
    explicit ThreadMatchCache(std::size_t slots = 1024);
    const MatchResult* match(Sublist& sublist, std::string_view subject);
    // Drops every slot. A slot keeps its result (and so the subscriptions in
    // it) alive until overwritten; an idle thread can call this to let go.
    void clear();

private:
    struct Slot {
        const Sublist* sublist = nullptr;
        std::uint64_t generation = 0;
        std::string subject;
        MatchResultPtr result;
    };
    std::vector<Slot> slots_;
    std::size_t mask_ = 0;
};

}  // namespace nats::routing
