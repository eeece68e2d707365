#pragma once
// Fan-out of one message to the subscriptions a subject matched: every plain
// subscription, and one member per queue group (picked at random, the next one
// when a member cannot take it). Shared by client publishes, plugin publishes
// and links, so all three follow the same rules.
#include <cstdint>
#include <random>

#include "kernel/routing/sublist.hpp"
#include "kernel/server/subscription.hpp"

namespace nats::server {

// A cheap per-thread generator for picking queue group members.
inline std::uint32_t queue_pick_random() {
    thread_local std::uint64_t state = std::random_device{}() | 1;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<std::uint32_t>(state);
}

// Delivers `message` to `result`, skipping subscriptions whose origin is
// `skip_origin` (when not null). Returns how many took it (a queue group
// counts once).
inline std::size_t deliver_count(const routing::MatchResult& result, const RoutedMessage& message, IoThread& from,
                                 Client* publisher, const void* skip_origin) {
    std::size_t delivered = 0;
    for (const auto& s : result.plain) {
        auto& sub = static_cast<ServerSubscription&>(*s);
        if (skip_origin && sub.origin == skip_origin) continue;
        if (sub.deliver(message, from, publisher)) ++delivered;
    }
    for (const auto& group : result.queue_groups) {
        const std::size_t n = group.size();
        const std::size_t start = queue_pick_random() % n;
        for (std::size_t i = 0; i < n; ++i) {
            auto& sub = static_cast<ServerSubscription&>(*group[(start + i) % n]);
            if (skip_origin && sub.origin == skip_origin) continue;
            if (sub.deliver(message, from, publisher)) {
                ++delivered;
                break;
            }
        }
    }
    return delivered;
}

// As deliver_count(): true when anyone took it.
inline bool deliver_to(const routing::MatchResult& result, const RoutedMessage& message, IoThread& from,
                       Client* publisher, const void* skip_origin) {
    return deliver_count(result, message, from, publisher, skip_origin) != 0;
}

}  // namespace nats::server
