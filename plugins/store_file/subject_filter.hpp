#pragma once
// Which stored subjects a load_next / load_last / purge / subjects_state filter selects,
// decided per subject id: everything (empty or ">"), one literal subject (one id, or
// none when that subject is not stored), or a wildcard (matched once per id with the
// SDK's literal_matches, then cached).

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "nats_sdk/subject.hpp"
#include "subject_index.hpp"

namespace store_file {

class SubjectFilter {
public:
    SubjectFilter(const SubjectIndex& subjects, std::string_view filter) : subjects_(subjects), filter_(filter) {
        if (filter.empty() || filter == ">") {
            kind_ = Kind::all;
        } else if (nats_sdk::subject::is_literal(filter)) {
            kind_ = Kind::literal;
            literal_id_ = subjects.find(filter);
        } else {
            kind_ = Kind::wildcard;
        }
    }

    bool all() const noexcept { return kind_ == Kind::all; }
    // The one id of a literal filter (nullopt for other filters or an absent subject).
    std::optional<std::uint32_t> literal_id() const noexcept { return literal_id_; }
    // A literal filter whose subject is not stored: nothing can match.
    bool matches_nothing() const noexcept { return kind_ == Kind::literal && !literal_id_; }

    bool matches(std::uint32_t id) {
        switch (kind_) {
            case Kind::all: return true;
            case Kind::literal: return literal_id_ && *literal_id_ == id;
            case Kind::wildcard: break;
        }
        if (id >= cache_.size()) cache_.resize(subjects_.id_limit(), unknown);
        if (cache_[id] == unknown) {
            cache_[id] = nats_sdk::subject::literal_matches(subjects_.info(id).subject, filter_) ? yes : no;
        }
        return cache_[id] == yes;
    }

private:
    enum class Kind { all, literal, wildcard };
    static constexpr std::int8_t unknown = -1, no = 0, yes = 1;
    const SubjectIndex& subjects_;
    std::string_view filter_;
    Kind kind_;
    std::optional<std::uint32_t> literal_id_;
    std::vector<std::int8_t> cache_;
};

}  // namespace store_file
