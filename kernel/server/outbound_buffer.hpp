#pragma once
// Outbound bytes of one connection, as a list of pooled blocks (outbound_chunks.hpp).
// Any thread appends to the pending blocks under `mutex`; the owning thread moves
// them behind the blocks it is writing (take_pending) and writes those without the
// lock, many blocks per writev (gather). Nothing is ever reallocated or moved: a
// message larger than a block is copied across several, and a written block goes
// straight back to the pool, so an idle connection holds no block at all.
#include <asio/buffer.hpp>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <string_view>
#include <vector>

#include "kernel/server/outbound_chunks.hpp"

namespace nats::server {

class OutboundBuffer {
public:
    // How long a connection must have written nothing before it gives back the
    // bookkeeping a large backlog left behind (see shrink_if_idle). The blocks
    // themselves go back as soon as they are written; the pool keeps them for two
    // idle seconds (chunk_pool::trim_if_idle), so a consumer paced by flow control
    // finds them again between bursts instead of faulting fresh pages in.
    static constexpr std::chrono::seconds idle_before_shrink{2};
    // Block pointers above which an idle connection gives its lists' memory back.
    static constexpr std::size_t keep_entries = 64;

    OutboundBuffer() = default;
    OutboundBuffer(const OutboundBuffer&) = delete;
    OutboundBuffer& operator=(const OutboundBuffer&) = delete;
    ~OutboundBuffer();

    std::mutex mutex;  // guards the pending blocks and in_flight_remaining_

    // ---- any thread, holding `mutex` ----
    std::size_t queued_bytes_locked() const { return pending_bytes_ + in_flight_remaining_; }
    std::size_t pending_bytes_locked() const { return pending_bytes_; }

    void append_locked(const char* bytes, std::size_t n) {
        // An empty payload may come as a null pointer, which memcpy must not see.
        if (n == 0) return;
        if (tail_ != nullptr && tail_->room() >= n) [[likely]] {
            std::memcpy(tail_->data() + tail_->size, bytes, n);
            tail_->size += static_cast<std::uint32_t>(n);
            pending_bytes_ += n;
            return;
        }
        append_slow(bytes, n);
    }
    void append_locked(std::string_view bytes) { append_locked(bytes.data(), bytes.size()); }

    // Drops what is pending (a slow consumer's close); bytes already being written stay.
    void clear_pending_locked();

    // ---- owner thread ----
    // Moves the pending blocks behind the unwritten ones. Returns false when there
    // is nothing at all left to write.
    bool take_pending();
    bool has_unwritten() const { return head_ < in_flight_.size(); }
    std::size_t unwritten_bytes() const { return unwritten_; }

    // Fills `out` with up to `max` buffers of unwritten bytes, oldest first; returns
    // how many. They stay valid until consumed() passes them.
    std::size_t gather(asio::const_buffer* out, std::size_t max) const;

    // n more unwritten bytes reached the socket; written blocks go back to the pool.
    void consumed(std::size_t n);

    // From the periodic tick: a connection that has had nothing to write for
    // idle_before_shrink gives back the memory of its block lists if a backlog grew
    // them. No clock is read on the write path: the tick notices whether anything
    // was taken since it last looked.
    void shrink_if_idle(std::chrono::steady_clock::time_point now);

private:
    void append_slow(const char* bytes, std::size_t n);

    // Under mutex.
    std::vector<OutChunk*> pending_;
    OutChunk* tail_ = nullptr;  // the last pending block, filled further by appends
    std::size_t pending_bytes_ = 0;
    std::size_t in_flight_remaining_ = 0;  // mirrors unwritten_ for the max_pending check
    std::uint32_t start_class_ = 0;        // the first pending block's size, from the last take

    // Owner thread.
    std::vector<OutChunk*> in_flight_;  // [head_, end) unwritten
    std::size_t head_ = 0;
    std::size_t head_offset_ = 0;  // bytes of in_flight_[head_] already written
    std::size_t unwritten_ = 0;
    std::uint64_t takes_ = 0;       // writes started
    std::uint64_t takes_seen_ = 0;  // takes_ at the last tick that saw it change
    std::chrono::steady_clock::time_point last_active_{};
};

}  // namespace nats::server
