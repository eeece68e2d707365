// The token authenticator: `authorization { token: ... }` or `--auth <token>`.
// CONNECT "auth_token" is compared with the configured token (a bcrypt hash is
// checked as one). No token in CONNECT: not ours, defer.

#include <atomic>
#include <memory>
#include <string>

#include <nats_sdk/plugin.hpp>

#include "libs/auth_common/auth_config.hpp"
#include "libs/auth_common/connect_fields.hpp"
#include "libs/auth_common/secret_check.hpp"

namespace nats::auth_token {

namespace common = nats::auth_common;

struct Settings {
    std::string token;  // plain text or a bcrypt hash
};

// A config without a token is refused, at start and on reload alike: the plugin list
// is fixed until a restart, so a reload cannot turn token auth off.
std::shared_ptr<const Settings> read_settings(const nlohmann::json& config) {
    const common::AuthConfig parsed = common::parse_auth_config(config);
    if (!parsed.token) throw nats_sdk::ConfigError("no token configured (authorization { token: ... } or --auth)");
    return std::make_shared<const Settings>(Settings{*parsed.token});
}

class Plugin final : public nats_sdk::Authenticator {
public:
    Plugin(nats_sdk::Host& host, const nlohmann::json& config) : Authenticator(host), settings_(read_settings(config)) {}

    // A decide() running on another thread keeps the settings it loaded.
    void reload(const nlohmann::json& config) override { settings_.store(read_settings(config)); }

    nats_sdk::AuthResult decide(const nats_sdk::AuthRequest& request) override {
        const nlohmann::json& connect = request.connect();
        if (!common::field_given(connect, "auth_token")) return nats_sdk::AuthResult::defer();
        const auto given = request.token();
        if (!given) return common::denied(host(), request, nats_sdk::AuthResult::deny("'auth_token' is not a string"));
        const auto settings = settings_.load();
        return common::check_secret(host(), request, settings->token, std::string(*given),
                                    nats_sdk::AuthResult::allow(), nats_sdk::AuthResult::deny("wrong token"));
    }

private:
    std::atomic<std::shared_ptr<const Settings>> settings_;
};

}  // namespace nats::auth_token

NATS_SDK_PLUGIN(nats::auth_token::Plugin, "auth_token", "1.0.0",
                "Token authentication (authorization { token } or --auth)", "authenticator", "")
