#pragma once
// What a stream keeps about the messages of one block while the block is in use: for
// each of its sequences, the subject id, offset and length of the message record (12
// bytes). Built from the block file on demand and dropped again (least recently used
// first, see FileStream::load_cache), as nats-server's msgBlock cache is: a stream's
// resident memory is then per block, not per message. The record bytes themselves are
// read through the stream's ReadWindow (read_window.hpp).
//
// The slots live in a PageArray, so a dropped cache returns its memory at once.
// Not thread-safe: the owning stream serializes calls.

#include <cstdint>
#include <string_view>

#include "page_array.hpp"
#include "record_format.hpp"

namespace store_file {

struct CachedSlot {
    static constexpr std::uint32_t has_headers_bit = 0x80000000u;

    std::uint32_t subject = 0;      // a SubjectIndex id
    std::uint32_t offset = 0;       // of the record in the block
    std::uint32_t length_bits = 0;  // record length, has_headers_bit; 0: no message here

    bool present() const noexcept { return length_bits != 0; }
    std::uint32_t length() const noexcept { return length_bits & ~has_headers_bit; }
    // nats-server's fileStoreMsgSize from the record length (see record_format.hpp).
    std::uint64_t accounted() const noexcept {
        return std::uint64_t{length()} - 6 + ((length_bits & has_headers_bit) ? 4 : 0);
    }
};

class BlockCache {
public:
    CachedSlot* find(std::uint64_t sequence) noexcept {
        return sequence >= base_ && sequence - base_ < slots_.size() && slots_[sequence - base_].present()
                   ? &slots_[sequence - base_]
                   : nullptr;
    }
    void put(std::uint64_t sequence, const CachedSlot& slot) {
        if (slots_.empty()) base_ = sequence;
        if (sequence < base_) rebase(sequence);  // a sequence re-used after a truncation
        if (sequence - base_ >= slots_.size()) slots_.resize(sequence - base_ + 1);
        slots_[sequence - base_] = slot;
    }
    // Room for `count` sequences from the first put on, without remapping while filling.
    void reserve(std::size_t count) { slots_.reserve_at_least(count); }
    void forget(std::uint64_t sequence) noexcept {
        if (CachedSlot* slot = find(sequence)) *slot = CachedSlot{};
    }

    // The memory its slots take.
    std::size_t memory() const noexcept { return slots_.size() * sizeof(CachedSlot); }

    std::uint64_t last_used = 0;  // the stream's use counter when last used (LRU)

private:
    void rebase(std::uint64_t sequence) {
        PageArray<CachedSlot> moved;
        moved.resize(slots_.size() + (base_ - sequence));
        for (std::size_t i = 0; i < slots_.size(); ++i) moved[i + (base_ - sequence)] = slots_[i];
        slots_ = std::move(moved);
        base_ = sequence;
    }

    std::uint64_t base_ = 0;
    PageArray<CachedSlot> slots_;
};

// Calls visit(record, offset) for every record in `bytes` that checks out, in order,
// stepping over damaged ones (to the next record that checks out). `bytes` is a chunk of a
// block: unless it is the last one, a record (or a possible record, while stepping over
// damage) that does not fit in it stops the walk. Returns where the next chunk must start
// (0: nothing fitted; read a bigger chunk). Used to load a cache; recovery has its own,
// stricter walk (torn tails, counting the damage).
template <typename Visit>
std::size_t walk_good_records(std::string_view bytes, bool last_chunk, Visit visit) {
    const auto needs_more = [&](std::size_t at) {
        if (last_chunk) return false;
        if (at + record_overhead > bytes.size()) return true;
        const std::uint32_t length = peek_length(bytes.data() + at);
        return plausible_length(length) && length > bytes.size() - at;
    };
    std::size_t at = 0;
    while (at + record_header_size <= bytes.size()) {
        if (needs_more(at)) return at;
        const std::uint32_t length = peek_length(bytes.data() + at);
        RecordView record;
        if (length != 0 && decode_record(bytes.substr(at), record) == DecodeResult::ok) {
            visit(record, at);
            at += length;
            continue;
        }
        std::size_t next = at + 1;
        while (next < bytes.size() && !needs_more(next) && !valid_record_at(bytes, next)) ++next;
        at = next;
    }
    return last_chunk ? bytes.size() : at;
}

}  // namespace store_file
