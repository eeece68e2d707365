#pragma once
// A users/permissions config the authenticators cannot use. A nats_sdk::ConfigError,
// so create() and reload() refuse with its text.
#include <string>
#include <string_view>

#include <nats_sdk/error.hpp>

namespace nats::auth_common {

using ConfigError = nats_sdk::ConfigError;

// "<where>: <reason>", or the reason alone when `where` is empty. `where` is a
// path into the config such as "authorization.users[2].permissions".
inline ConfigError config_error(std::string_view where, std::string_view reason) {
    return ConfigError(where.empty() ? std::string(reason) : std::string(where) + ": " + std::string(reason));
}

}  // namespace nats::auth_common
