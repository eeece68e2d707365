// FileStream: the in-memory bookkeeping that writes and recovery share (which sequences
// are live, per-subject and per-block counts, bounds) and the block caches that say where
// each live message is. See block_cache.hpp and README.md, "Memory".

#include <algorithm>

#include "file_stream.hpp"

namespace store_file {

using sdk::StoreError;

namespace {

// Corrupt records logged per open stream; the rest are only counted.
constexpr std::uint64_t corrupt_log_limit = 20;

}  // namespace

// ---- blocks and their caches ----

std::size_t FileStream::block_index_of(std::uint64_t sequence) const noexcept {
    // Ranges ascend: the first block whose range ends at or after `sequence`.
    const auto found = std::partition_point(blocks_.begin(), blocks_.end(),
                                            [&](const Block& block) { return block.last < sequence; });
    if (found == blocks_.end() || sequence < found->first) return blocks_.size();
    return static_cast<std::size_t>(found - blocks_.begin());
}

BlockCache& FileStream::cache_for(std::size_t i) const {
    // Loading a cache is bookkeeping that const readers may need (and damage found while
    // loading is counted at once): the one place a const call changes the stream.
    if (!blocks_[i].cache) const_cast<FileStream*>(this)->load_cache(i);
    blocks_[i].cache->last_used = ++cache_clock_;
    return *blocks_[i].cache;
}

std::vector<std::uint64_t> FileStream::build_cache(std::size_t i, BlockCache& cache) const {
    const Block& block = blocks_[i];
    if (block.file) {
        // A window at a time; a record bigger than the window gets a bigger read.
        BlockFile& file = *reader(block.file->id());  // joins the bounded set of open descriptors
        const std::uint64_t end = file.end();
        cache.reserve(static_cast<std::size_t>(end / record_overhead));  // address space only
        std::uint64_t position = 0;
        std::uint64_t want = ReadWindow::default_size;
        while (position < end) {
            const auto length = static_cast<std::size_t>(std::min(want, end - position));
            if (const int result = window_.fill(file, position, length); result != 0) {
                if (result == -ENODATA) break;  // shorter than what was written: the rest is missing
                throw StoreError(NMK_STORE_IO_ERROR, describe_errno("cannot read", file.path(), -result));
            }
            const bool last_chunk = position + length >= end;
            const std::size_t used = walk_good_records(window_.bytes(), last_chunk, [&](const RecordView& record,
                                                                                        std::size_t at) {
                if (record.kind != RecordKind::message || record.sequence < block.first ||
                    record.sequence > block.last || !live_.test(record.sequence)) {
                    return;
                }
                const auto id = subjects_.find(record.subject);
                if (!id) return;  // cannot be this message's record: missing below
                // A later record of the same sequence (re-used after a truncation) wins.
                cache.put(record.sequence,
                          CachedSlot{*id, static_cast<std::uint32_t>(position + at),
                                     record.length | (record.headers.empty() ? 0 : CachedSlot::has_headers_bit)});
            });
            if (last_chunk) break;
            if (used == 0) {
                want *= 2;
                continue;
            }
            position += used;
            want = ReadWindow::default_size;
        }
        window_.shrink();
    }
    std::vector<std::uint64_t> missing;
    for (std::uint64_t q = live_.next(block.first, block.last); q != LiveBits::none;
         q = live_.next(q + 1, block.last)) {
        if (cache.find(q) == nullptr) missing.push_back(q);
    }
    return missing;
}

void FileStream::load_cache(std::size_t i) {
    auto cache = std::make_unique<BlockCache>();
    const std::vector<std::uint64_t> missing = build_cache(i, *cache);
    cache->last_used = ++cache_clock_;
    blocks_[i].cache = std::move(cache);
    if (!keep_caches_) {
        // Drop the least recently used caches of full blocks beyond the budget.
        while (true) {
            std::size_t cached = 0;
            std::size_t oldest = blocks_.size();
            for (std::size_t j = 0; j + 1 < blocks_.size(); ++j) {
                if (!blocks_[j].cache) continue;
                cached += blocks_[j].cache->memory();
                if (j != i && (oldest == blocks_.size() ||
                               blocks_[j].cache->last_used < blocks_[oldest].cache->last_used)) {
                    oldest = j;
                }
            }
            if (cached <= context_->options().cache_bytes || oldest == blocks_.size()) break;
            blocks_[oldest].cache.reset();
        }
    }
    for (const std::uint64_t q : missing) lose_message(q, i);
    if (recount_needed_ && !recounting_) recount();
}

void FileStream::drop_inactive_caches() {
    for (std::size_t i = 0; i + 1 < blocks_.size(); ++i) blocks_[i].cache.reset();
}

std::optional<std::pair<std::size_t, CachedSlot>> FileStream::locate(std::uint64_t sequence) const {
    if (!live_.test(sequence)) return std::nullopt;
    const std::size_t i = block_index_of(sequence);
    if (i == blocks_.size()) {
        const_cast<FileStream*>(this)->lose_message(sequence, i);  // cannot happen: counted, never served
        return std::nullopt;
    }
    const CachedSlot* slot = cache_for(i).find(sequence);
    if (slot == nullptr) return std::nullopt;  // found missing while loading: now corrupt
    return std::make_pair(i, *slot);
}

std::optional<std::uint32_t> FileStream::subject_of(std::uint64_t sequence) const {
    const auto where = locate(sequence);
    if (!where) return std::nullopt;
    return where->second.subject;
}

void FileStream::lose_message(std::uint64_t sequence, std::size_t block) {
    if (!live_.test(sequence)) return;
    live_.clear(sequence);
    --messages_;
    if (block < blocks_.size()) --blocks_[block].live;
    corrupt_markers_.insert(sequence);
    recount_needed_ = true;
    if (sequence == first_) advance_first(sequence + 1);
    note_corrupt(sequence, "is damaged or missing in its block");
}

void FileStream::recount() {
    // Rare (a record damaged while its block's cache was not loaded): the lost message's
    // subject and size are unknown, so count every block again. Caches loaded for this are
    // dropped again as usual; messages found missing meanwhile are lost as well.
    recounting_ = true;
    std::vector<std::uint64_t> counts(subjects_.id_limit(), 0);
    std::uint64_t bytes = 0;
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
        const Block& block = blocks_[i];
        // Blocks without a cache are read into a temporary one (offsets only), so that no
        // cache a caller is using is dropped and memory stays bounded.
        BlockCache temporary;
        BlockCache* cache = block.cache.get();
        if (cache == nullptr) {
            for (const std::uint64_t q : build_cache(i, temporary)) lose_message(q, i);
            cache = &temporary;
        }
        for (std::uint64_t q = live_.next(block.first, block.last); q != LiveBits::none;
             q = live_.next(q + 1, block.last)) {
            const CachedSlot* slot = cache->find(q);
            if (slot == nullptr) {
                lose_message(q, i);
                continue;
            }
            if (slot->subject >= counts.size()) counts.resize(slot->subject + 1, 0);
            ++counts[slot->subject];
            bytes += slot->accounted();
        }
    }
    for (std::uint32_t id = 0; id < subjects_.id_limit(); ++id) {
        if (subjects_.in_use(id)) subjects_.set_count(id, id < counts.size() ? counts[id] : 0);
    }
    bytes_ = bytes;
    recounting_ = false;
    recount_needed_ = false;
}

void FileStream::clip_block_ranges(std::uint64_t first, std::uint64_t last) {
    for (Block& block : blocks_) {
        if (block.first == ~std::uint64_t{0}) continue;  // not reached by recovery yet: nothing in it is known
        block.last = std::min(block.last, last);
        block.first = std::min(block.first, last + 1);
        block.first = std::max(block.first, first);
        block.last = std::max(block.last, first - 1);
    }
}

// ---- bookkeeping ----

void FileStream::index_message(std::uint64_t sequence, std::int64_t time_ns, std::string_view subject,
                               bool has_headers, std::uint32_t block, std::uint32_t offset, std::uint32_t length) {
    fresh_ = false;
    if (messages_ == 0) {
        first_ = sequence;
        first_time_sequence_ = 0;  // after a truncate the same sequence may hold another message
        live_.reset(sequence);
    }
    const std::size_t i = block - first_block_id_;
    Block& b = blocks_[i];
    if (!b.cache) cache_for(i);  // the block's earlier messages first (after a restart)
    CachedSlot slot;
    slot.subject = subjects_.add(subject, sequence);
    slot.offset = offset;
    slot.length_bits = length | (has_headers ? CachedSlot::has_headers_bit : 0);
    b.cache->put(sequence, slot);
    live_.set(sequence);
    ++messages_;
    bytes_ += slot.accounted();
    ++b.live;
    b.last = sequence;
    // The block's earliest time (a sequence re-used after a truncation may be older than
    // what the block held before).
    if (!b.has_time || time_ns < b.first_time_ns) {
        b.first_time_ns = time_ns;
        b.has_time = true;
    }
    last_ = sequence;
    last_time_ns_ = time_ns;
}

bool FileStream::unindex(std::uint64_t sequence) {
    if (corrupt_markers_.erase(sequence) > 0) return false;
    const auto where = locate(sequence);
    if (!where) return false;
    const auto& [i, slot] = *where;
    subjects_.remove(slot.subject, sequence);
    --messages_;
    bytes_ -= slot.accounted();
    --blocks_[i].live;
    blocks_[i].cache->forget(sequence);
    live_.clear(sequence);
    if (sequence == first_) advance_first(sequence + 1);
    return true;
}

void FileStream::advance_first(std::uint64_t from) {
    const std::uint64_t next = messages_ > 0 ? live_.next(from, last_) : LiveBits::none;
    first_ = next != LiveBits::none ? next : last_ + 1;
}

void FileStream::apply_bounds(std::uint64_t first, std::uint64_t last, std::int64_t last_time_ns) {
    if (first == 0) first = 1;
    for (std::uint64_t q = live_.next(last + 1); q != LiveBits::none; q = live_.next(q + 1)) unindex(q);
    {
        for (std::uint64_t q = live_.next(0, first - 1); q != LiveBits::none; q = live_.next(q + 1, first - 1)) {
            unindex(q);
        }
    }
    corrupt_markers_.erase(corrupt_markers_.upper_bound(last), corrupt_markers_.end());
    corrupt_markers_.erase(corrupt_markers_.begin(), corrupt_markers_.lower_bound(first));
    clip_block_ranges(first, last);
    last_ = last;
    last_time_ns_ = last_time_ns;
    first_time_sequence_ = 0;
    fresh_ = false;
    if (messages_ == 0) {
        live_.reset(last_ + 1);
        first_ = last_ + 1;
    } else {
        advance_first(first);
        live_.trim();
    }
}

void FileStream::mark_corrupt(std::uint64_t sequence, std::size_t block, const CachedSlot& slot, std::string_view why) {
    if (live_.test(sequence)) {
        subjects_.remove(slot.subject, sequence);
        --messages_;
        bytes_ -= slot.accounted();
        --blocks_[block].live;
        live_.clear(sequence);
        if (blocks_[block].cache) blocks_[block].cache->forget(sequence);
    }
    corrupt_markers_.insert(sequence);
    if (sequence == first_) advance_first(sequence + 1);
    note_corrupt(sequence, why);
}

void FileStream::note_corrupt(std::uint64_t sequence, std::string_view why) {
    ++corrupt_;
    if (corrupt_logged_ >= corrupt_log_limit) return;
    std::string line = "file store stream " + dir_ + ": ";
    if (sequence != 0) line += "record of sequence " + std::to_string(sequence) + " ";
    line += why;
    line += "; it is counted as corrupt and never served";
    if (++corrupt_logged_ == corrupt_log_limit) line += " (further corrupt records are counted, not logged)";
    context_->log(NMK_LOG_ERROR, line);
}

}  // namespace store_file
