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
// Appended messages wait in the active block's buffer until a sync (or anything else that
// needs them in the file) or until they pass this size: one pwrite for a read's worth of
// publishes instead of one each. Below glibc's mmap threshold, so the buffer is ordinary heap.
constexpr std::size_t write_batch_bytes = 64 * 1024;
// An append may skip at most this many sequences while messages are stored (each
// skipped sequence costs a bit and a cache slot); an empty stream may jump anywhere.
constexpr std::uint64_t max_sequence_gap = std::uint64_t{1} << 26;

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
    try {
        if (!context_->failed()) flush_pending();
    } catch (const StoreError&) {
        // The store has failed now: nothing more is claimed durable.
    }
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

void FileStream::flush_pending() {
    if (blocks_.empty() || !blocks_.back().file || blocks_.back().file->pending_bytes() == 0) return;
    if (const int result = blocks_.back().file->flush(); result != 0) {
        // Those appends were indexed and may have been answered "stored, waiting for the
        // sync"; they cannot be taken back one by one, so, as after a failed fsync, the store
        // refuses everything from here and no sync can ever report them durable. Reopening
        // recovers what is really in the files.
        const std::string error = describe_errno("cannot write buffered messages to stream", dir_, -result);
        context_->fail(error);
        throw StoreError(status_for_errno(-result), error);
    }
    target_->wrote();
}

void FileStream::sync_active_now() {
    flush_pending();
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
    if (!blocks_.empty()) {
        blocks_.back().cache.reset();  // full now: loaded again when read
        if (blocks_.back().file) blocks_.back().file->release_buffer();  // flushed above; only the active block batches
    }
    Block block;
    block.file = std::move(file);
    block.first = last + 1;
    block.last = last;
    block.cache = std::make_unique<BlockCache>();
    block.cache->reserve(capacity / record_overhead);  // address space only
    blocks_.push_back(std::move(block));
    target_->wrote();
    if (blocks_.size() > 1) reader(id - 1);  // the block just filled joins the bounded set of open readers
}

std::pair<std::uint32_t, std::uint32_t> FileStream::write_records(std::string_view bytes) {
    flush_pending();  // records go to the file in order
    if (blocks_.empty() || !blocks_.back().file || !blocks_.back().file->fits(bytes.size())) {
        roll(first_, last_, last_time_ns_, bytes.size());
    }
    BlockFile& active = *blocks_.back().file;
    const auto offset = static_cast<std::uint32_t>(active.end());
    if (const int result = active.append(bytes); result != 0) throw_write_error(-result, "cannot write to stream");
    target_->wrote();
    return {active.id(), offset};
}

std::pair<std::uint32_t, std::uint32_t> FileStream::buffer_record(std::string_view bytes) {
    if (blocks_.empty() || !blocks_.back().file || !blocks_.back().file->fits(bytes.size())) {
        roll(first_, last_, last_time_ns_, bytes.size());  // flushes and syncs the block it leaves
    }
    BlockFile& active = *blocks_.back().file;
    if (!active.batches() || bytes.size() > write_batch_bytes) return write_records(bytes);
    if (active.pending_bytes() + bytes.size() > write_batch_bytes) flush_pending();
    active.reserve_buffer(write_batch_bytes);  // once per block: no regrowth, at most this much
    const auto offset = static_cast<std::uint32_t>(active.end());
    active.buffer(bytes);
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
    const bool always = context_->options().sync == SyncMode::always;
    const auto [block, offset] = always ? write_records(write_buffer_) : buffer_record(write_buffer_);
    if (always) sync_active_now();
    index_message(sequence, time_ns, subject, !headers.empty(), block, offset,
                  static_cast<std::uint32_t>(write_buffer_.size()));
}

void FileStream::sync(SyncDone done) {
    if (context_->failed()) {
        done(NMK_STORE_CLOSED, context_->failure());
        return;
    }
    try {
        flush_pending();
    } catch (const StoreError& error) {
        done(error.store_status(), error.what());  // those appends are never reported durable
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
    if (!live_.test(sequence) && corrupt_markers_.count(sequence) == 0) return false;
    write_buffer_.clear();
    encode_record(write_buffer_, RecordKind::tombstone, sequence, 0, {}, {}, {});
    write_records(write_buffer_);
    if (context_->options().sync == SyncMode::always) sync_active_now();
    unindex(sequence);
    live_.trim();
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
    for (std::uint64_t q = live_.next(from, to); q != LiveBits::none && purged + pending.size() < most;
         q = q < to ? live_.next(q + 1, to) : LiveBits::none) {
        const auto id = subject_of(q);
        if (!id || !match.matches(*id)) continue;
        encode_record(batch, RecordKind::tombstone, q, 0, {}, {}, {});
        pending.push_back(q);
        if (batch.size() >= tombstone_batch_bytes) flush();
    }
    flush();
    if (context_->options().sync == SyncMode::always) sync_active_now();
    live_.trim();
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
    live_.reset(new_first);
    corrupt_markers_.clear();
    messages_ = 0;
    bytes_ = 0;
    first_ = new_first;
    last_ = new_first - 1;
    for (Block& block : blocks_) {
        block.live = 0;
        block.first = new_first;
        block.last = new_first - 1;
        if (&block != &blocks_.back()) block.cache.reset();
    }
    fresh_ = false;
    delete_dead_front_blocks();
    return purged;
}

std::uint64_t FileStream::compact(std::uint64_t sequence) {
    check_writable();
    // nats-server's fileStore.Compact: 0 or beyond the last sequence purges everything
    // and the stream then starts at `sequence`.
    if (sequence == 0 || sequence > last_) return purge_all(sequence);
    const std::uint64_t below = live_.count(0, sequence);
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
    if (const std::uint64_t q = live_.prev(sequence, first_); q != LiveBits::none) time_ns = read_time(q).value_or(0);
    const std::uint64_t first = first_ > sequence ? sequence + 1 : first_;
    write_buffer_.clear();
    encode_bounds(write_buffer_, first, sequence, time_ns);
    write_records(write_buffer_);
    sync_active_now();
    apply_bounds(first, sequence, time_ns);
}

}  // namespace store_file
