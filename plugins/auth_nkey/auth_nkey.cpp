// The NKey authenticator: users entries with `nkey:` (in authorization.users or
// accounts.*.users). INFO carries a nonce; the client proves it holds the key's
// seed by signing that nonce (CONNECT "nkey" + "sig"). Also answers for a
// no_auth_user that is an nkey (no signature then, as in nats-server).

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include <nats_sdk/plugin.hpp>

#include "libs/auth_common/auth_config.hpp"
#include "libs/auth_common/connect_fields.hpp"
#include "libs/auth_common/secret_check.hpp"
#include "libs/nkeys/nkeys.hpp"

namespace nats::auth_nkey {

namespace common = nats::auth_common;

struct Directory {
    std::map<std::string, common::UserRecord, std::less<>> users;  // by public key
    const common::UserRecord* no_auth_user = nullptr;              // points into `users`
};

// A config without nkey users is refused, at start and on reload alike: the plugin
// list is fixed until a restart, so a reload cannot turn NKey authentication off.
std::shared_ptr<const Directory> read_directory(const nlohmann::json& config) {
    common::AuthConfig parsed = common::parse_auth_config(config);
    auto directory = std::make_shared<Directory>();
    for (auto& user : parsed.users) {
        if (!user.nkey) continue;
        if (!nkeys::is_valid_public_key(user.name, nkeys::KeyType::user)) {
            throw nats_sdk::ConfigError(user.origin + ": Not a valid public nkey for a user");
        }
        directory->users.emplace(user.name, std::move(user));
    }
    if (directory->users.empty()) {
        throw nats_sdk::ConfigError("no nkey users configured (users: [ {nkey: U...} ] in authorization or accounts)");
    }
    if (!parsed.no_auth_user.empty()) {
        const auto it = directory->users.find(parsed.no_auth_user);
        if (it != directory->users.end()) directory->no_auth_user = &it->second;
    }
    return directory;
}

class Plugin final : public nats_sdk::Authenticator {
public:
    Plugin(nats_sdk::Host& host, const nlohmann::json& config)
        : Authenticator(host), directory_(read_directory(config)) {}

    void start() override { host().info("{} nkey users", directory_.load()->users.size()); }

    // A decide() running on another thread keeps the directory it loaded.
    void reload(const nlohmann::json& config) override {
        auto directory = read_directory(config);
        host().info("{} nkey users", directory->users.size());
        directory_.store(std::move(directory));
    }

    bool needs_nonce() const override { return true; }

    nats_sdk::AuthResult decide(const nats_sdk::AuthRequest& request) override {
        const nlohmann::json& connect = request.connect();
        const auto directory = directory_.load();
        if (!common::field_given(connect, "nkey")) {
            if (directory->no_auth_user != nullptr && request.connect_is_object() &&
                common::carries_no_credentials(connect)) {
                return common::allowed(*directory->no_auth_user);
            }
            return nats_sdk::AuthResult::defer();
        }
        const auto key = request.field("nkey");
        if (!key) return refuse(request, "'nkey' is not a string");
        const auto it = directory->users.find(*key);
        if (it == directory->users.end()) {
            return refuse(request, "unknown nkey '" + std::string(common::for_log(*key)) + "'");
        }
        const common::UserRecord& user = it->second;
        if (!user.allows_standard_clients()) {
            return refuse(request, "nkey '" + user.name + "' may not connect as a STANDARD client");
        }
        if (!common::field_given(connect, "sig")) return refuse(request, "signature missing for nkey '" + user.name + "'");
        const auto sig = request.field("sig");
        if (!sig) return refuse(request, "'sig' is not a string");
        // Without a nonce there is nothing fresh to sign: a signature could be replayed.
        if (request.nonce().empty()) return refuse(request, "no nonce was sent to the client");
        const auto raw = nkeys::base64_decode_any(*sig);
        if (!raw) return refuse(request, "signature is not valid base64");
        if (!nkeys::verify(user.name, request.nonce(), *raw)) {
            return refuse(request, "signature not verified for nkey '" + user.name + "'");
        }
        return common::allowed(user);
    }

private:
    nats_sdk::AuthResult refuse(const nats_sdk::AuthRequest& request, std::string reason) const {
        return common::denied(host(), request, nats_sdk::AuthResult::deny(std::move(reason)));
    }

    std::atomic<std::shared_ptr<const Directory>> directory_;
};

}  // namespace nats::auth_nkey

NATS_SDK_PLUGIN(nats::auth_nkey::Plugin, "auth_nkey", "1.0.0",
                "NKey authentication (users entries with nkey; signed INFO nonce)", "authenticator", "")
