// The JWT authenticator (decentralized auth, operator mode): trusted operators
// sign accounts, accounts (or their signing keys) sign users, and a client logs
// in with its user JWT plus its signature of the INFO nonce (a creds file).
// Account JWTs come from a resolver; each one becomes a kernel account (named by
// its public key) with its limits, exports, imports and JetStream limits.
//
// Threads: decide() runs on I/O threads and never blocks: a known account is
// answered at once; an account the resolver must fetch is answered later
// (AuthResult::pending, the fetch on a blocking worker, then complete_auth).
// Kernel account updates (upsert) run on blocking workers or at start-up only.

#include <atomic>
#include <chrono>
#include <ctime>
#include <optional>
#include <memory>
#include <string>

#include <nats_sdk/go_quote.hpp>
#include <nats_sdk/plugin.hpp>

#include "libs/jwt/creds.hpp"
#include "libs/jwt/token.hpp"
#include "plugins/auth_jwt/account_sync.hpp"
#include "plugins/auth_jwt/claims_update.hpp"
#include "plugins/auth_jwt/connected_users.hpp"
#include "plugins/auth_jwt/full_resolver.hpp"
#include "plugins/auth_jwt/http_fetch.hpp"
#include "plugins/auth_jwt/jwt_settings.hpp"
#include "plugins/auth_jwt/known_account.hpp"
#include "plugins/auth_jwt/task_gate.hpp"
#include "plugins/auth_jwt/user_admission.hpp"

namespace nats::auth_jwt {

class Plugin final : public nats_sdk::Authenticator {
public:
    Plugin(nats_sdk::Host& host, const nlohmann::json& config)
        : Authenticator(host),
          settings_(std::make_shared<const Settings>(read_settings(config))),
          sync_(host, table_),
          updates_(host, table_, sync_, [this] { return settings_.load(); },
                   [this](const KnownAccount& account) { apply_to_connected(account); }),
          full_(host, table_, sync_, [this] { return settings_.load(); },
                [this](const std::string& key, const KnownAccount* account) {
                    if (account) apply_to_connected(*account);
                    else close_account(key);
                }) {
        load_preloads(*settings_.load());
    }

    // nats-server -t: the same checks as create(), files read, nothing started.
    static void validate(const nlohmann::json& config) { read_settings(config); }

    void start() override {
        const auto first = settings_.load();
        if (directory_resolver(first->resolver)) full_.open(*first);
        sync_.sync();
        // Who is connected, so that a pushed account JWT reaches them (SDK 1.3's close_client;
        // an older kernel keeps them until they leave, as before).
        clients_.emplace(host());
        if (clients_->can_close()) {
            connections_ = clients_->watch_connections([this](const nats_sdk::ConnectionEvent& e) {
                if (!e.connected()) users_.gone(e.client_id());
            });
            // nats-server arms a timer per account JWT with an `exp`; one tick a second over
            // the accounts that have clients does the same within a second.
            expiry_tick_ = host().every(std::chrono::seconds(1), [this] { close_expired_accounts(); });
        }
        const auto settings = settings_.load();
        const auto& s = *settings;
        // As nats-server, a URL resolver must answer before the server starts (its
        // "basic test to see if anyone is home"): fail closed on a dead account server.
        if (s.resolver.kind == ResolverSettings::Kind::url) {
            try {
                http_get(s.resolver.url, s.resolver.timeout, s.resolver.tls);
            } catch (const FetchError& e) {
                throw nats_sdk::ConfigError(std::string("config key 'resolver': ") + e.what());
            }
        }
        // As nats-server: run-time account updates arrive in the system account.
        if (directory_resolver(s.resolver)) full_.start(s.system_account);
        else if (!s.system_account.empty()) updates_.start(s.system_account);
        // nats-server's start-up lines for operators.
        if (!s.operators.empty()) host().info("Trusted Operators");
        for (const auto& op : s.operators) {
            host().info("  System  : {}", nats_sdk::go_quote(op.audience));
            host().info("  Operator: {}", nats_sdk::go_quote(op.name));
            host().info("  Issued  : {}", go_local_time(op.issued_at));
            host().info("  Expires : {}", op.expires == 0 ? std::string("Never") : go_local_time(op.expires));
        }
        if (!s.operators.empty() && s.system_account.empty()) {
            host().warn("Trusted Operators should utilize a System Account");
        }
        host().info("{} trusted operator keys, {} accounts preloaded, resolver {}", s.trusted_keys.size(),
                    s.preload.size(), resolver_name(s.resolver));
    }

    void reload(const nlohmann::json& config) override {
        auto settings = std::make_shared<const Settings>(read_settings(config));
        load_preloads(*settings);
        settings_.store(std::move(settings));
        host().post_blocking([this] {
            TaskGate::Pass pass(gate_);
            if (pass.entered) sync_.sync();
        });
    }

    void stop() override {
        expiry_tick_.reset();
        updates_.stop();
        full_.stop();
        connections_.stop();
        gate_.close();  // a fetch under way finishes (its client answered) before stop returns
    }

    bool needs_nonce() const override { return true; }

    nats_sdk::AuthResult decide(const nats_sdk::AuthRequest& request) override {
        const auto settings = settings_.load();
        auto presented = read_presented_user(request.connect(), jwt::now_unix());
        if (auto* refusal = std::get_if<Refusal>(&presented)) return refuse(*refusal, {});
        auto user = std::make_shared<PresentedUser>(std::move(std::get<PresentedUser>(presented)));
        if (auto account = table_.find(user->account_key); account && sync_.applied(account->key)) {
            return answer(*user, *account, *settings, request);
        }
        if (!fetches(settings->resolver)) {
            return refuse(Refusal{"Account JWT lookup error: account missing"}, user->claims.subject);
        }
        // Look the account up off the I/O thread; the client waits (not read) meanwhile.
        auto copy = std::make_shared<nats_sdk::AuthRequest>(request);
        host().post_blocking([this, settings, user, copy] {
            TaskGate::Pass pass(gate_);
            if (!pass.entered) return;
            nats_sdk::AuthResult result;
            try {
                result = decide_after_fetch(*user, *settings, *copy);
            } catch (const std::exception& e) {
                result = refuse(Refusal{std::string("Account JWT lookup error: ") + e.what()}, user->claims.subject);
            }
            host().complete_auth(copy->pending_handle(), result);
        });
        return nats_sdk::AuthResult::pending();
    }

private:
    // The full and cache resolvers keep account JWTs in a directory (full_resolver.*).
    static bool directory_resolver(const ResolverSettings& r) {
        return r.kind == ResolverSettings::Kind::full || r.kind == ResolverSettings::Kind::cache;
    }
    // Resolvers that can look an unknown account up (off the I/O thread).
    static bool fetches(const ResolverSettings& r) { return r.kind == ResolverSettings::Kind::url || directory_resolver(r); }

    // Go's time.Time %v for time.Unix(t, 0): local time, "2006-01-02 15:04:05 -0700 MST".
    static std::string go_local_time(std::int64_t unix_seconds) {
        const std::time_t t = static_cast<std::time_t>(unix_seconds);
        std::tm local{};
        localtime_r(&t, &local);
        char text[64];
        std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S %z %Z", &local);
        return text;
    }

    static std::string resolver_name(const ResolverSettings& r) {
        switch (r.kind) {
            case ResolverSettings::Kind::memory: return "MEMORY";
            case ResolverSettings::Kind::url: return "URL(" + r.url + ")";
            case ResolverSettings::Kind::full: return "full (" + r.dir + ")";
            case ResolverSettings::Kind::cache: return "cache (" + r.dir + ")";
            case ResolverSettings::Kind::none: break;
        }
        return "none";
    }

    void load_preloads(const Settings& settings) {
        for (const auto& [key, text] : settings.preload) {
            try {
                table_.put(verify_account(text, settings, key));
            } catch (const jwt::Error& e) {
                // As nats-server: the account stays unknown, its users are refused.
                host().warn("Account [{}] has validation issues: {}", key, e.what());
            }
        }
    }

    // On a blocking worker: fetch, verify, hand the account to the kernel, decide.
    nats_sdk::AuthResult decide_after_fetch(const PresentedUser& user, const Settings& settings,
                                            const nats_sdk::AuthRequest& request) {
        auto account = table_.find(user.account_key);
        if (!account) {
            try {
                if (directory_resolver(settings.resolver)) {
                    account = full_.fetch(user.account_key, settings);  // asks the system account
                } else {
                    const std::string text = http_get(settings.resolver.url + user.account_key, settings.resolver.timeout,
                                                       settings.resolver.tls);
                    account = verify_account(jwt::token_in_file_text(text), settings, user.account_key);
                }
            } catch (const jwt::Error& e) {
                return refuse(Refusal{std::string("Account JWT lookup error: ") + e.what()}, user.claims.subject);
            }
            table_.put(account);
        }
        sync_.sync();
        if (!sync_.applied(account->key)) {
            return refuse(Refusal{"Account JWT lookup error: the server refused the account"}, user.claims.subject);
        }
        return answer(user, *account, settings, request);
    }

    nats_sdk::AuthResult answer(const PresentedUser& user, const KnownAccount& account, const Settings& settings,
                                const nats_sdk::AuthRequest& request) {
        auto verdict = admit(user, account, settings, request.connect(),
                             ClientFacts{request.nonce(), request.client_ip()}, jwt::now_unix());
        if (auto* refusal = std::get_if<Refusal>(&verdict)) return refuse(*refusal, user.claims.subject);
        auto& admission = std::get<Admission>(verdict);
        host().debug("Authenticated JWT: Client \"{}\" (claim-name: \"{}\") signed with \"{}\" by Account \"{}\" "
                     "(claim-name: \"{}\") signed with \"{}\"",
                     user.claims.subject, user.claims.name, user.claims.issuer, account.key, account.claims.name,
                     account.token.issuer);
        // The kernel closes the client when its JWT (or its connect window) runs out.
        if (admission.expires_unix > 0)
            admission.result.expires = std::chrono::system_clock::time_point(std::chrono::seconds(admission.expires_unix));
        if (connections_.active())
            users_.admitted(request.client_id(),
                            ConnectedUser{account.key, user.claims.subject, user.token.issued_at,
                                          user.claims.limits.bearer_token,
                                          user.claims.issuer == account.key ? std::string() : user.claims.issuer});
        return std::move(admission.result);
    }

    nats_sdk::AuthResult refuse(const Refusal& refusal, const std::string& user) const {
        if (refusal.error_level) host().error("{}", refusal.reason);
        auto result = nats_sdk::AuthResult::deny(refusal.reason);
        result.user = user;
        return result;
    }

    // A pushed account JWT, now in the kernel: the clients it no longer lets stay go.
    void apply_to_connected(const KnownAccount& account) {
        if (!clients_ || !clients_->can_close()) return;
        for (const Closing& c : users_.to_close(account)) {
            if (!clients_->close(c.client_id, c.reason, c.error)) users_.gone(c.client_id);  // left already
        }
    }

    // A deleted account (full resolver): its clients go, as nats-server expires the account.
    void close_account(const std::string& key) {
        if (!clients_ || !clients_->can_close()) return;
        for (const auto id : users_.of_account(key)) {
            if (!clients_->close(id, NMK_CLOSE_AUTHENTICATION_EXPIRED, "Account Authentication Expired")) users_.gone(id);
        }
    }

    // An account JWT whose `exp` has passed: its clients go with nats-server's
    // "Account Authentication Expired" (new logins are refused by admit()).
    void close_expired_accounts() {
        const std::int64_t now = jwt::now_unix();
        for (const auto& key : users_.accounts()) {
            const auto account = table_.find(key);
            if (account && account->token.expires > 0 && now >= account->token.expires) close_account(key);
        }
    }

    std::atomic<std::shared_ptr<const Settings>> settings_;
    AccountTable table_;
    AccountSync sync_;
    ClaimsUpdates updates_;
    FullResolver full_;
    TaskGate gate_;
    ConnectedUsers users_;
    std::optional<nats_sdk::Clients> clients_;
    nats_sdk::Watch connections_;
    std::optional<nats_sdk::Timer> expiry_tick_;
};

}  // namespace nats::auth_jwt

NATS_SDK_PLUGIN_SERVING(nats::auth_jwt::Plugin, "auth_jwt", "0.1.0",
                        "JWT authentication (operator mode): trusted operators, account resolvers, user JWTs",
                        "authenticator", "",
                        "operator,operators,root,roots,root_operator,root_operators,trusted,trusted_keys,"
                        "resolver,resolver_preload,resolver_tls",
                        nullptr)
