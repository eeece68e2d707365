// FileStream: the reads (load, load_next, load_last), the states and sequence_for_time.
// Every record read is verified against its checksum; a failing one is marked corrupt
// in the index (counted and logged once, never served) and the read moves on.

#include <algorithm>
#include <cstring>

#include "file_stream.hpp"
#include "subject_filter.hpp"

namespace store_file {

using sdk::LoadResult;
using sdk::StoreError;

namespace {

// Descriptors of full blocks kept open per stream (the active block's is always open).
constexpr std::size_t open_reader_limit = 4;

}  // namespace

BlockFile* FileStream::reader(std::uint32_t id) const {
    const Block* block = block_for(id);
    if (block == nullptr || !block->file) return nullptr;
    BlockFile* file = block->file.get();
    if (&blocks_.back() == block || (!open_readers_.empty() && open_readers_.back() == id)) return file;
    const auto known = std::find(open_readers_.begin(), open_readers_.end(), id);
    if (known != open_readers_.end()) open_readers_.erase(known);
    open_readers_.push_back(id);
    while (open_readers_.size() > open_reader_limit) {
        const Block* oldest = block_for(open_readers_.front());
        if (oldest != nullptr && oldest->file && oldest != &blocks_.back()) oldest->file->close_descriptor();
        open_readers_.pop_front();
    }
    return file;
}

FileStream::ReadResult FileStream::read_record(std::uint64_t sequence, std::size_t i, const CachedSlot& slot,
                                               RecordView& record) const {
    // In the window, or read ahead into it when this read continues the last one (reading
    // in order), or read alone (random access).
    if (!blocks_[i].file) return ReadResult::corrupt;
    const std::uint32_t id = blocks_[i].file->id();
    std::string_view bytes = window_.find(id, slot.offset, slot.length());
    const bool in_order = id == last_read_block_ && slot.offset == last_read_end_;
    last_read_block_ = id;
    last_read_end_ = std::uint64_t{slot.offset} + slot.length();
    if (!bytes.empty()) return decode_checked(sequence, slot, bytes, record);
    BlockFile* file = reader(id);
    if (in_order && slot.length() <= ReadWindow::default_size && slot.offset < file->end()) {
        const auto length = static_cast<std::size_t>(
            std::max<std::uint64_t>(slot.length(), std::min<std::uint64_t>(ReadWindow::default_size,
                                                                          file->end() - slot.offset)));
        if (const int result = window_.fill(*file, slot.offset, length); result != 0 && result != -ENODATA) {
            throw StoreError(NMK_STORE_IO_ERROR, describe_errno("cannot read", file->path(), -result));
        }
        bytes = window_.find(id, slot.offset, slot.length());
    }
    if (bytes.empty()) {
        read_buffer_.resize(slot.length());
        if (const int result = file->read(slot.offset, slot.length(), read_buffer_.data()); result != 0) {
            if (result == -ENODATA) return ReadResult::corrupt;  // the file is shorter than the index says
            throw StoreError(NMK_STORE_IO_ERROR, describe_errno("cannot read", file->path(), -result));
        }
        bytes = read_buffer_;
    }
    return decode_checked(sequence, slot, bytes, record);
}

FileStream::ReadResult FileStream::decode_checked(std::uint64_t sequence, const CachedSlot& slot,
                                                  std::string_view bytes, RecordView& record) {
    if (decode_record(bytes, record) != DecodeResult::ok || record.kind != RecordKind::message ||
        record.sequence != sequence || record.length != slot.length()) {
        return ReadResult::corrupt;
    }
    return ReadResult::ok;
}

LoadResult FileStream::deliver(std::uint64_t sequence, const std::function<void(const sdk::MessageView&)>& found) {
    if (corrupt_markers_.count(sequence) > 0) return LoadResult::corrupt;
    const auto where = locate(sequence);
    if (!where) return corrupt_markers_.count(sequence) > 0 ? LoadResult::corrupt : LoadResult::not_found;
    RecordView record;
    if (read_record(sequence, where->first, where->second, record) != ReadResult::ok) {
        mark_corrupt(sequence, where->first, where->second, "failed its checksum when read");
        live_.trim();
        return LoadResult::corrupt;
    }
    const sdk::MessageView view{sequence, record.time_ns, record.subject, record.headers, record.payload};
    found(view);
    return LoadResult::found;
}

std::optional<std::int64_t> FileStream::read_time(std::uint64_t sequence) const {
    const auto where = locate(sequence);
    if (!where) return std::nullopt;
    const auto& [i, slot] = *where;
    std::int64_t time_ns = 0;
    BlockFile* file = blocks_[i].file ? reader(blocks_[i].file->id()) : nullptr;
    if (file == nullptr) return std::nullopt;
    if (const std::string_view bytes = window_.find(file->id(), slot.offset, slot.length()); !bytes.empty()) {
        std::memcpy(&time_ns, bytes.data() + 16, sizeof time_ns);
        return time_ns;
    }
    if (file->read(slot.offset + 16, sizeof time_ns, reinterpret_cast<char*>(&time_ns)) != 0) {
        return std::nullopt;
    }
    return time_ns;
}

void FileStream::refresh_subject(std::uint32_t id) const {
    SubjectInfo& info = subjects_.info(id);
    // Scans the live sequences between the old bounds (loading the blocks on the way).
    if (info.first_stale) {
        for (std::uint64_t q = live_.next(info.first, info.last); q != LiveBits::none;
             q = q < info.last ? live_.next(q + 1, info.last) : LiveBits::none) {
            if (subject_of(q) == id) {
                info.first = q;
                break;
            }
        }
        info.first_stale = false;
    }
    if (info.last_stale) {
        for (std::uint64_t q = live_.prev(info.last, info.first); q != LiveBits::none;
             q = q > info.first ? live_.prev(q - 1, info.first) : LiveBits::none) {
            if (subject_of(q) == id) {
                info.last = q;
                break;
            }
        }
        info.last_stale = false;
    }
}

LoadResult FileStream::load(std::uint64_t sequence, const std::function<void(const sdk::MessageView&)>& found) {
    return deliver(sequence, found);
}

LoadResult FileStream::load_next(std::uint64_t start, std::string_view filter,
                                 const std::function<void(const sdk::MessageView&)>& found) {
    SubjectFilter match(subjects_, filter);
    if (match.matches_nothing() || messages_ == 0) return LoadResult::not_found;
    std::uint64_t from = std::max(start, first_);
    std::uint64_t to = last_;
    if (const auto id = match.literal_id()) {
        refresh_subject(*id);
        from = std::max(from, subjects_.info(*id).first);
        to = subjects_.info(*id).last;
    }
    for (std::uint64_t q = live_.next(from, to); q != LiveBits::none; q = q < to ? live_.next(q + 1, to) : LiveBits::none) {
        if (!match.all()) {
            const auto id = subject_of(q);
            if (!id || !match.matches(*id)) continue;
        }
        if (deliver(q, found) == LoadResult::found) return LoadResult::found;
        if (messages_ == 0) break;  // the last message just turned out corrupt
    }
    return LoadResult::not_found;
}

LoadResult FileStream::load_last(std::string_view filter, const std::function<void(const sdk::MessageView&)>& found) {
    SubjectFilter match(subjects_, filter);
    if (match.matches_nothing() || messages_ == 0) return LoadResult::not_found;
    std::uint64_t from = first_;
    std::uint64_t to = last_;
    if (const auto id = match.literal_id()) {
        refresh_subject(*id);
        from = subjects_.info(*id).first;
        to = subjects_.info(*id).last;
    }
    for (std::uint64_t q = live_.prev(to, from); q != LiveBits::none;
         q = q > from ? live_.prev(q - 1, from) : LiveBits::none) {
        if (!match.all()) {
            const auto id = subject_of(q);
            if (!id || !match.matches(*id)) continue;
        }
        if (deliver(q, found) == LoadResult::found) return LoadResult::found;
        if (messages_ == 0) break;
    }
    return LoadResult::not_found;
}

sdk::StreamState FileStream::state() const {
    sdk::StreamState state{};
    state.messages = messages_;
    state.bytes = bytes_;
    // As nats-server: 0 and 0 for a stream that never held a message; the last time stays
    // when the messages go.
    state.first_sequence = fresh_ ? 0 : first_;
    state.last_sequence = last_;
    state.last_time_ns = last_time_ns_;
    state.subjects = subjects_.size();
    state.corrupt = corrupt_;
    if (messages_ > 0) {
        if (first_time_sequence_ != first_) {
            first_time_ns_ = read_time(first_).value_or(0);
            first_time_sequence_ = first_;
        }
        state.first_time_ns = first_time_ns_;
        state.deleted = last_ - first_ + 1 - messages_;
    }
    return state;
}

std::optional<sdk::SubjectState> FileStream::subject_state(std::string_view literal_subject) const {
    const auto id = subjects_.find(literal_subject);
    if (!id) return std::nullopt;
    refresh_subject(*id);
    const SubjectInfo& info = subjects_.info(*id);
    return sdk::SubjectState{info.messages, info.first, info.last};
}

void FileStream::subjects_state(std::string_view filter,
                                const std::function<void(std::string_view, const sdk::SubjectState&)>& found) const {
    SubjectFilter match(subjects_, filter);
    for (std::uint32_t id = 0; id < subjects_.id_limit(); ++id) {
        if (!subjects_.in_use(id) || !match.matches(id)) continue;
        refresh_subject(id);
        const SubjectInfo& info = subjects_.info(id);
        found(info.subject, sdk::SubjectState{info.messages, info.first, info.last});
    }
}

std::uint64_t FileStream::sequence_for_time(std::int64_t time_ns) const {
    // Times grow with sequences (JetStream stamps them). The last block whose first
    // message is older than time_ns holds the answer or ends just before it: only that
    // block is searched (binary search over its live messages, O(log n) header reads).
    if (messages_ == 0) return last_ + 1;
    std::size_t candidate = blocks_.size();
    for (std::size_t i = 0; i < blocks_.size(); ++i) {
        if (blocks_[i].has_time && blocks_[i].first_time_ns < time_ns && blocks_[i].live > 0) candidate = i;
    }
    if (candidate == blocks_.size()) return first_;
    std::uint64_t low = std::max(first_, blocks_[candidate].first);
    std::uint64_t high = std::min(last_, blocks_[candidate].last) + 1;
    std::uint64_t best = 0;
    while (low < high) {
        const std::uint64_t middle = low + (high - low) / 2;
        std::optional<std::int64_t> time;
        std::uint64_t live = live_.next(middle, high - 1);
        for (; live != LiveBits::none; live = live + 1 < high ? live_.next(live + 1, high - 1) : LiveBits::none) {
            if ((time = read_time(live))) break;
        }
        if (live == LiveBits::none) {
            high = middle;  // nothing readable in [middle, high)
        } else if (*time >= time_ns) {
            best = live;
            high = middle;
        } else {
            low = live + 1;
        }
    }
    if (best != 0) return best;
    const std::uint64_t after = live_.next(blocks_[candidate].last + 1, last_);
    return after != LiveBits::none ? after : last_ + 1;
}

}  // namespace store_file
