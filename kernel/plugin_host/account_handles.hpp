#pragma once
// A plugin's account handles (nmk_account_handle): a name is looked up once,
// under a lock, and the handle then reaches the account with two atomic loads
// and no lock, so a plugin's hot path never searches the server's account map.
// Handles are indexes into fixed chunks that are never moved or freed, so a
// reader needs no lock while another thread adds handles.
#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <nats_sdk/abi.h>

#include "kernel/server/server.hpp"

namespace nats::plugins {

class AccountHandles {
public:
    explicit AccountHandles(server::Server& server) : server_(server) {}
    ~AccountHandles();
    AccountHandles(const AccountHandles&) = delete;
    AccountHandles& operator=(const AccountHandles&) = delete;

    // The handle of an account by name ("" is "$G"), creating the account when
    // needed. 0 when the table is full (chunk_size * max_chunks handles).
    nmk_account_handle open(std::string_view name);
    // The account of a handle, or null for 0 or a handle never given out.
    const server::AccountPtr* find(nmk_account_handle handle) const {
        if (handle == 0) return nullptr;
        const std::uint64_t index = handle - 1;
        if (index >= chunk_size * max_chunks) return nullptr;
        const Chunk* chunk = chunks_[index / chunk_size].load(std::memory_order_acquire);
        if (!chunk) return nullptr;
        const Entry& e = chunk->entries[index % chunk_size];
        return e.ready.load(std::memory_order_acquire) ? &e.account : nullptr;
    }

    static constexpr std::size_t chunk_size = 256;
    static constexpr std::size_t max_chunks = 256;

private:
    struct Entry {
        server::AccountPtr account;  // written once, before `ready`
        std::atomic<bool> ready{false};
    };
    struct Chunk {
        std::array<Entry, chunk_size> entries;
    };

    server::Server& server_;
    std::array<std::atomic<Chunk*>, max_chunks> chunks_{};
    std::mutex mutex_;  // open() only
    std::unordered_map<std::string, nmk_account_handle> by_name_;
    std::uint64_t count_ = 0;
};

}  // namespace nats::plugins
