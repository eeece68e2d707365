// Test helpers for the accounts parser: parse config text as the file "test.conf",
// or get the whole error text it is refused with ("ok" when it is accepted).
#pragma once

#include <string>

#include "kernel/accounts/accounts_config.hpp"

namespace nats::accounts::test_parse {

inline AccountsConfig parse(const std::string& text) {
    return parse_accounts(config::parse_config_string(text, "test.conf"), "test.conf");
}

inline std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const config::ConfigError& e) {
        return e.what();
    }
    return "ok";
}

}  // namespace nats::accounts::test_parse
