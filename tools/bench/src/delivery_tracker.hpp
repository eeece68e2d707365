#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace nats::bench {

// Counts deliveries per sequence number so a queue-group run can prove that every
// message reached exactly one member. Safe to call record() from many threads.
class delivery_tracker {
public:
    explicit delivery_tracker(std::uint64_t expected);

    // Returns false for a sequence number outside [0, expected).
    bool record(std::uint64_t seq) noexcept;

    struct verdict {
        std::uint64_t once = 0;        // sequences delivered exactly once
        std::uint64_t missing = 0;     // never delivered
        std::uint64_t duplicates = 0;  // extra deliveries beyond the first
        std::uint64_t out_of_range = 0;
        bool exactly_once() const { return missing == 0 && duplicates == 0 && out_of_range == 0; }
    };
    verdict check() const;

private:
    std::uint64_t expected_;
    std::unique_ptr<std::atomic<std::uint8_t>[]> hits_;
    std::atomic<std::uint64_t> out_of_range_{0};
};

}  // namespace nats::bench
