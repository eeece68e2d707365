#include "kernel/server/outbound_buffer.hpp"

#include <algorithm>

namespace nats::server {

OutboundBuffer::~OutboundBuffer() {
    for (OutChunk* c : pending_) chunk_pool::put(c);
    for (std::size_t i = head_; i < in_flight_.size(); ++i) chunk_pool::put(in_flight_[i]);
}

// The tail is full (or there is none): fill what room it has, then take blocks, each
// a size larger than the one before up to the largest, so a growing backlog soon
// fills 64 KiB blocks while a lone PONG takes a small one.
void OutboundBuffer::append_slow(const char* bytes, std::size_t n) {
    pending_bytes_ += n;
    for (;;) {
        if (tail_ != nullptr) {
            const std::size_t k = std::min<std::size_t>(tail_->room(), n);
            std::memcpy(tail_->data() + tail_->size, bytes, k);
            tail_->size += static_cast<std::uint32_t>(k);
            bytes += k;
            n -= k;
        }
        if (n == 0) return;
        std::uint32_t size_class =
            tail_ != nullptr ? std::min(tail_->size_class + 1, chunk_pool::largest_class) : start_class_;
        size_class = std::max(size_class, chunk_pool::class_for(n));
        tail_ = chunk_pool::get(size_class);
        pending_.push_back(tail_);
    }
}

void OutboundBuffer::clear_pending_locked() {
    for (OutChunk* c : pending_) chunk_pool::put(c);
    pending_.clear();
    tail_ = nullptr;
    pending_bytes_ = 0;
}

bool OutboundBuffer::take_pending() {
    if (head_ != 0) {
        in_flight_.erase(in_flight_.begin(), in_flight_.begin() + static_cast<std::ptrdiff_t>(head_));
        head_ = 0;
    }
    std::lock_guard lock(mutex);
    if (pending_bytes_ != 0) {
        // The next batch starts with blocks the size of this one.
        start_class_ = chunk_pool::class_for(pending_bytes_);
        in_flight_.insert(in_flight_.end(), pending_.begin(), pending_.end());
        pending_.clear();
        tail_ = nullptr;
        unwritten_ += pending_bytes_;
        pending_bytes_ = 0;
        in_flight_remaining_ = unwritten_;
        ++takes_;
    }
    return has_unwritten();
}

std::size_t OutboundBuffer::gather(asio::const_buffer* out, std::size_t max) const {
    std::size_t count = 0;
    for (std::size_t i = head_; i < in_flight_.size() && count < max; ++i) {
        const OutChunk* c = in_flight_[i];
        const std::size_t offset = i == head_ ? head_offset_ : 0;
        out[count++] = asio::const_buffer(c->data() + offset, c->size - offset);
    }
    return count;
}

void OutboundBuffer::consumed(std::size_t n) {
    unwritten_ -= n;
    while (n != 0) {
        OutChunk* c = in_flight_[head_];
        const std::size_t left = c->size - head_offset_;
        if (n < left) {
            head_offset_ += n;
            break;
        }
        n -= left;
        chunk_pool::put(c);
        ++head_;
        head_offset_ = 0;
    }
    if (head_ == in_flight_.size()) {
        in_flight_.clear();
        head_ = 0;
    }
    std::lock_guard lock(mutex);
    in_flight_remaining_ = unwritten_;
}

void OutboundBuffer::shrink_if_idle(std::chrono::steady_clock::time_point now) {
    if (takes_ != takes_seen_) {
        takes_seen_ = takes_;
        last_active_ = now;
        return;
    }
    if (now - last_active_ < idle_before_shrink || has_unwritten()) return;
    if (in_flight_.capacity() > keep_entries) std::vector<OutChunk*>().swap(in_flight_);
    std::lock_guard lock(mutex);
    if (pending_bytes_ == 0 && pending_.capacity() > keep_entries) std::vector<OutChunk*>().swap(pending_);
}

}  // namespace nats::server
