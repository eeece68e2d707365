#include "kernel/server/outbound_chunks.hpp"

#include <mutex>
#include <new>
#include <vector>

namespace nats::server::chunk_pool {

namespace {

using steady = std::chrono::steady_clock;
constexpr std::size_t classes = class_bytes.size();

// Per class: how many blocks a thread's cache holds before it hands half to the depot,
// how many the depot holds before freeing (64 MiB of large blocks: the biggest backlog
// max_pending allows one connection), and what each keeps once idle.
constexpr std::array<std::size_t, classes> thread_cap = {256, 64, 64};
constexpr std::array<std::size_t, classes> depot_cap = {1024, 256, 1024};
constexpr std::array<std::size_t, classes> thread_keep = {32, 8, 4};
constexpr std::array<std::size_t, classes> depot_keep = {64, 16, 16};

OutChunk* allocate(std::uint32_t size_class) {
    const std::uint32_t capacity = class_bytes[size_class];
    void* raw = ::operator new(sizeof(OutChunk) + capacity);
    auto* chunk = new (raw) OutChunk;
    chunk->capacity = capacity;
    chunk->size_class = size_class;
    return chunk;
}

void release(OutChunk* chunk) {
    chunk->~OutChunk();
    ::operator delete(static_cast<void*>(chunk));
}

// Counts uses so the tick can tell an idle pool from a busy one without reading a
// clock on the hot path.
struct Idle {
    std::uint64_t uses = 0, uses_seen = 0;
    steady::time_point last_active{};

    bool idle_for_long(steady::time_point now) {
        if (uses != uses_seen) {
            uses_seen = uses;
            last_active = now;
            return false;
        }
        return now - last_active >= idle_before_trim;
    }
};

struct Depot {
    std::mutex mutex;
    std::array<std::vector<OutChunk*>, classes> free;
    Idle idle;
};

// Never destroyed: thread caches may hand blocks back during static destruction.
Depot& depot() {
    static Depot* d = new Depot;
    return *d;
}

struct ThreadCache {
    std::array<std::vector<OutChunk*>, classes> free;
    Idle idle;

    ~ThreadCache();
};

thread_local ThreadCache cache;
// False once this thread's cache is destroyed: a block freed later in the thread's
// exit (a connection a static owned) goes straight back to malloc.
thread_local bool cache_alive = true;

ThreadCache::~ThreadCache() {
    cache_alive = false;
    for (auto& list : free)
        for (OutChunk* c : list) release(c);
}

void trim(std::vector<OutChunk*>& list, std::size_t keep) {
    while (list.size() > keep) {
        release(list.back());
        list.pop_back();
    }
    if (list.empty()) list.shrink_to_fit();
}

}  // namespace

OutChunk* get(std::uint32_t size_class) {
    if (!cache_alive) return allocate(size_class);
    ThreadCache& tc = cache;
    ++tc.idle.uses;
    auto& mine = tc.free[size_class];
    if (mine.empty()) {
        // Refill half a cache's worth at once, so the depot's lock is taken rarely.
        Depot& d = depot();
        std::lock_guard lock(d.mutex);
        ++d.idle.uses;
        auto& shared = d.free[size_class];
        const std::size_t n = std::min(shared.size(), thread_cap[size_class] / 2);
        mine.insert(mine.end(), shared.end() - static_cast<std::ptrdiff_t>(n), shared.end());
        shared.resize(shared.size() - n);
    }
    if (mine.empty()) return allocate(size_class);
    OutChunk* c = mine.back();
    mine.pop_back();
    c->size = 0;
    return c;
}

void put(OutChunk* chunk) {
    if (!cache_alive) {
        release(chunk);
        return;
    }
    ThreadCache& tc = cache;
    ++tc.idle.uses;
    auto& mine = tc.free[chunk->size_class];
    mine.push_back(chunk);
    if (mine.size() <= thread_cap[chunk->size_class]) return;
    // A thread that frees more than it fills (the writer of blocks another thread
    // filled) passes half to the depot, where the filling thread finds them.
    const std::size_t n = mine.size() / 2;
    Depot& d = depot();
    std::vector<OutChunk*> excess;
    {
        std::lock_guard lock(d.mutex);
        ++d.idle.uses;
        auto& shared = d.free[chunk->size_class];
        for (std::size_t i = mine.size() - n; i < mine.size(); ++i) {
            if (shared.size() < depot_cap[chunk->size_class]) shared.push_back(mine[i]);
            else excess.push_back(mine[i]);
        }
    }
    mine.resize(mine.size() - n);
    for (OutChunk* c : excess) release(c);
}

void trim_if_idle(steady::time_point now) {
    ThreadCache& tc = cache;
    if (tc.idle.idle_for_long(now))
        for (std::size_t c = 0; c < classes; ++c) trim(tc.free[c], thread_keep[c]);
    Depot& d = depot();
    std::lock_guard lock(d.mutex);
    if (d.idle.idle_for_long(now))
        for (std::size_t c = 0; c < classes; ++c) trim(d.free[c], depot_keep[c]);
}

Held held() {
    Held h;
    for (std::size_t c = 0; c < classes; ++c) {
        h.thread_chunks += cache.free[c].size();
        h.bytes += cache.free[c].size() * class_bytes[c];
    }
    Depot& d = depot();
    std::lock_guard lock(d.mutex);
    for (std::size_t c = 0; c < classes; ++c) {
        h.depot_chunks += d.free[c].size();
        h.bytes += d.free[c].size() * class_bytes[c];
    }
    return h;
}

}  // namespace nats::server::chunk_pool
