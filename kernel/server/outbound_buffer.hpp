#pragma once
// Outbound bytes of one connection, double-buffered as nats-server does with its
// primary/secondary chunks: any thread appends to `pending` under the lock while
// the owning thread writes `in_flight` without it. Buffers are swapped, never
// reallocated, so a connection in steady state allocates nothing.
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace nats::server {

class OutboundBuffer {
public:
    // Bytes above which an idle connection gives its buffers back (see shrink_if_idle).
    static constexpr std::size_t keep_capacity = 64 * 1024;
    // How long a connection must have written nothing before it gives them back: a
    // consumer paced by flow control or acks pauses between bursts, and buffers freed
    // in every pause came back from mmap and faulted in again (a third of the server's
    // CPU on a 64 MiB Object Store get).
    static constexpr std::chrono::seconds idle_before_shrink{2};

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
        ++takes_;
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

    // Owner thread, from the periodic tick: a connection that has had nothing to
    // write for idle_before_shrink returns large buffers. Busy connections keep
    // theirs, so steady traffic never reallocates (large blocks come from mmap and
    // fault in on every use). No clock is read on the write path: the tick notices
    // whether anything was taken since it last looked.
    void shrink_if_idle(std::chrono::steady_clock::time_point now) {
        if (takes_ != takes_seen_) {
            takes_seen_ = takes_;
            last_active_ = now;
            return;
        }
        if (now - last_active_ < idle_before_shrink) return;
        if (in_flight_offset != 0 || !in_flight.empty()) return;
        std::lock_guard lock(mutex);
        if (!pending.empty()) return;
        if (in_flight.capacity() > keep_capacity) std::string().swap(in_flight);
        if (pending.capacity() > keep_capacity) std::string().swap(pending);
    }

    std::string_view unwritten() const {
        return std::string_view(in_flight).substr(in_flight_offset);
    }

private:
    std::uint64_t takes_ = 0;       // owner thread: writes started
    std::uint64_t takes_seen_ = 0;  // takes_ at the last tick that saw it change
    std::chrono::steady_clock::time_point last_active_{};
};

}  // namespace nats::server
