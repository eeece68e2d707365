#pragma once
// The account calls of the host API that need no per-plugin state:
// account_list, account_config and account_upsert (see abi.h). Watches are
// in account_watches.hpp.
#include <string_view>

#include <nats_sdk/abi.h>

#include "kernel/server/server.hpp"

namespace nats::plugins {

nmk_status list_accounts(server::Server& server, nmk_account_callback callback, void* user);
// `{}` for an account without a block; `users` is never shown.
nmk_status write_account_config(server::Server& server, std::string_view account, const nmk_http_response_writer& out);
// Checks the JSON (an object, no `users`) and hands it to Server::upsert_account;
// the reasons for a refusal go to `error` (NUL-terminated within its capacity).
nmk_status upsert_account(server::Server& server, std::string_view plugin, std::string_view account,
                          std::string_view config_json, nmk_error_buffer error);

}  // namespace nats::plugins
