// FileStream: opening a stream. The indexes are rebuilt from the block files alone,
// replaying every record in file order (messages, tombstones, bounds), so nothing but
// the blocks has to be durable. See README.md, "Recovery".

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "file_stream.hpp"
#include "meta_file.hpp"

namespace store_file {

using sdk::StoreError;

namespace {

// A corrupt record's own sequence is believed only this close above the last one (a
// flipped bit in the sequence field must not move the stream's end).
constexpr std::uint64_t corrupt_sequence_window = 1024;

// The block ids found in a msgs directory, ascending.
std::vector<std::uint32_t> block_ids(const std::string& dir) {
    std::vector<std::uint32_t> ids;
    DIR* listing = ::opendir(dir.c_str());
    if (listing == nullptr) return ids;
    while (const dirent* entry = ::readdir(listing)) {
        const std::string_view name(entry->d_name);
        if (name.size() < 5 || !name.ends_with(".blk")) continue;
        std::uint64_t id = 0;
        bool digits = true;
        for (const char c : name.substr(0, name.size() - 4)) {
            if (c < '0' || c > '9' || id > 0xFFFFFFFFu / 10) {
                digits = false;
                break;
            }
            id = id * 10 + static_cast<std::uint64_t>(c - '0');
        }
        if (digits && id > 0 && id <= 0xFFFFFFFFu) ids.push_back(static_cast<std::uint32_t>(id));
    }
    ::closedir(listing);
    std::sort(ids.begin(), ids.end());
    return ids;
}

// Creates `path` if missing; a new directory is made durable in its parent.
void ensure_directory(FileIo& io, const std::string& path) {
    if (::mkdir(path.c_str(), 0750) == 0) {
        const std::string parent = path.substr(0, path.find_last_of('/'));
        if (const int result = sync_directory(io, parent); result != 0) {
            throw StoreError(NMK_STORE_IO_ERROR, describe_errno("cannot sync directory", parent, -result));
        }
    } else if (errno != EEXIST) {
        const int error_number = errno;
        throw StoreError(status_for_errno(error_number), describe_errno("cannot create directory", path, error_number));
    }
}

// One past the last byte that is not zero in [from, data.size()), or `from`. Most of
// a fresh block is zeros: compare 4 KiB at a time first.
std::size_t nonzero_end(const std::string& data, std::size_t from) {
    static const char zeros[4096] = {};
    std::size_t end = data.size();
    while (end >= from + sizeof zeros && std::memcmp(data.data() + end - sizeof zeros, zeros, sizeof zeros) == 0) {
        end -= sizeof zeros;
    }
    while (end > from && data[end - 1] == 0) --end;
    return end;
}

// Whether `file` holds only zeros from `from` to its end, read a window at a time into
// `buffer` (reused). After a clean close the index snapshot ends where the last block's
// records end and the rest of that block is preallocated zeros: checking them this way
// costs a 256 KiB buffer instead of the whole rest of the block in memory (up to 8 MiB of
// fresh pages to fault in and clear, most of a snapshot open's time).
bool rest_is_zeros(BlockFile& file, std::uint64_t from, std::string& buffer) {
    static const char zeros[4096] = {};
    constexpr std::size_t window = 256 * 1024;
    if (buffer.size() < window) buffer.resize(window);
    for (std::uint64_t at = from; at < file.capacity();) {
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(window, file.capacity() - at));
        if (file.read(at, n, buffer.data()) != 0) return false;  // the full scan says what is wrong
        for (std::size_t i = 0; i < n; i += sizeof zeros) {
            if (std::memcmp(buffer.data() + i, zeros, std::min(sizeof zeros, n - i)) != 0) return false;
        }
        at += n;
    }
    return true;
}

}  // namespace

void FileStream::recover() {
    FileIo& io = context_->io();
    ensure_directory(io, dir_);
    ensure_directory(io, msgs_dir_);
    ::unlink((dir_ + "/" + std::string(meta_temp_name)).c_str());  // an interrupted write_meta

    const std::vector<std::uint32_t> ids = block_ids(msgs_dir_);
    if (ids.empty()) return;
    first_block_id_ = ids.front();
    for (std::uint32_t id = ids.front(), i = 0; id <= ids.back(); ++id) {
        Block block;
        if (ids[i] == id) {
            int error_number = 0;
            block.file = BlockFile::open(io, msgs_dir_ + "/" + BlockFile::file_name(id), id, &error_number);
            if (!block.file) {
                throw StoreError(NMK_STORE_IO_ERROR,
                                 describe_errno("cannot open block", BlockFile::file_name(id), error_number));
            }
            ++i;
        } else {
            note_corrupt(0, "block file " + BlockFile::file_name(id) + " is missing");
        }
        blocks_.push_back(std::move(block));
        if (id == ids.back()) break;
    }
    // A snapshot from a clean close covers a prefix of the blocks; the rest is replayed.
    const auto resume = load_snapshot();
    // Replaying builds the cache of every block it reads (a tombstone or bounds record
    // needs the subject and size of messages in earlier blocks); they are dropped after.
    keep_caches_ = true;
    for (std::size_t i = resume ? resume->first : 0; i < blocks_.size(); ++i) {
        const bool resumed = resume && i == resume->first;  // its range and cache come from the snapshot
        if (!resumed) {
            blocks_[i].first = last_ + 1;
            blocks_[i].last = last_;
            blocks_[i].cache = std::make_unique<BlockCache>();
            // At most one message per record_overhead bytes: address space only.
            if (blocks_[i].file) blocks_[i].cache->reserve(blocks_[i].file->capacity() / record_overhead);
        }
        if (!blocks_[i].file) continue;
        recover_block(blocks_[i], i + 1 == blocks_.size(), resumed ? resume->second : 0);
    }
    keep_caches_ = false;
    drop_inactive_caches();
    std::string().swap(recovery_buffer_);  // a whole block: not worth keeping
    for (std::size_t i = 0; i + 1 < blocks_.size(); ++i) {
        if (blocks_[i].file) blocks_[i].file->close_descriptor();  // reopened when read
    }
    live_.trim();
    if (messages_ == 0) first_ = last_ + 1;
    target_->set_active(blocks_.back().file->handle());
    BlockFile& active = *blocks_.back().file;
    if (active.end() == 0) {
        // A block created just before a crash, its head never written: every block
        // starts with the stream's bounds, so write them now.
        std::string head;
        encode_bounds(head, first_, last_, last_time_ns_);
        if (const int result = active.append(head); result != 0) {
            throw StoreError(status_for_errno(-result), describe_errno("cannot write block", active.path(), -result));
        }
        target_->wrote();
    }
}

void FileStream::recover_block(Block& block, bool last_block, std::uint64_t start) {
    BlockFile& file = *block.file;
    if (start > 0 && rest_is_zeros(file, start, recovery_buffer_)) {
        file.set_end(start);  // nothing after the snapshot: no record, no torn write
        return;
    }
    // Positions below are relative to `start` (a snapshot covers what lies before it).
    std::string& data = recovery_buffer_;  // reused from block to block
    if (const int result = file.read_from(start, data); result != 0) {
        throw StoreError(NMK_STORE_IO_ERROR, describe_errno("cannot read block", file.path(), -result));
    }
    const std::string_view bytes(data);
    std::size_t at = 0;
    while (at + record_header_size <= bytes.size()) {
        const std::uint32_t length = peek_length(bytes.data() + at);
        // Zeros up to the end of the file: the preallocated space past the logical end.
        if (length == 0 && nonzero_end(data, at) == at) break;
        RecordView record;
        const DecodeResult result = length == 0 ? DecodeResult::bad_length : decode_record(bytes.substr(at), record);
        if (result == DecodeResult::ok) {
            apply_record(record, file.id(), static_cast<std::uint32_t>(start + at));
            at += length;
            continue;
        }
        // A record that does not check out. Its length is believed only if a good record
        // (or the zero-filled end) follows where it says the record ends; otherwise look
        // for the next good record byte by byte. Either way the damage is counted and
        // everything after it stays readable. Finding nothing good after it means the
        // write was torn here (handled below the loop).
        const std::size_t written_end = nonzero_end(data, at);
        const std::size_t claimed_next = at + length;
        const bool length_believed =
            result == DecodeResult::bad_checksum && !checksum_missing(bytes.substr(at, length)) &&
            (claimed_next >= written_end || valid_record_at(bytes, claimed_next));
        if (length_believed) {
            // Its sequence (untrusted) is kept when it fits between the last one and the
            // next good record's, so load() reports that sequence as corrupt; a damaged
            // sequence field must never push the good records after it out of order.
            std::uint64_t next_good = 0;
            if (claimed_next < written_end) {
                RecordView next_record;
                if (decode_record(bytes.substr(claimed_next), next_record) == DecodeResult::ok &&
                    next_record.kind == RecordKind::message)
                    next_good = next_record.sequence;
            }
            if (record.kind == RecordKind::message && record.sequence > last_ &&
                record.sequence - last_ <= corrupt_sequence_window && (next_good == 0 || record.sequence < next_good)) {
                corrupt_markers_.insert(record.sequence);
                last_ = record.sequence;
                last_time_ns_ = record.time_ns;
            }
            note_corrupt(record.kind == RecordKind::message ? record.sequence : 0,
                         "in " + file.path() + " at offset " + std::to_string(start + at) + " failed its checksum");
            at = claimed_next;
            continue;
        }
        std::size_t next = at + 1;
        while (next < written_end && !valid_record_at(bytes.substr(0, written_end), next)) ++next;
        if (next >= written_end) break;
        note_corrupt(0, "in " + file.path() + ": " + std::to_string(next - at) + " unreadable bytes at offset " +
                            std::to_string(start + at));
        at = next;
    }
    const std::size_t end = nonzero_end(data, at);
    if (end > at) {
        if (last_block) {
            // A torn write: the tail of a record that never fully reached the disk (it was
            // never acknowledged: sync covers only whole appends). Zero it so that a later,
            // shorter record cannot be followed by its remains.
            context_->log(NMK_LOG_WARN, "file store stream " + dir_ + ": dropped " + std::to_string(end - at) +
                                            " bytes of a torn write at the end of " + file.path() + " (offset " +
                                            std::to_string(start + at) + ")");
            if (const int result = file.zero_range(start + at, start + end); result != 0) {
                throw StoreError(NMK_STORE_IO_ERROR, describe_errno("cannot repair block", file.path(), -result));
            }
            torn_bytes_dropped_ += end - at;
        } else {
            note_corrupt(0, "in " + file.path() + ": " + std::to_string(end - at) +
                                " unreadable bytes at the end of a full block (offset " + std::to_string(start + at) + ")");
        }
    }
    file.set_end(start + at);
}

void FileStream::apply_record(const RecordView& record, std::uint32_t block, std::uint32_t offset) {
    switch (record.kind) {
        case RecordKind::message:
            if (record.sequence <= last_) {
                note_corrupt(record.sequence, "is out of order (last " + std::to_string(last_) + "), ignored");
                return;
            }
            index_message(record.sequence, record.time_ns, record.subject, !record.headers.empty(), block, offset,
                          record.length);
            return;
        case RecordKind::tombstone:
            unindex(record.sequence);
            return;
        case RecordKind::bounds:
            apply_bounds(bounds_first(record), record.sequence, record.time_ns);
            return;
    }
}

}  // namespace store_file
