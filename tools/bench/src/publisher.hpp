#pragma once

#include "clock.hpp"

#include <nats/nats.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>

namespace nats::bench {

struct publish_plan {
    std::string subject;
    std::string reply;  // empty: none
    std::uint32_t size = 16;
    std::uint64_t first_seq = 0;  // written into the first 8 payload bytes when size >= 8
    std::uint64_t count = 0;
    // Flow control: when more than `window` messages are in flight (published by all
    // publishers minus consumed()), wait until the backlog drains to 3/4 of it.
    // Without consumed (publish-only runs) there is no window.
    std::uint64_t window = 0;
    std::function<std::uint64_t()> consumed;
    std::atomic<std::uint64_t>* published_total = nullptr;
    clock::time_point deadline;
};

struct publish_outcome {
    std::uint64_t sent = 0;
    std::int64_t flushed_ns = 0;  // when the server had acknowledged everything (PONG)
    std::string error;
};

// Publishes with libnats' buffered publish and ends with a flush round trip, so the
// time covers the server having read every message.
publish_outcome run_publisher(natsConnection* nc, const publish_plan& plan);

}  // namespace nats::bench
