#include "plugins/store_rocksdb/rocks_readahead.hpp"

#include <algorithm>
#include <memory>

#include "plugins/store_rocksdb/rocks_format.hpp"

namespace nats::store_rocksdb {

std::size_t ReadAhead::first_at_or_after(std::uint64_t sequence) const {
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), sequence,
                                     [](const Entry& e, std::uint64_t s) { return e.sequence < s; });
    return static_cast<std::size_t>(it - entries_.begin());
}

std::optional<std::string_view> ReadAhead::find(std::uint64_t sequence) const {
    const std::size_t i = first_at_or_after(sequence);
    if (i == entries_.size() || entries_[i].sequence != sequence) return std::nullopt;
    return record_at(i);
}

void ReadAhead::clear() {
    arena_.clear();
    entries_.clear();
    from_ = 1;
    to_ = 0;
}

void ReadAhead::fill(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family, const std::string& prefix, std::uint64_t start,
                     std::uint64_t stream_last, std::uint64_t ceiling) {
    clear();
    std::string from_key = prefix, upper = prefix;
    put_u64_be(from_key, start);
    // The key just past this prefix's range: the iterator stops there instead of walking
    // into the next stream's records.
    while (!upper.empty() && static_cast<unsigned char>(upper.back()) == 0xff) upper.pop_back();
    rocksdb::Slice upper_slice;
    rocksdb::ReadOptions options;
    if (!upper.empty()) {
        upper.back() = static_cast<char>(static_cast<unsigned char>(upper.back()) + 1);
        upper_slice = rocksdb::Slice(upper);
        options.iterate_upper_bound = &upper_slice;
    }
    // Sequential: let the table reader prefetch ahead instead of reading block by block.
    options.adaptive_readahead = true;
    std::unique_ptr<rocksdb::Iterator> it(db.NewIterator(options, family));
    std::uint64_t last_read = 0;
    bool full = false;
    for (it->Seek(from_key); it->Valid(); it->Next()) {
        const rocksdb::Slice key = it->key();
        if (key.size() != prefix.size() + 8 || !key.starts_with(prefix)) break;
        const std::uint64_t sequence = read_u64_be(std::string_view(key.data() + prefix.size(), 8));
        if (sequence > ceiling) break;
        const rocksdb::Slice value = it->value();
        entries_.push_back({sequence, arena_.size(), value.size()});
        arena_.append(value.data(), value.size());
        last_read = sequence;
        if (entries_.size() >= max_records || arena_.size() >= max_bytes) {
            full = true;
            break;
        }
    }
    from_ = start;
    if (full || !it->status().ok()) {
        // Stopped early (a full batch, or damage): covered up to the last record read.
        to_ = entries_.empty() ? 0 : last_read;
        if (entries_.empty()) from_ = 1;
    } else {
        // Reached the stream's end (or the ceiling): nothing else is stored up to its last.
        to_ = std::max(last_read, std::min(stream_last, ceiling));
    }
}

}  // namespace nats::store_rocksdb
