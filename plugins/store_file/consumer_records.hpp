#pragma once
// The consumer records of one file stream (jetstream.store 1.1): per consumer, JetStream's
// config JSON (meta) and its encoded delivery state, kept where nats-server keeps a
// stream's consumers:
//
//   <stream dir>/obs/<name>/record.0, record.1    two copies ("slots") of the record
//
// Each slot holds one whole record, little-endian (bytes after it are the rest of a longer
// earlier record, ignored):
//
//   "NMKCONS1" | u64 generation | u32 meta length | u32 state length | meta | state |
//   u64 XXH3-64 of every byte before it
//
// WRITING. put and put_state rewrite the whole record, meta with state, into one slot with
// a pwrite and no fsync, so a crash can never pair the meta of one put with the state of
// another. The stream's next sync fdatasyncs the slot (a SideFile of its SyncTarget: the
// same group commit as the messages). The slot written is never the one holding the copy
// the last completed sync made durable: writes go to the same "pending" slot until a sync
// has covered it, and only the write after that moves to the other slot. So after a crash
// the durable copy is whole, and the pending one is either whole (a newer generation: used)
// or torn (fails its checksum: ignored). Cost of a put_state: one pwrite of the record;
// per sync, one fdatasync per record written since the last one, or one syncfs for the
// whole stream from 4 such files on (syncer.hpp).
//
// READING happens on first use (JetStream lists the records once it opened the stream):
// each record directory's valid slot with the higher generation wins; one syncfs then makes
// what was read durable before anything new is written (it might come from the page cache
// of a crashed process, never synced). A record with no valid slot is logged and left
// out (left on disk for an operator), unless its slots are empty or missing: that is a
// creation no sync ever covered, removed quietly.
//
// CREATING makes obs/ and obs/<name>/, and the slot files with O_EXCL; the directories
// whose entries changed are fsynced by the next sync. DELETING renames obs/<name> to
// obs/.deleted-<name> (one atomic step: the record is whole or gone), removes it, and the
// next sync fsyncs obs/. Leftover .deleted-* directories are removed when the records load.
//
// FAILURES. A failed slot write rewrites the record's current copy into that slot (the
// region already existed, so it cannot run out of space) and reports the error: nothing
// that a sync will claim durable is left torn. If that rewrite fails too, the store fails
// as after a failed fsync (store_context.hpp). A failed fsync fails the store.
//
// Threads: used only inside the stream's own calls (serialized by the caller); the syncer
// thread touches slots and directories only through their SideFiles. One descriptor is
// kept open per record (its pending slot) plus one for obs/.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "nats_sdk/kinds/stream_store.hpp"
#include "store_context.hpp"
#include "syncer.hpp"

namespace store_file {

inline constexpr std::string_view consumers_dir_name = "obs";

// A record as one slot holds it.
struct ConsumerSlot {
    std::uint64_t generation = 0;
    std::string meta;
    std::string state;
};

// The bytes of one slot.
std::string encode_consumer_slot(std::uint64_t generation, std::string_view meta, std::string_view state);
// The record in a slot's bytes; nullopt when they are empty, short or fail the checksum.
std::optional<ConsumerSlot> decode_consumer_slot(std::string_view bytes);

class ConsumerRecords {
public:
    // `stream_dir` is the stream's directory; `target` its SyncTarget. `context` outlives this.
    ConsumerRecords(StoreContext& context, std::string stream_dir, std::shared_ptr<SyncTarget> target);
    ConsumerRecords(const ConsumerRecords&) = delete;
    ConsumerRecords& operator=(const ConsumerRecords&) = delete;

    void put(std::string_view name, std::string_view meta, std::string_view state);
    bool put_state(std::string_view name, std::string_view state);
    void list(const std::function<void(const nats_sdk::store::ConsumerRecordView&)>& found);
    bool remove(std::string_view name);

    // For tests: the slot (0 or 1) the next write of `name` goes to, -1 for no record.
    int pending_slot(std::string_view name);

private:
    struct Record {
        std::string meta;
        std::string state;
        std::uint64_t generation = 0;        // of the newest copy written or read
        int write_slot = 0;                  // the pending slot
        std::shared_ptr<SideFile> slot;      // its file, once opened for writing
        std::shared_ptr<SideFile> directory; // obs/<name>/, once opened
    };

    void load();
    // Reads one record directory: the record, or nullopt when it is left out.
    std::optional<Record> read_record(const std::string& name);
    // Writes `meta` and `state` as the record's next generation, then updates it.
    void write(const std::string& name, Record& record, std::string_view meta, std::string_view state);
    // The pending slot's file, opened (and created) if needed; moves to the other slot
    // first when a sync has covered everything written to this one.
    SideFile& pending_file(const std::string& name, Record& record);
    // obs/ and obs/<name>/ exist (made when missing); the directories that changed are
    // queued for the next sync.
    void make_record_directory(const std::string& name, Record& record);
    std::shared_ptr<SideFile> open_directory(const std::string& path);
    void sync_if_always();
    [[noreturn]] void fail_sync(int error_number, const std::string& what);

    std::string record_dir(std::string_view name) const;
    std::string slot_path(std::string_view name, int slot) const;

    StoreContext& context_;
    std::string stream_dir_;
    std::string obs_dir_;
    std::shared_ptr<SyncTarget> target_;
    bool loaded_ = false;
    std::map<std::string, Record, std::less<>> records_;
    std::shared_ptr<SideFile> obs_directory_;  // obs/, once opened
};

}  // namespace store_file
