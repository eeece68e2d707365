#pragma once
// The server: listens, spreads connections over the IoThreads, owns the
// accounts and the options, and runs the lifecycle (start, reload, lame duck,
// shutdown). Signals are turned into calls on this object by main.cpp.
#include <asio.hpp>
#include <asio/ssl.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <span>
#include <optional>
#include <string>
#include <unordered_map>
#include <thread>
#include <vector>

#include "kernel/accounts/runtime_accounts.hpp"
#include "kernel/config/options.hpp"
#include "kernel/server/account.hpp"
#include "kernel/server/account_imports.hpp"
#include "kernel/server/authenticator.hpp"
#include "kernel/server/client.hpp"
#include "kernel/server/client_observer.hpp"
#include "kernel/server/connection_info.hpp"
#include "kernel/server/interest_observer.hpp"
#include "kernel/server/io_thread.hpp"
#include "kernel/server/subscription.hpp"
#include "kernel/server/tls_policy.hpp"

namespace nats::server {

// What publish_reported() did; counts are known only when routed (on an I/O thread).
struct PublishOutcome {
    bool routed = false;
    bool refused = false;  // the hand-off queue was full: not published
    std::size_t receivers = 0;
    std::uint32_t pressured = 0, overflowed = 0;  // see delivery_report.hpp
};

struct ServerTotals {
    std::uint64_t in_msgs = 0, in_bytes = 0, out_msgs = 0, out_bytes = 0, slow_consumers = 0;
};

class Server {
public:
    explicit Server(config::Options options);
    ~Server();

    // Binds the listener and starts the threads, but accepts no client yet (a
    // connection attempt waits in the backlog), so plugins can start first.
    // Throws std::runtime_error with a clear message (e.g. the address is in use).
    void start();
    // Starts accepting clients: the server is ready.
    void accept_clients();
    // Blocks until shutdown() or lame duck mode has finished.
    void wait();
    // Flushes and closes every client, stops the threads. Idempotent, any thread.
    void shutdown();
    // SIGHUP: reloads the config file; returns false (and logs) on a bad file.
    bool reload();
    // SIGUSR2: stop accepting, close clients gradually, then shut down.
    void enter_lame_duck();
    // SIGUSR1: reopen the log file.
    void reopen_log();
    // Runs inside shutdown() once no new client is accepted, while the threads
    // still run (plugins stop there).
    void set_shutdown_hook(std::function<void()> hook) { shutdown_hook_ = std::move(hook); }

    // Read by connections on any thread. Replaced whole on reload.
    std::shared_ptr<const config::Options> options() const;
    const std::string& server_id() const { return server_id_; }
    const std::string& server_name() const { return server_name_; }
    int port() const { return bound_port_; }
    // Clients must authenticate: an authenticator (auth plugin) is registered.
    bool auth_required() const;
    // INFO carries a nonce: some registered authenticator needs one (asked per connection).
    bool nonce_required() const;
    bool tls_required() const { return tls_context_ != nullptr; }
    asio::ssl::context* tls_context() { return tls_context_.get(); }
    // Whether a client's TLS handshake may start now (tls connection_rate_limit);
    // refusals are logged at most once a second, as nats-server does.
    bool allow_tls_handshake();
    const AccountPtr& global_account() const { return global_account_; }
    ServerTotals totals() const;

    // Accounts by name ("" is "$G"). Accounts live as long as the server.
    AccountPtr find_account(std::string_view name) const;
    AccountPtr get_or_create_account(std::string_view name);
    std::vector<AccountPtr> accounts() const;
    // Account blocks given at run time (plugins: JWT accounts, resolvers), see
    // server_accounts.cpp. `block` is checked together with the file's accounts
    // exactly as if it were written there, replaces a block of that name, and
    // outlives reloads. Returns "" when applied, else the reasons (nothing changes).
    std::string upsert_account(const std::string& name, config::Value block);
    // The account's block in force (an empty map when it has none); nullopt
    // when the server has no such account.
    std::optional<config::Value> account_block(std::string_view name) const;
    // Told when an account is created, when its block changes and when its
    // block leaves the config (the account itself stays). Called on the thread
    // that made the change, with no server lock held; must not block.
    enum class AccountChange { added, updated, removed };
    using AccountListener = std::function<void(const std::string& name, AccountChange change)>;
    void set_account_listener(AccountListener listener);
    // Exports and imports between the configured accounts (set up by start()).
    AccountImports* account_imports() const { return imports_.get(); }

    // I/O threads, for work that must run on one (timers, posts).
    std::size_t thread_count() const { return threads_.size(); }
    IoThread& thread(std::size_t index) { return *threads_[index]; }
    // Round-robin pick for work with no affinity.
    IoThread& next_thread();
    // The calling thread when it is one of this server's I/O threads, else null.
    IoThread* own_current_thread() const;

    // Publishes as the server itself (plugins, links), from any thread. On one
    // of this server's I/O threads the message is routed at once; elsewhere it is
    // copied and routed on an I/O thread (always the same one for a calling
    // thread, so order is kept), which then ends its batch.
    // Subscriptions whose origin is `skip_origin` do not get it. A message with a
    // route_subject is matched by it and shown under its subject (subscription.hpp).
    // False when refused: off the I/O threads, the chosen thread already has
    // handoff_limit bytes of such messages waiting (logged once per episode).
    bool publish(const AccountPtr& account, const RoutedMessage& message, const void* skip_origin = nullptr);
    // As publish(), and when routed at once, how many took it and how full the
    // receiving clients are; no_overflow skips a client whose queue would
    // overflow instead of cutting it (see delivery_report.hpp).
    PublishOutcome publish_reported(const AccountPtr& account, const RoutedMessage& message, const void* skip_origin,
                                    bool no_overflow);
    // Several messages in order. Off the I/O threads they are copied into one
    // buffer and handed to one I/O thread together (one hand-off, not one each).
    // False when refused as publish() is (then none of them is published).
    bool publish_batch(const AccountPtr& account, std::span<const RoutedMessage> messages, const void* skip_origin,
                       bool no_overflow);
    // Most bytes of messages handed off to one I/O thread and not routed yet
    // (each message counts its subject, reply, headers, payload, route subject
    // and handoff_overhead). nats-server's internal send queues have no bound; ours
    // do, so a plugin or link publishing faster than the server routes is told
    // (NMK_ERROR) instead of taking the server's memory.
    static constexpr std::size_t handoff_limit = std::size_t{64} << 20;
    static constexpr std::size_t handoff_overhead = 64;

    // Authenticators, asked in registration order (see authenticator.hpp).
    void add_authenticator(AuthenticatorPtr authenticator);
    void remove_authenticator(const Authenticator* authenticator);
    std::shared_ptr<const AuthenticatorChain> authenticators() const;
    // After a reload (once the auth plugins reloaded): every client an
    // authenticator admitted is asked about again, on its own thread.
    void reauthenticate_clients();
    // After an account's limits changed at run time: its connected clients work
    // out their payload and subscription limits again, each on its own thread.
    void reapply_account_limits(std::string_view account);
    // A handle for a client about to ask an authenticator that may answer later.
    std::uint64_t begin_pending_auth(const ClientPtr& client);
    void end_pending_auth(std::uint64_t handle);
    // The later answer; false when the handle is unknown (already answered, client gone).
    bool complete_auth(std::uint64_t handle, AuthResult result);

    // Interest observers (links); see interest_observer.hpp.
    void add_interest_observer(InterestObserverPtr observer);
    void remove_interest_observer(const InterestObserver* observer);
    void notify_interest(const Account& account, const ServerSubscription& sub, bool added) {
        if (has_interest_observers_.load(std::memory_order_acquire)) notify_interest_slow(account, sub, added);
    }
    // Client observers (connect and disconnect events); see client_observer.hpp.
    void add_client_observer(ClientObserverPtr observer);
    void remove_client_observer(const ClientObserver* observer);
    bool has_client_observers() const { return has_client_observers_.load(std::memory_order_acquire); }
    void notify_client_event(const ClientEvent& event);
    // Inserts / removes an internal subscription and reports the interest.
    void add_internal_subscription(const AccountPtr& account, std::shared_ptr<ServerSubscription> sub);
    void remove_internal_subscription(const AccountPtr& account, const std::shared_ptr<ServerSubscription>& sub);

    // Monitoring.
    std::vector<ConnectionInfo> connections() const;
    // The last max_closed_clients connections that ended (set at start, default
    // 10000, as nats-server's ring), oldest first. Shared, immutable records:
    // a copy of the list costs pointers only.
    std::vector<std::shared_ptr<const ClosedConnection>> closed_connections() const;
    // Called by a client as it closes (never on the message path).
    void remember_closed(ClosedConnection record);
    std::uint64_t total_connections() const { return next_client_id_.load(std::memory_order_relaxed); }
    std::chrono::system_clock::time_point start_time() const { return start_time_; }

    // Connection bookkeeping (any thread).
    void client_closed(const ClientPtr& c, CloseReason reason);
    std::size_t client_count() const;
    // Whether a client with this id is still open (any thread).
    bool has_client(std::uint64_t id) const;
    // Closes that client on its own thread after sending -ERR '<err>' (none when empty);
    // false when it is not connected (any thread).
    bool close_client(std::uint64_t id, CloseReason reason, std::string_view err);
    // Sockets still open, including closed clients draining their output.
    void socket_opened() { open_sockets_.fetch_add(1); }
    void socket_closed() { open_sockets_.fetch_sub(1); }
    bool lame_duck() const { return lame_duck_.load(); }
    // Read on every delivery, so kept outside the options snapshot.
    std::int64_t max_pending() const { return max_pending_.load(std::memory_order_relaxed); }
    // Re-reads the config file and flags for a reload (set by main).
    void set_reload_source(std::function<config::Options()> source) { reload_source_ = std::move(source); }
    // Asked before a reload applies: a non-empty answer refuses the whole
    // reload with that reason (e.g. it asks for an auth plugin not running).
    void set_reload_check(std::function<std::string(const config::Options&)> check) {
        reload_check_ = std::move(check);
    }

    // The INFO line as JSON text for one client: its client_id, client_ip and
    // nonce, and its own max_payload when an account or user lowered it (<0: the server's).
    std::string info_json(std::uint64_t client_id, const std::string& client_ip, const std::string& nonce,
                          std::int64_t max_payload = -1) const;

private:
    void accept_next();
    void build_tls_context(const config::Options& o);
    void apply_logging(const config::Options& o);
    void lame_duck_close_step(std::vector<std::weak_ptr<Client>> remaining, std::chrono::milliseconds interval);
    void notify_interest_slow(const Account& account, const ServerSubscription& sub, bool added);
    // This I/O thread when a publish may be routed on it right now, else null.
    IoThread* inline_routing_thread() const;
    IoThread& handoff_thread(IoThread* here);
    std::size_t route_here(IoThread& here, const AccountPtr& account, const RoutedMessage& message,
                           const void* skip_origin);
    // The file's accounts with the run-time blocks merged in; `blocks` gets
    // each account's block. Throws config::ConfigError. account_config_mutex_ held.
    accounts::AccountsConfig load_accounts_locked(const config::Options& o,
                                                  std::map<std::string, config::Value>& blocks) const;
    // After start/reload/upsert replaced the blocks: tells the listener what changed.
    void report_account_changes(const std::map<std::string, config::Value>& before,
                                const std::map<std::string, config::Value>& after,
                                const std::vector<std::string>& existed_before);
    void notify_account(const std::string& name, AccountChange change);

    mutable std::mutex options_mutex_;
    std::shared_ptr<const config::Options> options_;
    std::string server_id_;
    std::string server_name_;
    int bound_port_ = 0;
    std::unique_ptr<asio::ssl::context> tls_context_;
    std::atomic<std::shared_ptr<TlsRateCounter>> tls_rate_;  // null: no limit
    AccountPtr global_account_;
    mutable std::mutex accounts_mutex_;
    std::unordered_map<std::string, AccountPtr> accounts_;
    // Serializes start, reload and upsert_account over the blocks below.
    mutable std::mutex account_config_mutex_;
    accounts::AccountBlocks runtime_accounts_;
    std::map<std::string, config::Value> account_blocks_;  // in force, by account
    std::chrono::system_clock::time_point start_time_ = std::chrono::system_clock::now();

    // Copy-on-write lists: readers take a snapshot under the mutex, never hold it while calling out.
    mutable std::mutex hooks_mutex_;
    std::shared_ptr<const AuthenticatorChain> authenticators_ = std::make_shared<AuthenticatorChain>();
    std::atomic<bool> has_authenticators_{false};
    std::shared_ptr<const std::vector<InterestObserverPtr>> interest_observers_ =
        std::make_shared<std::vector<InterestObserverPtr>>();
    std::atomic<bool> has_interest_observers_{false};
    std::shared_ptr<const std::vector<ClientObserverPtr>> client_observers_ =
        std::make_shared<std::vector<ClientObserverPtr>>();
    std::atomic<bool> has_client_observers_{false};
    std::shared_ptr<const AccountListener> account_listener_;
    std::mutex pending_auth_mutex_;
    std::unordered_map<std::uint64_t, std::weak_ptr<Client>> pending_auth_;
    std::atomic<std::uint64_t> next_auth_handle_{0};
    std::function<void()> shutdown_hook_;

    std::vector<std::unique_ptr<IoThread>> threads_;
    std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
    std::atomic<unsigned> next_thread_{0};
    std::atomic<std::uint64_t> next_client_id_{0};

    mutable std::mutex clients_mutex_;
    std::unordered_map<std::uint64_t, std::weak_ptr<Client>> clients_;

    // Ring of closed connections: closed_ring_ grows to closed_capacity_, then
    // closed_total_ % capacity is the oldest entry, overwritten next. A leaf lock.
    mutable std::mutex closed_mutex_;
    std::vector<std::shared_ptr<const ClosedConnection>> closed_ring_;
    std::size_t closed_capacity_ = 0;
    std::uint64_t closed_total_ = 0;

    std::atomic<std::int64_t> max_pending_{0};
    std::atomic<int> open_sockets_{0};
    std::function<config::Options()> reload_source_;
    std::function<std::string(const config::Options&)> reload_check_;
    std::atomic<bool> lame_duck_{false};
    std::atomic<bool> shutting_down_{false};
    std::thread lame_duck_thread_;
    std::mutex done_mutex_;
    std::condition_variable done_cv_;
    bool done_ = false;
    // Last: goes before the threads, so its timer never outlives their io_contexts.
    std::shared_ptr<AccountImports> imports_;
};

}  // namespace nats::server
