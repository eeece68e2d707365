#include "kernel/plugin_host/call_gate.hpp"

#include <mutex>
#include <thread>
#include <vector>

namespace nats::plugins {

namespace {

// Every slot ever handed out (slots are reused by later threads, never freed,
// so a scan never meets a dangling one). The mutex is taken when a thread
// first passes a gate, when it exits, and by close(): never per call.
struct SlotRegistry {
    std::mutex mutex;
    std::vector<CallGate::ThreadSlot*> all;
    CallGate::ThreadSlot* free = nullptr;
};

SlotRegistry& registry() {
    static auto* r = new SlotRegistry;  // outlives every thread_local owner below
    return *r;
}

struct SlotOwner {
    CallGate::ThreadSlot* slot;
    SlotOwner() {
        auto& r = registry();
        std::lock_guard lock(r.mutex);
        if (r.free) {
            slot = r.free;
            r.free = slot->next_free;
        } else {
            slot = new CallGate::ThreadSlot;
            r.all.push_back(slot);
        }
    }
    ~SlotOwner() {
        auto& r = registry();
        std::lock_guard lock(r.mutex);
        slot->next_free = r.free;
        r.free = slot;
    }
};

CallGate::ThreadSlot& my_slot() {
    thread_local SlotOwner owner;
    return *owner.slot;
}

}  // namespace

bool CallGate::enter() {
    ThreadSlot& s = my_slot();
    if (s.depth >= max_depth) {
        overflow_calls_.fetch_add(1);
        if (open_.load()) {
            ++s.depth;
            return true;
        }
        overflow_calls_.fetch_sub(1);
        return false;
    }
    s.gates[s.depth].store(this);
    if (open_.load()) {
        ++s.depth;
        return true;
    }
    s.gates[s.depth].store(nullptr, std::memory_order_release);
    return false;
}

void CallGate::leave() {
    ThreadSlot& s = my_slot();
    --s.depth;
    if (s.depth >= max_depth)
        overflow_calls_.fetch_sub(1);
    else
        s.gates[s.depth].store(nullptr, std::memory_order_release);
}

void CallGate::close() {
    open_.store(false);
    ThreadSlot& mine = my_slot();
    auto& r = registry();
    std::lock_guard lock(r.mutex);
    for (ThreadSlot* s : r.all) {
        if (s == &mine) continue;  // a close() from inside our own callback does not wait for itself
        for (auto& g : s->gates)
            while (g.load() == this) std::this_thread::yield();
    }
    if (mine.depth <= max_depth)
        while (overflow_calls_.load() > 0) std::this_thread::yield();
}

}  // namespace nats::plugins
