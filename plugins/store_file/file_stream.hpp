#pragma once
// One stream of the file store: its directory (meta.inf, msgs/<id>.blk), the indexes
// rebuilt from the blocks on open, and every operation of the contract.
//
// Files: file_stream.cpp (writes: append, sync, remove, purge, compact, truncate, blocks),
// stream_index.cpp (the bookkeeping writes and recovery share, block caches),
// file_stream_read.cpp (loads, states, sequence_for_time), stream_recovery.cpp (open).
//
// Resident per message: one bit (live_). Per block: its sequence range, live count and
// first time. Where each message is lives in the blocks' caches, loaded when a block is
// used and dropped again (block_cache.hpp).
//
// Threads: the caller serializes calls on one stream (the contract); the only other
// thread that touches it is the syncer, through the SyncTarget (active block handle and
// write counters) alone.

#include <cstdint>
#include <deque>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "block_cache.hpp"
#include "block_file.hpp"
#include "consumer_records.hpp"
#include "nats_sdk/kinds/stream_store.hpp"
#include "record_format.hpp"
#include "live_bits.hpp"
#include "read_window.hpp"
#include "store_context.hpp"
#include "subject_index.hpp"
#include "syncer.hpp"

namespace store_file {

namespace sdk = nats_sdk::store;

class FileStream final : public sdk::Stream {
public:
    // Opens (creating if needed) the stream in `dir` and recovers it. `key` is the
    // context's open-stream claim, released when the stream closes.
    FileStream(std::shared_ptr<StoreContext> context, std::string dir, std::string key);
    ~FileStream() override;

    void write_meta(std::string_view meta) override;
    void append(std::uint64_t sequence, std::int64_t time_ns, std::string_view subject, std::string_view headers,
                std::string_view payload) override;
    void sync(SyncDone done) override;

    sdk::LoadResult load(std::uint64_t sequence, const std::function<void(const sdk::MessageView&)>& found) override;
    sdk::LoadResult load_next(std::uint64_t start, std::string_view filter,
                              const std::function<void(const sdk::MessageView&)>& found) override;
    sdk::LoadResult load_last(std::string_view filter,
                              const std::function<void(const sdk::MessageView&)>& found) override;

    bool remove(std::uint64_t sequence) override;
    std::uint64_t purge(std::string_view filter, std::uint64_t below_sequence, std::uint64_t keep) override;
    std::uint64_t compact(std::uint64_t sequence) override;
    void truncate(std::uint64_t sequence) override;

    sdk::StreamState state() const override;
    std::optional<sdk::SubjectState> subject_state(std::string_view literal_subject) const override;
    void subjects_state(std::string_view filter,
                        const std::function<void(std::string_view, const sdk::SubjectState&)>& found) const override;
    std::uint64_t sequence_for_time(std::int64_t time_ns) const override;

    // Consumer records (1.1): consumer_records.cpp, loaded on first use.
    void consumer_put(std::string_view name, std::string_view meta, std::string_view state) override;
    bool consumer_put_state(std::string_view name, std::string_view state) override;
    void consumer_list(const std::function<void(const sdk::ConsumerRecordView&)>& found) override;
    bool consumer_delete(std::string_view name) override;
    ConsumerRecords& consumers();

    // For tests and the README's numbers: block files in use, bytes dropped from a torn
    // tail by the last recovery.
    std::size_t block_count() const noexcept { return blocks_.size(); }
    // Blocks whose cache (where each message is) is loaded now.
    std::size_t cached_block_count() const noexcept {
        std::size_t n = 0;
        for (const Block& block : blocks_) n += block.cache ? 1 : 0;
        return n;
    }
    std::uint64_t torn_bytes_dropped() const noexcept { return torn_bytes_dropped_; }

private:
    struct Block {
        std::unique_ptr<BlockFile> file;  // null for an id missing on disk
        std::uint64_t live = 0;           // messages in it still in the index
        // The sequences its live messages may have: [first, last], empty when last < first.
        // Ranges of successive blocks ascend and never overlap (bounds records clip them);
        // a block recovery has not reached yet lies above everything.
        std::uint64_t first = ~std::uint64_t{0};
        std::uint64_t last = ~std::uint64_t{0} - 1;
        std::int64_t first_time_ns = 0;  // the earliest of the messages ever written to it
        bool has_time = false;
        mutable std::unique_ptr<BlockCache> cache;  // null while not in use
    };

    // ---- writing (file_stream.cpp) ----
    void check_writable() const;
    // Writes encoded records (one or a batch) at the end of the active block, rolling to
    // a new block first when they do not fit. Returns the block id and offset.
    std::pair<std::uint32_t, std::uint32_t> write_records(std::string_view bytes);
    // An appended message's record: into the active block's write buffer (batch and lazy
    // modes, preallocated blocks), else written at once. Returns the block id and offset.
    std::pair<std::uint32_t, std::uint32_t> buffer_record(std::string_view bytes);
    // Writes the active block's buffered records. A failure fails the store (as a failed
    // fsync does) and throws: those appends can then never be reported durable.
    void flush_pending();
    // Starts block last+1 with a bounds record (first, last, last_time) at its head.
    void roll(std::uint64_t first, std::uint64_t last, std::int64_t last_time_ns, std::uint64_t room);
    void sync_active_now();
    [[noreturn]] void throw_write_error(int error_number, std::string_view what) const;
    void delete_dead_front_blocks();
    Block* block_for(std::uint32_t id) noexcept;
    const Block* block_for(std::uint32_t id) const noexcept;
    void flush_tombstones(std::string& batch);
    // Everything gone: a fresh block whose head says (first, first - 1).
    std::uint64_t purge_all(std::uint64_t new_first);

    // ---- in-memory bookkeeping, shared by writes and recovery (stream_index.cpp) ----
    void index_message(std::uint64_t sequence, std::int64_t time_ns, std::string_view subject, bool has_headers,
                       std::uint32_t block, std::uint32_t offset, std::uint32_t length);
    // Forgets the slot at `sequence` (live or corrupt); true if it held a message.
    bool unindex(std::uint64_t sequence);
    // Applies a bounds record: drops below `first` and above `last`.
    void apply_bounds(std::uint64_t first, std::uint64_t last, std::int64_t last_time_ns);
    // Recomputes first_ (the lowest live sequence) from `from` on.
    void advance_first(std::uint64_t from);
    void note_corrupt(std::uint64_t sequence, std::string_view why);
    // The index in blocks_ of the block whose range holds `sequence`, or blocks_.size().
    std::size_t block_index_of(std::uint64_t sequence) const noexcept;
    // Block i's cache, loaded from its file when absent (dropping the least recently used
    // other caches beyond the limit). Damage found while loading is counted then.
    BlockCache& cache_for(std::size_t i) const;
    // Where the live message at `sequence` is: its block index and slot (a copy), or
    // nullopt (then it was found missing and is now counted as corrupt).
    std::optional<std::pair<std::size_t, CachedSlot>> locate(std::uint64_t sequence) const;
    void load_cache(std::size_t i);
    // Fills `cache` from block i's file; returns the live sequences it lacks.
    std::vector<std::uint64_t> build_cache(std::size_t i, BlockCache& cache) const;
    // A live message whose record is gone: counted as corrupt. Subject and byte counts
    // are then recomputed from the blocks (recount), since its own fields are unknown.
    void lose_message(std::uint64_t sequence, std::size_t block);
    void recount();
    void drop_inactive_caches();
    // Clips every block's range to [first, last] (a bounds record).
    void clip_block_ranges(std::uint64_t first, std::uint64_t last);

    // ---- reading (file_stream_read.cpp) ----
    enum class ReadResult { ok, corrupt };
    // Reads and verifies the record of `sequence` (in block i, at `slot`); the views point
    // into the block's cache or read_buffer_.
    ReadResult read_record(std::uint64_t sequence, std::size_t i, const CachedSlot& slot, RecordView& record) const;
    static ReadResult decode_checked(std::uint64_t sequence, const CachedSlot& slot, std::string_view bytes,
                                     RecordView& record);
    sdk::LoadResult deliver(std::uint64_t sequence, const std::function<void(const sdk::MessageView&)>& found);
    std::optional<std::int64_t> read_time(std::uint64_t sequence) const;
    // The block holding `id`, its descriptor open; closes the least recently read full
    // block's descriptor beyond open_reader_limit.
    BlockFile* reader(std::uint32_t id) const;
    void refresh_subject(std::uint32_t id) const;
    void mark_corrupt(std::uint64_t sequence, std::size_t block, const CachedSlot& slot, std::string_view why);
    // The subject id of the live message at `sequence`, or nullopt.
    std::optional<std::uint32_t> subject_of(std::uint64_t sequence) const;

    // ---- recovery (stream_recovery.cpp) ----
    void recover();
    void recover_block(Block& block, bool last_block, std::uint64_t start = 0);

    // ---- index snapshot (index_snapshot.cpp) ----
    // Written when the stream closes cleanly; on open it replaces scanning the blocks it
    // covers. Returns the block index and offset where replaying must continue, or
    // nullopt (then every block is scanned).
    void write_snapshot() const;
    std::optional<std::pair<std::size_t, std::uint64_t>> load_snapshot();
    void apply_record(const RecordView& record, std::uint32_t block, std::uint32_t offset);

    std::shared_ptr<StoreContext> context_;
    std::string dir_;
    std::string msgs_dir_;
    std::string key_;
    std::shared_ptr<SyncTarget> target_;

    std::deque<Block> blocks_;  // ascending ids, contiguous: blocks_[i] has id first_block_id_ + i
    std::uint32_t first_block_id_ = 1;

    LiveBits live_;                           // one bit per sequence: holds a live message
    std::set<std::uint64_t> corrupt_markers_;  // sequences whose record is known damaged (load says so)
    mutable std::uint64_t cache_clock_ = 0;    // counts cache uses (LRU)
    bool keep_caches_ = false;                 // recovery builds every block's cache; none is dropped
    bool recount_needed_ = false;
    bool recounting_ = false;
    mutable SubjectIndex subjects_;  // stale bounds are refreshed by const readers
    bool fresh_ = true;              // never held a message nor was purged: state() says 0 and 0
    std::uint64_t first_ = 1;        // lowest live sequence, or last_ + 1 when empty
    mutable std::uint64_t first_time_sequence_ = 0;  // first_time_ns_ is read lazily for this one
    mutable std::int64_t first_time_ns_ = 0;
    std::uint64_t last_ = 0;
    std::int64_t last_time_ns_ = 0;
    std::uint64_t messages_ = 0;
    std::uint64_t bytes_ = 0;
    std::uint64_t corrupt_ = 0;
    std::uint64_t corrupt_logged_ = 0;
    std::uint64_t torn_bytes_dropped_ = 0;

    mutable std::deque<std::uint32_t> open_readers_;  // full blocks with a descriptor, oldest first
    std::string write_buffer_;
    mutable std::string read_buffer_;
    mutable ReadWindow window_;
    mutable std::uint32_t last_read_block_ = 0;  // where the last record read ended: the next read
    mutable std::uint64_t last_read_end_ = 0;    // starting there fills the window (read-ahead)
    std::string recovery_buffer_;  // a whole block while recovering
    std::unique_ptr<ConsumerRecords> consumers_;  // last: gone before the context reference it holds
};

// Names must not escape the store's directory.
bool is_safe_name(std::string_view name) noexcept;

}  // namespace store_file
