#pragma once
// User permissions from JWT claims, in the form the kernel enforces
// (AuthResult::permissions, libs/auth_common/permissions.hpp), and the templates
// of scoped signing keys ({{name()}}, {{subject()}}, {{account-name()}},
// {{account-subject()}}, {{tag(x)}}, {{account-tag(x)}}) as nats-server's
// processUserPermissionsTemplate expands them.
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "libs/jwt/claims.hpp"

namespace nats::auth_jwt {

// nats-server's buildPermissionsFromJwt + validateResponsePermissions. null when
// the permissions restrict nothing (then the account's default_permissions apply).
nlohmann::json permissions_json(const jwt::Permissions& permissions);

// The scoped key's template with its macros filled from the user and account.
// nullopt when a deny list produced an invalid subject ("generated invalid
// subject": nats-server refuses the user).
std::optional<jwt::UserPermissionLimits> expand_template(const jwt::UserPermissionLimits& tmpl,
                                                         const jwt::UserClaims& user,
                                                         const jwt::AccountClaims& account);

}  // namespace nats::auth_jwt
