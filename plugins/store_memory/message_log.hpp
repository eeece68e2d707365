#pragma once
// MessageLog: one memory stream's messages, with nats-server 2.9.10 memstore's answers
// (kinds/stream_store.h spells them out) and without its per-message map entries.
//
// Layout. Messages sit in a deque ordered by sequence, one Entry {sequence, record} each;
// a removed message leaves a null record (a tombstone) until it reaches either end of the
// deque (popped at once) or tombstones pass half the deque (squeezed out). While no append
// left a gap, sequence s sits at index s - front: lookups are O(1); after a gap they are a
// binary search. A gap costs nothing, however large (a mirror may jump a billion sequences).
// Each record is one allocation: time, a pointer to its subject's index entry (the subject
// string is stored once per distinct subject), sizes, then headers and payload bytes.
//
// The subject index (subject -> messages, first, last) answers subject_state at once and
// bounds the scans of filtered loads and purges; a subject's first/last is found again by
// scanning from the removed message, as nats-server does, batched for purge, compact and
// truncate so each does one pass.
//
// Threads: none of its own, no locks. The caller serializes calls (one stream handle).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <nats_sdk/kinds/stream_store.hpp>

namespace nats::store_memory {

class MessageLog {
public:
    using Found = std::function<void(const nats_sdk::store::MessageView&)>;

    MessageLog() = default;
    MessageLog(const MessageLog&) = delete;
    MessageLog& operator=(const MessageLog&) = delete;

    // Throws StoreError(INVALID_ARGUMENT) for a sequence not above the last, an empty subject,
    // or headers or payload of 4 GiB or more.
    void append(std::uint64_t sequence, std::int64_t time_ns, std::string_view subject, std::string_view headers,
                std::string_view payload);

    nats_sdk::store::LoadResult load(std::uint64_t sequence, const Found& found) const;
    nats_sdk::store::LoadResult load_next(std::uint64_t start, std::string_view filter, const Found& found) const;
    nats_sdk::store::LoadResult load_last(std::string_view filter, const Found& found) const;

    bool remove(std::uint64_t sequence);
    std::uint64_t purge(std::string_view filter, std::uint64_t below_sequence, std::uint64_t keep);
    std::uint64_t compact(std::uint64_t sequence);
    void truncate(std::uint64_t sequence);

    nats_sdk::store::StreamState state() const;
    std::optional<nats_sdk::store::SubjectState> subject_state(std::string_view subject) const;
    void subjects_state(std::string_view filter,
                        const std::function<void(std::string_view, const nats_sdk::store::SubjectState&)>& found) const;
    std::uint64_t sequence_for_time(std::int64_t time_ns) const;

    // For tests of the layout: entries held, tombstones among them.
    std::size_t entries() const noexcept { return entries_.size(); }
    std::size_t tombstones() const noexcept { return tombstones_; }

private:
    struct StringHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    using SubjectIndex =
        std::unordered_map<std::string, nats_sdk::store::SubjectState, StringHash, std::equal_to<>>;
    using Subject = SubjectIndex::value_type;  // nodes are stable: records point at them

    struct Record {
        std::int64_t time_ns;
        Subject* subject;
        std::uint32_t headers_size;
        std::uint32_t payload_size;
        const char* bytes() const noexcept { return reinterpret_cast<const char*>(this + 1); }
    };
    struct FreeRecord {
        void operator()(Record* r) const noexcept { ::operator delete(r); }
    };
    struct Entry {
        std::uint64_t sequence;
        std::unique_ptr<Record, FreeRecord> record;  // null: removed
    };

    // Which subjects a filter selects: all, one (a literal), or a set (a wildcard over at
    // most wildcard_set_limit subjects); otherwise each subject is matched as met.
    struct Selection {
        bool all = false;
        bool none = false;
        const Subject* single = nullptr;
        std::unordered_set<const Subject*> set;
        bool by_set = false;
        std::string_view pattern;  // matched per record when neither of the above
        std::uint64_t first = 0;   // bounds of the selected subjects' messages, when known
        std::uint64_t last = UINT64_MAX;
        bool contains(const Subject* s) const;
    };
    static constexpr std::size_t wildcard_set_limit = 256;
    Selection select(std::string_view filter) const;

    static void deliver(std::uint64_t sequence, const Record& r, const Found& found);
    std::size_t index_of(std::uint64_t sequence) const noexcept;     // npos when not held
    std::size_t lower_index(std::uint64_t sequence) const noexcept;  // first entry at or after
    static constexpr std::size_t npos = static_cast<std::size_t>(-1);

    // Drops the record at `index` from the counts and the subject index. Subjects whose first
    // or last went are added to `stale` (their bounds are found again by refresh_bounds).
    void drop(std::size_t index, std::unordered_set<Subject*>& stale);
    void refresh_bounds(std::unordered_set<Subject*>& stale);
    void trim();  // pops tombstones at both ends, squeezes them out past half
    std::uint64_t purge_all();
    std::uint64_t purge_matching(const Selection& selection, std::uint64_t below_sequence, std::uint64_t keep);

    std::deque<Entry> entries_;
    std::size_t tombstones_ = 0;
    SubjectIndex subjects_;
    std::uint64_t messages_ = 0;
    std::uint64_t bytes_ = 0;
    std::uint64_t last_ = 0;
    std::int64_t last_time_ = 0;
    bool fresh_ = true;  // never held a message, never purged or compacted: reports first 0
};

// nats-server's memStoreMsgSize.
inline std::uint64_t memory_message_bytes(std::size_t subject, std::size_t headers, std::size_t payload) {
    return subject + headers + payload + 16;
}

}  // namespace nats::store_memory
