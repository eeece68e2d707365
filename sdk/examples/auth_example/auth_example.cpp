// A minimal third-party authenticator: users and passwords from its config block.
//
//   plugins {
//     path: ["/opt/nats/plugins"]
//     load: ["auth_example"]
//     auth_example {
//       users: [ {user: "alice", password: "s3cret", account: "SALES"}, {user: "bob", password: "pw"} ]
//     }
//   }
//
// Allows a listed user with the right password (account "$G" when none is given), denies
// a wrong password or an unknown user, and defers when CONNECT carries no "user", so the
// next authenticator (a token, an NKey) can decide.

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include <nats_sdk/plugin.hpp>

namespace auth_example {

struct Account {
    std::string password;
    std::string account;
};

using UserTable = std::map<std::string, Account, std::less<>>;

UserTable read_users(const nlohmann::json& config) {
    nats_sdk::config::reject_unknown_keys(config, {"users"});
    const auto it = config.find("users");
    if (it == config.end() || !it->is_array()) {
        throw nats_sdk::ConfigError("config key 'users' must be a list of {user, password, account}");
    }
    UserTable users;
    for (std::size_t i = 0; i < it->size(); ++i) {
        const auto& entry = (*it)[i];
        const std::string where = "users[" + std::to_string(i) + "]";
        nats_sdk::config::reject_unknown_keys(entry, {"user", "password", "account"}, where);
        auto name = nats_sdk::config::require<std::string>(entry, "user", where);
        if (name.empty()) {
            throw nats_sdk::ConfigError(where + ".user must not be empty");
        }
        Account account{nats_sdk::config::require<std::string>(entry, "password", where),
                        nats_sdk::config::get<std::string>(entry, "account", "", where)};
        if (!users.emplace(name, std::move(account)).second) {
            throw nats_sdk::ConfigError("user '" + name + "' is listed twice");
        }
    }
    return users;
}

class Plugin final : public nats_sdk::Authenticator {
public:
    Plugin(nats_sdk::Host& host, const nlohmann::json& config)
        : Authenticator(host), users_(std::make_shared<const UserTable>(read_users(config))) {}

    void start() override { host().info("{} users", users_.load()->size()); }

    // Swaps the whole table: a decide() running on another thread keeps the old one.
    void reload(const nlohmann::json& config) override {
        auto users = std::make_shared<const UserTable>(read_users(config));
        host().info("reloaded: {} users", users->size());
        users_.store(std::move(users));
    }

    nats_sdk::AuthResult decide(const nats_sdk::AuthRequest& request) override {
        if (!request.connect_is_object()) {
            return nats_sdk::AuthResult::deny("CONNECT is not a JSON object");
        }
        if (!request.has_field("user")) {
            return nats_sdk::AuthResult::defer();
        }
        const auto user = request.user();
        if (!user) {
            return nats_sdk::AuthResult::deny("'user' is not a string");
        }
        const auto users = users_.load();
        const auto it = users->find(*user);
        if (it == users->end()) {
            return nats_sdk::AuthResult::deny("unknown user '" + std::string(*user) + "'");
        }
        const std::string_view given = request.password().value_or(std::string_view{});
        if (!nats_sdk::constant_time_equals(given, it->second.password)) {
            return nats_sdk::AuthResult::deny("wrong password for user '" + it->first + "'");
        }
        return nats_sdk::AuthResult::allow(it->second.account, it->first);
    }

private:
    std::atomic<std::shared_ptr<const UserTable>> users_;
};

}  // namespace auth_example

NATS_SDK_PLUGIN(auth_example::Plugin, "auth_example", "1.0.0",
                "Users and passwords from the config block (SDK example)", "authenticator", "")
