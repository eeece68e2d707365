#pragma once
// The blocks a connection's outbound bytes live in (see outbound_buffer.hpp), and
// the pool that recycles them. A block never grows: a connection that queues more
// takes another block, so a large backlog (an Object Store get's flow-control
// window, up to max_pending) is never copied to grow it, and the writer hands the
// blocks to writev as they are.
//
// Three sizes, as nats-server's pooled buffers: small for a PONG or one reply, then
// larger as a connection's backlog grows. Freed blocks go to the freeing thread's
// cache first (no lock); a cache that overflows hands half to a shared depot, and an
// empty one refills from it, so blocks filled on one I/O thread and written on
// another circulate instead of going back to malloc. Memory the pool keeps is given
// back after two idle seconds (trim_if_idle, from each I/O thread's tick), as a
// connection's buffers used to be: a paced consumer pauses between bursts, and
// freeing in every pause brought the page faults back.
#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace nats::server {

struct OutChunk {
    std::uint32_t size = 0;      // bytes filled
    std::uint32_t capacity = 0;  // bytes available after the header
    std::uint32_t size_class = 0;
    std::uint32_t reserved_ = 0;  // keeps data() 16-byte aligned

    char* data() { return reinterpret_cast<char*>(this + 1); }
    const char* data() const { return reinterpret_cast<const char*>(this + 1); }
    std::uint32_t room() const { return capacity - size; }
};

namespace chunk_pool {

inline constexpr std::array<std::uint32_t, 3> class_bytes = {512, 4 * 1024, 64 * 1024};
inline constexpr std::uint32_t largest_class = class_bytes.size() - 1;

// The smallest class that holds `bytes`, the largest when none does.
constexpr std::uint32_t class_for(std::size_t bytes) {
    for (std::uint32_t c = 0; c < largest_class; ++c)
        if (bytes <= class_bytes[c]) return c;
    return largest_class;
}

// Any thread. An empty block of the class (size 0).
OutChunk* get(std::uint32_t size_class);
// Any thread. The block goes back to the calling thread's cache.
void put(OutChunk* chunk);

// Called by each I/O thread's tick: the calling thread's cache and the shared depot
// give back what they hold above a small reserve once unused for idle_before_trim.
inline constexpr std::chrono::seconds idle_before_trim{2};
void trim_if_idle(std::chrono::steady_clock::time_point now);

// Tests and monitoring: blocks held by the calling thread's cache and by the depot.
struct Held {
    std::size_t thread_chunks = 0, depot_chunks = 0;
    std::size_t bytes = 0;  // both, data bytes
};
Held held();

}  // namespace chunk_pool

}  // namespace nats::server
