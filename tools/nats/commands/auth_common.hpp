#pragma once
// Shared by the `nats auth` verb files (auth.cpp, auth_account.cpp,
// auth_user.cpp): the flags every verb takes and small output helpers.
#include <memory>
#include <optional>
#include <string>

#include "auth_session.hpp"
#include "commands.hpp"

namespace nats::cli::auth_verbs {

// --store (also $NATS_AUTH_STORE) and --operator on `cmd`.
void add_store_flags(command& cmd, auth_flags& flags, bool with_operator = true);

// A flag whose value stays nullopt unless given.
flag& optional_flag(command& cmd, std::string name, std::string help, std::optional<std::string>* target);
flag& optional_bool(command& cmd, std::string name, std::string help, std::optional<bool>* target);

// "true"/"false" as natscli prints booleans.
inline std::string yes_no(bool b) { return b ? "true" : "false"; }

// "2026-12-07 19:42:20 UTC" for unix seconds; "never" for 0.
std::string unix_time_text(std::int64_t seconds);

// `flags` are the auth group's --store and --operator.
void add_account_verbs(command& auth, app_state& state, std::shared_ptr<auth_flags> flags);
void add_user_verbs(command& auth, app_state& state, std::shared_ptr<auth_flags> flags);

} // namespace nats::cli::auth_verbs
