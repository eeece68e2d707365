#include "plugins/store_rocksdb/rocks_scan.hpp"

#include <limits>

#include "plugins/store_rocksdb/rocks_format.hpp"

namespace nats::store_rocksdb {

namespace {
constexpr std::uint64_t max_sequence = std::numeric_limits<std::uint64_t>::max();
}

SequenceScan::SequenceScan(rocksdb::DB& db, rocksdb::ColumnFamilyHandle* family, std::string prefix, Damage on_damage)
    : db_(db), family_(family), prefix_(std::move(prefix)), on_damage_(std::move(on_damage)) {
    reset_iterator();
}

void SequenceScan::reset_iterator() { it_.reset(db_.NewIterator(rocksdb::ReadOptions(), family_)); }

std::string SequenceScan::key_of(std::uint64_t sequence) const {
    std::string key = prefix_;
    put_u64_be(key, sequence);
    return key;
}

std::string_view SequenceScan::key() const { return {it_->key().data(), it_->key().size()}; }
std::string_view SequenceScan::value() const { return {it_->value().data(), it_->value().size()}; }

void SequenceScan::land() {
    valid_ = false;
    if (!it_->Valid()) return;
    const std::string_view k = key();
    if (k.size() != prefix_.size() + 8 || k.substr(0, prefix_.size()) != prefix_) return;
    sequence_ = read_u64_be(k.substr(prefix_.size()));
    valid_ = true;
}

bool SequenceScan::reaches_forward(std::uint64_t sequence) {
    reset_iterator();
    it_->Seek(key_of(sequence));
    return it_->Valid() || !it_->status().IsCorruption();
}

bool SequenceScan::reaches_backward(std::uint64_t sequence) {
    reset_iterator();
    it_->SeekForPrev(key_of(sequence));
    return it_->Valid() || !it_->status().IsCorruption();
}

// The smallest sequence at or after `from` that a seek reaches undamaged.
void SequenceScan::recover_forward(std::uint64_t from, const rocksdb::Status& why) {
    if (!reaches_forward(max_sequence)) {
        on_damage_(from, max_sequence, why);
        valid_ = false;
        return;
    }
    std::uint64_t lo = from, hi = max_sequence;
    while (lo < hi) {
        const std::uint64_t mid = lo + (hi - lo) / 2;
        if (reaches_forward(mid)) hi = mid;
        else lo = mid + 1;
    }
    if (lo > from) on_damage_(from, lo - 1, why);
    reset_iterator();
    it_->Seek(key_of(lo));
    land();
}

// The largest sequence at or before `from` that a backward seek reaches undamaged.
void SequenceScan::recover_backward(std::uint64_t from, const rocksdb::Status& why) {
    if (!reaches_backward(0)) {
        on_damage_(0, from, why);
        valid_ = false;
        return;
    }
    std::uint64_t lo = 0, hi = from;
    while (lo < hi) {
        const std::uint64_t mid = lo + (hi - lo + 1) / 2;
        if (reaches_backward(mid)) lo = mid;
        else hi = mid - 1;
    }
    if (lo < from) on_damage_(lo + 1, from, why);
    reset_iterator();
    it_->SeekForPrev(key_of(lo));
    land();
}

void SequenceScan::seek(std::uint64_t sequence) {
    it_->Seek(key_of(sequence));
    if (!it_->Valid() && it_->status().IsCorruption()) return recover_forward(sequence, it_->status());
    status_ = it_->status();
    land();
}

void SequenceScan::seek_for_prev(std::uint64_t sequence) {
    it_->SeekForPrev(key_of(sequence));
    if (!it_->Valid() && it_->status().IsCorruption()) return recover_backward(sequence, it_->status());
    status_ = it_->status();
    land();
}

void SequenceScan::next() {
    const std::uint64_t from = sequence_ == max_sequence ? max_sequence : sequence_ + 1;
    it_->Next();
    if (!it_->Valid() && it_->status().IsCorruption()) {
        if (from == max_sequence && sequence_ == max_sequence) {
            valid_ = false;
            return;
        }
        return recover_forward(from, it_->status());
    }
    status_ = it_->status();
    land();
}

void SequenceScan::prev() {
    if (sequence_ == 0) {
        valid_ = false;
        return;
    }
    const std::uint64_t from = sequence_ - 1;
    it_->Prev();
    if (!it_->Valid() && it_->status().IsCorruption()) return recover_backward(from, it_->status());
    status_ = it_->status();
    land();
}

}  // namespace nats::store_rocksdb
