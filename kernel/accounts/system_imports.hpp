#pragma once
// The system account's service imports into every other account (see system_imports.cpp).
#include "kernel/accounts/accounts_config.hpp"

namespace nats::accounts {

// Adds to config.service_links, for $G and every configured account but the system
// account, the imports nats-server 2.9.10 adds; nothing with no_system_account.
void add_system_imports(AccountsConfig& config);

}  // namespace nats::accounts
