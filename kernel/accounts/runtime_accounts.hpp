#pragma once
// Account blocks given at run time (a plugin's account_upsert: JWT accounts,
// accounts from a resolver) merged into the config file's `accounts` section,
// so they are checked and linked by exactly the code that reads the file.
// Pure logic: the server keeps the blocks and applies the result.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "kernel/config/conf_value.hpp"

namespace nats::accounts {

// By account name, in the order they first came; a later block for a name replaces the earlier.
using AccountBlocks = std::vector<std::pair<std::string, config::Value>>;

// `raw` (a parsed config file, always a map) with `blocks` in its `accounts`
// section: each replaces the file's block of the same name or is added. A list
// section (`accounts: [A, B]`) becomes a map of empty blocks first.
config::Value with_account_blocks(const config::Value& raw, const AccountBlocks& blocks);

// Each account's block in a config root (an empty map for the list form).
std::map<std::string, config::Value> account_blocks_of(const config::Value& root);

}  // namespace nats::accounts
