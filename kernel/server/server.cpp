#include "kernel/server/server.hpp"

#include <nlohmann/json.hpp>
#include <openssl/rand.h>

#include <algorithm>
#include <fstream>
#include <future>
#include <stdexcept>
#include <utility>

#include "kernel/log/logging.hpp"
#include "kernel/server/poll_loop.hpp"
#include "kernel/server/router.hpp"

namespace nats::server {

using namespace std::chrono_literals;

namespace {

// A server id shaped like nats-server's: 'N' followed by 55 base32 characters.
std::string make_server_id() {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    unsigned char random[55];
    RAND_bytes(random, sizeof random);
    std::string id = "N";
    for (unsigned char b : random) id.push_back(alphabet[b % 32]);
    return id;
}

unsigned io_thread_count() {
    if (const char* env = std::getenv("NMK_IO_THREADS")) {
        int n = std::atoi(env);
        if (n > 0 && n <= 64) return static_cast<unsigned>(n);
    }
    return std::clamp(std::thread::hardware_concurrency(), 1u, 64u);
}

// How often each thread checks its connections' ping, auth and write deadlines.
std::chrono::milliseconds tick_for(const config::Options& o) {
    auto shortest = std::min({o.ping_interval, o.write_deadline, o.auth_timeout.value_or(2s), o.tls.timeout});
    return std::clamp<std::chrono::milliseconds>(shortest / 4, 10ms, 250ms);
}

log::LogSettings log_settings(const config::Options& o) {
    return {o.log_file, o.debug, o.trace, o.logtime, o.log_size_limit};
}

// For INFO's "go" field: the compiler that built this server.
std::string toolchain_name() {
#if defined(__clang__)
    return "clang " __clang_version__;
#elif defined(__GNUC__)
    return "gcc " __VERSION__;
#else
    return "c++";
#endif
}

}  // namespace

Server::Server(config::Options options)
    : options_(std::make_shared<const config::Options>(std::move(options))),
      server_id_(make_server_id()),
      global_account_(std::make_shared<Account>(global_account_name)) {
    accounts_.emplace(global_account_->name, global_account_);
    server_name_ = options_->server_name.empty() ? server_id_ : options_->server_name;
    max_pending_ = options_->max_pending;
    closed_capacity_ = static_cast<std::size_t>(std::max(options_->max_closed_clients, 0));
}

Server::~Server() {
    shutdown();
    if (imports_) imports_->clear();
    if (lame_duck_thread_.joinable()) lame_duck_thread_.join();
}

std::shared_ptr<const config::Options> Server::options() const {
    std::lock_guard lock(options_mutex_);
    return options_;
}

bool Server::auth_required() const { return has_authenticators_.load(std::memory_order_acquire); }

bool Server::nonce_required() const {
    if (!has_authenticators_.load(std::memory_order_acquire)) return false;
    auto chain = authenticators();
    for (const auto& a : *chain)
        if (a->needs_nonce()) return true;
    return false;
}

void Server::build_tls_context(const config::Options& o) {
    if (!o.tls.enabled) {
        tls_context_.reset();
        tls_rate_.store(nullptr);
        return;
    }
    tls_context_ = make_server_tls_context(o.tls);
    tls_rate_.store(o.tls.connection_rate_limit > 0 ? std::make_shared<TlsRateCounter>(o.tls.connection_rate_limit)
                                                    : nullptr);
}

bool Server::allow_tls_handshake() {
    const auto rate = tls_rate_.load();
    if (!rate) return true;
    const bool allowed = rate->allow();
    if (const auto blocked = rate->take_blocked_for_log())
        NMK_WARN("Rejected {} connections due to TLS rate limiting", blocked);
    return allowed;
}

void Server::start() {
    auto o = options();
    // The accounts block is checked before anything listens (throws config::ConfigError).
    std::unique_lock accounts_lock(account_config_mutex_);
    std::map<std::string, config::Value> blocks;
    const auto accounts_config = load_accounts_locked(*o, blocks);
    account_blocks_ = std::move(blocks);
    accounts_lock.unlock();
    build_tls_context(*o);

    NMK_INFO("Starting nats-server");
    NMK_INFO("  Version:  {}", NMK_NATS_COMPAT_VERSION);
    NMK_INFO("  Product:  nats-microkernel {}", NMK_PRODUCT_VERSION);
    NMK_INFO("  Name:     {}", server_name_);
    NMK_INFO("  ID:       {}", server_id_);
    if (!o->config_file.empty()) NMK_INFO("Using configuration file: {}", o->config_file);

    const unsigned n = io_thread_count();
    for (unsigned i = 0; i < n; ++i) threads_.push_back(std::make_unique<IoThread>(i));

    asio::error_code ec;
    auto address = asio::ip::make_address(o->host == "localhost" ? "127.0.0.1" : o->host, ec);
    if (ec) throw std::runtime_error(fmt::format("invalid listen address \"{}\": {}", o->host, ec.message()));
    const int port = o->port < 0 ? 0 : o->port;
    asio::ip::tcp::endpoint endpoint(address, static_cast<unsigned short>(port));
    acceptor_ = std::make_unique<asio::ip::tcp::acceptor>(threads_[0]->context());
    acceptor_->open(endpoint.protocol(), ec);
    if (!ec) acceptor_->set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_->bind(endpoint, ec);
    if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        throw std::runtime_error(fmt::format("Error listening on port: {}:{}, \"{}\"", o->host, port, ec.message()));
    }
    bound_port_ = acceptor_->local_endpoint().port();

    if (!o->pid_file.empty()) {
        std::ofstream(o->pid_file) << ::getpid();
    }
    const auto poll_window = io_poll_window();  // read (and a bad value reported) once
    for (auto& t : threads_) t->start(tick_for(*o), poll_window);
    imports_ = std::make_shared<AccountImports>(*this);
    imports_->apply(accounts_config);
}

void Server::accept_clients() {
    auto o = options();
    asio::post(threads_[0]->context(), [this] { accept_next(); });
    NMK_INFO("Listening for client connections on {}:{}", o->host, bound_port_);
    if (tls_context_) NMK_INFO("TLS required for client connections");
    NMK_INFO("Server is ready");
}

void Server::accept_next() {
    const unsigned index = next_thread_.fetch_add(1, std::memory_order_relaxed) % threads_.size();
    IoThread& target = *threads_[index];
    acceptor_->async_accept(target.context(), [this, &target](const asio::error_code& ec, asio::ip::tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !acceptor_->is_open()) return;
        if (!ec) {
            const auto id = next_client_id_.fetch_add(1, std::memory_order_relaxed) + 1;
            auto client = std::make_shared<Client>(*this, target, std::move(socket), id);
            {
                std::lock_guard lock(clients_mutex_);
                clients_.emplace(id, client);
            }
            asio::post(target.context(), [client] { client->start(); });
        } else {
            NMK_ERROR("Error accepting client connection: {}", ec.message());
        }
        accept_next();
    });
}

void Server::client_closed(const ClientPtr& c, CloseReason reason) {
    {
        std::lock_guard lock(clients_mutex_);
        clients_.erase(c->id());
    }
    // Runs on the client's thread inside its close, after its subscriptions left
    // the index: observers see a client that is fully gone.
    if (has_client_observers()) {
        const ConnectionInfo info = c->info();
        const bool auth_error = reason == CloseReason::auth_violation;
        const std::string claimed = auth_error ? c->claimed_identity() : std::string();
        notify_client_event({.connected = false,
                             .admitted = c->admitted(),
                             .info = info,
                             .reason = close_reason_text(reason),
                             .stop = std::chrono::system_clock::now(),
                             .auth_error = auth_error,
                             .claimed_user = claimed});
    }
}

bool Server::has_client(std::uint64_t id) const {
    std::lock_guard lock(clients_mutex_);
    return clients_.contains(id);
}

bool Server::close_client(std::uint64_t id, CloseReason reason, std::string_view err) {
    ClientPtr client;
    {
        std::lock_guard lock(clients_mutex_);
        const auto it = clients_.find(id);
        if (it != clients_.end()) client = it->second.lock();
    }
    if (!client || client->closed()) return false;
    client->close(reason, err);
    return true;
}

std::size_t Server::client_count() const {
    std::lock_guard lock(clients_mutex_);
    return clients_.size();
}

ServerTotals Server::totals() const {
    ServerTotals t;
    for (auto& th : threads_) {
        auto& s = th->stats();
        t.in_msgs += s.in_msgs.load(std::memory_order_relaxed);
        t.in_bytes += s.in_bytes.load(std::memory_order_relaxed);
        t.out_msgs += s.out_msgs.load(std::memory_order_relaxed);
        t.out_bytes += s.out_bytes.load(std::memory_order_relaxed);
        t.slow_consumers += s.slow_consumers.load(std::memory_order_relaxed);
    }
    return t;
}

std::string Server::info_json(std::uint64_t client_id, const std::string& client_ip, const std::string& nonce,
                              std::int64_t max_payload) const {
    auto o = options();
    // Field order follows nats-server's Info struct, so the line reads the same.
    nlohmann::ordered_json info;
    info["server_id"] = server_id_;
    info["server_name"] = server_name_;
    info["version"] = NMK_NATS_COMPAT_VERSION;
    info["proto"] = 1;
    // nats-server names the Go release it was built with; tools show it as the toolchain,
    // so ours names the C++ compiler (a string, as there).
    info["go"] = toolchain_name();
    info["host"] = o->host;
    info["port"] = bound_port_;
    info["headers"] = true;
    if (auth_required()) info["auth_required"] = true;
    if (tls_context_) {
        info["tls_required"] = true;
        if (o->tls.verify) info["tls_verify"] = true;
    }
    info["max_payload"] = max_payload >= 0 ? max_payload : o->max_payload;
    // Start-up fails closed without the jetstream plugin, so a running server with
    // JetStream in its options serves it.
    if (o->jetstream) info["jetstream"] = true;
    info["client_id"] = client_id;
    if (!client_ip.empty()) info["client_ip"] = client_ip;  // omitted when empty, as there
    if (!nonce.empty()) info["nonce"] = nonce;
    if (lame_duck_) info["ldm"] = true;
    // A server_name from the config may hold any bytes (nats-server takes them): invalid
    // UTF-8 becomes U+FFFD, as Go's encoding/json does, instead of throwing.
    return info.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void Server::apply_logging(const config::Options& o) { log::configure(log_settings(o)); }

void Server::reopen_log() {
    NMK_INFO("Reopening log file");
    apply_logging(*options());
}

bool Server::reload() {
    if (!reload_source_) return false;
    config::Options next;
    try {
        next = reload_source_();
    } catch (const std::exception& e) {
        NMK_ERROR("Failed to reload server configuration: {}", e.what());
        return false;
    }
    std::optional<accounts::AccountsConfig> accounts_config;
    // Held until the links are rebuilt, so an upsert_account cannot slip in between.
    std::unique_lock accounts_lock(account_config_mutex_);
    std::map<std::string, config::Value> blocks;
    try {
        accounts_config = load_accounts_locked(next, blocks);
    } catch (const std::exception& e) {
        NMK_ERROR("Failed to reload server configuration: {}", e.what());
        return false;
    }
    auto current = options();
    // What nats-server cannot change at run time either: refuse the whole reload.
    std::vector<std::string> fixed;
    if (next.host != current->host) fixed.push_back("host");
    if (next.port != current->port) fixed.push_back("port");
    if (next.server_name != current->server_name) fixed.push_back("server_name");
    if (next.store_dir != current->store_dir) fixed.push_back("store_dir");
    if (next.jetstream != current->jetstream) fixed.push_back("jetstream");
    if (!fixed.empty()) {
        std::string names;
        for (auto& f : fixed) names += (names.empty() ? "" : ", ") + f;
        NMK_ERROR("Failed to reload server configuration: config reload not supported for {}", names);
        return false;
    }
    if (reload_check_) {
        if (const std::string why = reload_check_(next); !why.empty()) {
            NMK_ERROR("Failed to reload server configuration: {}", why);
            return false;
        }
    }
    try {
        if (next.tls != current->tls) {
            build_tls_context(next);  // new connections use it
        }
    } catch (const std::exception& e) {
        NMK_ERROR("Failed to reload server configuration: {}", e.what());
        return false;
    }
    apply_logging(next);
    max_pending_ = next.max_pending;
    {
        std::lock_guard lock(options_mutex_);
        options_ = std::make_shared<const config::Options>(std::move(next));
    }
    std::vector<std::string> existed;
    for (const auto& [name, block] : blocks)
        if (find_account(name)) existed.push_back(name);
    if (imports_) imports_->apply(*accounts_config);  // changed exports/imports: the links are rebuilt
    auto before = std::exchange(account_blocks_, std::move(blocks));
    const auto after = account_blocks_;
    accounts_lock.unlock();
    report_account_changes(before, after, existed);
    NMK_INFO("Reloaded server configuration");
    return true;
}

void Server::enter_lame_duck() {
    if (lame_duck_.exchange(true) || shutting_down_) return;
    auto o = options();
    NMK_INFO("Entering lame duck mode, stop accepting new clients");
    asio::post(threads_[0]->context(), [this] {
        asio::error_code ec;
        acceptor_->close(ec);
    });
    std::vector<std::weak_ptr<Client>> remaining;
    {
        std::lock_guard lock(clients_mutex_);
        for (auto& [id, weak] : clients_) remaining.push_back(weak);
    }
    if (remaining.empty()) {
        NMK_INFO("Lame duck mode: no clients, shutting down");
        shutdown();
        return;
    }
    // Tell clients that understand async INFO to move elsewhere.
    for (auto& w : remaining) {
        if (auto c = w.lock(); c && c->is_lame_duck_eligible()) {
            std::string line = "INFO " + info_json(c->id(), {}, {}) + " \r\n";
            c->send_raw(line, c->thread());
        }
    }
    // Spread the disconnects over lame_duck_duration, after the grace period.
    const auto spread = std::max<std::chrono::milliseconds>(o->lame_duck_duration - o->lame_duck_grace_period, 0ms);
    const auto interval = remaining.empty() ? 0ms : spread / static_cast<long>(remaining.size());
    lame_duck_thread_ = std::thread([this, remaining = std::move(remaining), interval, grace = o->lame_duck_grace_period]() mutable {
        std::unique_lock lock(done_mutex_);
        if (done_cv_.wait_for(lock, grace, [this] { return done_; })) return;
        lock.unlock();
        lame_duck_close_step(std::move(remaining), interval);
    });
}

void Server::lame_duck_close_step(std::vector<std::weak_ptr<Client>> remaining, std::chrono::milliseconds interval) {
    for (std::size_t i = 0; i < remaining.size(); ++i) {
        if (i > 0) {
            std::unique_lock lock(done_mutex_);
            if (done_cv_.wait_for(lock, interval, [this] { return done_; })) return;
        }
        if (auto c = remaining[i].lock()) c->close(CloseReason::lame_duck);
    }
    NMK_INFO("Lame duck mode done, shutting down");
    shutdown();
}

void Server::shutdown() {
    if (shutting_down_.exchange(true)) return;
    if (!threads_.empty()) {
        NMK_INFO("Initiating Shutdown...");
        std::promise<void> acceptor_closed;
        auto closed_future = acceptor_closed.get_future();
        asio::post(threads_[0]->context(), [this, &acceptor_closed] {
            asio::error_code ec;
            if (acceptor_) acceptor_->close(ec);
            acceptor_closed.set_value();
        });
        closed_future.wait_for(2s);
        if (shutdown_hook_) shutdown_hook_();
        std::vector<ClientPtr> all;
        {
            std::lock_guard lock(clients_mutex_);
            for (auto& [id, weak] : clients_)
                if (auto c = weak.lock()) all.push_back(c);
        }
        // Each client flushes what it has queued and closes on its own thread.
        std::vector<std::future<void>> closing;
        for (auto& c : all) {
            auto done = std::make_shared<std::promise<void>>();
            closing.push_back(done->get_future());
            asio::post(c->thread().context(), [c, done] {
                c->close(CloseReason::server_shutdown);
                done->set_value();
            });
        }
        for (auto& f : closing) f.wait_for(2s);
        // Let the clients drain what they had queued, within the write deadline.
        const auto drain_until = std::chrono::steady_clock::now() + options()->write_deadline + 500ms;
        while (open_sockets_.load() > 0 && std::chrono::steady_clock::now() < drain_until)
            std::this_thread::sleep_for(5ms);
        for (auto& t : threads_) t->stop();
        // A thread's match cache can hold subscriptions of clients on another
        // thread: let go of them all while every io_context still exists.
        for (auto& t : threads_) t->match_cache().clear();
        NMK_INFO("Server Exiting..");
    }
    {
        std::lock_guard lock(done_mutex_);
        done_ = true;
    }
    done_cv_.notify_all();
}

IoThread& Server::next_thread() {
    const unsigned index = next_thread_.fetch_add(1, std::memory_order_relaxed) % threads_.size();
    return *threads_[index];
}

// ---- accounts ----

AccountPtr Server::find_account(std::string_view name) const {
    if (name.empty()) return global_account_;
    std::lock_guard lock(accounts_mutex_);
    auto it = accounts_.find(std::string(name));
    return it == accounts_.end() ? nullptr : it->second;
}

AccountPtr Server::get_or_create_account(std::string_view name) {
    if (name.empty()) return global_account_;
    AccountPtr account;
    {
        std::lock_guard lock(accounts_mutex_);
        auto& slot = accounts_[std::string(name)];
        if (slot) return slot;
        slot = std::make_shared<Account>(std::string(name));
        account = slot;
    }
    notify_account(account->name, AccountChange::added);
    return account;
}

std::vector<AccountPtr> Server::accounts() const {
    std::lock_guard lock(accounts_mutex_);
    std::vector<AccountPtr> out;
    out.reserve(accounts_.size());
    for (auto& [name, a] : accounts_) out.push_back(a);
    std::sort(out.begin(), out.end(), [](const AccountPtr& a, const AccountPtr& b) { return a->name < b->name; });
    return out;
}

// ---- authenticators ----

void Server::add_authenticator(AuthenticatorPtr authenticator) {
    std::lock_guard lock(hooks_mutex_);
    auto next = std::make_shared<AuthenticatorChain>(*authenticators_);
    next->push_back(std::move(authenticator));
    authenticators_ = std::move(next);
    has_authenticators_.store(true, std::memory_order_release);
}

void Server::remove_authenticator(const Authenticator* authenticator) {
    std::lock_guard lock(hooks_mutex_);
    auto next = std::make_shared<AuthenticatorChain>(*authenticators_);
    std::erase_if(*next, [&](const AuthenticatorPtr& a) { return a.get() == authenticator; });
    has_authenticators_.store(!next->empty(), std::memory_order_release);
    authenticators_ = std::move(next);
}

void Server::reauthenticate_clients() {
    if (!has_authenticators_.load(std::memory_order_acquire)) return;
    std::vector<ClientPtr> all;
    {
        std::lock_guard lock(clients_mutex_);
        for (auto& [id, weak] : clients_)
            if (auto c = weak.lock()) all.push_back(c);
    }
    // Each on its own thread, which owns its CONNECT state and subscriptions.
    for (auto& c : all) {
        asio::post(c->thread().context(), [c] {
            c->reauthenticate();
            c->thread().end_batch();  // the -ERRs and interest changes go out
        });
    }
}

std::shared_ptr<const AuthenticatorChain> Server::authenticators() const {
    std::lock_guard lock(hooks_mutex_);
    return authenticators_;
}

std::uint64_t Server::begin_pending_auth(const ClientPtr& client) {
    const auto handle = next_auth_handle_.fetch_add(1, std::memory_order_relaxed) + 1;
    std::lock_guard lock(pending_auth_mutex_);
    pending_auth_.emplace(handle, client);
    return handle;
}

void Server::end_pending_auth(std::uint64_t handle) {
    std::lock_guard lock(pending_auth_mutex_);
    pending_auth_.erase(handle);
}

bool Server::complete_auth(std::uint64_t handle, AuthResult result) {
    ClientPtr client;
    {
        std::lock_guard lock(pending_auth_mutex_);
        auto it = pending_auth_.find(handle);
        if (it == pending_auth_.end()) return false;
        client = it->second.lock();
        pending_auth_.erase(it);
    }
    if (!client) return false;
    asio::post(client->thread().context(), [client, result = std::move(result)]() mutable {
        client->resume_auth(std::move(result));
    });
    return true;
}

// ---- interest ----

void Server::add_interest_observer(InterestObserverPtr observer) {
    std::lock_guard lock(hooks_mutex_);
    auto next = std::make_shared<std::vector<InterestObserverPtr>>(*interest_observers_);
    next->push_back(std::move(observer));
    interest_observers_ = std::move(next);
    has_interest_observers_.store(true, std::memory_order_release);
}

void Server::remove_interest_observer(const InterestObserver* observer) {
    std::lock_guard lock(hooks_mutex_);
    auto next = std::make_shared<std::vector<InterestObserverPtr>>(*interest_observers_);
    std::erase_if(*next, [&](const InterestObserverPtr& o) { return o.get() == observer; });
    has_interest_observers_.store(!next->empty(), std::memory_order_release);
    interest_observers_ = std::move(next);
}

void Server::notify_interest_slow(const Account& account, const ServerSubscription& sub, bool added) {
    std::shared_ptr<const std::vector<InterestObserverPtr>> observers;
    {
        std::lock_guard lock(hooks_mutex_);
        observers = interest_observers_;
    }
    for (const auto& o : *observers) o->on_interest(account, sub, added);
}

void Server::add_client_observer(ClientObserverPtr observer) {
    std::lock_guard lock(hooks_mutex_);
    auto next = std::make_shared<std::vector<ClientObserverPtr>>(*client_observers_);
    next->push_back(std::move(observer));
    client_observers_ = std::move(next);
    has_client_observers_.store(true, std::memory_order_release);
}

void Server::remove_client_observer(const ClientObserver* observer) {
    std::lock_guard lock(hooks_mutex_);
    auto next = std::make_shared<std::vector<ClientObserverPtr>>(*client_observers_);
    std::erase_if(*next, [&](const ClientObserverPtr& o) { return o.get() == observer; });
    has_client_observers_.store(!next->empty(), std::memory_order_release);
    client_observers_ = std::move(next);
}

void Server::notify_client_event(const ClientEvent& event) {
    std::shared_ptr<const std::vector<ClientObserverPtr>> observers;
    {
        std::lock_guard lock(hooks_mutex_);
        observers = client_observers_;
    }
    for (const auto& o : *observers) o->on_client_event(event);
}

void Server::add_internal_subscription(const AccountPtr& account, std::shared_ptr<ServerSubscription> sub) {
    const ServerSubscription& ref = *sub;
    account->sublist.insert(std::move(sub));
    notify_interest(*account, ref, true);
}

void Server::remove_internal_subscription(const AccountPtr& account, const std::shared_ptr<ServerSubscription>& sub) {
    if (account->sublist.remove(sub.get())) notify_interest(*account, *sub, false);
}

// ---- monitoring ----

std::vector<ConnectionInfo> Server::connections() const {
    std::vector<ClientPtr> all;
    {
        std::lock_guard lock(clients_mutex_);
        all.reserve(clients_.size());
        for (auto& [id, weak] : clients_)
            if (auto c = weak.lock()) all.push_back(c);
    }
    std::vector<ConnectionInfo> out;
    out.reserve(all.size());
    for (const auto& c : all) out.push_back(c->info());
    std::sort(out.begin(), out.end(), [](const ConnectionInfo& a, const ConnectionInfo& b) { return a.cid < b.cid; });
    return out;
}

void Server::remember_closed(ClosedConnection record) {
    if (closed_capacity_ == 0) return;
    auto entry = std::make_shared<const ClosedConnection>(std::move(record));
    std::lock_guard lock(closed_mutex_);
    if (closed_ring_.size() < closed_capacity_) {
        closed_ring_.push_back(std::move(entry));
    } else {
        // The evicted record is released here, under the lock; it holds only strings.
        closed_ring_[closed_total_ % closed_capacity_] = std::move(entry);
    }
    ++closed_total_;
}

std::vector<std::shared_ptr<const ClosedConnection>> Server::closed_connections() const {
    std::lock_guard lock(closed_mutex_);
    if (closed_ring_.size() < closed_capacity_) return closed_ring_;
    std::vector<std::shared_ptr<const ClosedConnection>> out;
    out.reserve(closed_ring_.size());
    const std::size_t oldest = closed_total_ % closed_capacity_;
    out.insert(out.end(), closed_ring_.begin() + static_cast<std::ptrdiff_t>(oldest), closed_ring_.end());
    out.insert(out.end(), closed_ring_.begin(), closed_ring_.begin() + static_cast<std::ptrdiff_t>(oldest));
    return out;
}

void Server::wait() {
    std::unique_lock lock(done_mutex_);
    done_cv_.wait(lock, [this] { return done_; });
}

}  // namespace nats::server
