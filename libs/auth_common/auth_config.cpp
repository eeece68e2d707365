#include "libs/auth_common/auth_config.hpp"

#include <algorithm>
#include <array>
#include <set>

#include "libs/auth_common/config_error.hpp"
#include "libs/auth_common/json_text.hpp"
#include "libs/auth_common/permissions.hpp"

namespace nats::auth_common {
namespace {

using nlohmann::json;

const std::string& string_value(const json& value, std::string_view where) {
    if (!value.is_string()) throw config_error(where, "must be a string, got " + go_type_name(value));
    return value.get_ref<const std::string&>();
}

constexpr std::array<std::string_view, 6> known_connection_types = {"STANDARD", "WEBSOCKET", "LEAFNODE",
                                                                    "LEAFNODE_WS", "MQTT", "MQTT_WS"};

std::vector<std::string> connection_types(const json& value, std::string_view where) {
    std::vector<std::string> names;
    if (value.is_string()) {
        names.push_back(value.get<std::string>());
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) names.push_back(string_value(value[i], index_path(where, i)));
    } else {
        throw config_error(where, "expected a connection type or an array of them, got " + go_type_name(value));
    }
    std::vector<std::string> out;
    for (const auto& name : names) {
        std::string upper = name;
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (std::find(known_connection_types.begin(), known_connection_types.end(), upper) ==
            known_connection_types.end()) {
            throw config_error(where, "unknown connection type " + in_quotes(name));
        }
        if (std::find(out.begin(), out.end(), upper) == out.end()) out.push_back(std::move(upper));
    }
    return out;
}

// One users array (of authorization or of an account) into records of `account`.
void read_users(const json& value, std::string_view where, const std::string& account,
                const json& default_permissions, std::vector<UserRecord>& out) {
    if (!value.is_array()) throw config_error(where, "Expected users field to be an array, got " + value_text(value));
    for (std::size_t i = 0; i < value.size(); ++i) {
        const json& entry = value[i];
        const std::string path = index_path(where, i);
        if (!entry.is_object()) {
            throw config_error(path, "Expected user entry to be a map/struct, got " + value_text(entry));
        }
        UserRecord user;
        user.account = account;
        user.origin = path;
        std::string nkey;
        json own_permissions;
        for (const auto& item : entry.items()) {
            const std::string key = lower(item.key());
            const std::string item_path = member_path(path, item.key());
            if (key == "nkey") {
                nkey = string_value(item.value(), item_path);
            } else if (key == "user" || key == "username") {
                user.name = string_value(item.value(), item_path);
            } else if (key == "pass" || key == "password") {
                user.password = string_value(item.value(), item_path);
            } else if (key == "permission" || key == "permissions" || key == "authorization") {
                own_permissions = normalize_permissions(item.value(), item_path);
            } else if (key == "allowed_connection_types" || key == "connection_types" || key == "clients") {
                user.connection_types = connection_types(item.value(), item_path);
            } else {
                throw config_error(path, "unknown field " + in_quotes(item.key()));
            }
        }
        if (nkey.empty() && user.name.empty()) throw config_error(path, "User entry requires a user");
        if (!nkey.empty()) {
            if (!user.name.empty() || !user.password.empty()) {
                throw config_error(path, "Nkey users do not take usernames or passwords");
            }
            user.name = std::move(nkey);
            user.nkey = true;
        }
        user.permissions = own_permissions.is_null() ? default_permissions : std::move(own_permissions);
        out.push_back(std::move(user));
    }
}

struct AuthorizationBlock {
    std::string user;
    std::string password;
    std::string token;
    bool has_users = false;  // a users array, even an empty one
};

AuthorizationBlock read_authorization(const json& block, std::vector<UserRecord>& users) {
    constexpr std::string_view where = "authorization";
    if (!block.is_object()) throw config_error(where, "expected a map, got " + go_type_name(block));
    AuthorizationBlock out;
    const json* users_value = nullptr;
    std::string users_key;
    json defaults;
    for (const auto& item : block.items()) {
        const std::string key = lower(item.key());
        const std::string path = member_path(where, item.key());
        if (key == "user" || key == "username") {
            out.user = string_value(item.value(), path);
        } else if (key == "pass" || key == "password") {
            out.password = string_value(item.value(), path);
        } else if (key == "token") {
            out.token = string_value(item.value(), path);
        } else if (key == "timeout") {
            // The kernel's: it runs the authentication timer.
        } else if (key == "users") {
            users_value = &item.value();
            users_key = path;
        } else if (key == "default_permission" || key == "default_permissions" || key == "permissions") {
            defaults = normalize_permissions(item.value(), path);
        } else {
            throw config_error(where, "unknown field " + in_quotes(item.key()));
        }
    }
    if ((!out.user.empty() || !out.password.empty()) && !out.token.empty()) {
        throw config_error(where, "Cannot have a user/pass and token");
    }
    if (users_value != nullptr) {
        out.has_users = true;
        if (!out.user.empty()) throw config_error(where, "Can not have a single user/pass and a users array");
        if (!out.token.empty()) throw config_error(where, "Can not have a token and a users array");
        read_users(*users_value, users_key, "", defaults, users);
    }
    return out;
}

void read_accounts(const json& accounts, const AuthorizationBlock& auth, std::vector<UserRecord>& users) {
    constexpr std::string_view where = "accounts";
    if (accounts.is_array()) return;  // a list of account names carries no users
    if (!accounts.is_object()) throw config_error(where, "expected a map, got " + go_type_name(accounts));
    for (const auto& account : accounts.items()) {
        const std::string path = member_path(where, account.key());
        if (!account.value().is_object()) throw config_error(path, "Expected map entries for accounts");
        const json* users_value = nullptr;
        std::string users_key;
        json defaults;
        // Only users and their defaults are ours; the kernel reads the rest of the account.
        for (const auto& item : account.value().items()) {
            const std::string key = lower(item.key());
            if (key == "users") {
                users_value = &item.value();
                users_key = member_path(path, item.key());
            } else if (key == "default_permissions") {
                defaults = normalize_permissions(item.value(), member_path(path, item.key()));
            }
        }
        if (users_value == nullptr) continue;
        const std::size_t before = users.size();
        read_users(*users_value, users_key, account.key(), defaults, users);
        if (users.size() > before) {
            if (!auth.user.empty()) throw config_error(users_key, "Can not have a single user/pass and accounts");
            if (!auth.token.empty()) throw config_error(users_key, "Can not have a token and accounts");
        }
    }
}

void check_unique(const std::vector<UserRecord>& users) {
    // Users and nkeys share one namespace in nats-server.
    std::set<std::string, std::less<>> seen;
    for (const auto& user : users) {
        if (!seen.insert(user.name).second) {
            throw config_error(user.origin, std::string(user.nkey ? "Duplicate nkey " : "Duplicate user ") +
                                                in_quotes(user.name) + " detected");
        }
    }
}

const json* find_top(const json& config, std::string_view key) {
    const auto it = config.find(key);
    return it == config.end() ? nullptr : &*it;
}

}  // namespace

bool UserRecord::allows_standard_clients() const {
    return connection_types.empty() ||
           std::find(connection_types.begin(), connection_types.end(), "STANDARD") != connection_types.end();
}

bool AuthConfig::has_password_users() const {
    return std::any_of(users.begin(), users.end(), [](const UserRecord& u) { return !u.nkey; });
}

bool AuthConfig::has_nkey_users() const {
    return std::any_of(users.begin(), users.end(), [](const UserRecord& u) { return u.nkey; });
}

const UserRecord* AuthConfig::no_auth_record() const {
    if (no_auth_user.empty()) return nullptr;
    for (const auto& user : users) {
        if (user.name == no_auth_user) return &user;
    }
    return nullptr;
}

AuthConfig parse_auth_config(const json& config) {
    if (!config.is_object()) throw ConfigError("the config block must be an object");
    static constexpr std::array<std::string_view, 7> known = {"authorization", "accounts", "system_account",
                                                              "no_auth_user", "username", "password", "token"};
    for (const auto& item : config.items()) {
        if (std::find(known.begin(), known.end(), item.key()) == known.end()) {
            throw ConfigError("unknown config key '" + item.key() + "'");
        }
        if (item.key() != "authorization" && item.key() != "accounts") string_value(item.value(), item.key());
    }

    AuthConfig out;
    AuthorizationBlock auth;
    if (const json* block = find_top(config, "authorization")) auth = read_authorization(*block, out.users);
    if (const json* accounts = find_top(config, "accounts")) read_accounts(*accounts, auth, out.users);
    check_unique(out.users);

    // Flags (and the kernel's copy of them) win over the authorization block.
    auto simple = [&](std::string_view key, const std::string& from_block) {
        const json* top = find_top(config, key);
        return top != nullptr ? top->get<std::string>() : from_block;
    };
    if (std::string token = simple("token", auth.token); !token.empty()) out.token = std::move(token);
    if (std::string name = simple("username", auth.user); !name.empty()) {
        UserRecord user;
        user.name = std::move(name);
        user.password = simple("password", auth.password);
        user.origin = "authorization.user";
        out.single_user = std::move(user);
    }

    if (const json* no_auth = find_top(config, "no_auth_user")) out.no_auth_user = no_auth->get<std::string>();
    if (!out.no_auth_user.empty()) {
        if (out.users.empty()) {
            throw ConfigError("no_auth_user: " + in_quotes(out.no_auth_user) + " present, but users are not defined");
        }
        if (out.no_auth_record() == nullptr) {
            throw ConfigError("no_auth_user: " + in_quotes(out.no_auth_user) +
                              " not present as user in authorization block or account configuration");
        }
    }
    return out;
}

}  // namespace nats::auth_common
