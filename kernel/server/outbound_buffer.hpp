#pragma once
// Outbound bytes of one connection, double-buffered as nats-server does with its
// primary/secondary chunks: any thread appends to `pending` under the lock while
// the owning thread writes `in_flight` without it. Buffers are swapped, never
// reallocated, so a connection in steady state allocates nothing.
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>

namespace nats::server {

class OutboundBuffer {
public:
    // Bytes above which an idle connection gives its buffers back (see shrink_if_idle).
    static constexpr std::size_t keep_capacity = 64 * 1024;

    std::mutex mutex;            // guards pending and in_flight_remaining
    std::string pending;         // appended by deliverers
    std::size_t in_flight_remaining = 0;  // mirrored for the max_pending check

    // Owner thread only.
    std::string in_flight;
    std::size_t in_flight_offset = 0;

    // Caller holds `mutex`.
    std::size_t queued_bytes_locked() const { return pending.size() + in_flight_remaining; }

    // Owner thread: moves pending into in_flight when nothing is being written.
    // Returns false when there is nothing to write.
    bool take_pending() {
        std::lock_guard lock(mutex);
        if (pending.empty()) return false;
        in_flight.swap(pending);
        in_flight_offset = 0;
        in_flight_remaining = in_flight.size();
        return true;
    }

    // Owner thread: n more bytes of in_flight reached the socket.
    void consumed(std::size_t n) {
        in_flight_offset += n;
        std::lock_guard lock(mutex);
        in_flight_remaining = in_flight.size() - in_flight_offset;
        if (in_flight_remaining == 0) {
            in_flight.clear();
            in_flight_offset = 0;
        }
    }

    // Owner thread, from the periodic tick: a connection with nothing queued
    // returns large buffers. Busy connections keep theirs, so steady traffic
    // never reallocates (large blocks come from mmap and fault in on every use).
    void shrink_if_idle() {
        if (in_flight_offset != 0 || !in_flight.empty()) return;
        std::lock_guard lock(mutex);
        if (!pending.empty()) return;
        if (in_flight.capacity() > keep_capacity) std::string().swap(in_flight);
        if (pending.capacity() > keep_capacity) std::string().swap(pending);
    }

    std::string_view unwritten() const {
        return std::string_view(in_flight).substr(in_flight_offset);
    }
};

}  // namespace nats::server
