#pragma once
// Per-subject counts: for every distinct subject stored, how many messages and the
// first and last sequence, under a small integer id that the sequence index stores
// instead of the subject. When the first or last message of a subject is removed the
// bound is marked stale and found again on demand by the stream (scanning the sequence
// index), as nats-server's per-subject info does: removals stay O(1).
//
// Not thread-safe: the owning stream serializes calls.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace store_file {

struct SubjectInfo {
    std::string_view subject;  // the key in the id map (stable: node-based map)
    std::uint64_t messages = 0;
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    bool first_stale = false;
    bool last_stale = false;
};

class SubjectIndex {
public:
    // Counts a message appended at `sequence` (above every sequence of the subject).
    std::uint32_t add(std::string_view subject, std::uint64_t sequence);
    // Un-counts the message at `sequence`; forgets the subject at zero messages.
    void remove(std::uint32_t id, std::uint64_t sequence);

    // Sets the subject's count after a recount (both bounds become stale); forgets it at 0.
    void set_count(std::uint32_t id, std::uint64_t messages);

    std::optional<std::uint32_t> find(std::string_view subject) const;
    SubjectInfo& info(std::uint32_t id) noexcept { return infos_[id]; }
    const SubjectInfo& info(std::uint32_t id) const noexcept { return infos_[id]; }
    std::size_t size() const noexcept { return ids_.size(); }
    // One past the highest id ever handed out (for per-id caches).
    std::size_t id_limit() const noexcept { return infos_.size(); }
    bool in_use(std::uint32_t id) const noexcept { return id < infos_.size() && infos_[id].messages > 0; }
    void clear();
    // Rebuilding from an index snapshot: puts `subject` back under its old id (ids not
    // restored are free); call finish_restore() once all are in.
    void restore(std::uint32_t id, std::string_view subject, const SubjectInfo& counts);
    void finish_restore();

private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
    };
    std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> ids_;
    std::vector<SubjectInfo> infos_;
    std::vector<std::uint32_t> free_ids_;
};

}  // namespace store_file
