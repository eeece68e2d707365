#pragma once
// Account JWTs pushed at run time, as nats-server takes them with a MEMORY or URL
// resolver: a message in the system account on $SYS.REQ.ACCOUNT.<key>.CLAIMS.UPDATE
// (or the older $SYS.ACCOUNT.<key>.CLAIMS.UPDATE) carrying the account JWT. A
// known account is replaced and its block given to the kernel at once (limits,
// exports, imports, JetStream); the answer to a reply subject is nats-server's
// respondToUpdate JSON ({"data":{"account","code":200,"message":"jwt updated"}, "server":{...}}
// or {"error":{"account","code":500,"description"}, ...}).
//
// Threads: the subscription callback copies the message and hands it to a
// blocking worker; verification, the kernel update and the reply happen there.
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <nats_sdk/messaging.hpp>
#include <nats_sdk/subscription.hpp>

#include "plugins/auth_jwt/account_sync.hpp"
#include "plugins/auth_jwt/known_account.hpp"
#include "plugins/auth_jwt/task_gate.hpp"

namespace nats::auth_jwt {

// What an update did, for the reply (nats-server's texts).
struct UpdateOutcome {
    std::string account;
    std::string message;  // "jwt updated", "jwt update skipped", "jwt update resulted in error", ...
    std::string error;    // empty on success
};

// The account key a claims-update subject names; empty when the subject is not one.
std::string account_of_update_subject(std::string_view subject);

// Applies one pushed JWT to `table` (no kernel call): the outcome to report.
UpdateOutcome apply_claims_update(const std::string& account_key, const std::string& payload, const Settings& settings,
                                  AccountTable& table);

// The "server" object of a resolver's answers (nats-server's ServerInfo): name, host,
// id, ver, seq, jetstream, time.
nlohmann::ordered_json resolver_server_info(nats_sdk::Host& host, std::uint64_t seq);

// {"data"|"error": {...}, "server": server}: respondToUpdate's body.
std::string update_response(const UpdateOutcome& outcome, const nlohmann::ordered_json& server);

class ClaimsUpdates {
public:
    using SettingsSource = std::function<std::shared_ptr<const Settings>()>;
    // Told, after the kernel has the new block, of each account a push replaced.
    using Updated = std::function<void(const KnownAccount&)>;
    ClaimsUpdates(nats_sdk::Host& host, AccountTable& table, AccountSync& sync, SettingsSource settings,
                  Updated updated)
        : host_(host), table_(table), sync_(sync), settings_(std::move(settings)), updated_(std::move(updated)) {}

    // Subscribes in `system_account`. Throws nats_sdk::Error when the kernel refuses.
    void start(const std::string& system_account);
    void stop();

private:
    void handle(std::string subject, std::string reply, std::string payload);
    nlohmann::ordered_json server_info();

    nats_sdk::Host& host_;
    AccountTable& table_;
    AccountSync& sync_;
    SettingsSource settings_;
    Updated updated_;
    std::optional<nats_sdk::Messaging> messaging_;
    nats_sdk::AccountHandle system_{};
    std::vector<nats_sdk::Subscription> subscriptions_;
    std::atomic<std::uint64_t> seq_{0};
    TaskGate gate_;
};

}  // namespace nats::auth_jwt
