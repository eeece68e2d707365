#pragma once

#include "clock.hpp"

#include <nats/nats.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace nats::bench {

// Sequential request/reply for a stretch of time: each round trip is two
// deliveries through the server, so a server that stops delivering for a while
// shows as one long sample and fewer round trips.
struct round_trip_phase {
    std::vector<std::uint64_t> samples_ns;  // one per answered request
    std::uint64_t failures = 0;             // timeouts and errors
    std::string last_failure;
    double seconds = 0;
    bool out_of_time = false;  // the run's deadline cut the phase short
};

// Stops after `length`, at the deadline, on a closed connection, or after 10
// failures in a row. Each request waits at most 5 s.
round_trip_phase time_round_trips(natsConnection* requester, const std::string& subject,
                                  const std::vector<char>& payload, std::chrono::duration<double> length,
                                  clock::time_point deadline);

}  // namespace nats::bench
