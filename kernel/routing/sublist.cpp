#include "kernel/routing/sublist.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <memory>
#include <functional>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include <nats_sdk/subject.hpp>

#include "kernel/routing/rw_lock.hpp"
#include "kernel/routing/tokens.hpp"
#include "kernel/routing/trie.hpp"

namespace nats::routing {

namespace {

// nats-server's slCacheMax / slCacheSweep.
constexpr std::size_t cache_max = 1024;
constexpr std::size_t cache_keep = 512;
// A batch removing more subscriptions than this clears the cache instead of
// evicting entry by entry (each wildcard eviction scans the whole cache).
constexpr std::size_t batch_evict_max = 64;

std::atomic<std::uint64_t> generation_source{0};

std::uint64_t next_generation() { return generation_source.fetch_add(1, std::memory_order_relaxed) + 1; }

const MatchResultPtr& empty_result() {
    static const MatchResultPtr empty = std::make_shared<const MatchResult>();
    return empty;
}

struct SubjectHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

using nats_sdk::subject::has_wildcard;
using nats_sdk::subject::literal_matches;

}  // namespace

// Lock order: trie_mu before cache_mu, never the reverse.
//  - insert/remove: trie_mu exclusive, then cache_mu exclusive to patch or evict.
//  - match hit: cache_mu shared only, so concurrent hits never serialise.
//  - match miss: trie_mu shared for the walk, and still holding it, cache_mu
//    exclusive to store; no writer can slip in between walk and store, so a
//    stored result is never older than the trie.
struct Sublist::Impl {
    mutable detail::RwLock trie_mu;
    detail::Trie trie;
    std::size_t count = 0;
    std::uint64_t inserts = 0, removes = 0;  // under trie_mu, like count
    // Bumped by match() under a shared lock at most: relaxed, and only on a
    // ThreadMatchCache miss, so the delivery fast path never touches them.
    std::atomic<std::uint64_t> matches{0}, cache_hits{0};

    mutable detail::RwLock cache_mu;
    std::unordered_map<std::string, MatchResultPtr, SubjectHash, std::equal_to<>> cache;

    // Once the cache has filled up, a subject is stored only the second time it is
    // matched. Subjects met once (each request's unique reply inbox: every JetStream
    // ack) otherwise cost an entry, its allocations and an eviction each, and push out
    // the subjects that recur. A direct-mapped table of subject hashes, read and
    // written without a lock (a lost race only delays or hastens one admission).
    // Created when the cache first fills (under cache_mu, exclusive) and kept, so the
    // many small sublists (permissions) never pay for it.
    struct Doorkeeper {
        std::array<std::atomic<std::size_t>, 1024> seen{};
        bool admit(std::size_t hash) {
            auto& slot = seen[(hash ^ (hash >> 17)) & (seen.size() - 1)];
            if (slot.load(std::memory_order_relaxed) == hash) return true;
            slot.store(hash, std::memory_order_relaxed);
            return false;
        }
    };
    std::unique_ptr<Doorkeeper> door;

    // Copy-on-write: readers may still hold the old result.
    void add_to_cache(const SubscriptionPtr& sub) {
        auto patch = [&sub](MatchResultPtr& entry) {
            auto copy = std::make_shared<MatchResult>(*entry);
            detail::add_to_result(*copy, sub);
            entry = std::move(copy);
        };
        if (!has_wildcard(sub->subject)) {
            if (auto it = cache.find(std::string_view(sub->subject)); it != cache.end()) patch(it->second);
            return;
        }
        for (auto& [subject, entry] : cache) {
            if (literal_matches(subject, sub->subject)) patch(entry);
        }
    }

    void evict(std::string_view filter) {
        if (!has_wildcard(filter)) {
            if (auto it = cache.find(filter); it != cache.end()) cache.erase(it);
            return;
        }
        std::erase_if(cache, [filter](const auto& kv) { return literal_matches(kv.first, filter); });
    }

    // Trims to cache_keep entries, sparing the one just stored. nats-server
    // drops arbitrary entries too (map order); any survivor is still correct.
    void trim(std::string_view keep) {
        for (auto it = cache.begin(); it != cache.end() && cache.size() > cache_keep;) {
            it = it->first == keep ? std::next(it) : cache.erase(it);
        }
    }
};

Sublist::Sublist() : impl_(std::make_unique<Impl>()) {
    generation_.store(next_generation(), std::memory_order_release);
}

Sublist::~Sublist() = default;

void Sublist::bump_generation() { generation_.store(next_generation(), std::memory_order_release); }

bool Sublist::insert(SubscriptionPtr sub) {
    // nats-server's Sublist.Insert rule; the queue name is the caller's to check.
    if (!sub || !nats_sdk::subject::is_valid_subscribe_subject(sub->subject)) return false;
    TokenList tokens;
    tokens.split(sub->subject);

    std::unique_lock trie_lock(impl_->trie_mu);
    if (!impl_->trie.insert(sub, tokens.data(), tokens.size())) return false;
    ++impl_->count;
    ++impl_->inserts;
    {
        std::unique_lock cache_lock(impl_->cache_mu);
        impl_->add_to_cache(sub);
    }
    // After the cache patch: a thread that sees the new generation also sees the patch.
    bump_generation();
    return true;
}

bool Sublist::remove(const Subscription* sub) {
    if (sub == nullptr) return false;
    std::unique_lock trie_lock(impl_->trie_mu);
    if (!impl_->trie.remove(sub)) return false;
    --impl_->count;
    ++impl_->removes;
    {
        std::unique_lock cache_lock(impl_->cache_mu);
        impl_->evict(sub->subject);
    }
    bump_generation();
    return true;
}

void Sublist::remove_batch(const std::vector<const Subscription*>& subs) {
    std::unique_lock trie_lock(impl_->trie_mu);
    std::vector<const Subscription*> removed;
    removed.reserve(subs.size());
    for (const Subscription* sub : subs) {
        if (sub != nullptr && impl_->trie.remove(sub)) removed.push_back(sub);
    }
    if (removed.empty()) return;
    impl_->count -= removed.size();
    impl_->removes += removed.size();
    {
        std::unique_lock cache_lock(impl_->cache_mu);
        if (removed.size() > batch_evict_max) {
            impl_->cache.clear();
        } else {
            for (const Subscription* sub : removed) impl_->evict(sub->subject);
        }
    }
    bump_generation();
}

MatchResultPtr Sublist::match(std::string_view subject) {
    // Counted as nats-server counts: every lookup, then the ones the cache answered.
    impl_->matches.fetch_add(1, std::memory_order_relaxed);
    Impl::Doorkeeper* door = nullptr;
    {
        std::shared_lock cache_lock(impl_->cache_mu);
        if (auto it = impl_->cache.find(subject); it != impl_->cache.end()) {
            impl_->cache_hits.fetch_add(1, std::memory_order_relaxed);
            return it->second;
        }
        door = impl_->door.get();
    }
    TokenList tokens;
    // Like nats-server: a subject with an empty token matches nothing and is not cached.
    if (!tokens.split(subject)) return empty_result();

    std::shared_lock trie_lock(impl_->trie_mu);
    auto found = std::make_shared<MatchResult>();
    impl_->trie.match(tokens.data(), tokens.size(), *found);
    MatchResultPtr result = found->empty() ? empty_result() : MatchResultPtr(std::move(found));
    if (door != nullptr && !door->admit(SubjectHash{}(subject))) return result;

    std::unique_lock cache_lock(impl_->cache_mu);
    auto [it, inserted] = impl_->cache.insert_or_assign(std::string(subject), result);
    if (impl_->cache.size() > cache_max) {
        impl_->trim(it->first);
        if (!impl_->door) impl_->door = std::make_unique<Impl::Doorkeeper>();
    }
    return result;
}

std::size_t Sublist::count() const {
    std::shared_lock trie_lock(impl_->trie_mu);
    return impl_->count;
}

std::size_t Sublist::cache_entries() const {
    std::shared_lock cache_lock(impl_->cache_mu);
    return impl_->cache.size();
}

SublistStats Sublist::stats() const {
    SublistStats s;
    {
        std::shared_lock trie_lock(impl_->trie_mu);
        s.subscriptions = impl_->count;
        s.inserts = impl_->inserts;
        s.removes = impl_->removes;
    }
    // A lookup racing these loads may be counted as a hit but not yet as a
    // match: never report more hits than matches.
    s.cache_hits = impl_->cache_hits.load(std::memory_order_relaxed);
    s.matches = std::max(impl_->matches.load(std::memory_order_relaxed), s.cache_hits);
    std::shared_lock cache_lock(impl_->cache_mu);
    s.cache_entries = impl_->cache.size();
    for (const auto& [subject, result] : impl_->cache) {
        const std::size_t fanout = result->plain.size() + result->queue_groups.size();
        s.total_fanout += fanout;
        s.max_fanout = std::max(s.max_fanout, fanout);
    }
    return s;
}

std::vector<SubscriptionPtr> Sublist::all() const {
    std::vector<SubscriptionPtr> out;
    std::shared_lock trie_lock(impl_->trie_mu);
    out.reserve(impl_->count);
    impl_->trie.collect(out);
    return out;
}

}  // namespace nats::routing
