#pragma once
// The literal children of one trie level, keyed by each child's own token so
// no key is stored twice. Up to 8 children sit in a dense array searched
// linearly (most levels are small, and a scan needs no hashing); beyond that
// the same array becomes an open-addressed table with linear probing.
#include <cstdint>
#include <memory>
#include <string_view>

namespace nats::routing::detail {

struct Node;

class ChildTable {
public:
    ChildTable() = default;
    ChildTable(const ChildTable&) = delete;
    ChildTable& operator=(const ChildTable&) = delete;

    Node* find(std::string_view token) const;
    // The child's token must not be present yet. The table does not own children.
    void add(Node* child);
    // Returns the detached child, or nullptr if no child has that token.
    Node* erase(std::string_view token);

    std::uint32_t size() const { return size_; }
    bool empty() const { return size_ == 0; }
    // Slots allocated (each one pointer), for memory accounting.
    std::size_t capacity() const { return capacity_; }

    template <typename F>
    void for_each(F&& f) const {
        for (std::uint32_t i = 0; i < capacity_; ++i) {
            if (slots_[i] != nullptr) f(slots_[i]);
        }
    }

private:
    static constexpr std::uint32_t dense_max = 8;
    bool hashed() const { return capacity_ > dense_max; }
    std::uint32_t home(std::string_view token) const;
    void rebuild(std::uint32_t new_capacity);
    void place(Node* child);

    std::unique_ptr<Node*[]> slots_;
    std::uint32_t size_ = 0;
    std::uint32_t capacity_ = 0;
};

}  // namespace nats::routing::detail
