#pragma once

#include <chrono>
#include <cstdint>

namespace nats::bench {

using clock = std::chrono::steady_clock;

// Monotonic nanoseconds, cheap enough to store from message callbacks.
inline std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now().time_since_epoch()).count();
}

inline std::int64_t to_ns(clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// Milliseconds left until deadline, at least 1 so libnats never gets "no timeout".
inline std::int64_t ms_until(clock::time_point deadline) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
    return left < 1 ? 1 : left;
}

}  // namespace nats::bench
