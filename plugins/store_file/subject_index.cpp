#include "subject_index.hpp"

namespace store_file {

std::uint32_t SubjectIndex::add(std::string_view subject, std::uint64_t sequence) {
    auto found = ids_.find(subject);
    if (found == ids_.end()) {
        std::uint32_t id;
        if (!free_ids_.empty()) {
            id = free_ids_.back();
            free_ids_.pop_back();
        } else {
            id = static_cast<std::uint32_t>(infos_.size());
            infos_.emplace_back();
        }
        found = ids_.emplace(std::string(subject), id).first;
        infos_[id] = SubjectInfo{found->first, 0, sequence, sequence, false, false};
    }
    SubjectInfo& info = infos_[found->second];
    ++info.messages;
    info.last = sequence;
    info.last_stale = false;
    return found->second;
}

void SubjectIndex::remove(std::uint32_t id, std::uint64_t sequence) {
    SubjectInfo& info = infos_[id];
    if (info.messages == 0) return;
    if (--info.messages == 0) {
        ids_.erase(ids_.find(info.subject));
        info = SubjectInfo{};
        free_ids_.push_back(id);
        return;
    }
    if (sequence == info.first) info.first_stale = true;
    if (sequence == info.last) info.last_stale = true;
}

void SubjectIndex::set_count(std::uint32_t id, std::uint64_t messages) {
    SubjectInfo& info = infos_[id];
    if (info.messages == 0) return;
    if (messages == 0) {
        ids_.erase(ids_.find(info.subject));
        info = SubjectInfo{};
        free_ids_.push_back(id);
        return;
    }
    info.messages = messages;
    info.first_stale = true;
    info.last_stale = true;
}

std::optional<std::uint32_t> SubjectIndex::find(std::string_view subject) const {
    const auto found = ids_.find(subject);
    if (found == ids_.end()) return std::nullopt;
    return found->second;
}

void SubjectIndex::clear() {
    ids_.clear();
    infos_.clear();
    free_ids_.clear();
}

void SubjectIndex::restore(std::uint32_t id, std::string_view subject, const SubjectInfo& counts) {
    if (id >= infos_.size()) infos_.resize(id + 1);
    const auto inserted = ids_.emplace(std::string(subject), id).first;
    infos_[id] = counts;
    infos_[id].subject = inserted->first;
}

void SubjectIndex::finish_restore() {
    free_ids_.clear();
    for (std::uint32_t id = 0; id < infos_.size(); ++id) {
        if (infos_[id].messages == 0) free_ids_.push_back(id);
    }
}

}  // namespace store_file
