#pragma once
// Internal to nmk_accounts: the two passes of load_accounts share an error list.
#include <string>
#include <vector>

#include "kernel/accounts/accounts_config.hpp"

namespace nats::accounts {

// Problems collected across both passes, each "<file>:<line>:<col>: <reason>".
struct ErrorList {
    std::string fallback_file;
    std::vector<std::string> messages;
    void add(const config::Location& where, const std::string& reason);
    bool empty() const { return messages.empty(); }
    // Throws config::ConfigError with every message, one per line.
    void throw_if_any() const;
};

// Go's %T for a config value ("map[string]interface {}", "int64", ...), as
// nats-server's messages print it.
std::string go_type(const config::Value& v);

// Pass one: the block's shape, account by account (nats-server's parseAccounts
// up to "Bail already if there are previous errors").
void parse_accounts_block(const config::Value& block, AccountsConfig& out, ErrorList& errors);
// A `mappings` / `maps` block (nats-server's parseAccountMappings), added to `table`.
void parse_mappings(const config::Value& block, MappingTable& table, ErrorList& errors);
// Pass two: exports' account lists, then imports against exports, in file order.
void resolve_links(const config::Value& block, AccountsConfig& config, ErrorList& errors);

}  // namespace nats::accounts
