#pragma once

#include "config.hpp"
#include "nats_handles.hpp"

#include <cstdint>

namespace nats::bench {

// How a connection is tuned for its role.
struct connection_role {
    // Publishers buffer (false) so one write carries many messages; everything
    // else writes at once (true), which also spares libnats' flusher thread.
    bool send_asap = true;
    const char* name = "nats-bench";
    // Read/write buffer size; 0 takes --iobuf. Idle connections use a small one so
    // thousands of them stay cheap on our side.
    int iobuf = 0;
};

// Connects without reconnects: a connection the server drops stays dropped and
// shows up in connection_events instead of silently resuming.
connection_ptr connect(const config& cfg, const connection_role& role);

// Process-wide counters fed by libnats callbacks. They live for the whole process
// because libnats may call back on its own threads until nats_Close finishes.
struct connection_events {
    std::uint64_t disconnects = 0;   // connections lost before we closed them
    std::uint64_t async_errors = 0;  // e.g. slow consumer reported by the library or server
};
connection_events events_snapshot();

// From now on, disconnects are ours (teardown) and no longer counted.
void stop_counting_disconnects();

}  // namespace nats::bench
