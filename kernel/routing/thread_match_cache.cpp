#include <bit>
#include <functional>

#include "kernel/routing/sublist.hpp"

namespace nats::routing {

ThreadMatchCache::ThreadMatchCache(std::size_t slots)
    : slots_(std::bit_ceil(slots == 0 ? std::size_t{1} : slots)), mask_(slots_.size() - 1) {}

const MatchResult* ThreadMatchCache::match(Sublist& sublist, std::string_view subject) {
    // Mix the sublist address in so two sublists (accounts) sharing a subject
    // do not keep evicting each other from the same slot.
    const std::size_t h = std::hash<std::string_view>{}(subject) ^
                          (reinterpret_cast<std::uintptr_t>(&sublist) * 0x9E3779B97F4A7C15ull);
    Slot& slot = slots_[(h ^ (h >> 29)) & mask_];
    // Read before matching: if a writer races us, the slot is stamped with the
    // older generation and simply misses next time.
    const std::uint64_t generation = sublist.generation();
    if (slot.sublist == &sublist && slot.generation == generation && slot.subject == subject) {
        return slot.result.get();
    }
    // Overwrite in place: a subject seen once (a unique reply inbox) costs one
    // slot until something else hashes there, never a growing table.
    slot.result = sublist.match(subject);
    slot.sublist = &sublist;
    slot.generation = generation;
    slot.subject.assign(subject);
    return slot.result.get();
}

void ThreadMatchCache::clear() {
    for (Slot& slot : slots_) slot = Slot{};
}

}  // namespace nats::routing
