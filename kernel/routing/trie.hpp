#pragma once
// The subscription trie behind Sublist (nats-server's node/level model): one
// level per token, each with literal children plus one '*' and one '>' node.
// Not thread-safe by itself; Sublist serialises writers and shares readers.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/routing/child_table.hpp"
#include "kernel/routing/sublist.hpp"

namespace nats::routing::detail {

struct QueueGroup {
    std::string name;
    std::vector<SubscriptionPtr> members;
};

// The children of a node. Allocated only when a longer subject passes
// through, so a node under the last token of a subject carries no level.
struct Level {
    Level() = default;
    Level(const Level&) = delete;
    Level& operator=(const Level&) = delete;
    ~Level();

    ChildTable literals;
    Node* pwc = nullptr;  // '*'
    Node* fwc = nullptr;  // '>'

    bool empty() const { return literals.empty() && pwc == nullptr && fwc == nullptr; }
};

struct Node {
    explicit Node(std::string_view t) : token(t) {}

    std::string token;
    std::unique_ptr<Level> next;
    std::vector<SubscriptionPtr> plain;
    // Rare, so kept out of line: 8 bytes per node instead of 24.
    std::unique_ptr<std::vector<QueueGroup>> queues;

    bool empty() const { return plain.empty() && !queues && !next; }
};

// Appends one subscription to a result, into its queue group's slot if it has one.
void add_to_result(MatchResult& result, const SubscriptionPtr& sub);

class Trie {
public:
    // tokens: the subscription's subject, already validated and split.
    // False if this very subscription object is already indexed.
    bool insert(const SubscriptionPtr& sub, const std::string_view* tokens, std::size_t n);
    // Removes the subscription and prunes nodes left empty; false if absent.
    bool remove(const Subscription* sub);
    // Adds every subscription matching the literal subject (tokens) to out.
    void match(const std::string_view* tokens, std::size_t n, MatchResult& out) const;
    void collect(std::vector<SubscriptionPtr>& out) const;

private:
    Level root_;
};

}  // namespace nats::routing::detail
