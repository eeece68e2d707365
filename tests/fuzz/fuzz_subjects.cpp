// libFuzzer target: subject matching, three ways. The subject index
// (kernel/routing Sublist, a trie with a match cache) and the SDK's
// nats_sdk::subject::literal_matches must agree with the plain matcher below,
// written from the rule alone: split on '.', "*" takes one token, a last ">" takes
// one or more, other tokens compare byte for byte, and a published subject with an
// empty token matches nothing.
//
// Input: lines. The first is the published subject; each further line (at most 16)
// is a subscription "subject" or "subject<space>queue". The index is matched twice
// (the second answer comes from its cache), then again after removing every other
// subscription.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <nats_sdk/subject.hpp>

#include "kernel/routing/sublist.hpp"

namespace {

std::vector<std::string_view> split_tokens(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = s.find('.', start);
        if (dot == std::string_view::npos) {
            out.push_back(s.substr(start));
            return out;
        }
        out.push_back(s.substr(start, dot - start));
        start = dot + 1;
    }
}

bool reference_matches(std::string_view literal, std::string_view pattern) {
    const auto lit = split_tokens(literal);
    const auto pat = split_tokens(pattern);
    for (const auto t : lit) {
        if (t.empty()) return false;
    }
    for (std::size_t i = 0; i < pat.size(); ++i) {
        if (pat[i] == ">" && i + 1 == pat.size()) return lit.size() > i;
        if (i >= lit.size()) return false;
        if (pat[i] != "*" && pat[i] != lit[i]) return false;
    }
    return lit.size() == pat.size();
}

// What a subscription may name: no empty token, nothing after a ">" token.
bool reference_valid_subscription(std::string_view subject) {
    const auto tokens = split_tokens(subject);
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        if (tokens[i].empty()) return false;
        if (tokens[i] == ">" && i + 1 != tokens.size()) return false;
    }
    return true;
}

using Ids = std::multiset<const nats::routing::Subscription*>;

// Every subscription in a result; also checks plain ones have no queue and each
// queue group is one non-empty queue name.
Ids result_ids(const nats::routing::MatchResult& r) {
    Ids ids;
    for (const auto& s : r.plain) {
        if (!s->queue.empty()) std::abort();
        ids.insert(s.get());
    }
    std::set<std::string> groups;
    for (const auto& group : r.queue_groups) {
        if (group.empty()) std::abort();
        if (!groups.insert(group.front()->queue).second) std::abort();  // one entry per group
        for (const auto& s : group) {
            if (s->queue.empty() || s->queue != group.front()->queue) std::abort();
            ids.insert(s.get());
        }
    }
    return ids;
}

void check(nats::routing::Sublist& index, std::string_view subject,
           const std::vector<nats::routing::SubscriptionPtr>& present, const char* when) {
    Ids expected;
    for (const auto& s : present) {
        if (reference_matches(subject, s->subject)) expected.insert(s.get());
    }
    for (int round = 0; round < 2; ++round) {
        if (result_ids(*index.match(subject)) != expected) {
            std::fprintf(stderr, "sublist %s, round %d: match of \"%.*s\" differs from the reference\n", when,
                         round, static_cast<int>(subject.size()), subject.data());
            std::abort();
        }
    }
    if (index.count() != present.size()) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    std::vector<std::string_view> lines;
    std::size_t start = 0;
    while (lines.size() < 17) {
        const std::size_t nl = input.find('\n', start);
        lines.push_back(input.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start));
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    const std::string_view subject = lines[0];

    nats::routing::Sublist index;
    std::vector<nats::routing::SubscriptionPtr> present;
    for (std::size_t i = 1; i < lines.size(); ++i) {
        auto sub = std::make_shared<nats::routing::Subscription>();
        const std::size_t space = lines[i].find(' ');
        sub->subject = std::string(lines[i].substr(0, space));
        if (space != std::string_view::npos) sub->queue = std::string(lines[i].substr(space + 1));
        if (sub->queue.empty() && space != std::string_view::npos) continue;  // "a " would be a plain sub
        const bool valid = reference_valid_subscription(sub->subject);
        if (nats_sdk::subject::is_valid_subscribe_subject(sub->subject) != valid) std::abort();
        if (index.insert(sub) != valid) {
            std::fprintf(stderr, "sublist insert of \"%s\" disagrees with the grammar\n", sub->subject.c_str());
            std::abort();
        }
        if (valid) present.push_back(sub);
        if (nats_sdk::subject::literal_matches(subject, sub->subject) != reference_matches(subject, sub->subject)) {
            std::fprintf(stderr, "literal_matches(\"%.*s\", \"%s\") differs from the reference\n",
                         static_cast<int>(subject.size()), subject.data(), sub->subject.c_str());
            std::abort();
        }
    }
    check(index, subject, present, "after inserts");

    std::vector<nats::routing::SubscriptionPtr> kept;
    for (std::size_t i = 0; i < present.size(); ++i) {
        if (i % 2 == 0) {
            if (!index.remove(present[i].get())) std::abort();
        } else {
            kept.push_back(present[i]);
        }
    }
    check(index, subject, kept, "after removals");
    return 0;
}
