#pragma once
// Records read ahead for a reader walking a stream in order (a consumer draining it). A
// point read per message costs RocksDB a lookup through every memtable and level for each
// one; one iterator reading the next records in key order costs a fraction of that per
// record. The records are copied into one buffer (no allocation per record) and served as
// views into it until the stream changes under them.
//
// What a fill covers: every sequence from its start to the last record it read, or to the
// stream's last sequence when the iterator reached the stream's end cleanly. Inside that
// range a sequence without a buffered record is not stored. A fill stops before damage
// (the iterator's error): what lies past it is read the slow way, which reports it.
// Appends add sequences above the covered range only; every other change to the records
// (removals, purges, truncation, a reopen after a failure) must clear() the buffer.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <rocksdb/db.h>

namespace nats::store_rocksdb {

class ReadAhead {
public:
    // Reading `sequence` now is worth a fill: it follows the last one asked for and the
    // stream holds more after it (a reader at the tail does point reads instead).
    bool worth_filling(std::uint64_t sequence, std::uint64_t stream_last) const {
        return sequence == last_asked_ + 1 && sequence + min_behind <= stream_last;
    }
    void asked(std::uint64_t sequence) { last_asked_ = sequence; }

    bool covers(std::uint64_t sequence) const { return from_ <= sequence && sequence <= to_; }
    std::uint64_t covered_to() const { return to_; }
    // Inside the covered range: the record of `sequence`, nullopt when it is not stored.
    std::optional<std::string_view> find(std::uint64_t sequence) const;
    // The index of the first buffered record at or after `sequence` (size() when none).
    std::size_t first_at_or_after(std::uint64_t sequence) const;
    std::size_t size() const { return entries_.size(); }
    std::uint64_t sequence_at(std::size_t i) const { return entries_[i].sequence; }
    std::string_view record_at(std::size_t i) const { return {arena_.data() + entries_[i].offset, entries_[i].size}; }

    // Reads records from `start` (keys "<prefix><u64 BE>") up to a batch; none above
    // `ceiling`. `stream_last`: the stream's last sequence now.
    void fill(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family, const std::string& prefix, std::uint64_t start,
              std::uint64_t stream_last, std::uint64_t ceiling);
    void clear();

private:
    static constexpr std::uint64_t min_behind = 4;
    static constexpr std::size_t max_records = 256;
    static constexpr std::size_t max_bytes = 1u << 20;

    struct Entry {
        std::uint64_t sequence;
        std::size_t offset;
        std::size_t size;
    };
    std::string arena_;
    std::vector<Entry> entries_;
    std::uint64_t from_ = 1, to_ = 0;  // covered range; empty when from_ > to_
    std::uint64_t last_asked_ = 0;
};

}  // namespace nats::store_rocksdb
