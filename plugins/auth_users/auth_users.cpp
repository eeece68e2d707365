// The user/password authenticator: `authorization { user, password }`,
// `authorization { users: [...] }`, users of `accounts { X { users: [...] } }`,
// `--user/--pass`. Passwords may be bcrypt hashes. Also answers for a
// no_auth_user that is a password user.

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include <nats_sdk/plugin.hpp>

#include "libs/auth_common/auth_config.hpp"
#include "libs/auth_common/connect_fields.hpp"
#include "libs/auth_common/password.hpp"
#include "libs/auth_common/secret_check.hpp"

namespace nats::auth_users {

namespace common = nats::auth_common;

struct Directory {
    std::map<std::string, common::UserRecord, std::less<>> users;
    const common::UserRecord* no_auth_user = nullptr;  // points into `users`
    bool nkeys_configured = false;
    bool plaintext = false;  // some password is not a bcrypt hash
};

// A config without users is refused, at start and on reload alike: the plugin list is
// fixed until a restart, so a reload cannot turn user authentication off.
std::shared_ptr<const Directory> read_directory(const nlohmann::json& config) {
    common::AuthConfig parsed = common::parse_auth_config(config);
    auto directory = std::make_shared<Directory>();
    for (auto& user : parsed.users) {
        if (!user.nkey) directory->users.emplace(user.name, std::move(user));
    }
    if (parsed.single_user) directory->users.emplace(parsed.single_user->name, std::move(*parsed.single_user));
    for (const auto& [name, user] : directory->users) {
        directory->plaintext = directory->plaintext || !common::is_bcrypt(user.password);
    }
    if (!parsed.no_auth_user.empty()) {
        const auto it = directory->users.find(parsed.no_auth_user);
        if (it != directory->users.end()) directory->no_auth_user = &it->second;
    }
    directory->nkeys_configured = parsed.has_nkey_users();
    if (directory->users.empty()) {
        throw nats_sdk::ConfigError(
            "no users configured (authorization { user, password }, authorization { users: [...] }, "
            "accounts { X: { users: [...] } } or --user/--pass)");
    }
    return directory;
}

class Plugin final : public nats_sdk::Authenticator {
public:
    Plugin(nats_sdk::Host& host, const nlohmann::json& config)
        : Authenticator(host), directory_(read_directory(config)) {}

    void start() override { report(*directory_.load()); }

    // A decide() running on another thread keeps the directory it loaded.
    void reload(const nlohmann::json& config) override {
        auto directory = read_directory(config);
        report(*directory);
        directory_.store(std::move(directory));
    }

    nats_sdk::AuthResult decide(const nats_sdk::AuthRequest& request) override {
        const nlohmann::json& connect = request.connect();
        const auto directory = directory_.load();
        // nats-server looks at an nkey before a user name: that client is auth_nkey's.
        if (directory->nkeys_configured && common::field_given(connect, "nkey")) {
            return nats_sdk::AuthResult::defer();
        }
        if (!common::field_given(connect, "user")) {
            // Only a well-formed CONNECT that carries no credential at all gets the no_auth_user.
            if (directory->no_auth_user != nullptr && request.connect_is_object() &&
                common::carries_no_credentials(connect)) {
                return common::allowed(*directory->no_auth_user);
            }
            return nats_sdk::AuthResult::defer();
        }
        const auto name = request.user();
        if (!name) return refuse(request, "'user' is not a string");
        if (common::field_given(connect, "pass") && !request.password()) {
            return refuse(request, "'pass' is not a string");
        }
        const auto it = directory->users.find(*name);
        if (it == directory->users.end()) {
            return refuse(request, "unknown user '" + std::string(common::for_log(*name)) + "'");
        }
        const common::UserRecord& user = it->second;
        if (!user.allows_standard_clients()) {
            return refuse(request, "user '" + user.name + "' may not connect as a STANDARD client");
        }
        return common::check_secret(host(), request, user.password, std::string(request.password().value_or("")),
                                    common::allowed(user),
                                    nats_sdk::AuthResult::deny("wrong password for user '" + user.name + "'"));
    }

private:
    nats_sdk::AuthResult refuse(const nats_sdk::AuthRequest& request, std::string reason) const {
        return common::denied(host(), request, nats_sdk::AuthResult::deny(std::move(reason)));
    }

    void report(const Directory& directory) const {
        host().info("{} password users", directory.users.size());
        if (directory.plaintext) host().warn("Plaintext passwords detected, use nkeys or bcrypt");
    }

    std::atomic<std::shared_ptr<const Directory>> directory_;
};

}  // namespace nats::auth_users

NATS_SDK_PLUGIN(nats::auth_users::Plugin, "auth_users", "1.0.0",
                "User and password authentication (authorization and accounts users, --user/--pass)",
                "authenticator", "")
