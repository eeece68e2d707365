#pragma once
// Stream and service imports between accounts, as nats-server 2.9.10 runs them.
//
// Stream import (B imports A's stream): every subscription of a client in B
// that the import can feed gets a "shadow" subscription in A's subject index
// (nats-server's shadow subscriptions). A message published in A reaches it
// and is queued straight to B's client under the mapped subject; it is not
// routed again in B, so stream imports do not chain and cannot loop.
//
// Service import (B imports A's service): an internal subscription in B on the
// import subject takes the request and publishes it in A on the exported
// subject, with a Nats-Request-Info header and, when it has a reply subject,
// a fresh `_R_.<account prefix>.<random>` reply in A. A's wildcard
// subscription on its `_R_` prefix carries responses back to the original
// reply in B. Singleton responses drop the mapping after the first reply;
// stream/chunked ones keep it until the export's response threshold passes,
// the requester's interest in the reply goes away, or (chunked) an empty
// message ends it. A request never passes the same export twice (loops).
// An export with `latency` has its sampled requests measured; the result is
// published when the first response passes, or when the mapping goes without
// one (service_latency.hpp).
//
// Nothing here is on the publish path of an account without imports or
// exports: only shadow and import subscriptions in the linked accounts'
// indexes take part, and SUB/UNSUB is observed only while links exist.
//
// Threads: deliveries run on the publisher's I/O thread. `mutex_` guards the
// shadows, `responses_mutex_` the reply tables; both are leaves (no call out,
// no other lock taken while held, except a subject index's own lock).
#include <asio/steady_timer.hpp>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "kernel/accounts/accounts_config.hpp"
#include "kernel/server/account.hpp"
#include "kernel/server/interest_observer.hpp"
#include "kernel/server/subscription.hpp"

namespace nats::server {

class Server;
class IoThread;
class Client;
struct TrackedRequest;

class AccountImports final : public InterestObserver, public std::enable_shared_from_this<AccountImports> {
public:
    explicit AccountImports(Server& server);
    ~AccountImports() override;

    // Creates the configured accounts (and the system account) and replaces
    // every link with `config`'s: at start and on reload. Call on any thread
    // but an I/O thread's delivery.
    void apply(const accounts::AccountsConfig& config);
    // Takes every shadow and import subscription out of the accounts.
    void clear();

    // InterestObserver: keeps shadows and response mappings in step with the
    // importing accounts' subscriptions.
    void on_interest(const Account& account, const ServerSubscription& subscription, bool added) override;

    // Response mappings waiting for an answer, for tests and monitoring.
    std::size_t pending_responses() const;
    std::shared_ptr<const accounts::AccountsConfig> config() const;

    struct StreamRoute;
    struct ServiceRoute;
    struct ResponseEntry;
    // One hop of a request or response into `target` (nats-server's processServiceImport).
    struct Hop {
        AccountPtr source;                // where the message is now
        AccountPtr target;
        std::string subject;              // in target
        accounts::ResponseType response_type = accounts::ResponseType::singleton;
        std::chrono::milliseconds threshold{0};
        std::string export_id;            // the export this hop goes through
        bool share = false;
        const accounts::LatencyTracking* latency = nullptr;  // the export's, for requests
        bool response = false;
        std::string response_key;         // response hops: the `_R_` subject in source
    };
    // Routes `message` one hop; false when nobody took it (also for a loop).
    bool forward(const Hop& hop, const RoutedMessage& message, IoThread& from, Client* publisher);
    // A message published on one of `account`'s `_R_` subjects.
    bool deliver_response(const Account& account, const RoutedMessage& message, IoThread& from, Client* publisher);

private:
    struct ReplyTable;
    void add_shadows_locked(const Account& account, const ServerSubscription& subscription,
                            std::vector<std::pair<AccountPtr, std::shared_ptr<ServerSubscription>>>& added);
    void remove_shadows_locked(const ServerSubscription* subscription,
                               std::vector<std::pair<AccountPtr, std::shared_ptr<ServerSubscription>>>& removed);
    std::string new_reply(ReplyTable& table);
    // Drops one response mapping; returns its tracked request when that still
    // waits for a latency result (the caller publishes it after unlocking).
    std::shared_ptr<TrackedRequest> remove_response_locked(const Account* account, const std::string& reply);
    void publish_latency(const TrackedRequest& request, int status, const nlohmann::json& responder = nullptr,
                         std::chrono::nanoseconds responder_rtt = {},
                         std::chrono::system_clock::time_point responded = {});
    void drop_lost_interest(const Account& account, const std::string& subject);
    void arm_sweep();
    void sweep();

    Server& server_;
    std::atomic<bool> registered_{false};

    mutable std::mutex mutex_;
    std::shared_ptr<const accounts::AccountsConfig> config_;
    std::unordered_map<const Account*, std::vector<std::shared_ptr<const StreamRoute>>> streams_by_importer_;
    std::vector<std::pair<AccountPtr, std::shared_ptr<ServerSubscription>>> service_subs_;
    // Shadows per importing subscription.
    std::unordered_map<const ServerSubscription*, std::vector<std::pair<AccountPtr, std::shared_ptr<ServerSubscription>>>>
        shadows_;
    bool rebuilding_ = false;
    std::unordered_set<const ServerSubscription*> removed_while_rebuilding_;

    mutable std::mutex responses_mutex_;
    std::unordered_map<const Account*, std::unique_ptr<ReplyTable>> reply_tables_;
    // Reverse index: account of the original requester -> its reply subject ->
    // the `_R_` mappings (account, subject) that lead to it.
    std::unordered_map<const Account*, std::unordered_map<std::string, std::vector<std::pair<const Account*, std::string>>>>
        reverse_;
    std::size_t response_count_ = 0;
    std::atomic<bool> has_responses_{false};
    // Any stream import (shadows to keep): without one a SUB/UNSUB only matters for responses.
    std::atomic<bool> has_streams_{false};
    std::chrono::milliseconds sweep_interval_{60 * 1000};
    std::atomic<bool> sweep_armed_{false};
    std::unique_ptr<asio::steady_timer> sweep_timer_;  // on thread 0
};

}  // namespace nats::server
