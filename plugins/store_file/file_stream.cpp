// FileStream: writes (append, sync, remove, purge, compact, truncate), block rolling and
// the in-memory bookkeeping that writes and recovery share. Reads are in
// file_stream_read.cpp, recovery in stream_recovery.cpp.

#include <unistd.h>

#include <algorithm>

#include "file_stream.hpp"
#include "meta_file.hpp"
#include "subject_filter.hpp"

namespace store_file {

using sdk::StoreError;

namespace {

// Tombstones of a filtered purge are written in batches of about this size.
constexpr std::size_t tombstone_batch_bytes = 64 * 1024;
// An append may skip at most this many sequences while messages are stored (each
// skipped sequence costs an index slot); an empty stream may jump anywhere.
constexpr std::uint64_t max_sequence_gap = std::uint64_t{1} << 26;
// Corrupt records logged per open stream; the rest are only counted.
constexpr std::uint64_t corrupt_log_limit = 20;

}  // namespace

bool is_safe_name(std::string_view name) noexcept {
    if (name.empty() || name == "." || name == ".." || name.front() == '.') return false;
    return name.find('/') == std::string_view::npos && name.find('\0') == std::string_view::npos;
}

FileStream::FileStream(std::shared_ptr<StoreContext> context, std::string dir, std::string key)
    : context_(std::move(context)), dir_(std::move(dir)), msgs_dir_(dir_ + "/msgs"), key_(std::move(key)),
      target_(std::make_shared<SyncTarget>(dir_)) {
    recover();
    if (context_->options().sync == SyncMode::lazy) context_->syncer()->watch(target_);
}

FileStream::~FileStream() {
    // Closing makes what was written durable, unless the store already failed (then
    // nothing more may be claimed durable).
    if (!context_->failed()) {
        if (const int result = target_->sync_now(context_->io()); result != 0) {
            context_->fail(describe_errno("fdatasync failed while closing stream", dir_, -result));
        } else {
            try {
                write_snapshot();  // the next open skips scanning what it covers
            } catch (...) {
                // Only a faster next open is lost.
            }
        }
    }
    context_->release(key_);
}

void FileStream::check_writable() const {
    if (context_->failed()) throw StoreError(NMK_STORE_CLOSED, context_->failure());
}

void FileStream::throw_write_error(int error_number, std::string_view what) const {
    const nmk_store_status status = status_for_errno(error_number);
    throw StoreError(status, describe_errno(what, dir_, error_number) +
                                 (status == NMK_STORE_NO_SPACE ? " (nothing was written)" : ""));
}

FileStream::Block* FileStream::block_for(std::uint32_t id) noexcept {
    if (id < first_block_id_ || id - first_block_id_ >= blocks_.size()) return nullptr;
    return &blocks_[id - first_block_id_];
}

const FileStream::Block* FileStream::block_for(std::uint32_t id) const noexcept {
    if (id < first_block_id_ || id - first_block_id_ >= blocks_.size()) return nullptr;
    return &blocks_[id - first_block_id_];
}

void FileStream::write_meta(std::string_view meta) {
    check_writable();
    if (const int result = write_meta_file(context_->io(), dir_, meta); result != 0) {
        throw_write_error(-result, "cannot write the meta file of");
    }
}

// ---- blocks ----

void FileStream::sync_active_now() {
    if (const int result = target_->sync_now(context_->io()); result != 0) {
        const std::string error = describe_errno("fdatasync failed for stream", dir_, -result);
        context_->fail(error);
        throw StoreError(NMK_STORE_IO_ERROR, error);
    }
}

void FileStream::roll(std::uint64_t first, std::uint64_t last, std::int64_t last_time_ns, std::uint64_t room) {
    // The block being left must be durable before the next one is written: after this
    // only the active block can hold unsynced records.
    if (!blocks_.empty()) sync_active_now();
    const std::uint32_t id = first_block_id_ + static_cast<std::uint32_t>(blocks_.size());
    std::string head;
    encode_bounds(head, first, last, last_time_ns);
    const std::uint64_t capacity = std::max<std::uint64_t>(context_->options().block_size, head.size() + room);
    int error_number = 0;
    auto file = BlockFile::create(context_->io(), msgs_dir_, id, capacity, &error_number);
    if (!file) throw_write_error(error_number, "cannot create a block file for");
    if (const int result = file->append(head); result != 0) {
        ::unlink(file->path().c_str());
        throw_write_error(-result, "cannot write a block file of");
    }
    target_->set_active(file->handle());
    blocks_.push_back(Block{std::move(file), 0});
    target_->wrote();
    if (blocks_.size() > 1) reader(id - 1);  // the block just filled joins the bounded set of open readers
}

std::pair<std::uint32_t, std::uint32_t> FileStream::write_records(std::string_view bytes) {
    if (blocks_.empty() || !blocks_.back().file || !blocks_.back().file->fits(bytes.size())) {
        roll(first_, last_, last_time_ns_, bytes.size());
    }
    BlockFile& active = *blocks_.back().file;
    const auto offset = static_cast<std::uint32_t>(active.end());
    if (const int result = active.append(bytes); result != 0) throw_write_error(-result, "cannot write to stream");
    target_->wrote();
    return {active.id(), offset};
}

void FileStream::delete_dead_front_blocks() {
    // A block's tombstones and bounds records only speak of messages in it or in
    // earlier blocks, so a front block with no live message can go as a whole. The
    // active block stays: its head carries the stream's bounds.
    if (blocks_.size() < 2 || blocks_.front().live != 0) return;
    // What makes the block dead (tombstones, a bounds record, the active block's head)
    // must be durable before the block's removal can be.
    sync_active_now();
    while (blocks_.size() > 1 && blocks_.front().live == 0) {
        if (blocks_.front().file) {
            const std::string path = blocks_.front().file->path();
            blocks_.front().file.reset();
            ::unlink(path.c_str());
        }
        blocks_.pop_front();
        ++first_block_id_;
    }
}

// ---- bookkeeping ----

void FileStream::index_message(std::uint64_t sequence, std::int64_t time_ns, std::string_view subject,
                               bool has_headers, std::uint32_t block, std::uint32_t offset, std::uint32_t length) {
    fresh_ = false;
    if (messages_ == 0) {
        first_ = sequence;
        first_time_sequence_ = 0;  // after a truncate the same sequence may hold another message
        // Only corrupt markers left: forget them rather than fill a long gap up to here.
        if (!index_.empty() && sequence - index_.base() > max_sequence_gap) index_.reset(sequence);
    }
    Slot slot;
    slot.subject = subjects_.add(subject, sequence);
    slot.block = block;
    slot.offset = offset;
    slot.length_bits = length | (has_headers ? Slot::has_headers_bit : 0);
    index_.put(sequence, slot);
    ++messages_;
    bytes_ += slot.accounted();
    if (Block* b = block_for(block)) ++b->live;
    last_ = sequence;
    last_time_ns_ = time_ns;
}

bool FileStream::unindex(std::uint64_t sequence) {
    Slot* slot = index_.find(sequence);
    if (slot == nullptr || slot->subject == Slot::empty) return false;
    const bool live = slot->live();
    if (live) {
        subjects_.remove(slot->subject, sequence);
        --messages_;
        bytes_ -= slot->accounted();
        if (Block* b = block_for(slot->block)) --b->live;
    }
    *slot = Slot{};
    if (live && sequence == first_) advance_first(sequence + 1);
    return live;
}

void FileStream::advance_first(std::uint64_t from) {
    if (messages_ > 0) {
        for (std::uint64_t q = std::max(from, index_.base()); q < index_.end(); ++q) {
            if (index_.find(q)->live()) {
                first_ = q;
                return;
            }
        }
    }
    first_ = last_ + 1;
}

void FileStream::apply_bounds(std::uint64_t first, std::uint64_t last, std::int64_t last_time_ns) {
    if (!index_.empty() && index_.end() - 1 > last) {
        for (std::uint64_t q = index_.end() - 1; q > last && q >= index_.base(); --q) unindex(q);
        index_.drop_above(last);
    }
    for (std::uint64_t q = index_.base(); q < first && q < index_.end(); ++q) unindex(q);
    index_.drop_below(first);
    last_ = last;
    last_time_ns_ = last_time_ns;
    first_time_sequence_ = 0;
    fresh_ = false;
    if (messages_ == 0) {
        index_.reset(last_ + 1);
        first_ = last_ + 1;
    } else {
        advance_first(index_.base());
    }
}

void FileStream::mark_corrupt(std::uint64_t sequence, Slot& slot, std::string_view why) {
    if (slot.live()) {
        subjects_.remove(slot.subject, sequence);
        --messages_;
        bytes_ -= slot.accounted();
        if (Block* b = block_for(slot.block)) --b->live;
    }
    slot.subject = Slot::corrupt;
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

// ---- the contract's writes ----

void FileStream::append(std::uint64_t sequence, std::int64_t time_ns, std::string_view subject,
                        std::string_view headers, std::string_view payload) {
    check_writable();
    if (sequence <= last_) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "append: sequence " + std::to_string(sequence) +
                                                         " is not above the last one (" + std::to_string(last_) + ")");
    }
    if (messages_ > 0 && sequence - last_ > max_sequence_gap) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "append: sequence " + std::to_string(sequence) +
                                                         " skips too many sequences after " + std::to_string(last_));
    }
    if (subject.empty()) throw StoreError(NMK_STORE_INVALID_ARGUMENT, "append: the subject is empty");
    if (subject.size() > max_subject_size) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "append: subject longer than 65535 bytes");
    }
    if (record_size(subject.size(), headers.size(), payload.size()) > 0x7FFFFFFFu - record_overhead) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "append: message too large for one record");
    }
    write_buffer_.clear();
    encode_record(write_buffer_, RecordKind::message, sequence, time_ns, subject, headers, payload);
    const auto [block, offset] = write_records(write_buffer_);
    if (context_->options().sync == SyncMode::always) sync_active_now();
    index_message(sequence, time_ns, subject, !headers.empty(), block, offset,
                  static_cast<std::uint32_t>(write_buffer_.size()));
}

void FileStream::sync(SyncDone done) {
    if (context_->failed()) {
        done(NMK_STORE_CLOSED, context_->failure());
        return;
    }
    // "always" synced inside append; lazy mode acknowledges at once by definition.
    if (context_->options().sync != SyncMode::batch || target_->clean()) {
        done(NMK_STORE_OK, {});
        return;
    }
    context_->syncer()->request(target_, std::move(done));
}

bool FileStream::remove(std::uint64_t sequence) {
    check_writable();
    const Slot* slot = index_.find(sequence);
    if (slot == nullptr || slot->subject == Slot::empty) return false;
    write_buffer_.clear();
    encode_record(write_buffer_, RecordKind::tombstone, sequence, 0, {}, {}, {});
    write_records(write_buffer_);
    if (context_->options().sync == SyncMode::always) sync_active_now();
    unindex(sequence);
    index_.trim_front();
    delete_dead_front_blocks();
    return true;
}

void FileStream::flush_tombstones(std::string& batch) {
    if (batch.empty()) return;
    write_records(batch);
    batch.clear();
}

std::uint64_t FileStream::purge(std::string_view filter, std::uint64_t below_sequence, std::uint64_t keep) {
    check_writable();
    // nats-server 2.9 PurgeEx (server/filestore.go), rule for rule.
    if (below_sequence > 1 && keep > 0) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "sequence > 1 && keep > 0 not allowed");
    }
    SubjectFilter match(subjects_, filter);
    if (match.all()) {
        if (keep == 0 && below_sequence <= 1) return purge_all(last_ + 1);
        if (below_sequence > 1) return compact(below_sequence);
        if (keep >= messages_) return 0;
        return compact(last_ - keep + 1);
    }
    if (match.matches_nothing()) return 0;

    std::uint64_t matching = 0;
    std::uint64_t from = first_;
    std::uint64_t to = last_;
    if (const auto id = match.literal_id()) {
        refresh_subject(*id);
        const SubjectInfo& info = subjects_.info(*id);
        matching = info.messages;
        from = info.first;
        to = info.last;
    } else {
        for (std::uint32_t id = 0; id < subjects_.id_limit(); ++id) {
            if (subjects_.in_use(id) && match.matches(id)) matching += subjects_.info(id).messages;
        }
    }
    if (matching == 0 || keep >= matching) return 0;
    const std::uint64_t most = keep > 0 ? matching - keep : matching;
    if (below_sequence > 1) to = std::min(to, below_sequence - 1);

    // Tombstones go to disk in batches; the index forgets a message only once its
    // tombstone is written, so a full disk leaves index and files in agreement.
    std::string batch;
    std::vector<std::uint64_t> pending;
    std::uint64_t purged = 0;
    auto flush = [&] {
        flush_tombstones(batch);
        for (const std::uint64_t q : pending) purged += unindex(q) ? 1 : 0;
        pending.clear();
    };
    for (std::uint64_t q = from; q <= to && q >= from && purged + pending.size() < most; ++q) {
        const Slot* slot = index_.find(q);
        if (slot == nullptr || !slot->live() || !match.matches(slot->subject)) continue;
        encode_record(batch, RecordKind::tombstone, q, 0, {}, {}, {});
        pending.push_back(q);
        if (batch.size() >= tombstone_batch_bytes) flush();
    }
    flush();
    if (context_->options().sync == SyncMode::always) sync_active_now();
    index_.trim_front();
    delete_dead_front_blocks();
    return purged;
}

std::uint64_t FileStream::purge_all(std::uint64_t new_first) {
    check_writable();
    const std::uint64_t purged = messages_;
    new_first = std::max(new_first, last_ + 1);
    // A fresh block whose head states the new bounds, durable before the old blocks go.
    roll(new_first, new_first - 1, last_time_ns_, 0);
    sync_active_now();
    subjects_.clear();
    index_.reset(new_first);
    messages_ = 0;
    bytes_ = 0;
    first_ = new_first;
    last_ = new_first - 1;
    for (Block& block : blocks_) block.live = 0;
    fresh_ = false;
    delete_dead_front_blocks();
    return purged;
}

std::uint64_t FileStream::compact(std::uint64_t sequence) {
    check_writable();
    // nats-server's fileStore.Compact: 0 or beyond the last sequence purges everything
    // and the stream then starts at `sequence`.
    if (sequence == 0 || sequence > last_) return purge_all(sequence);
    std::uint64_t below = 0;
    for (std::uint64_t q = index_.base(); q < sequence && q < index_.end(); ++q) {
        below += index_.find(q)->live() ? 1 : 0;
    }
    if (below == messages_) return purge_all(last_ + 1);
    write_buffer_.clear();
    encode_bounds(write_buffer_, sequence, last_, last_time_ns_);
    write_records(write_buffer_);
    sync_active_now();  // durable before whole blocks are deleted
    const std::uint64_t before = messages_;
    apply_bounds(sequence, last_, last_time_ns_);
    delete_dead_front_blocks();
    return before - messages_;
}

void FileStream::truncate(std::uint64_t sequence) {
    check_writable();
    if (sequence >= last_) return;
    std::int64_t time_ns = 0;
    for (std::uint64_t q = std::min(sequence, index_.end() - 1); q >= index_.base() && q >= first_; --q) {
        const Slot* slot = index_.find(q);
        if (slot != nullptr && slot->live()) {
            time_ns = read_time(*slot).value_or(0);
            break;
        }
        if (q == 0) break;
    }
    const std::uint64_t first = first_ > sequence ? sequence + 1 : first_;
    write_buffer_.clear();
    encode_bounds(write_buffer_, first, sequence, time_ns);
    write_records(write_buffer_);
    sync_active_now();
    apply_bounds(first, sequence, time_ns);
    index_.trim_front();
}

}  // namespace store_file
