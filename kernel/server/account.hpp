#pragma once
// An account is the kernel's unit of isolation: each has its own subject index,
// so messages never cross accounts unless a later import/export links them.
// The global account "$G" holds every client when no auth plugin says otherwise.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kernel/accounts/subject_mapping.hpp"
#include "kernel/routing/sublist.hpp"

namespace nats::server {

inline constexpr const char* global_account_name = "$G";

struct Account {
    explicit Account(std::string account_name) : name(std::move(account_name)) {}
    const std::string name;
    routing::Sublist sublist;
    std::atomic<int> client_count{0};
    // The accounts block's `limits` (-1: none), set at start and on reload,
    // read when a client joins the account.
    std::atomic<std::int64_t> max_connections{-1}, max_subscriptions{-1}, max_payload{-1};
    // Subject mappings (`mappings`), replaced whole at start, on reload and on a
    // run-time account change. A publisher reads has_mappings once per message
    // (the only cost to an account without mappings) and the table only when set.
    std::atomic<bool> has_mappings{false};
    void set_mappings(accounts::MappingTablePtr table) {
        const bool any = table && !table->empty();
        mappings_.store(any ? std::move(table) : nullptr, std::memory_order_release);
        has_mappings.store(any, std::memory_order_release);
    }
    accounts::MappingTablePtr mappings() const { return mappings_.load(std::memory_order_acquire); }
    // nats-server's selectMappedSubject: the subject a mapping sends `subject` to
    // (empty: a weighted draw that chose no destination), nullopt when none matched.
    std::optional<std::string> map_subject(std::string_view subject) const {
        if (!has_mappings.load(std::memory_order_relaxed)) return std::nullopt;
        const accounts::MappingTablePtr table = mappings();
        return table ? table->select(subject) : std::nullopt;
    }
    // Subscribers of this account cut off as slow consumers (rare path only).
    // Mutable: counted through the read-only view a deliverer has of it.
    mutable std::atomic<std::uint64_t> slow_consumers{0};
    // Message totals of the account's connections that have closed, added once
    // per connection after it left the server's list, so /accstatz's
    // sent/received keep counting (as nats-server's) without a per-message
    // account counter on the hot path.
    struct Totals {
        std::atomic<std::uint64_t> in_msgs{0}, in_bytes{0}, out_msgs{0}, out_bytes{0};
    } closed_totals;

private:
    std::atomic<accounts::MappingTablePtr> mappings_;
};
using AccountPtr = std::shared_ptr<Account>;

}  // namespace nats::server
