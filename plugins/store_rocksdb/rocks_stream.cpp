// One stream of the RocksDB store: its messages in the msgs family, its subject index,
// its counts and per-subject state in memory (rocks_store.hpp says why).

#include <algorithm>
#include <vector>

#include <rocksdb/write_batch.h>

#include <nats_sdk/subject.hpp>

#include "plugins/store_rocksdb/rocks_scan.hpp"
#include "plugins/store_rocksdb/rocks_store.hpp"

namespace nats::store_rocksdb {

namespace {

using nats_sdk::store::LoadResult;
using nats_sdk::store::MessageView;
using nats_sdk::store::StoreError;

void check(const rocksdb::Status& s, const char* what) {
    if (s.ok() || s.IsNotFound()) return;
    const nmk_store_status status = s.IsNoSpace() ? NMK_STORE_NO_SPACE
                                    : s.IsCorruption() ? NMK_STORE_CORRUPT
                                                       : NMK_STORE_IO_ERROR;
    throw StoreError(status, std::string("rocksdb ") + what + ": " + s.ToString());
}

std::string_view view(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

bool matches(std::string_view subject, std::string_view filter) {
    return filter.empty() || filter == ">" || nats_sdk::subject::literal_matches(subject, filter);
}

bool is_literal(std::string_view filter) {
    return !filter.empty() && filter.find_first_of("*>") == std::string_view::npos;
}

const std::string bounds_suffix = "b";
const std::string snapshot_suffix = "s";
const std::string consumer_suffix = "c";

}  // namespace

RocksStream::RocksStream(RocksStore& store, std::uint64_t id) : store_(store), id_(id), prefix_(id_prefix(id)) {
    RocksStore::Access access(store_, true);
    seen_epoch_ = store_.epoch();
    recover();
    durable_->store(counts_.last);
}

RocksStream::~RocksStream() {
    // A clean close: the counts and subjects as a snapshot, so the next open reads no message.
    try {
        RocksStore::Access access(store_, false, this);
        if (!store_.writable()) return;  // after a failure the next open rebuilds from the records
        rocksdb::WriteBatch batch;
        batch.Put(store_.state(), prefix_ + snapshot_suffix, encode_snapshot(counts_, subjects_));
        store_.write_durably(batch);
    } catch (const std::exception&) {
        // Not fatal: the next open rebuilds from the records.
    }
}

void RocksStream::recover() {
    std::string value;
    // A damaged bounds or snapshot record (RocksDB's block checksum, or ours) is not used:
    // the records are the truth.
    if (const auto s = store_.db().Get(rocksdb::ReadOptions(), store_.state(), prefix_ + bounds_suffix, &value); s.IsCorruption()) {
        note_damage("the bounds record", 0, 0, s);
        value.clear();
    } else {
        check(s, "read bounds");
    }
    StreamCounts bounds;
    const bool have_bounds = !value.empty() && decode_bounds(value, bounds);
    value.clear();
    if (const auto s = store_.db().Get(rocksdb::ReadOptions(), store_.state(), prefix_ + snapshot_suffix, &value); s.IsCorruption()) {
        note_damage("the snapshot", 0, 0, s);
        value.clear();
    } else {
        check(s, "read snapshot");
    }
    if (!value.empty() && decode_snapshot(value, counts_, subjects_) && (!have_bounds || bounds.last <= counts_.last)) {
        // Used once: until the next clean close the records are the truth. It goes in the
        // same write as the stream's first change (write_change), not in a synced write of
        // its own here (an fsync at every open): while nothing changes it stays true, and
        // the change and its removal reach the log, a flush or a crash together.
        snapshot_stale_ = true;
        return;
    }
    counts_ = StreamCounts{};
    subjects_.clear();
    if (have_bounds) {
        counts_.last = bounds.last;
        counts_.last_time_ns = bounds.last_time_ns;
        counts_.fresh = bounds.fresh;
    }
    rebuild_from_records();
    // A snapshot not used (damaged, or behind the bounds) goes with the first change.
    if (!value.empty()) snapshot_stale_ = true;
}

void RocksStream::write_change(rocksdb::WriteBatch& batch) {
    if (snapshot_stale_) batch.Delete(store_.state(), prefix_ + snapshot_suffix);
    store_.write(batch);
    snapshot_stale_ = false;
}

SequenceScan RocksStream::message_scan() const {
    return SequenceScan(store_.db(), store_.messages(), prefix_,
                        [this](std::uint64_t from, std::uint64_t to, const rocksdb::Status& why) { note_damage("messages", from, to, why); });
}

SequenceScan RocksStream::subject_scan(std::string_view subject) const {
    return SequenceScan(store_.db(), store_.subjects(), subject_prefix(id_, subject),
                        [this](std::uint64_t from, std::uint64_t to, const rocksdb::Status& why) {
                            note_damage("subject index entries", from, to, why);
                        });
}

// Counted and logged once per damaged range: reads that meet it again skip it quietly.
void RocksStream::note_damage(const char* what, std::uint64_t from, std::uint64_t to, const rocksdb::Status& why) const {
    if (!damage_seen_.emplace(what, from).second) return;
    ++corrupt_;
    const std::uint64_t shown_to = std::min(to, std::max(counts_.last, from));
    store_.log(NMK_LOG_ERROR, "rocksdb stream " + store_.describe(id_) + ": " + what + " of sequences " + std::to_string(from) +
                                  " to " + std::to_string(shown_to) + " are in data RocksDB found damaged (" + why.ToString() +
                                  "); counted as corrupt and never served");
}

void RocksStream::rebuild_from_records(std::uint64_t ceiling) {
    auto it = message_scan();
    for (it.seek(0); it.valid(); it.next()) {
        const std::uint64_t seq = it.sequence();
        if (seq > ceiling) break;
        const auto m = decode_message(it.value());
        if (!m) {
            ++corrupt_;
            continue;
        }
        if (counts_.messages++ == 0) {
            counts_.first = seq;
            counts_.first_time_ns = m->time_ns;
        }
        counts_.bytes += message_bytes(m->subject, m->headers, m->payload);
        if (seq >= counts_.last) {
            counts_.last = seq;
            counts_.last_time_ns = m->time_ns;
        }
        counts_.fresh = false;
        auto& s = subjects_[std::string(m->subject)];
        if (s.messages++ == 0) s.first = seq;
        s.last = seq;
    }
    check(it.status(), "scan");
}

void RocksStream::write_bounds(rocksdb::WriteBatch& batch) const {
    batch.Put(store_.state(), prefix_ + bounds_suffix, encode_bounds(counts_));
}

void RocksStream::write_meta(std::string_view meta) {
    RocksStore::Access access(store_, true, this);
    std::string value;
    put_u64_be(value, id_);
    value.append(meta);
    rocksdb::WriteBatch batch;
    batch.Put(store_.streams(), store_.meta_key_of(id_), seal(std::move(value)));
    store_.write_durably(batch);
}

void RocksStream::append(std::uint64_t sequence, std::int64_t time_ns, std::string_view subject, std::string_view headers,
                         std::string_view payload) {
    const std::uint64_t epoch_before = seen_epoch_;
    RocksStore::Access access(store_, true, this);
    if (seen_epoch_ != epoch_before && sequence != counts_.last + 1)
        throw StoreError(store_.last_failure(), "rocksdb dropped unsynced appends after a failure; the next sequence is " +
                                                    std::to_string(counts_.last + 1));
    if (sequence == 0 || sequence <= counts_.last || subject.empty())
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "append needs a sequence above the last one and a subject");
    rocksdb::WriteBatch batch;
    batch.Put(store_.messages(), message_key(id_, sequence), encode_message(time_ns, subject, headers, payload));
    batch.Put(store_.subjects(), subject_key(id_, subject, sequence), rocksdb::Slice());
    StreamCounts next = counts_;
    if (next.messages++ == 0) {
        next.first = sequence;
        next.first_time_ns = time_ns;
    }
    next.bytes += message_bytes(subject, headers, payload);
    next.last = sequence;
    next.last_time_ns = time_ns;
    next.fresh = false;
    // No bounds record: the newest message key says the last sequence (recovery takes the
    // larger of the two; bounds are written when removals leave the last behind).
    write_change(batch);
    if (appended_in_ == 0) appended_in_ = seen_epoch_;
    counts_ = next;
    auto it = subjects_.find(subject);
    if (it == subjects_.end()) it = subjects_.emplace(std::string(subject), SubjectInfo{0, sequence, sequence}).first;
    ++it->second.messages;
    it->second.last = sequence;
}

void RocksStream::sync(SyncDone done) {
    std::uint64_t target = 0;
    bool lost = false;
    try {
        RocksStore::Access access(store_, false, this);
        target = counts_.last;
        lost = appended_in_ != 0 && appended_in_ != seen_epoch_;
    } catch (const StoreError& e) {
        return done(e.store_status(), e.what());
    }
    appended_in_ = 0;
    // Appends made in a database that was since replaced are gone (rocks_failure.cpp).
    if (lost) return done(NMK_STORE_IO_ERROR, "rocksdb was reopened after a failed write; unsynced appends were dropped");
    auto durable = durable_;
    store_.sync(seen_epoch_, [durable, target, done = std::move(done)](nmk_store_status status, std::string_view error) {
        if (status == NMK_STORE_OK) {
            std::uint64_t seen = durable->load();
            while (seen < target && !durable->compare_exchange_weak(seen, target)) {
            }
        }
        done(status, error);
    });
}

LoadResult RocksStream::deliver(std::uint64_t sequence, std::string_view record,
                                const std::function<void(const MessageView&)>& found) {
    const auto m = decode_message(record);
    if (!m) {
        ++corrupt_;
        return LoadResult::corrupt;
    }
    found(MessageView{sequence, m->time_ns, m->subject, m->headers, m->payload});
    return LoadResult::found;
}

// The message under a scan, handed to `found` when it is intact and matches.
bool RocksStream::offer(const SequenceScan& it, std::string_view filter,
                        const std::function<void(const MessageView&)>& found) {
    if (it.sequence() > ceiling_) return false;
    const auto m = decode_message(it.value());
    if (!m) {
        ++corrupt_;
        return false;
    }
    if (!matches(m->subject, filter)) return false;
    found(MessageView{it.sequence(), m->time_ns, m->subject, m->headers, m->payload});
    return true;
}

LoadResult RocksStream::load(std::uint64_t sequence, const std::function<void(const MessageView&)>& found) {
    RocksStore::Access access(store_, false, this);
    if (sequence > ceiling_) return LoadResult::not_found;
    if (!ahead_.covers(sequence) && ahead_.worth_filling(sequence, counts_.last))
        ahead_.fill(store_.db(), store_.messages(), prefix_, sequence, counts_.last, ceiling_);
    ahead_.asked(sequence);
    if (ahead_.covers(sequence)) {
        const auto record = ahead_.find(sequence);
        return record ? deliver(sequence, *record, found) : LoadResult::not_found;
    }
    std::string value;
    const auto s = store_.db().Get(rocksdb::ReadOptions(), store_.messages(), message_key(id_, sequence), &value);
    if (s.IsNotFound()) return LoadResult::not_found;
    if (s.IsCorruption()) {
        // RocksDB's own block checksum failed: as damaged as a record failing ours.
        note_damage("the message", sequence, sequence, s);
        return LoadResult::corrupt;
    }
    check(s, "load");
    return deliver(sequence, value, found);
}

LoadResult RocksStream::load_next(std::uint64_t start, std::string_view filter,
                                  const std::function<void(const MessageView&)>& found) {
    RocksStore::Access access(store_, false, this);
    if (counts_.messages == 0) return LoadResult::not_found;
    start = std::max(start, counts_.first);
    if (is_literal(filter)) {
        // The subject index: the subject's sequences in order.
        const auto info = subjects_.find(filter);
        if (info == subjects_.end() || info->second.last < start) return LoadResult::not_found;
        // A subject holding a good share of the stream (a consumer filtered on the one
        // subject published to): reading the messages in order, with read-ahead, costs
        // less than an index iterator and a point read per message.
        if (info->second.messages * 4 >= counts_.messages) {
            if (const auto r = load_ahead(start, filter, found)) return *r;
        }
        auto it = subject_scan(filter);
        for (it.seek(start); it.valid(); it.next()) {
            if (load(it.sequence(), found) == LoadResult::found) return LoadResult::found;
        }
        check(it.status(), "load next");
        return LoadResult::not_found;
    }
    if (const auto r = load_ahead(start, filter, found)) return *r;
    // A reader at the tail asks for the next sequence, which is usually there: a point
    // read costs less than setting up an iterator.
    if (start <= counts_.last && start <= ceiling_) {
        std::string value;
        if (store_.db().Get(rocksdb::ReadOptions(), store_.messages(), message_key(id_, start), &value).ok()) {
            if (const auto m = decode_message(value); m && matches(m->subject, filter)) {
                found(MessageView{start, m->time_ns, m->subject, m->headers, m->payload});
                return LoadResult::found;
            }
        }
    }
    auto it = message_scan();
    for (it.seek(start); it.valid(); it.next()) {
        if (offer(it, filter, found)) return LoadResult::found;
    }
    check(it.status(), "load next");
    return LoadResult::not_found;
}

std::optional<LoadResult> RocksStream::load_ahead(std::uint64_t start, std::string_view filter,
                                                  const std::function<void(const MessageView&)>& found) {
    const std::uint64_t end = std::min(counts_.last, ceiling_);
    for (;;) {
        if (start > end) return std::nullopt;
        if (!ahead_.covers(start)) {
            if (!ahead_.worth_filling(start, counts_.last)) return std::nullopt;
            ahead_.fill(store_.db(), store_.messages(), prefix_, start, counts_.last, ceiling_);
            if (!ahead_.covers(start)) return std::nullopt;
        }
        for (std::size_t i = ahead_.first_at_or_after(start); i < ahead_.size(); ++i) {
            const std::uint64_t sequence = ahead_.sequence_at(i);
            const auto m = decode_message(ahead_.record_at(i));
            if (!m) {
                ++corrupt_;
                continue;
            }
            if (!matches(m->subject, filter)) continue;
            ahead_.asked(sequence);
            found(MessageView{sequence, m->time_ns, m->subject, m->headers, m->payload});
            return LoadResult::found;
        }
        // Nothing matching up to the end of what is covered: nothing stored there.
        ahead_.asked(ahead_.covered_to());
        if (ahead_.covered_to() >= end) return LoadResult::not_found;
        start = ahead_.covered_to() + 1;
    }
}

LoadResult RocksStream::load_last(std::string_view filter, const std::function<void(const MessageView&)>& found) {
    RocksStore::Access access(store_, false, this);
    if (counts_.messages == 0) return LoadResult::not_found;
    if (is_literal(filter)) {
        const auto info = subjects_.find(filter);
        if (info == subjects_.end()) return LoadResult::not_found;
        if (load(info->second.last, found) == LoadResult::found) return LoadResult::found;
    }
    auto it = message_scan();
    for (it.seek_for_prev(counts_.last); it.valid(); it.prev()) {
        if (offer(it, filter, found)) return LoadResult::found;
    }
    check(it.status(), "load last");
    return LoadResult::not_found;
}

// The first stored message after removals at the head.
void RocksStream::refresh_first() {
    if (counts_.messages == 0) {
        counts_.first = 0;
        counts_.first_time_ns = 0;
        return;
    }
    auto it = message_scan();
    it.seek(counts_.first);
    if (it.valid()) {
        counts_.first = it.sequence();
        const auto m = decode_message(it.value());
        counts_.first_time_ns = m ? m->time_ns : 0;
    }
}

// A subject's first and last after some of its messages went.
void RocksStream::refresh_subject(const std::string& subject) {
    auto it = subject_scan(subject);
    SubjectInfo info;
    it.seek(0);
    if (!it.valid()) {
        subjects_.erase(subject);
        return;
    }
    info.first = it.sequence();
    it.seek_for_prev(~std::uint64_t{0});
    info.last = it.valid() ? it.sequence() : info.first;
    auto& s = subjects_[subject];
    info.messages = s.messages;
    s = info;
}

std::uint64_t RocksStream::remove_all(const std::map<std::uint64_t, std::string>& doomed) {
    if (doomed.empty()) return 0;
    rocksdb::WriteBatch batch;
    std::map<std::string, std::uint64_t> per_subject;
    std::uint64_t bytes = 0;
    std::uint64_t removed = 0;
    for (const auto& [seq, subject] : doomed) {
        std::string value;
        const auto s = store_.db().Get(rocksdb::ReadOptions(), store_.messages(), message_key(id_, seq), &value);
        if (s.IsNotFound()) continue;
        if (!s.IsCorruption()) check(s, "remove");  // a damaged one goes too (its size unknown)
        if (const auto m = decode_message(value)) bytes += message_bytes(m->subject, m->headers, m->payload);
        batch.Delete(store_.messages(), message_key(id_, seq));
        batch.Delete(store_.subjects(), subject_key(id_, subject, seq));
        ++per_subject[subject];
        ++removed;
    }
    if (removed == 0) return 0;
    ahead_.clear();
    counts_.messages -= std::min(counts_.messages, removed);
    counts_.bytes -= std::min(counts_.bytes, bytes);
    counts_.fresh = false;
    write_bounds(batch);
    write_change(batch);
    for (const auto& [subject, n] : per_subject) {
        auto it = subjects_.find(subject);
        if (it == subjects_.end()) continue;
        it->second.messages -= std::min(it->second.messages, n);
        if (it->second.messages == 0) subjects_.erase(it);
        else refresh_subject(subject);
    }
    refresh_first();
    return removed;
}

bool RocksStream::remove(std::uint64_t sequence) {
    RocksStore::Access access(store_, true, this);
    std::string value;
    const auto s = store_.db().Get(rocksdb::ReadOptions(), store_.messages(), message_key(id_, sequence), &value);
    if (s.IsNotFound()) return false;
    if (!s.IsCorruption()) check(s, "remove");
    const auto m = s.ok() ? decode_message(value) : std::nullopt;
    std::string subject = m ? std::string(m->subject) : std::string();
    if (subject.empty()) {
        // A corrupt record: find its subject in the index.
        for (const auto& [name, info] : subjects_) {
            std::string ignored;
            if (info.first <= sequence && sequence <= info.last &&
                store_.db().Get(rocksdb::ReadOptions(), store_.subjects(), subject_key(id_, name, sequence), &ignored).ok()) {
                subject = name;
                break;
            }
        }
    }
    return remove_all({{sequence, subject}}) == 1;
}

std::uint64_t RocksStream::purge(std::string_view filter, std::uint64_t below, std::uint64_t keep) {
    RocksStore::Access access(store_, true, this);
    if (below > 1 && keep > 0) throw StoreError(NMK_STORE_INVALID_ARGUMENT, "purge takes a sequence or keep, not both");
    if (filter.empty() || filter == ">") {
        if (keep == 0 && below <= 1) {
            const std::uint64_t n = counts_.messages;
            ahead_.clear();
            rocksdb::WriteBatch batch;
            batch.DeleteRange(store_.messages(), prefix_, id_prefix(id_ + 1));
            batch.DeleteRange(store_.subjects(), prefix_, id_prefix(id_ + 1));
            counts_.messages = counts_.bytes = 0;
            counts_.first = 0;
            counts_.first_time_ns = 0;
            counts_.fresh = false;
            write_bounds(batch);
            write_change(batch);
            subjects_.clear();
            return n;
        }
        if (below > 1) return compact(below);
        return keep >= counts_.messages ? 0 : compact(counts_.last - keep + 1);
    }
    // The matching sequences, oldest first, through the subject index.
    std::map<std::uint64_t, std::string> matching;
    for (const auto& [subject, info] : subjects_) {
        if (!matches(subject, filter)) continue;
        auto it = subject_scan(subject);
        for (it.seek(0); it.valid(); it.next()) {
            if (below > 1 && it.sequence() >= below) break;
            matching.emplace(it.sequence(), subject);
        }
        check(it.status(), "purge");
    }
    if (keep > 0) {
        if (keep >= matching.size()) return 0;
        auto cut = matching.end();
        std::advance(cut, -static_cast<std::ptrdiff_t>(keep));
        matching.erase(cut, matching.end());
    }
    return remove_all(matching);
}

std::uint64_t RocksStream::compact(std::uint64_t sequence) {
    RocksStore::Access access(store_, true, this);
    if (sequence == 0) return purge({}, 0, 0);
    if (sequence > counts_.last) {
        const std::uint64_t n = purge({}, 0, 0);
        counts_.last = sequence - 1;  // the stream starts at `sequence`
        rocksdb::WriteBatch batch;
        write_bounds(batch);
        write_change(batch);
        return n;
    }
    std::map<std::uint64_t, std::string> doomed;
    auto it = message_scan();
    for (it.seek(0); it.valid(); it.next()) {
        if (it.sequence() >= sequence) break;
        const auto m = decode_message(it.value());
        doomed.emplace(it.sequence(), m ? std::string(m->subject) : std::string());
    }
    check(it.status(), "compact");
    return remove_all(doomed);
}

void RocksStream::truncate(std::uint64_t sequence) {
    RocksStore::Access access(store_, true, this);
    ahead_.clear();
    std::map<std::uint64_t, std::string> doomed;
    std::int64_t time_ns = counts_.last_time_ns;
    auto it = message_scan();
    for (it.seek(sequence); it.valid(); it.next()) {
        const std::uint64_t seq = it.sequence();
        const auto m = decode_message(it.value());
        if (seq == sequence) {
            if (m) time_ns = m->time_ns;
            continue;
        }
        doomed.emplace(seq, m ? std::string(m->subject) : std::string());
    }
    check(it.status(), "truncate");
    remove_all(doomed);
    counts_.last = sequence;
    counts_.last_time_ns = time_ns;
    rocksdb::WriteBatch batch;
    write_bounds(batch);
    write_change(batch);
}

// The const calls catch up with a reopen too (they report what is served).
nats_sdk::store::StreamState RocksStream::state() const {
    RocksStore::Access access(store_, false, const_cast<RocksStream*>(this));
    nats_sdk::store::StreamState s{};
    s.messages = counts_.messages;
    s.bytes = counts_.bytes;
    s.last_sequence = counts_.last;
    s.last_time_ns = counts_.last_time_ns;
    if (counts_.messages == 0) {
        s.first_sequence = counts_.fresh ? 0 : counts_.last + 1;
    } else {
        s.first_sequence = counts_.first;
        s.first_time_ns = counts_.first_time_ns;
        s.deleted = counts_.last - counts_.first + 1 - counts_.messages;
    }
    s.subjects = subjects_.size();
    s.corrupt = corrupt_ + store_.store_corruption();
    return s;
}

std::optional<nats_sdk::store::SubjectState> RocksStream::subject_state(std::string_view subject) const {
    RocksStore::Access access(store_, false, const_cast<RocksStream*>(this));
    const auto it = subjects_.find(subject);
    if (it == subjects_.end()) return std::nullopt;
    return nats_sdk::store::SubjectState{it->second.messages, it->second.first, it->second.last};
}

void RocksStream::subjects_state(std::string_view filter,
                                 const std::function<void(std::string_view, const nats_sdk::store::SubjectState&)>& found) const {
    RocksStore::Access access(store_, false, const_cast<RocksStream*>(this));
    for (const auto& [subject, info] : subjects_) {
        if (matches(subject, filter)) found(subject, nats_sdk::store::SubjectState{info.messages, info.first, info.last});
    }
}

std::uint64_t RocksStream::sequence_for_time(std::int64_t time_ns) const {
    RocksStore::Access access(store_, false, const_cast<RocksStream*>(this));
    auto it = message_scan();
    for (it.seek(0); it.valid(); it.next()) {
        const auto m = decode_message(it.value());
        if (m && m->time_ns >= time_ns) return it.sequence();
    }
    return counts_.last + 1;
}

// ---- consumer records ----

std::string RocksStream::consumer_key(std::string_view name) const {
    if (const auto why = nats_sdk::store::consumer_name_problem(name); !why.empty())
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, std::string(why));
    return prefix_ + consumer_suffix + std::string(name);
}

void RocksStream::consumer_put(std::string_view name, std::string_view meta, std::string_view state) {
    RocksStore::Access access(store_, true, this);
    rocksdb::WriteBatch batch;
    batch.Put(store_.state(), consumer_key(name), encode_consumer(meta, state));
    store_.write(batch);
}

bool RocksStream::consumer_put_state(std::string_view name, std::string_view state) {
    RocksStore::Access access(store_, true, this);
    const std::string key = consumer_key(name);
    std::string value;
    const auto s = store_.db().Get(rocksdb::ReadOptions(), store_.state(), key, &value);
    if (s.IsNotFound()) return false;
    check(s, "consumer state");
    std::string_view meta, old_state;
    if (!decode_consumer(value, meta, old_state)) throw StoreError(NMK_STORE_CORRUPT, "consumer record damaged");
    consumer_put(name, meta, state);
    return true;
}

void RocksStream::consumer_list(const std::function<void(const nats_sdk::store::ConsumerRecordView&)>& found) {
    RocksStore::Access access(store_, false, this);
    const std::string prefix = prefix_ + consumer_suffix;
    std::unique_ptr<rocksdb::Iterator> it(store_.db().NewIterator(rocksdb::ReadOptions(), store_.state()));
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
        std::string_view meta, state;
        if (!decode_consumer(view(it->value()), meta, state)) {  // damaged: left out
            note_damage("a consumer record", 0, 0, rocksdb::Status::Corruption("record checksum"));
            continue;
        }
        found(nats_sdk::store::ConsumerRecordView{view(it->key()).substr(prefix.size()), meta, state});
    }
    if (it->status().IsCorruption()) {
        // The consumer records past a damaged block are lost: the stream itself goes on.
        note_damage("consumer records", 0, 0, it->status());
        return;
    }
    check(it->status(), "consumer list");
}

bool RocksStream::consumer_delete(std::string_view name) {
    RocksStore::Access access(store_, true, this);
    const std::string key = consumer_key(name);
    std::string value;
    const auto s = store_.db().Get(rocksdb::ReadOptions(), store_.state(), key, &value);
    if (s.IsNotFound()) return false;
    check(s, "consumer delete");
    rocksdb::WriteBatch batch;
    batch.Delete(store_.state(), key);
    store_.write(batch);
    return true;
}

}  // namespace nats::store_rocksdb
