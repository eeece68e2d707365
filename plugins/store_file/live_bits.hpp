#pragma once
// Which sequences hold a live message: one bit per sequence from base() (a multiple of
// 64) up, in a deque of 64-bit words so that the front (removals, compaction) and the back
// (appends, truncation) both move cheaply. A million sequences take 125 KB; where each
// message is (block, offset, subject) is kept per block, and only for blocks in use (see
// block_cache.hpp).
//
// Sequence 0 is never live (sequences start at 1), so 0 answers "none" below.

#include <bit>
#include <cstdint>
#include <deque>
#include <limits>

namespace store_file {

class LiveBits {
public:
    static constexpr std::uint64_t none = 0;
    static constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();

    std::uint64_t base() const noexcept { return base_; }
    std::uint64_t end() const noexcept { return base_ + 64 * words_.size(); }
    const std::deque<std::uint64_t>& words() const noexcept { return words_; }

    void reset(std::uint64_t sequence) {
        words_.clear();
        base_ = sequence & ~std::uint64_t{63};
    }
    // Snapshot support: the words as they were.
    void restore(std::uint64_t base, std::deque<std::uint64_t> words) {
        base_ = base & ~std::uint64_t{63};
        words_ = std::move(words);
    }

    bool test(std::uint64_t q) const noexcept {
        return q >= base_ && q < end() && ((words_[(q - base_) >> 6] >> ((q - base_) & 63)) & 1) != 0;
    }
    void set(std::uint64_t q) {
        if (words_.empty()) base_ = q & ~std::uint64_t{63};
        while (q < base_) {  // only after a truncation below the base
            words_.push_front(0);
            base_ -= 64;
        }
        while (q >= end()) words_.push_back(0);
        words_[(q - base_) >> 6] |= std::uint64_t{1} << ((q - base_) & 63);
    }
    void clear(std::uint64_t q) noexcept {
        if (q >= base_ && q < end()) words_[(q - base_) >> 6] &= ~(std::uint64_t{1} << ((q - base_) & 63));
    }

    // The lowest live sequence in [from, to], or none.
    std::uint64_t next(std::uint64_t from, std::uint64_t to = max) const noexcept {
        if (from < base_) from = base_;
        if (from > to || from >= end()) return none;
        std::size_t word = (from - base_) >> 6;
        std::uint64_t bits = words_[word] & (~std::uint64_t{0} << ((from - base_) & 63));
        while (true) {
            if (bits != 0) {
                const std::uint64_t q = base_ + 64 * word + static_cast<std::uint64_t>(std::countr_zero(bits));
                return q <= to ? q : none;
            }
            if (++word == words_.size() || base_ + 64 * word > to) return none;
            bits = words_[word];
        }
    }
    // The highest live sequence in [low, from], or none.
    std::uint64_t prev(std::uint64_t from, std::uint64_t low = 0) const noexcept {
        if (words_.empty() || from < base_) return none;
        if (from >= end()) from = end() - 1;
        if (from < low) return none;
        std::size_t word = (from - base_) >> 6;
        const unsigned shift = 63 - static_cast<unsigned>((from - base_) & 63);
        std::uint64_t bits = (words_[word] << shift) >> shift;
        while (true) {
            if (bits != 0) {
                const std::uint64_t q = base_ + 64 * word + 63 - static_cast<std::uint64_t>(std::countl_zero(bits));
                return q >= low ? q : none;
            }
            if (word == 0 || base_ + 64 * word <= low) return none;
            bits = words_[--word];
        }
    }
    // How many live sequences lie in [from, to).
    std::uint64_t count(std::uint64_t from, std::uint64_t to) const noexcept {
        if (from < base_) from = base_;
        if (to > end()) to = end();
        std::uint64_t n = 0;
        while (from < to) {
            const std::size_t word = (from - base_) >> 6;
            const std::uint64_t word_end = base_ + 64 * (word + 1);
            const std::uint64_t span = (word_end < to ? word_end : to) - from;  // 1 to 64
            std::uint64_t bits = words_[word] >> ((from - base_) & 63);
            if (span < 64) bits &= (std::uint64_t{1} << span) - 1;
            n += static_cast<std::uint64_t>(std::popcount(bits));
            from += span;
        }
        return n;
    }
    // Drops whole zero words at both ends (after removals).
    void trim() {
        while (!words_.empty() && words_.front() == 0) {
            words_.pop_front();
            base_ += 64;
        }
        while (!words_.empty() && words_.back() == 0) words_.pop_back();
    }

private:
    std::deque<std::uint64_t> words_;
    std::uint64_t base_ = 0;
};

}  // namespace store_file
