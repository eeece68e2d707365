#include "kernel/routing/trie.hpp"

#include <algorithm>

#include "kernel/routing/tokens.hpp"

namespace nats::routing::detail {

namespace {

bool is_pwc(std::string_view t) { return t.size() == 1 && t[0] == '*'; }
bool is_fwc(std::string_view t) { return t.size() == 1 && t[0] == '>'; }

Node* child(const Level& level, std::string_view token) {
    if (is_pwc(token)) return level.pwc;
    if (is_fwc(token)) return level.fwc;
    return level.literals.find(token);
}

Node* child_or_create(Level& level, std::string_view token) {
    Node** special = is_pwc(token) ? &level.pwc : is_fwc(token) ? &level.fwc : nullptr;
    if (special != nullptr) {
        if (*special == nullptr) *special = new Node(token);
        return *special;
    }
    Node* n = level.literals.find(token);
    if (n == nullptr) {
        n = new Node(token);
        level.literals.add(n);
    }
    return n;
}

void detach_and_delete(Level& level, Node* n) {
    if (n == level.pwc) {
        level.pwc = nullptr;
    } else if (n == level.fwc) {
        level.fwc = nullptr;
    } else {
        level.literals.erase(n->token);
    }
    delete n;
}

// Swap-and-pop: order inside a node carries no meaning (nats-server keeps a map).
bool erase_sub(std::vector<SubscriptionPtr>& subs, const Subscription* sub) {
    auto it = std::find_if(subs.begin(), subs.end(), [sub](const SubscriptionPtr& p) { return p.get() == sub; });
    if (it == subs.end()) return false;
    if (it != subs.end() - 1) *it = std::move(subs.back());
    subs.pop_back();
    // Give memory back after a burst of unsubscribes.
    if (subs.empty()) {
        subs = {};
    } else if (subs.capacity() > 16 && subs.size() * 4 < subs.capacity()) {
        subs.shrink_to_fit();
    }
    return true;
}

bool contains(const std::vector<SubscriptionPtr>& subs, const Subscription* sub) {
    return std::any_of(subs.begin(), subs.end(), [sub](const SubscriptionPtr& p) { return p.get() == sub; });
}

QueueGroup* find_group(std::vector<QueueGroup>& groups, std::string_view name) {
    for (QueueGroup& g : groups) {
        if (g.name == name) return &g;
    }
    return nullptr;
}

bool remove_from_node(Node& node, const Subscription* sub) {
    if (sub->queue.empty()) return erase_sub(node.plain, sub);
    if (!node.queues) return false;
    auto& groups = *node.queues;
    QueueGroup* g = find_group(groups, sub->queue);
    if (g == nullptr || !erase_sub(g->members, sub)) return false;
    if (g->members.empty()) {
        *g = std::move(groups.back());
        groups.pop_back();
        if (groups.empty()) node.queues.reset();
    }
    return true;
}

// Recursion depth equals the subject's token count; the path it keeps on the
// stack is what pruning needs on the way back up.
bool remove_at(Level& level, const std::string_view* tokens, std::size_t n, const Subscription* sub) {
    Node* node = child(level, tokens[0]);
    if (node == nullptr) return false;
    bool found = false;
    if (n == 1) {
        found = remove_from_node(*node, sub);
    } else if (node->next) {
        found = remove_at(*node->next, tokens + 1, n - 1, sub);
        if (found && node->next->empty()) node->next.reset();
    }
    if (found && node->empty()) detach_and_delete(level, node);
    return found;
}

void add_node_to_result(const Node& node, MatchResult& out) {
    out.plain.insert(out.plain.end(), node.plain.begin(), node.plain.end());
    if (!node.queues) return;
    for (const QueueGroup& g : *node.queues) {
        auto slot = std::find_if(out.queue_groups.begin(), out.queue_groups.end(),
                                 [&g](const std::vector<SubscriptionPtr>& members) {
                                     return members.front()->queue == g.name;
                                 });
        if (slot == out.queue_groups.end()) {
            out.queue_groups.push_back(g.members);
        } else {
            slot->insert(slot->end(), g.members.begin(), g.members.end());
        }
    }
}

// nats-server's matchLevel: at each level a '>' child matches everything that
// is left, a '*' child branches off for the rest of the tokens, and the
// literal child continues the walk.
void match_level(const Level* level, const std::string_view* tokens, std::size_t n, MatchResult& out) {
    const Node* literal = nullptr;
    const Node* pwc = nullptr;
    for (std::size_t i = 0; i < n; ++i) {
        if (level == nullptr) return;
        if (level->fwc != nullptr) add_node_to_result(*level->fwc, out);
        pwc = level->pwc;
        if (pwc != nullptr && pwc->next) match_level(pwc->next.get(), tokens + i + 1, n - i - 1, out);
        literal = level->literals.find(tokens[i]);
        level = literal != nullptr ? literal->next.get() : nullptr;
    }
    if (literal != nullptr) add_node_to_result(*literal, out);
    if (pwc != nullptr) add_node_to_result(*pwc, out);
}

void collect_level(const Level& level, std::vector<SubscriptionPtr>& out);

void collect_node(const Node* node, std::vector<SubscriptionPtr>& out) {
    if (node == nullptr) return;
    out.insert(out.end(), node->plain.begin(), node->plain.end());
    if (node->queues) {
        for (const QueueGroup& g : *node->queues) out.insert(out.end(), g.members.begin(), g.members.end());
    }
    if (node->next) collect_level(*node->next, out);
}

void collect_level(const Level& level, std::vector<SubscriptionPtr>& out) {
    level.literals.for_each([&out](const Node* n) { collect_node(n, out); });
    collect_node(level.pwc, out);
    collect_node(level.fwc, out);
}

}  // namespace

Level::~Level() {
    literals.for_each([](Node* n) { delete n; });
    delete pwc;
    delete fwc;
}

void add_to_result(MatchResult& result, const SubscriptionPtr& sub) {
    if (sub->queue.empty()) {
        result.plain.push_back(sub);
        return;
    }
    for (auto& members : result.queue_groups) {
        if (members.front()->queue == sub->queue) {
            members.push_back(sub);
            return;
        }
    }
    result.queue_groups.push_back({sub});
}

bool Trie::insert(const SubscriptionPtr& sub, const std::string_view* tokens, std::size_t n) {
    Level* level = &root_;
    Node* node = nullptr;
    for (std::size_t i = 0; i < n; ++i) {
        if (node != nullptr) {
            if (!node->next) node->next = std::make_unique<Level>();
            level = node->next.get();
        }
        node = child_or_create(*level, tokens[i]);
    }
    if (sub->queue.empty()) {
        if (contains(node->plain, sub.get())) return false;
        node->plain.push_back(sub);
        return true;
    }
    if (!node->queues) node->queues = std::make_unique<std::vector<QueueGroup>>();
    QueueGroup* g = find_group(*node->queues, sub->queue);
    if (g == nullptr) {
        node->queues->push_back({sub->queue, {sub}});
        return true;
    }
    if (contains(g->members, sub.get())) return false;
    g->members.push_back(sub);
    return true;
}

bool Trie::remove(const Subscription* sub) {
    TokenList tokens;
    if (!tokens.split(sub->subject)) return false;
    return remove_at(root_, tokens.data(), tokens.size(), sub);
}

void Trie::match(const std::string_view* tokens, std::size_t n, MatchResult& out) const {
    match_level(&root_, tokens, n, out);
}

void Trie::collect(std::vector<SubscriptionPtr>& out) const { collect_level(root_, out); }

}  // namespace nats::routing::detail
