#include "delivery_tracker.hpp"

namespace nats::bench {

delivery_tracker::delivery_tracker(std::uint64_t expected)
    : expected_(expected), hits_(new std::atomic<std::uint8_t>[expected]) {
    for (std::uint64_t i = 0; i < expected_; ++i) hits_[i].store(0, std::memory_order_relaxed);
}

bool delivery_tracker::record(std::uint64_t seq) noexcept {
    if (seq >= expected_) {
        out_of_range_.fetch_add(1, std::memory_order_relaxed);
        return false;
    }
    // Saturate instead of wrapping so 256 duplicates never look like zero.
    std::uint8_t cur = hits_[seq].load(std::memory_order_relaxed);
    while (cur != 255 && !hits_[seq].compare_exchange_weak(cur, static_cast<std::uint8_t>(cur + 1),
                                                           std::memory_order_relaxed)) {
    }
    return true;
}

delivery_tracker::verdict delivery_tracker::check() const {
    verdict v;
    for (std::uint64_t i = 0; i < expected_; ++i) {
        const auto n = hits_[i].load(std::memory_order_relaxed);
        if (n == 0)
            ++v.missing;
        else if (n == 1)
            ++v.once;
        else
            v.duplicates += n - 1;
    }
    v.out_of_range = out_of_range_.load(std::memory_order_relaxed);
    return v;
}

}  // namespace nats::bench
