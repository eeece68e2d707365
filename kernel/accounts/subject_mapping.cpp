#include "kernel/accounts/subject_mapping.hpp"

#include <algorithm>
#include <random>
#include <set>

#include "kernel/accounts/subject_tokens.hpp"

namespace nats::accounts {

namespace {

// A draw in [0,100) per message, as nats-server's prand.Int31n(100). Per thread,
// so publishers on different I/O threads never share (or lock) a generator.
int random_percent() {
    thread_local std::minstd_rand rng{std::random_device{}()};
    return static_cast<int>(rng() % 100);
}

}  // namespace

SubjectMapping make_mapping(std::string_view source, const std::vector<MappingDestination>& destinations) {
    if (!nats_sdk::subject::is_valid_subject(source)) throw MappingError("invalid subject");
    SubjectMapping m;
    m.source.assign(source);
    m.wildcard = has_wildcard(source);
    std::set<std::string, std::less<>> seen;
    int total = 0;
    // nats-server keeps the weights as uint8 (0-100 each, so the sum cannot wrap before the check).
    for (const auto& d : destinations) {
        if (!seen.insert(d.subject).second) throw MappingError("duplicate entry for \"" + d.subject + "\"");
        if (d.weight > 100) throw MappingError("individual weights need to be <= 100");
        total += d.weight;
        if (total > 100) throw MappingError("total weight needs to be <= 100");
        validate_mapping_destination(d.subject);
        SubjectTransform t = SubjectTransform::create(source, d.subject);
        // A destination scoped to a cluster is only chosen on a server of that
        // cluster; this server is in none, so nats-server's fallback (the
        // unscoped destinations) is all it ever uses.
        if (d.cluster.empty()) m.choices.push_back({std::move(t), d.weight});
    }
    int sum = 0;
    for (const auto& c : m.choices) sum += c.upto;
    // The published subject keeps whatever weight is left, unless it is listed
    // itself (then the rest is dropped: nats-server's "they want loss").
    if (sum != 100 && !seen.contains(source)) {
        const std::string dest = m.wildcard ? transform_tokenize(source) : std::string(source);
        const int rest = m.choices.empty() ? 100 : 100 - sum;
        m.choices.push_back({SubjectTransform::create(source, dest), rest});
    }
    std::stable_sort(m.choices.begin(), m.choices.end(), [](const auto& a, const auto& b) { return a.upto < b.upto; });
    int upto = 0;
    for (auto& c : m.choices) {
        c.upto += upto;
        upto = c.upto;
    }
    return m;
}

void MappingTable::add(SubjectMapping mapping) {
    for (auto& m : mappings_) {
        if (m.source == mapping.source) {
            m = std::move(mapping);
            return;
        }
    }
    mappings_.push_back(std::move(mapping));
}

const SubjectMapping* MappingTable::find(std::string_view subject) const {
    for (const auto& m : mappings_) {
        if (!m.wildcard ? m.source == subject : is_subset_match(subject, m.source)) return &m;
    }
    return nullptr;
}

std::optional<std::string> MappingTable::select(std::string_view subject) const {
    const SubjectMapping* m = find(subject);
    if (!m) return std::nullopt;
    const bool single = m->choices.size() == 1 && m->choices.front().upto == 100;
    return select(subject, single ? 0 : random_percent());
}

std::optional<std::string> MappingTable::select(std::string_view subject, int draw) const {
    const SubjectMapping* m = find(subject);
    if (!m) return std::nullopt;
    for (const auto& c : m->choices) {
        if (draw < c.upto) return c.transform.apply(subject);
    }
    return std::string();
}

}  // namespace nats::accounts
