#pragma once
// A walk over keys "<prefix><u64 big-endian>" (a stream's messages, or one subject's index
// entries) that steps over what RocksDB cannot read instead of stopping there. A data block
// that fails its checksum, or a table file whose index is damaged, makes a RocksDB iterator
// stop with a Corruption status, and everything after it would be unreachable. Here the walk
// finds, by bisection on the sequence, the first key past the damage that a fresh seek
// reaches (a seek fails exactly while it lands inside the damaged range), reports the
// skipped range and goes on. Other errors end the walk; status() says which.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include <rocksdb/db.h>

namespace nats::store_rocksdb {

class SequenceScan {
public:
    // Sequences [from, to] lie in a range RocksDB could not read (`to` may be the maximum).
    using Damage = std::function<void(std::uint64_t from, std::uint64_t to, const rocksdb::Status& why)>;

    SequenceScan(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family, std::string prefix, Damage on_damage);

    void seek(std::uint64_t sequence);           // the first key at or after
    void seek_for_prev(std::uint64_t sequence);  // the last key at or before
    void next();
    void prev();

    bool valid() const { return valid_; }
    std::uint64_t sequence() const { return sequence_; }
    std::string_view key() const;
    std::string_view value() const;
    // Not OK when the walk ended on an error other than damage.
    const rocksdb::Status& status() const { return status_; }

private:
    void reset_iterator();
    bool reaches_forward(std::uint64_t sequence);   // a fresh Seek there meets no damage
    bool reaches_backward(std::uint64_t sequence);  // a fresh SeekForPrev there meets no damage
    void land();                                     // valid_/sequence_ from the iterator
    void recover_forward(std::uint64_t from, const rocksdb::Status& why);
    void recover_backward(std::uint64_t from, const rocksdb::Status& why);
    std::string key_of(std::uint64_t sequence) const;

    rocksdb::DB& db_;
    rocksdb::ColumnFamilyHandle* family_;
    std::string prefix_;
    Damage on_damage_;
    std::unique_ptr<rocksdb::Iterator> it_;
    bool valid_ = false;
    std::uint64_t sequence_ = 0;
    rocksdb::Status status_;
};

}  // namespace nats::store_rocksdb
