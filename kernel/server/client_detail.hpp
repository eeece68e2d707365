#pragma once
// Helpers shared by the client_*.cpp files (one Client, split by job); internal
// to kernel/server, not part of its interface. Pure functions: any thread.
#include <algorithm>
#include <chrono>
#include <cstdint>

namespace nats::server::detail {

using steady = std::chrono::steady_clock;

// nats-server's convention for limits: -1 means none.
constexpr std::int64_t no_limit = -1;

// last_activity and the round trip are kept as steady-clock nanoseconds in atomics.
inline std::int64_t steady_ns(steady::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// nats-server's computeRTT: never 0 once measured, so 0 keeps meaning "not yet".
inline std::int64_t round_trip_ns(steady::time_point from, steady::time_point to) {
    return std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count());
}

}  // namespace nats::server::detail
