#pragma once
// Helpers shared by the sublist tests.
#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "kernel/routing/sublist.hpp"

namespace nats::routing::test {

// A subscription tagged with a name, so results can be compared as sets of names.
struct TaggedSub : Subscription {
    std::string tag;
};

inline std::shared_ptr<TaggedSub> make_sub(std::string subject, std::string queue = {}, std::string tag = {}) {
    auto s = std::make_shared<TaggedSub>();
    s->subject = std::move(subject);
    s->queue = std::move(queue);
    s->tag = tag.empty() ? s->subject + (s->queue.empty() ? "" : " " + s->queue) : std::move(tag);
    return s;
}

inline std::string tag_of(const SubscriptionPtr& s) { return static_cast<const TaggedSub&>(*s).tag; }

// Plain subscriptions as a sorted list of tags.
inline std::vector<std::string> plain_tags(const MatchResult& r) {
    std::vector<std::string> out;
    for (const auto& s : r.plain) out.push_back(tag_of(s));
    std::sort(out.begin(), out.end());
    return out;
}

// Queue groups as sorted lists of tags, the groups sorted too.
inline std::vector<std::vector<std::string>> queue_tags(const MatchResult& r) {
    std::vector<std::vector<std::string>> out;
    for (const auto& group : r.queue_groups) {
        std::vector<std::string> tags;
        for (const auto& s : group) tags.push_back(tag_of(s));
        std::sort(tags.begin(), tags.end());
        out.push_back(std::move(tags));
    }
    std::sort(out.begin(), out.end());
    return out;
}

inline std::size_t total(const MatchResult& r) {
    std::size_t n = r.plain.size();
    for (const auto& g : r.queue_groups) n += g.size();
    return n;
}

}  // namespace nats::routing::test
