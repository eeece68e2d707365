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
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <thread>
#include <vector>

#include "kernel/config/options.hpp"
#include "kernel/server/account.hpp"
#include "kernel/server/client.hpp"
#include "kernel/server/io_thread.hpp"

namespace nats::server {

struct ServerTotals {
    std::uint64_t in_msgs = 0, in_bytes = 0, out_msgs = 0, out_bytes = 0, slow_consumers = 0;
};

class Server {
public:
    explicit Server(config::Options options);
    ~Server();

    // Binds the listener and starts the threads. Throws std::runtime_error with a
    // clear message (e.g. the address is in use).
    void start();
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

    // Read by connections on any thread. Replaced whole on reload.
    std::shared_ptr<const config::Options> options() const;
    const std::string& server_id() const { return server_id_; }
    const std::string& server_name() const { return server_name_; }
    int port() const { return bound_port_; }
    bool auth_required() const;
    bool tls_required() const { return tls_context_ != nullptr; }
    asio::ssl::context* tls_context() { return tls_context_.get(); }
    const AccountPtr& global_account() const { return global_account_; }
    ServerTotals totals() const;

    // Connection bookkeeping (any thread).
    void client_closed(const ClientPtr& c, CloseReason reason);
    std::size_t client_count() const;
    // Sockets still open, including closed clients draining their output.
    void socket_opened() { open_sockets_.fetch_add(1); }
    void socket_closed() { open_sockets_.fetch_sub(1); }
    bool lame_duck() const { return lame_duck_.load(); }
    // Read on every delivery, so kept outside the options snapshot.
    std::int64_t max_pending() const { return max_pending_.load(std::memory_order_relaxed); }
    // Re-reads the config file and flags for a reload (set by main).
    void set_reload_source(std::function<config::Options()> source) { reload_source_ = std::move(source); }

    // The INFO line (without client-specific fields) as JSON text; the client
    // adds client_id, client_ip and nonce.
    std::string info_json(std::uint64_t client_id, const std::string& client_ip,
                          const std::string& nonce) const;

private:
    void accept_next();
    void build_tls_context(const config::Options& o);
    void apply_logging(const config::Options& o);
    void lame_duck_close_step(std::vector<std::weak_ptr<Client>> remaining, std::chrono::milliseconds interval);

    mutable std::mutex options_mutex_;
    std::shared_ptr<const config::Options> options_;
    std::string server_id_;
    std::string server_name_;
    int bound_port_ = 0;
    std::unique_ptr<asio::ssl::context> tls_context_;
    AccountPtr global_account_;

    std::vector<std::unique_ptr<IoThread>> threads_;
    std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
    std::atomic<unsigned> next_thread_{0};
    std::atomic<std::uint64_t> next_client_id_{0};

    mutable std::mutex clients_mutex_;
    std::unordered_map<std::uint64_t, std::weak_ptr<Client>> clients_;

    std::atomic<std::int64_t> max_pending_{0};
    std::atomic<int> open_sockets_{0};
    std::function<config::Options()> reload_source_;
    std::atomic<bool> lame_duck_{false};
    std::atomic<bool> shutting_down_{false};
    std::thread lame_duck_thread_;
    std::mutex done_mutex_;
    std::condition_variable done_cv_;
    bool done_ = false;
};

}  // namespace nats::server
