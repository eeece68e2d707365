#include "kernel/plugin_host/account_handles.hpp"

namespace nats::plugins {

AccountHandles::~AccountHandles() {
    for (auto& c : chunks_) delete c.load();
}

nmk_account_handle AccountHandles::open(std::string_view name) {
    auto account = server_.get_or_create_account(name);
    std::lock_guard lock(mutex_);
    // Keyed by the account's own name, so "" and "$G" are the same handle.
    auto [it, inserted] = by_name_.try_emplace(account->name, 0);
    if (!inserted) return it->second;
    if (count_ >= chunk_size * max_chunks) {
        by_name_.erase(it);
        return 0;
    }
    const std::uint64_t index = count_++;
    auto& slot = chunks_[index / chunk_size];
    Chunk* chunk = slot.load(std::memory_order_relaxed);
    if (!chunk) {
        chunk = new Chunk;
        slot.store(chunk, std::memory_order_release);
    }
    Entry& e = chunk->entries[index % chunk_size];
    e.account = std::move(account);
    e.ready.store(true, std::memory_order_release);
    it->second = index + 1;
    return it->second;
}

}  // namespace nats::plugins
