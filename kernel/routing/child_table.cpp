#include "kernel/routing/child_table.hpp"

#include <functional>

#include "kernel/routing/trie.hpp"

namespace nats::routing::detail {

std::uint32_t ChildTable::home(std::string_view token) const {
    return static_cast<std::uint32_t>(std::hash<std::string_view>{}(token)) & (capacity_ - 1);
}

Node* ChildTable::find(std::string_view token) const {
    if (!hashed()) {
        for (std::uint32_t i = 0; i < size_; ++i) {
            if (slots_[i]->token == token) return slots_[i];
        }
        return nullptr;
    }
    const std::uint32_t mask = capacity_ - 1;
    for (std::uint32_t i = home(token);; i = (i + 1) & mask) {
        Node* n = slots_[i];
        if (n == nullptr) return nullptr;
        if (n->token == token) return n;
    }
}

void ChildTable::place(Node* child) {
    const std::uint32_t mask = capacity_ - 1;
    std::uint32_t i = home(child->token);
    while (slots_[i] != nullptr) i = (i + 1) & mask;
    slots_[i] = child;
}

void ChildTable::rebuild(std::uint32_t new_capacity) {
    std::unique_ptr<Node*[]> old = std::move(slots_);
    const std::uint32_t old_capacity = capacity_;
    slots_ = std::make_unique<Node*[]>(new_capacity);  // value-initialised: all null
    capacity_ = new_capacity;
    std::uint32_t kept = 0;
    for (std::uint32_t i = 0; i < old_capacity; ++i) {
        if (old[i] == nullptr) continue;
        if (hashed()) {
            place(old[i]);
        } else {
            slots_[kept] = old[i];
        }
        ++kept;
    }
}

void ChildTable::add(Node* child) {
    if (!hashed()) {
        if (size_ == capacity_) {
            // Dense arrays grow 2, 4, 8; the ninth child switches to hashing at
            // a load of 9/32 so the next few adds do not rehash again.
            rebuild(capacity_ == 0 ? 2 : capacity_ < dense_max ? capacity_ * 2 : 32);
        }
        if (!hashed()) {
            slots_[size_++] = child;
            return;
        }
    } else if ((size_ + 1) * 4 > capacity_ * 3) {
        rebuild(capacity_ * 2);
    }
    place(child);
    ++size_;
}

Node* ChildTable::erase(std::string_view token) {
    if (!hashed()) {
        for (std::uint32_t i = 0; i < size_; ++i) {
            Node* n = slots_[i];
            if (n->token != token) continue;
            slots_[i] = slots_[--size_];
            slots_[size_] = nullptr;
            if (size_ == 0) {
                slots_.reset();
                capacity_ = 0;
            }
            return n;
        }
        return nullptr;
    }
    const std::uint32_t mask = capacity_ - 1;
    std::uint32_t hole = home(token);
    while (slots_[hole] != nullptr && slots_[hole]->token != token) hole = (hole + 1) & mask;
    Node* found = slots_[hole];
    if (found == nullptr) return nullptr;
    // Backward-shift deletion keeps probe chains intact without tombstones:
    // pull later entries into the hole unless their home lies cyclically in (hole, j].
    for (std::uint32_t j = (hole + 1) & mask; slots_[j] != nullptr; j = (j + 1) & mask) {
        const std::uint32_t h = home(slots_[j]->token);
        const bool stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
        if (stays) continue;
        slots_[hole] = slots_[j];
        hole = j;
    }
    slots_[hole] = nullptr;
    --size_;
    // Shrink back to a dense array once the level is small again; the gap
    // between 4 and 9 avoids flapping between the two layouts.
    if (size_ <= dense_max / 2) rebuild(dense_max);
    return found;
}

}  // namespace nats::routing::detail
