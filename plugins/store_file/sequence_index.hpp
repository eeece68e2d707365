#pragma once
// Where each sequence's record is: one 16-byte slot per sequence from base() to
// end() - 1, in a deque so that the front (removals, compaction) and the back (appends,
// truncation) both move cheaply. Rebuilt from the block files on every open.
//
// A slot is one of: a message (subject id, block, offset, length), nothing (removed,
// purged, a skipped sequence), or a record found corrupt (reported, never served).

#include <cstdint>
#include <deque>

namespace store_file {

struct Slot {
    static constexpr std::uint32_t empty = 0xFFFFFFFFu;
    static constexpr std::uint32_t corrupt = 0xFFFFFFFEu;
    static constexpr std::uint32_t has_headers_bit = 0x80000000u;

    std::uint32_t subject = empty;  // a SubjectIndex id, or empty / corrupt
    std::uint32_t block = 0;
    std::uint32_t offset = 0;
    std::uint32_t length_bits = 0;  // record length; has_headers_bit when the message has headers

    bool live() const noexcept { return subject < corrupt; }
    bool is_corrupt() const noexcept { return subject == corrupt; }
    std::uint32_t length() const noexcept { return length_bits & ~has_headers_bit; }
    // nats-server's fileStoreMsgSize from the record length (see record_format.hpp).
    std::uint64_t accounted() const noexcept {
        return std::uint64_t{length()} - 6 + ((length_bits & has_headers_bit) ? 4 : 0);
    }
};

class SequenceIndex {
public:
    std::uint64_t base() const noexcept { return base_; }
    std::uint64_t end() const noexcept { return base_ + slots_.size(); }
    bool empty() const noexcept { return slots_.empty(); }

    // Forgets every slot; the next put() may be at `base` or above.
    void reset(std::uint64_t base) {
        slots_.clear();
        base_ = base;
    }
    // Sets the slot of `sequence` (at or above end() on appends; sequences skipped in
    // between become empty slots). Below end() it overwrites.
    void put(std::uint64_t sequence, const Slot& slot) {
        if (slots_.empty() && sequence >= base_) base_ = sequence;
        if (sequence < base_) return;
        if (sequence == end()) {
            slots_.push_back(slot);  // the common case: the next sequence
            return;
        }
        if (sequence > end()) slots_.resize(sequence - base_ + 1);
        slots_[sequence - base_] = slot;
    }
    Slot* find(std::uint64_t sequence) noexcept {
        return sequence >= base_ && sequence < end() ? &slots_[sequence - base_] : nullptr;
    }
    const Slot* find(std::uint64_t sequence) const noexcept {
        return sequence >= base_ && sequence < end() ? &slots_[sequence - base_] : nullptr;
    }
    // Drops empty slots at the front (corrupt ones stay, so load still reports them).
    void trim_front() {
        while (!slots_.empty() && slots_.front().subject == Slot::empty) {
            slots_.pop_front();
            ++base_;
        }
    }
    // Drops every slot below `sequence` (compaction), whatever it holds.
    void drop_below(std::uint64_t sequence) {
        while (!slots_.empty() && base_ < sequence) {
            slots_.pop_front();
            ++base_;
        }
        if (slots_.empty() && base_ < sequence) base_ = sequence;
    }
    // Drops every slot above `sequence` (truncation).
    void drop_above(std::uint64_t sequence) {
        while (!slots_.empty() && end() - 1 > sequence) slots_.pop_back();
    }

    // Snapshot support: every slot in order, and a rebuild from them.
    template <typename Visit>
    void for_each(Visit visit) const {
        for (const Slot& slot : slots_) visit(slot);
    }
    void restore(std::uint64_t base, std::deque<Slot> slots) {
        base_ = base;
        slots_ = std::move(slots);
    }

private:
    std::deque<Slot> slots_;
    std::uint64_t base_ = 1;
};

}  // namespace store_file
