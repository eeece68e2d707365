#include "plugins/store_memory/message_log.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>

#include <nats_sdk/subject.hpp>

namespace nats::store_memory {

using nats_sdk::store::LoadResult;
using nats_sdk::store::StoreError;

namespace {

bool selects_everything(std::string_view filter) { return filter.empty() || filter == ">"; }

[[noreturn]] void refuse(std::string message) { throw StoreError(NMK_STORE_INVALID_ARGUMENT, std::move(message)); }

}  // namespace

// ------------------------------------------------------------------- writing

void MessageLog::append(std::uint64_t sequence, std::int64_t time_ns, std::string_view subject,
                        std::string_view headers, std::string_view payload) {
    if (sequence <= last_) {
        refuse("append: sequence " + std::to_string(sequence) + " is not above the last one (" +
               std::to_string(last_) + ")");
    }
    if (subject.empty()) {
        refuse("append: empty subject");
    }
    constexpr std::size_t max_part = std::numeric_limits<std::uint32_t>::max();
    if (headers.size() > max_part || payload.size() > max_part) {
        refuse("append: headers and payload must each be under 4 GiB");
    }
    // Everything that can throw comes before the first change of state.
    std::unique_ptr<Record, FreeRecord> record(
        static_cast<Record*>(::operator new(sizeof(Record) + headers.size() + payload.size())));
    auto it = subjects_.find(subject);
    const bool new_subject = it == subjects_.end();
    if (new_subject) {
        it = subjects_.emplace(std::string(subject), nats_sdk::store::SubjectState{0, sequence, sequence}).first;
    }
    try {
        entries_.push_back(Entry{sequence, nullptr});
    } catch (...) {
        if (new_subject) {
            subjects_.erase(it);
        }
        throw;
    }
    new (record.get()) Record{time_ns, &*it, static_cast<std::uint32_t>(headers.size()),
                              static_cast<std::uint32_t>(payload.size())};
    char* bytes = const_cast<char*>(record->bytes());
    if (!headers.empty()) {
        std::memcpy(bytes, headers.data(), headers.size());
    }
    if (!payload.empty()) {
        std::memcpy(bytes + headers.size(), payload.data(), payload.size());
    }
    entries_.back().record = std::move(record);

    auto& s = it->second;
    if (s.messages++ == 0) {
        s.first_sequence = sequence;
    }
    s.last_sequence = sequence;
    ++messages_;
    bytes_ += memory_message_bytes(subject.size(), headers.size(), payload.size());
    last_ = sequence;
    last_time_ = time_ns;
    fresh_ = false;
}

bool MessageLog::remove(std::uint64_t sequence) {
    const std::size_t index = index_of(sequence);
    if (index == npos) {
        return false;
    }
    std::unordered_set<Subject*> stale;
    drop(index, stale);
    refresh_bounds(stale);
    trim();
    return true;
}

std::uint64_t MessageLog::purge(std::string_view filter, std::uint64_t below_sequence, std::uint64_t keep) {
    if (below_sequence > 1 && keep > 0) {
        refuse("purge: a sequence bound and keep cannot be combined");
    }
    if (selects_everything(filter)) {
        if (keep == 0 && below_sequence <= 1) {
            return purge_all();
        }
        if (below_sequence > 1) {
            return compact(below_sequence);
        }
        return keep >= messages_ ? 0 : compact(last_ - keep + 1);
    }
    const Selection selection = select(filter);
    return selection.none ? 0 : purge_matching(selection, below_sequence, keep);
}

std::uint64_t MessageLog::purge_matching(const Selection& selection, std::uint64_t below_sequence,
                                         std::uint64_t keep) {
    std::uint64_t to_remove = std::numeric_limits<std::uint64_t>::max();
    if (keep > 0) {
        std::uint64_t matching = 0;
        for (const auto& subject : subjects_) {
            if (selection.contains(&subject)) {
                matching += subject.second.messages;
            }
        }
        if (keep >= matching) {
            return 0;
        }
        to_remove = matching - keep;
    }
    const std::uint64_t end = below_sequence > 1 ? below_sequence : std::numeric_limits<std::uint64_t>::max();
    std::unordered_set<Subject*> stale;
    std::uint64_t purged = 0;
    for (std::size_t i = lower_index(selection.first); i < entries_.size() && purged < to_remove; ++i) {
        const Entry& e = entries_[i];
        if (e.sequence >= end || e.sequence > selection.last) {
            break;
        }
        if (e.record && selection.contains(e.record->subject)) {
            drop(i, stale);
            ++purged;
        }
    }
    refresh_bounds(stale);
    trim();
    return purged;
}

std::uint64_t MessageLog::purge_all() {
    const std::uint64_t purged = messages_;
    entries_.clear();
    tombstones_ = 0;
    subjects_.clear();
    messages_ = 0;
    bytes_ = 0;
    fresh_ = false;
    return purged;
}

std::uint64_t MessageLog::compact(std::uint64_t sequence) {
    if (sequence == 0) {
        return purge_all();
    }
    if (sequence > last_) {
        const std::uint64_t purged = purge_all();
        last_ = sequence - 1;  // the next append is `sequence`; last_time_ stays, as in nats-server
        return purged;
    }
    fresh_ = false;
    std::unordered_set<Subject*> stale;
    std::uint64_t purged = 0;
    while (!entries_.empty() && entries_.front().sequence < sequence) {
        if (entries_.front().record) {
            drop(0, stale);
            ++purged;
        }
        entries_.pop_front();
        --tombstones_;
    }
    refresh_bounds(stale);
    trim();
    return purged;
}

void MessageLog::truncate(std::uint64_t sequence) {
    if (sequence > last_) {
        refuse("truncate: sequence " + std::to_string(sequence) + " is above the last one (" + std::to_string(last_) +
               ")");
    }
    std::unordered_set<Subject*> stale;
    while (!entries_.empty() && entries_.back().sequence > sequence) {
        if (entries_.back().record) {
            drop(entries_.size() - 1, stale);
        }
        entries_.pop_back();
        --tombstones_;
    }
    refresh_bounds(stale);
    trim();
    last_ = sequence;
    if (const std::size_t index = index_of(sequence); index != npos) {
        last_time_ = entries_[index].record->time_ns;
    } else if (!entries_.empty()) {
        last_time_ = entries_.back().record->time_ns;
    }
}

void MessageLog::drop(std::size_t index, std::unordered_set<Subject*>& stale) {
    Entry& e = entries_[index];
    Subject* subject = e.record->subject;
    bytes_ -= memory_message_bytes(subject->first.size(), e.record->headers_size, e.record->payload_size);
    --messages_;
    e.record.reset();
    ++tombstones_;
    auto& s = subject->second;
    if (--s.messages == 0) {
        stale.erase(subject);
        subjects_.erase(subjects_.find(subject->first));
    } else if (s.first_sequence == e.sequence || s.last_sequence == e.sequence) {
        stale.insert(subject);
    }
}

// One forward pass finds every stale first, one backward pass every stale last: the first
// record met of a subject is its first (nothing of it is left before its old first).
void MessageLog::refresh_bounds(std::unordered_set<Subject*>& stale) {
    auto holds = [&](std::uint64_t sequence, const Subject* subject) {
        const std::size_t index = index_of(sequence);
        return index != npos && entries_[index].record->subject == subject;
    };
    std::unordered_set<Subject*> need_first, need_last;
    std::uint64_t from = std::numeric_limits<std::uint64_t>::max();
    std::uint64_t to = 0;
    for (Subject* subject : stale) {
        const auto& s = subject->second;
        if (!holds(s.first_sequence, subject)) {
            need_first.insert(subject);
            from = std::min(from, s.first_sequence);
        }
        if (!holds(s.last_sequence, subject)) {
            need_last.insert(subject);
            to = std::max(to, s.last_sequence);
        }
    }
    stale.clear();
    for (std::size_t i = need_first.empty() ? entries_.size() : lower_index(from);
         i < entries_.size() && !need_first.empty(); ++i) {
        const Entry& e = entries_[i];
        if (e.record && need_first.erase(e.record->subject) == 1) {
            e.record->subject->second.first_sequence = e.sequence;
        }
    }
    std::size_t end = need_last.empty() ? 0 : std::min(entries_.size(), lower_index(to == UINT64_MAX ? to : to + 1));
    while (end > 0 && !need_last.empty()) {
        const Entry& e = entries_[--end];
        if (e.record && need_last.erase(e.record->subject) == 1) {
            e.record->subject->second.last_sequence = e.sequence;
        }
    }
}

void MessageLog::trim() {
    while (!entries_.empty() && !entries_.front().record) {
        entries_.pop_front();
        --tombstones_;
    }
    while (!entries_.empty() && !entries_.back().record) {
        entries_.pop_back();
        --tombstones_;
    }
    if (tombstones_ > 64 && tombstones_ * 2 > entries_.size()) {
        std::erase_if(entries_, [](const Entry& e) { return !e.record; });
        tombstones_ = 0;
    }
}

// ------------------------------------------------------------------- finding

std::size_t MessageLog::lower_index(std::uint64_t sequence) const noexcept {
    if (entries_.empty() || sequence <= entries_.front().sequence) {
        return 0;
    }
    const std::uint64_t front = entries_.front().sequence;
    const std::uint64_t back = entries_.back().sequence;
    if (sequence > back) {
        return entries_.size();
    }
    if (back - front + 1 == entries_.size()) {  // no gap: sequence s sits at s - front
        return static_cast<std::size_t>(sequence - front);
    }
    const auto it = std::lower_bound(entries_.begin(), entries_.end(), sequence,
                                     [](const Entry& e, std::uint64_t s) { return e.sequence < s; });
    return static_cast<std::size_t>(it - entries_.begin());
}

std::size_t MessageLog::index_of(std::uint64_t sequence) const noexcept {
    const std::size_t index = lower_index(sequence);
    if (index >= entries_.size() || entries_[index].sequence != sequence || !entries_[index].record) {
        return npos;
    }
    return index;
}

bool MessageLog::Selection::contains(const Subject* s) const {
    if (all) {
        return true;
    }
    if (none) {
        return false;
    }
    if (single != nullptr) {
        return s == single;
    }
    if (by_set) {
        return set.count(s) != 0;
    }
    return nats_sdk::subject::literal_matches(s->first, pattern);
}

MessageLog::Selection MessageLog::select(std::string_view filter) const {
    Selection selection;
    if (selects_everything(filter)) {
        selection.all = true;
        return selection;
    }
    if (nats_sdk::subject::is_literal(filter)) {
        const auto it = subjects_.find(filter);
        if (it == subjects_.end()) {
            selection.none = true;
            return selection;
        }
        selection.single = &*it;
        selection.first = it->second.first_sequence;
        selection.last = it->second.last_sequence;
        return selection;
    }
    if (subjects_.size() > wildcard_set_limit) {
        selection.pattern = filter;  // many subjects (a KV bucket): match each record as met
        return selection;
    }
    selection.by_set = true;
    selection.first = std::numeric_limits<std::uint64_t>::max();
    selection.last = 0;
    for (const auto& subject : subjects_) {
        if (nats_sdk::subject::literal_matches(subject.first, filter)) {
            selection.set.insert(&subject);
            selection.first = std::min(selection.first, subject.second.first_sequence);
            selection.last = std::max(selection.last, subject.second.last_sequence);
        }
    }
    selection.none = selection.set.empty();
    return selection;
}

void MessageLog::deliver(std::uint64_t sequence, const Record& r, const Found& found) {
    const char* bytes = r.bytes();
    found(nats_sdk::store::MessageView{sequence, r.time_ns, r.subject->first, std::string_view(bytes, r.headers_size),
                                       std::string_view(bytes + r.headers_size, r.payload_size)});
}

LoadResult MessageLog::load(std::uint64_t sequence, const Found& found) const {
    const std::size_t index = index_of(sequence);
    if (index == npos) {
        return LoadResult::not_found;
    }
    deliver(sequence, *entries_[index].record, found);
    return LoadResult::found;
}

LoadResult MessageLog::load_next(std::uint64_t start, std::string_view filter, const Found& found) const {
    const Selection selection = select(filter);
    if (selection.none) {
        return LoadResult::not_found;
    }
    for (std::size_t i = lower_index(std::max(start, selection.first)); i < entries_.size(); ++i) {
        const Entry& e = entries_[i];
        if (e.sequence > selection.last) {
            break;
        }
        if (e.record && selection.contains(e.record->subject)) {
            deliver(e.sequence, *e.record, found);
            return LoadResult::found;
        }
    }
    return LoadResult::not_found;
}

LoadResult MessageLog::load_last(std::string_view filter, const Found& found) const {
    const Selection selection = select(filter);
    if (selection.none) {
        return LoadResult::not_found;
    }
    if (selection.single != nullptr || selection.by_set) {
        return load(selection.last, found);  // the newest of the selected subjects' lasts
    }
    for (std::size_t i = entries_.size(); i-- > 0;) {
        const Entry& e = entries_[i];
        if (e.record && selection.contains(e.record->subject)) {
            deliver(e.sequence, *e.record, found);
            return LoadResult::found;
        }
    }
    return LoadResult::not_found;
}

// ------------------------------------------------------------------- counting

nats_sdk::store::StreamState MessageLog::state() const {
    nats_sdk::store::StreamState s{};
    s.messages = messages_;
    s.bytes = bytes_;
    s.last_sequence = last_;
    s.last_time_ns = last_time_;
    s.subjects = subjects_.size();
    if (messages_ == 0) {
        s.first_sequence = fresh_ ? 0 : last_ + 1;
    } else {
        s.first_sequence = entries_.front().sequence;
        s.first_time_ns = entries_.front().record->time_ns;
        s.deleted = (last_ - s.first_sequence + 1) - messages_;
    }
    return s;
}

std::optional<nats_sdk::store::SubjectState> MessageLog::subject_state(std::string_view subject) const {
    const auto it = subjects_.find(subject);
    if (it == subjects_.end()) {
        return std::nullopt;
    }
    return it->second;
}

void MessageLog::subjects_state(
    std::string_view filter,
    const std::function<void(std::string_view, const nats_sdk::store::SubjectState&)>& found) const {
    if (!selects_everything(filter) && nats_sdk::subject::is_literal(filter)) {
        if (const auto it = subjects_.find(filter); it != subjects_.end()) {
            found(it->first, it->second);
        }
        return;
    }
    for (const auto& [subject, s] : subjects_) {
        if (selects_everything(filter) || nats_sdk::subject::literal_matches(subject, filter)) {
            found(subject, s);
        }
    }
}

// Binary search over the entries for the first time at or after `time_ns` (times grow with
// sequences, as JetStream stamps them); a tombstone counts as the next held message.
std::uint64_t MessageLog::sequence_for_time(std::int64_t time_ns) const {
    auto next_held = [&](std::size_t i) {
        while (i < entries_.size() && !entries_[i].record) {
            ++i;
        }
        return i;
    };
    std::size_t lo = 0;
    std::size_t hi = entries_.size();
    while (lo < hi) {
        const std::size_t mid = lo + (hi - lo) / 2;
        const std::size_t held = next_held(mid);
        if (held == entries_.size() || entries_[held].record->time_ns >= time_ns) {
            hi = mid;
        } else {
            lo = held + 1;
        }
    }
    const std::size_t held = next_held(lo);
    return held == entries_.size() ? last_ + 1 : entries_[held].sequence;
}

}  // namespace nats::store_memory
