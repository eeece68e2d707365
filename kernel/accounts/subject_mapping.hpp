#pragma once
// An account's subject mappings (nats-server's `mappings` / `maps`, accounts.go
// AddWeightedMappings and selectMappedSubject): a message a client publishes on
// a subject matching a mapping's source is routed, permission-checked and
// delivered on one of the mapping's destinations, drawn per message by weight.
// Weights below 100 in total leave the rest on the published subject.
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/accounts/subject_transform.hpp"

namespace nats::accounts {

// One `{destination, weight, cluster}` entry as written in the config.
struct MappingDestination {
    std::string subject;
    int weight = 100;     // percent, 0-100
    std::string cluster;  // scoped to a cluster: never ours (no clustering), so never chosen
};

// what() is nats-server's AddWeightedMappings error, e.g. "total weight needs to be <= 100".
struct MappingError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// A validated mapping: the destinations sorted by weight, each holding the
// cumulative weight up to and including it, so a draw in [0,100) picks the first
// whose `upto` is above the draw.
struct SubjectMapping {
    struct Choice {
        SubjectTransform transform;
        int upto = 0;
    };
    std::string source;
    bool wildcard = false;
    std::vector<Choice> choices;
};

// Throws MappingError (bad source, duplicate destination, weights) or
// TransformError (a destination nats-server's ValidateMappingDestination or
// newTransform refuses).
SubjectMapping make_mapping(std::string_view source, const std::vector<MappingDestination>& destinations);

// All of an account's mappings, in the order they were added (a later mapping of
// the same source replaces the earlier one in place, as nats-server's).
class MappingTable {
public:
    void add(SubjectMapping mapping);
    bool empty() const { return mappings_.empty(); }
    const std::vector<SubjectMapping>& mappings() const { return mappings_; }

    // The subject a message published on `subject` goes to, or nullopt when no
    // mapping's source matches it. Empty when the weights drew no destination
    // (the source listed explicitly with weights under 100: nats-server's loss).
    std::optional<std::string> select(std::string_view subject) const;
    // The same with the weighted draw given (0-99), for tests.
    std::optional<std::string> select(std::string_view subject, int draw) const;

private:
    const SubjectMapping* find(std::string_view subject) const;
    std::vector<SubjectMapping> mappings_;
};

using MappingTablePtr = std::shared_ptr<const MappingTable>;

}  // namespace nats::accounts
