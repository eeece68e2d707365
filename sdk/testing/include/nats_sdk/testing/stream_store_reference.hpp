#pragma once
// ReferenceStream: the stream store contract (kinds/stream_store.h) as the simplest
// possible model, an ordered map, with nats-server 2.9.10's memstore answers for every
// edge (empty streams, purge with filters and keep, compact past the end). The contract
// suite replays random operations on a backend and on this model and compares them.
// Byte accounting is the backend's, given as a function.

#include <cstdint>
#include <functional>
#include <iterator>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "nats_sdk/kinds/stream_store.hpp"
#include "nats_sdk/subject.hpp"

namespace nats_sdk::testing {

using MessageBytes = std::function<std::uint64_t(std::string_view subject, std::string_view headers,
                                                 std::string_view payload)>;

// Whether `subject` is selected by a store filter: empty (and ">") match everything.
inline bool store_filter_matches(std::string_view subject, std::string_view filter) {
    return filter.empty() || nats_sdk::subject::literal_matches(subject, filter);
}

class ReferenceStream {
public:
    explicit ReferenceStream(MessageBytes bytes_of) : bytes_of_(std::move(bytes_of)) {}

    // `sequence` must be above last_sequence (the caller checks what the backend refuses).
    void append(std::uint64_t sequence, std::int64_t time_ns, std::string_view subject, std::string_view headers,
                std::string_view payload) {
        messages_[sequence] = store::StoredMessage{sequence, time_ns, std::string(subject), std::string(headers),
                                                   std::string(payload)};
        last_ = sequence;
        last_time_ = time_ns;
        fresh_ = false;
    }

    bool remove(std::uint64_t sequence) { return messages_.erase(sequence) == 1; }

    // PurgeEx; nullopt where the backend must refuse (below_sequence > 1 with keep).
    std::optional<std::uint64_t> purge(std::string_view filter, std::uint64_t below, std::uint64_t keep) {
        if (below > 1 && keep > 0) {
            return std::nullopt;
        }
        if (filter.empty() || filter == ">") {
            if (keep == 0 && below <= 1) {
                return purge_all();
            }
            if (below > 1) {
                return compact(below);
            }
            return keep >= messages_.size() ? 0 : compact(last_ - keep + 1);
        }
        std::vector<std::uint64_t> matching;
        for (const auto& [seq, m] : messages_) {
            if (store_filter_matches(m.subject, filter) && (below <= 1 || seq < below)) {
                matching.push_back(seq);
            }
        }
        if (keep > 0) {
            if (keep >= matching.size()) {
                return 0;
            }
            matching.resize(matching.size() - keep);
        }
        for (const auto seq : matching) {
            messages_.erase(seq);
        }
        return matching.size();
    }

    std::uint64_t compact(std::uint64_t sequence) {
        if (sequence == 0) {
            return purge_all();
        }
        fresh_ = false;
        if (sequence > last_) {
            const std::uint64_t n = messages_.size();
            messages_.clear();
            last_ = sequence - 1;
            return n;
        }
        const auto end = messages_.lower_bound(sequence);
        const auto n = static_cast<std::uint64_t>(std::distance(messages_.begin(), end));
        messages_.erase(messages_.begin(), end);
        return n;
    }

    // `sequence` must hold a message.
    void truncate(std::uint64_t sequence) {
        messages_.erase(messages_.upper_bound(sequence), messages_.end());
        last_ = sequence;
        last_time_ = messages_.at(sequence).time_ns;
    }

    store::StreamState state() const {
        store::StreamState s{};
        s.messages = messages_.size();
        for (const auto& [seq, m] : messages_) {
            s.bytes += bytes_of_(m.subject, m.headers, m.payload);
        }
        s.last_sequence = last_;
        s.last_time_ns = last_time_;
        if (messages_.empty()) {
            s.first_sequence = fresh_ ? 0 : last_ + 1;
        } else {
            s.first_sequence = messages_.begin()->first;
            s.first_time_ns = messages_.begin()->second.time_ns;
            s.deleted = (last_ - s.first_sequence + 1) - s.messages;
        }
        s.subjects = subjects_state("").size();
        return s;
    }

    const store::StoredMessage* load(std::uint64_t sequence) const {
        const auto it = messages_.find(sequence);
        return it == messages_.end() ? nullptr : &it->second;
    }
    const store::StoredMessage* load_next(std::uint64_t start, std::string_view filter) const {
        for (auto it = messages_.lower_bound(start); it != messages_.end(); ++it) {
            if (store_filter_matches(it->second.subject, filter)) {
                return &it->second;
            }
        }
        return nullptr;
    }
    const store::StoredMessage* load_last(std::string_view filter) const {
        for (auto it = messages_.rbegin(); it != messages_.rend(); ++it) {
            if (store_filter_matches(it->second.subject, filter)) {
                return &it->second;
            }
        }
        return nullptr;
    }

    std::map<std::string, store::SubjectState> subjects_state(std::string_view filter) const {
        std::map<std::string, store::SubjectState> out;
        for (const auto& [seq, m] : messages_) {
            if (!store_filter_matches(m.subject, filter)) {
                continue;
            }
            auto& s = out[m.subject];
            if (s.messages++ == 0) {
                s.first_sequence = seq;
            }
            s.last_sequence = seq;
        }
        return out;
    }
    std::optional<store::SubjectState> subject_state(std::string_view subject) const {
        store::SubjectState s{};
        for (const auto& [seq, m] : messages_) {
            if (m.subject == subject) {
                if (s.messages++ == 0) {
                    s.first_sequence = seq;
                }
                s.last_sequence = seq;
            }
        }
        return s.messages == 0 ? std::nullopt : std::optional(s);
    }

    std::uint64_t sequence_for_time(std::int64_t time_ns) const {
        for (const auto& [seq, m] : messages_) {
            if (m.time_ns >= time_ns) {
                return seq;
            }
        }
        return last_ + 1;
    }

    const std::map<std::uint64_t, store::StoredMessage>& messages() const noexcept { return messages_; }

    // Sets the whole model at once, as a store read back from disk would (tests of the
    // suite itself use it to build a persistent backend out of this model).
    void restore(std::map<std::uint64_t, store::StoredMessage> messages, std::uint64_t last_sequence,
                 std::int64_t last_time_ns, bool fresh) {
        messages_ = std::move(messages);
        last_ = last_sequence;
        last_time_ = last_time_ns;
        fresh_ = fresh;
    }

private:
    std::uint64_t purge_all() {
        const std::uint64_t n = messages_.size();
        messages_.clear();
        fresh_ = false;
        return n;
    }

    MessageBytes bytes_of_;
    std::map<std::uint64_t, store::StoredMessage> messages_;
    std::uint64_t last_ = 0;
    std::int64_t last_time_ = 0;
    bool fresh_ = true;  // never held a message, never purged or compacted: first and last are 0
};

}  // namespace nats_sdk::testing
