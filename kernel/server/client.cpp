#include "kernel/server/client.hpp"

#include <nlohmann/json.hpp>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <charconv>

#include "kernel/log/logging.hpp"
#include "kernel/routing/subject.hpp"
#include "kernel/server/router.hpp"
#include "kernel/server/server.hpp"

namespace nats::server {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

std::string_view close_reason_text(CloseReason r) {
    switch (r) {
        case CloseReason::client_closed: return "Client Closed";
        case CloseReason::server_shutdown: return "Server Shutdown";
        case CloseReason::protocol_error: return "Protocol Violation";
        case CloseReason::auth_violation: return "Authentication Failure";
        case CloseReason::auth_timeout: return "Authentication Timeout";
        case CloseReason::stale_connection: return "Stale Connection";
        case CloseReason::slow_consumer_pending: return "Slow Consumer (Pending Bytes)";
        case CloseReason::slow_consumer_deadline: return "Slow Consumer (Write Deadline)";
        case CloseReason::max_connections: return "Maximum Connections Exceeded";
        case CloseReason::max_account_connections: return "Maximum Account Connections Exceeded";
        case CloseReason::max_subscriptions: return "Maximum Subscriptions Exceeded";
        case CloseReason::tls_error: return "TLS Handshake Failure";
        case CloseReason::lame_duck: return "Server Shutdown";
        case CloseReason::read_error: return "Read Error";
        case CloseReason::write_error: return "Write Error";
        case CloseReason::max_payload: return "Maximum Message Payload Exceeded";
        case CloseReason::no_responders_without_headers: return "No Responders Requires Headers";
        case CloseReason::parse_error: return "Parse Error";
        case CloseReason::max_control_line: return "Maximum Control Line Exceeded";
        case CloseReason::bad_client_protocol: return "Bad Client Protocol Version";
    }
    return "Unknown State";
}

namespace {

// nats-server's minLimit: the smaller of two limits, where only -1 means none
// (another negative value is a limit nothing fits under, as in Go).
constexpr std::int64_t no_limit = -1;
std::int64_t min_limit(std::int64_t a, std::int64_t b) {
    if (a == no_limit) return b;
    if (b == no_limit) return a;
    return std::min(a, b);
}

void append_number(std::string& out, std::uint64_t n) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, res.ptr);
}

constexpr std::string_view no_responders_status = "NATS/1.0 503\r\n\r\n";

std::int64_t steady_ns(steady::time_point t) {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

// nats-server's computeRTT: never 0 once measured, so 0 keeps meaning "not yet".
std::int64_t round_trip_ns(steady::time_point from, steady::time_point to) {
    return std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::nanoseconds>(to - from).count());
}

// nats-server pings a client that keeps it busy anyway when its round trip was
// last measured longer ago than this (DEFAULT_RTT_MEASUREMENT_INTERVAL).
constexpr auto rtt_measurement_interval = std::chrono::hours(1);

// CONNECT as traced: passwords and tokens never reach the log.
std::string redact_connect(std::string_view json) {
    auto doc = nlohmann::json::parse(json, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return std::string(json);
    for (const char* secret : {"pass", "auth_token", "sig"})
        if (doc.contains(secret)) doc[secret] = "[REDACTED]";
    return doc.dump();
}

// Go's %q, which nats-server uses to quote subjects in permission errors.
std::string go_quote(std::string_view text) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : text) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\a': out += "\\a"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\v': out += "\\v"; break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    out += "\\x";
                    out += hex[c >> 4];
                    out += hex[c & 15];
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    out += '"';
    return out;
}

// As nats-server: base64url (no padding) of 11 random bytes, 15 characters.
std::string make_nonce() {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    unsigned char random[11];
    RAND_bytes(random, sizeof random);
    std::string out;
    std::uint32_t bits = 0;
    int count = 0;
    for (unsigned char b : random) {
        bits = (bits << 8) | b;
        count += 8;
        while (count >= 6) {
            count -= 6;
            out.push_back(alphabet[(bits >> count) & 63]);
        }
    }
    if (count > 0) out.push_back(alphabet[(bits << (6 - count)) & 63]);
    return out;
}

}  // namespace

SubscriptionDetail ClientSubscription::detail(std::uint64_t cid) const {
    SubscriptionDetail d;
    d.subject = subject;
    d.queue = queue;
    d.sid = sid;
    // Written under the client's outbound lock; relaxed reads are enough for a snapshot.
    d.msgs = delivered.load(std::memory_order_relaxed);
    d.max = max_msgs.load(std::memory_order_relaxed);
    d.cid = cid;
    return d;
}

bool ClientSubscription::deliver(const RoutedMessage& message, IoThread& from, Client* publisher) {
    return client->deliver(*this, message, from, publisher);
}

Client::Client(Server& server, IoThread& thread, asio::ip::tcp::socket socket, std::uint64_t id)
    : server_(server), thread_(thread), socket_(std::move(socket)), id_(id), created_(steady::now()) {
    asio::error_code ec;
    auto ep = socket_.remote_endpoint(ec);
    if (!ec) {
        remote_ip_ = ep.address().to_string();
        remote_port_ = ep.port();
    }
    auto opts = server_.options();
    parser_.set_limits({static_cast<std::size_t>(opts->max_control_line), opts->max_payload});
    auth_required_ = server_.auth_required();
    if (auth_required_ && server_.nonce_required()) nonce_ = make_nonce();
    // nats-server sends the first PING sooner than the regular interval.
    next_ping_ = created_ + std::min<std::chrono::milliseconds>(opts->ping_interval, 2s);
    last_activity_ns_.store(steady_ns(created_), std::memory_order_relaxed);
}

Client::~Client() = default;

void Client::start() {
    account_ = server_.global_account();
    account_view_.store(account_.get(), std::memory_order_release);
    account_->client_count.fetch_add(1, std::memory_order_relaxed);
    asio::error_code ec;
    socket_.set_option(asio::ip::tcp::no_delay(true), ec);
    thread_.add_client(shared_from_this());
    server_.socket_opened();
    NMK_DEBUG("{}:{} - cid:{} - Client connection created", remote_ip_, remote_port_, id_);
    send_info();
    auto opts = server_.options();
    if (server_.client_count() > static_cast<std::size_t>(opts->max_connections)) {
        close(CloseReason::max_connections, "maximum connections exceeded");
        return;
    }
    if (server_.tls_required()) {
        flush();  // INFO goes out in the clear, then the handshake starts
        start_tls();
        return;
    }
    socket_.non_blocking(true, ec);
    flush();
    start_reading();
}

void Client::send_info() {
    std::string line = "INFO ";
    line += server_.info_json(id_, remote_ip_, nonce_);
    line += " \r\n";
    queue_self(line);
}

void Client::start_tls() {
    tls_pending_ = true;
    tls_ = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(socket_, *server_.tls_context());
    tls_->async_handshake(asio::ssl::stream_base::server, [self = shared_from_this()](const asio::error_code& ec) {
        if (self->closed()) return;
        self->tls_pending_ = false;
        if (ec) {
            NMK_ERROR("{}:{} - cid:{} - TLS handshake error: {}", self->remote_ip_, self->remote_port_, self->id_,
                      ec.message());
            // The client may not speak TLS at all: tell it in the clear.
            self->tls_.reset();
            self->close_now(CloseReason::tls_error, "Secure Connection - TLS Required");
            return;
        }
        NMK_DEBUG("{}:{} - cid:{} - TLS handshake complete", self->remote_ip_, self->remote_port_, self->id_);
        self->tls_read_buffer_ = std::make_unique<char[]>(16 * 1024);
        self->flush();
        self->start_reading();
    });
}

void Client::start_reading() {
    if (tls_) read_tls();
    else read_plain();
}

// Plain sockets: wait for readability, then drain the socket into the thread's
// shared buffer. The socket is drained until it would block because Asio's
// reactor is edge-triggered: a wait armed with unread data would never fire.
void Client::read_plain() {
    socket_.async_wait(asio::socket_base::wait_read, [self = shared_from_this()](const asio::error_code& ec) {
        if (ec || self->finished_) return;
        if (self->closed()) {
            // Draining after close: keep emptying the receive queue, because
            // closing a socket with unread input makes the kernel send a reset,
            // which throws away the output the peer has not read yet.
            if (self->discard_input()) self->read_plain();
            return;
        }
        self->read_plain_now();
    });
}

bool Client::discard_input() {
    auto& buffer = thread_.read_buffer();
    for (int reads = 0; reads < 16; ++reads) {
        asio::error_code ec;
        socket_.read_some(asio::buffer(buffer), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) return true;
        if (ec) return false;
    }
    return true;
}

void Client::read_plain_now() {
    auto& buffer = thread_.read_buffer();
    for (int reads = 0; reads < 16; ++reads) {
        asio::error_code rec;
        std::size_t n = socket_.read_some(asio::buffer(buffer), rec);
        if (rec == asio::error::would_block || rec == asio::error::try_again) {
            read_plain();
            return;
        }
        if (rec) {
            close(rec == asio::error::eof ? CloseReason::client_closed : CloseReason::read_error);
            return;
        }
        bool ok = process_input(buffer.data(), n);
        thread_.end_batch();
        if (!ok || closed() || !continue_reading()) return;
    }
    // A busy connection yields to the others on this thread, then goes on.
    asio::post(thread_.context(), [self = shared_from_this()] {
        if (!self->closed()) self->read_plain_now();
    });
}

// The stall: when this client's publishing pushed a subscriber past half of
// max_pending, stop reading from it (TCP pushes back on the publisher) until the
// subscriber drains below half or the stall time runs out. The event loop never
// blocks; other connections on this thread carry on.
bool Client::continue_reading() {
    if (auth_pending_) {
        read_paused_ = true;
        return false;
    }
    auto target = stall_on_.lock();
    stall_on_.reset();
    if (!target || target->closed()) return true;
    const std::int64_t max_pending = server_.max_pending();
    std::int64_t queued;
    {
        std::lock_guard lock(target->out_.mutex);
        queued = static_cast<std::int64_t>(target->out_.queued_bytes_locked());
        if (queued <= max_pending / 2) return true;
        target->stalled_publishers_.push_back(weak_from_this());
    }
    // nats-server: 100 ms, plus 100 ms for each twentieth of max_pending above half; 1 s at the limit.
    auto wait = std::chrono::milliseconds(100);
    if (queued >= max_pending) wait = 1s;
    else wait += std::chrono::milliseconds(100 * ((queued - max_pending / 2) / std::max<std::int64_t>(max_pending / 20, 1)));
    stalled_ = true;
    if (!stall_timer_) stall_timer_ = std::make_unique<asio::steady_timer>(thread_.context());
    stall_timer_->expires_after(wait);
    stall_timer_->async_wait([self = shared_from_this()](const asio::error_code& ec) {
        if (!ec) self->resume_reading();
    });
    return false;
}

void Client::resume_reading() {
    if (!stalled_ || closed()) return;
    stalled_ = false;
    if (stall_timer_) stall_timer_->cancel();
    if (tls_) read_tls();
    else read_plain_now();
}

// Subscriber side: wake the publishers that waited for this queue to drain.
void Client::release_stalled_publishers() {
    std::vector<std::weak_ptr<Client>> waiting;
    {
        std::lock_guard lock(out_.mutex);
        if (stalled_publishers_.empty()) return;
        if (!closed() && static_cast<std::int64_t>(out_.queued_bytes_locked()) > server_.max_pending() / 2) return;
        waiting.swap(stalled_publishers_);
    }
    for (auto& w : waiting) {
        if (auto p = w.lock()) asio::post(p->thread_.context(), [p] { p->resume_reading(); });
    }
}

void Client::read_tls() {
    tls_->async_read_some(asio::buffer(tls_read_buffer_.get(), 16 * 1024),
                          [self = shared_from_this()](const asio::error_code& ec, std::size_t n) {
                              if (self->closed()) return;
                              if (ec) {
                                  self->close(CloseReason::client_closed);
                                  return;
                              }
                              bool ok = self->process_input(self->tls_read_buffer_.get(), n);
                              self->thread_.end_batch();
                              if (ok && !self->closed() && self->continue_reading()) self->read_tls();
                          });
}

bool Client::process_input(const char* data, std::size_t size) {
    last_in_ = steady::now();
    thread_.set_batch_clock(last_in_);  // deliveries of this batch stamp their subscribers with it
    auto err = parser_.parse(data, size, *this);
    // As nats-server: messages and subscriptions are activity, PINGs are not. Once per batch.
    if (batch_activity_) {
        batch_activity_ = false;
        last_activity_ns_.store(steady_ns(last_in_), std::memory_order_relaxed);
    }
    if (err == protocol::ParseError::none) return true;
    if (err == protocol::ParseError::handler_stopped) return false;
    NMK_ERROR("{}:{} - cid:{} - Client parser ERROR: {} ({})", remote_ip_, remote_port_, id_,
              protocol::error_text(err), parser_.last_error_context());
    // Some parse errors close without an -ERR, as in nats-server (empty text).
    CloseReason reason = CloseReason::protocol_error;
    if (err == protocol::ParseError::max_payload) reason = CloseReason::max_payload;
    else if (err == protocol::ParseError::max_control_line) reason = CloseReason::max_control_line;
    close_now(reason, protocol::error_text(err));
    return false;
}

// ---- protocol handlers (owner thread) ----

bool Client::on_connect(std::string_view json) {
    if (auth_pending_) {
        hold(HeldOp::Kind::connect, json);
        return true;
    }
    NMK_TRACE("{}:{} - cid:{} - <<- [CONNECT {}]", remote_ip_, remote_port_, id_, redact_connect(json));
    {
        // nats-server: CONNECT is activity, and its delay since the accept is the first round-trip estimate.
        const auto now = steady::now();
        last_activity_ns_.store(steady_ns(now), std::memory_order_relaxed);
        rtt_ns_.store(round_trip_ns(created_, now), std::memory_order_relaxed);
    }
    auto doc = nlohmann::json::parse(json, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
        // nats-server closes without a word here.
        close_now(CloseReason::protocol_error, {});
        return false;
    }
    auto get_bool = [&](const char* key, bool fallback) {
        auto it = doc.find(key);
        return (it != doc.end() && it->is_boolean()) ? it->get<bool>() : fallback;
    };
    auto get_string = [&](const char* key) {
        auto it = doc.find(key);
        return (it != doc.end() && it->is_string()) ? it->get<std::string>() : std::string();
    };
    opts_.verbose = get_bool("verbose", opts_.verbose);
    opts_.pedantic = get_bool("pedantic", opts_.pedantic);
    opts_.echo = get_bool("echo", opts_.echo);
    opts_.headers = get_bool("headers", false);
    opts_.no_responders = get_bool("no_responders", false);
    {
        std::lock_guard lock(subs_mutex_);
        opts_.name = get_string("name");
        opts_.lang = get_string("lang");
        opts_.version = get_string("version");
    }
    if (auto it = doc.find("protocol"); it != doc.end() && it->is_number_integer()) opts_.protocol = it->get<int>();
    if (opts_.protocol < 0 || opts_.protocol > 1) {
        close_now(CloseReason::bad_client_protocol, "invalid client protocol");
        return false;
    }

    if (auth_required_) {
        // Only authenticators (plugins) admit clients; the kernel has no credentials of its own.
        auth_chain_ = server_.authenticators();
        auth_index_ = 0;
        connect_json_.assign(json);
        return run_auth_chain();
    }
    return accept_connect();
}

// The "user" of the CONNECT being decided, for log lines.
std::string Client::connect_user() const {
    auto doc = nlohmann::json::parse(connect_json_, nullptr, false);
    if (!doc.is_object()) return {};
    auto it = doc.find("user");
    return (it != doc.end() && it->is_string()) ? it->get<std::string>() : std::string();
}

// Asks the authenticators from auth_index_ on. False when the connection was refused.
bool Client::run_auth_chain() {
    const AuthResult result = ask_auth_chain();
    switch (result.decision) {
        case AuthDecision::pending:
            auth_pending_ = true;
            return true;
        case AuthDecision::allow:
            return apply_auth(result) && accept_connect();
        case AuthDecision::deny:
            deny_auth(result.user.empty() ? connect_user() : result.user, (*auth_chain_)[auth_index_]->name(),
                      result.deny_reason);
            return false;
        case AuthDecision::defer:
            break;
    }
    deny_auth(connect_user(), {}, "no authenticator accepted the connection");
    return false;
}

AuthResult Client::ask_auth_chain() {
    const auto& chain = *auth_chain_;
    std::string tls_subject;
    if (tls_ && server_.options()->tls.verify) tls_subject = tls_peer_subject();
    while (auth_index_ < chain.size()) {
        const auto& authenticator = chain[auth_index_];
        // Registered before asking: the answer may come from another thread
        // before authenticate() has even returned.
        const auto handle = server_.begin_pending_auth(shared_from_this());
        AuthRequest request;
        request.client_id = id_;
        request.connect_json = connect_json_;
        request.client_ip = remote_ip_;
        request.client_port = static_cast<std::uint16_t>(remote_port_);
        request.nonce = nonce_;
        request.tls = tls_ != nullptr;
        request.tls_subject = tls_subject;
        request.pending_handle = handle;
        AuthResult result = authenticator->authenticate(request);
        if (result.decision == AuthDecision::pending) {
            pending_handle_ = handle;
            return result;
        }
        server_.end_pending_auth(handle);
        if (result.decision != AuthDecision::defer) return result;
        ++auth_index_;
    }
    return AuthResult{};  // everyone deferred
}

void Client::resume_auth(AuthResult result) {
    if (closed()) return;
    if (reauth_pending_) {
        reauth_pending_ = false;
        pending_handle_ = 0;
        if (result.decision == AuthDecision::defer) {
            ++auth_index_;
            continue_reauth(ask_auth_chain());
        } else if (result.decision == AuthDecision::pending) {
            deny_auth(connect_user(), (*auth_chain_)[auth_index_]->name(), "answered pending twice");
        } else {
            continue_reauth(result);
        }
        thread_.end_batch();
        return;
    }
    if (!auth_pending_) return;
    auth_pending_ = false;
    pending_handle_ = 0;
    bool ok = false;
    switch (result.decision) {
        case AuthDecision::allow:
            ok = apply_auth(result) && accept_connect();
            break;
        case AuthDecision::deny:
            deny_auth(result.user.empty() ? connect_user() : result.user, (*auth_chain_)[auth_index_]->name(),
                      result.deny_reason);
            break;
        case AuthDecision::defer:
            ++auth_index_;
            ok = run_auth_chain();
            break;
        case AuthDecision::pending:
            deny_auth(connect_user(), (*auth_chain_)[auth_index_]->name(), "answered pending twice");
            break;
    }
    if (ok && !closed()) replay_held_ops();
    if (batch_activity_) {  // the replayed PUBs and SUBs
        batch_activity_ = false;
        last_activity_ns_.store(steady_ns(steady::now()), std::memory_order_relaxed);
    }
    thread_.end_batch();
    if (closed() || auth_pending_ || !read_paused_) return;
    read_paused_ = false;
    if (!continue_reading()) return;  // the replay stalled on a slow subscriber
    if (tls_) read_tls();
    else read_plain_now();
}

void Client::hold(HeldOp::Kind kind, std::string_view a, std::string_view b, std::string_view c,
                  std::size_t header_size, std::optional<std::uint64_t> max_msgs) {
    HeldOp op;
    op.kind = kind;
    op.a.assign(a);
    op.b.assign(b);
    op.c.assign(c);
    op.header_size = header_size;
    op.max_msgs = max_msgs;
    held_.push_back(std::move(op));
}

void Client::replay_held_ops() {
    std::vector<HeldOp> ops;
    ops.swap(held_);
    // Handlers hold again by themselves should an op re-enter the pending state.
    for (auto& op : ops) {
        bool ok = true;
        switch (op.kind) {
            case HeldOp::Kind::connect: ok = on_connect(op.a); break;
            case HeldOp::Kind::pub: {
                protocol::PubArgs args;
                args.subject = op.a;
                args.reply = op.b;
                args.header_size = op.header_size;
                args.total_size = op.c.size();
                ok = on_pub(args, op.c);
                break;
            }
            case HeldOp::Kind::sub: ok = on_sub(op.a, op.b, op.c); break;
            case HeldOp::Kind::unsub: ok = on_unsub(op.a, op.max_msgs); break;
            case HeldOp::Kind::ping: ok = on_ping(); break;
            case HeldOp::Kind::pong: ok = on_pong(); break;
        }
        if (!ok || closed()) {
            held_.clear();
            return;
        }
    }
}

bool Client::apply_auth(const AuthResult& result) {
    auth_chain_.reset();
    std::unique_ptr<Permissions> perms;
    try {
        perms = Permissions::compile(result.permissions_json);
    } catch (const PermissionsError& e) {
        // Never let a client in with rights nobody can read.
        deny_auth(result.user.empty() ? connect_user() : result.user, {}, e.what());
        return false;
    }
    auto account = server_.get_or_create_account(result.account);
    if (account != account_) {
        // The account's max_connections counts this connection (nats-server's
        // MaxTotalConnectionsReached); the increment decides between racers.
        constexpr auto relaxed = std::memory_order_relaxed;
        const std::int64_t max_connections = account->max_connections.load(relaxed);
        const int before = account->client_count.fetch_add(1, relaxed);
        if (max_connections != no_limit && before >= max_connections) {
            account->client_count.fetch_sub(1, relaxed);
            NMK_ERROR("{}:{} - cid:{} - maximum account active connections exceeded", remote_ip_, remote_port_, id_);
            close_now(CloseReason::max_account_connections, "maximum account active connections exceeded");
            return false;
        }
        account_->client_count.fetch_sub(1, relaxed);
        account_ = std::move(account);
        account_view_.store(account_.get(), std::memory_order_release);
    }
    {
        std::lock_guard lock(subs_mutex_);
        user_ = result.user;
    }
    set_permissions(std::move(perms));
    apply_limits(result);
    if (subscriptions_at_limit()) {
        // An account that allows no subscriptions (nats-server's subsAtLimit at registration).
        NMK_ERROR("{}:{} - cid:{} - maximum subscriptions exceeded", remote_ip_, remote_port_, id_);
        close_now(CloseReason::max_subscriptions, "maximum subscriptions exceeded");
        return false;
    }
    return true;
}

// The smallest of the authenticator's, the account's and the server's limits,
// as nats-server's applyAccountLimits.
void Client::apply_limits(const AuthResult& result) {
    constexpr auto relaxed = std::memory_order_relaxed;
    auto opts = server_.options();
    std::int64_t payload =
        min_limit(min_limit(result.max_payload, account_->max_payload.load(relaxed)), opts->max_payload);
    if (payload < 0) payload = 0;  // the parser reads a negative limit as none; here it lets nothing through
    max_payload_ = payload;
    parser_.set_limits({static_cast<std::size_t>(opts->max_control_line), payload});
    max_subs_ = min_limit(result.max_subscriptions, account_->max_subscriptions.load(relaxed));
}

std::int64_t Client::max_subscriptions() const {
    const auto opts = server_.options();
    // The server's max_subscriptions of 0 is no limit; an account's 0 allows none.
    return min_limit(max_subs_, opts->max_subscriptions > 0 ? opts->max_subscriptions : no_limit);
}

bool Client::subscriptions_at_limit() {
    const std::int64_t limit = max_subscriptions();
    std::lock_guard lock(subs_mutex_);
    return limit != no_limit && static_cast<std::int64_t>(subs_.size()) >= limit;
}

void Client::deny_auth(std::string_view user, std::string_view authenticator, std::string_view reason) {
    // Never log the secret itself.
    std::string detail;
    if (!authenticator.empty()) detail.append(" (").append(authenticator).append(")");
    if (!reason.empty()) detail.append(": ").append(reason);
    NMK_ERROR("{}:{} - cid:{} - authentication error - User \"{}\"{}", remote_ip_, remote_port_, id_, user, detail);
    auth_chain_.reset();
    close_now(CloseReason::auth_violation, "Authorization Violation");
}

// ---- permissions (see permissions.hpp) ----

void Client::set_permissions(std::unique_ptr<Permissions> perms) {
    perms_ = std::move(perms);
    std::unique_ptr<DeliveryRules> rules;
    if (perms_ && perms_->responses()) {
        rules = std::make_unique<DeliveryRules>();
        rules->replies = std::make_unique<ReplyPermits>(*perms_->responses());
    }
    bool filter = false;
    if (perms_) {
        std::lock_guard lock(subs_mutex_);
        for (const auto& [sid, sub] : subs_) {
            if (perms_->needs_delivery_filter(sub->subject)) {
                filter = true;
                break;
            }
        }
    }
    if (filter) {
        if (!rules) rules = std::make_unique<DeliveryRules>();
        rules->filter = perms_;
    }
    std::lock_guard lock(out_.mutex);
    delivery_rules_.swap(rules);
}

void Client::enable_delivery_filter() {
    std::lock_guard lock(out_.mutex);
    if (!delivery_rules_) delivery_rules_ = std::make_unique<DeliveryRules>();
    delivery_rules_->filter = perms_;
}

// Under out_.mutex: nats-server checks subscribe deny entries on delivery
// (a wildcard subscription may reach them) and notes reply subjects the
// client may answer.
bool Client::delivery_admits_locked(const RoutedMessage& message) {
    if (delivery_rules_->filter && delivery_rules_->filter->delivery_denied(message.subject)) return false;
    if (delivery_rules_->replies && !message.reply.empty())
        delivery_rules_->replies->grant(message.reply, steady::now());
    return true;
}

bool Client::publish_permitted(std::string_view subject) {
    if (!perms_->publish_restricted() || perms_->publish_allowed(subject)) return true;
    if (!perms_->responses()) return false;
    std::lock_guard lock(out_.mutex);
    return delivery_rules_ && delivery_rules_->replies && delivery_rules_->replies->use(subject, steady::now());
}

void Client::publish_violation(std::string_view subject) {
    send_err("Permissions Violation for Publish to " + go_quote(subject));
    NMK_ERROR("{}:{} - cid:{} - Publish Violation - User \"{}\", Subject \"{}\"", remote_ip_, remote_port_, id_,
              log_user(), subject);
}

// Violation logs name the user as nats-server does: "N/A" without one.
std::string_view Client::log_user() const { return user_.empty() ? std::string_view("N/A") : user_; }

// Replies the server itself routes by (service imports, JetStream acks, gateway
// replies): a client may not forge them.
bool Client::is_reserved_reply(std::string_view reply) {
    return reply.starts_with("_R_.") || reply.starts_with("$JS.ACK.") || reply.starts_with("_GR_.");
}

void Client::reply_violation(std::string_view reply) {
    send_err("Permissions Violation for Publish with Reply of " + go_quote(reply));
    NMK_ERROR("{}:{} - cid:{} - Publish Violation - User \"{}\", Reply \"{}\"", remote_ip_, remote_port_, id_,
              log_user(), reply);
}

void Client::subscribe_violation(std::string_view subject, std::string_view queue, std::string_view sid) {
    std::string text = "Permissions Violation for Subscription to " + go_quote(subject);
    if (!queue.empty()) text += " using queue " + go_quote(queue);
    send_err(text);
    NMK_ERROR("{}:{} - cid:{} - Subscription Violation - User \"{}\", Subject \"{}\"{}{}{}, SID {}", remote_ip_,
              remote_port_, id_, log_user(), subject, queue.empty() ? "" : ", Queue: \"", queue, queue.empty() ? "" : "\"",
              sid);
}

// After new permissions: subscriptions they no longer allow go, each with an
// -ERR naming its sid, as nats-server does on reload.
void Client::drop_forbidden_subscriptions() {
    if (!perms_) return;
    std::vector<std::shared_ptr<ClientSubscription>> removed;
    {
        std::lock_guard lock(subs_mutex_);
        for (auto it = subs_.begin(); it != subs_.end();) {
            const ClientSubscription& sub = *it->second;
            const bool keep = perms_->subscribe_allowed(sub.subject) ||
                              (!sub.queue.empty() && perms_->subscribe_allowed(sub.subject, sub.queue));
            if (keep) {
                ++it;
                continue;
            }
            removed.push_back(it->second);
            it = subs_.erase(it);
        }
    }
    if (removed.empty()) return;
    // In sid order (numeric sids by value), so the -ERRs come in a stable order.
    std::sort(removed.begin(), removed.end(), [](const auto& a, const auto& b) {
        return std::pair(a->sid.size(), std::string_view(a->sid)) < std::pair(b->sid.size(), std::string_view(b->sid));
    });
    std::vector<const routing::Subscription*> batch;
    batch.reserve(removed.size());
    for (const auto& sub : removed) batch.push_back(sub.get());
    account_->sublist.remove_batch(batch);
    for (const auto& sub : removed) {
        server_.notify_interest(*account_, *sub, false);
        send_err("Permissions Violation for Subscription to " + go_quote(sub->subject) + " (sid " + go_quote(sub->sid) +
                 ")");
        NMK_INFO("Removed sub \"{}\" (sid \"{}\") for User \"{}\" - not authorized", sub->subject, sub->sid, user_);
    }
}

// ---- reload ----

void Client::reauthenticate() {
    // Only clients an authenticator admitted, and not while one is deciding.
    if (closed() || !connect_received_ || connect_json_.empty() || auth_pending_ || reauth_pending_) return;
    auth_chain_ = server_.authenticators();
    auth_index_ = 0;
    continue_reauth(ask_auth_chain());
}

void Client::continue_reauth(const AuthResult& result) {
    if (closed()) return;
    switch (result.decision) {
        case AuthDecision::pending:
            reauth_pending_ = true;  // the old rights hold until the answer
            return;
        case AuthDecision::deny:
            deny_auth(result.user.empty() ? connect_user() : result.user, (*auth_chain_)[auth_index_]->name(),
                      result.deny_reason);
            return;
        case AuthDecision::defer:
            deny_auth(connect_user(), {}, "no authenticator accepted the connection");
            return;
        case AuthDecision::allow:
            break;
    }
    auth_chain_.reset();
    const std::string_view account = result.account.empty() ? std::string_view(global_account_name) : result.account;
    if (account != account_->name) {
        // As nats-server: a user moved to another account is disconnected and reconnects there.
        NMK_DEBUG("{}:{} - cid:{} - User \"{}\" moved to account \"{}\"", remote_ip_, remote_port_, id_, result.user,
                  account);
        close_now(CloseReason::client_closed, {});
        return;
    }
    std::unique_ptr<Permissions> perms;
    try {
        perms = Permissions::compile(result.permissions_json);
    } catch (const PermissionsError& e) {
        deny_auth(result.user.empty() ? connect_user() : result.user, {}, e.what());
        return;
    }
    {
        std::lock_guard lock(subs_mutex_);
        user_ = result.user;
    }
    apply_limits(result);
    set_permissions(std::move(perms));
    drop_forbidden_subscriptions();
}

bool Client::accept_connect() {
    if (opts_.no_responders && !opts_.headers) {
        close_now(CloseReason::no_responders_without_headers, "no responders requires headers support");
        return false;
    }
    connect_received_ = true;
    send_ok();
    return true;
}

std::string Client::tls_peer_subject() {
    std::string out;
    X509* cert = SSL_get1_peer_certificate(tls_->native_handle());
    if (!cert) return out;
    if (BIO* bio = BIO_new(BIO_s_mem())) {
        X509_NAME_print_ex(bio, X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
        char* data = nullptr;
        const long n = BIO_get_mem_data(bio, &data);
        if (n > 0) out.assign(data, static_cast<std::size_t>(n));
        BIO_free(bio);
    }
    X509_free(cert);
    return out;
}

bool Client::on_pub(const protocol::PubArgs& args, std::string_view data) {
    if (auth_pending_) {
        hold(HeldOp::Kind::pub, args.subject, args.reply, data, args.header_size);
        return true;
    }
    if (log::trace_enabled()) {
        NMK_TRACE("{}:{} - cid:{} - <<- [{} {}{}{} {}{}]", remote_ip_, remote_port_, id_,
                  args.header_size ? "HPUB" : "PUB", args.subject, args.reply.empty() ? "" : " ", args.reply,
                  args.header_size ? std::to_string(args.header_size) + " " : std::string(), args.total_size);
    }
    if (!connect_received_ && auth_required_) {
        close_now(CloseReason::auth_violation, "Authorization Violation");
        return false;
    }
    batch_activity_ = true;
    in_msgs_.store(in_msgs_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    in_bytes_.store(in_bytes_.load(std::memory_order_relaxed) + data.size(), std::memory_order_relaxed);
    auto& stats = thread_.stats();
    stats.in_msgs.fetch_add(1, std::memory_order_relaxed);
    stats.in_bytes.fetch_add(data.size(), std::memory_order_relaxed);

    if (args.header_size > 0 && !opts_.headers) {
        // HPUB from a client that did not announce headers: closed silently, as nats-server does.
        close_now(CloseReason::protocol_error, {});
        return false;
    }
    // nats-server reports a wildcard publish subject but still routes the message,
    // and acknowledges before delivering.
    if (opts_.pedantic && !routing::is_valid_literal_subject(args.subject)) send_err("Invalid Publish Subject");
    if (perms_ && !publish_permitted(args.subject)) [[unlikely]] {
        publish_violation(args.subject);  // the message is dropped; the connection stays
        return true;
    }
    if (!args.reply.empty() && is_reserved_reply(args.reply)) [[unlikely]] {
        reply_violation(args.reply);  // the server's own reply prefixes: nats-server drops these too
        return true;
    }
    send_ok();
    std::string_view headers = data.substr(0, args.header_size);
    std::string_view payload = data.substr(args.header_size);

    const RoutedMessage message{args.subject, args.reply, headers, payload};
    bool delivered;
    {
        IoThread::RoutingScope scope(thread_);
        const routing::MatchResult* result = thread_.match_cache().match(account_->sublist, args.subject);
        delivered = deliver_to(*result, message, thread_, this, opts_.echo ? nullptr : this);
    }

    if (!delivered && opts_.no_responders && !args.reply.empty()) {
        // Answer the requester ourselves, on its own subscription for the reply subject.
        auto replies = account_->sublist.match(args.reply);
        for (const auto& s : replies->plain) {
            auto& sub = static_cast<ServerSubscription&>(*s);
            if (sub.origin != this) continue;
            sub.deliver(RoutedMessage{args.reply, {}, no_responders_status, {}}, thread_, nullptr);
            break;
        }
    }
    return true;
}

bool Client::deliver(ClientSubscription& sub, const RoutedMessage& message, IoThread& from, Client* publisher) {
    if (closed()) return false;
    const std::string_view subject = message.subject, reply = message.reply, headers = message.headers,
                           payload = message.payload;
    const bool with_headers = opts_.headers && !headers.empty();
    const std::size_t body = (with_headers ? headers.size() : 0) + payload.size();
    const std::int64_t max_pending = server_.max_pending();
    bool overflow = false;
    bool first_overflow = false;
    bool max_reached = false;
    {
        std::lock_guard lock(out_.mutex);
        const std::uint64_t max_msgs = sub.max_msgs.load(std::memory_order_relaxed);
        const std::uint64_t delivered = sub.delivered.load(std::memory_order_relaxed);
        if (max_msgs != 0 && delivered >= max_msgs) return false;
        if (delivery_rules_ && !delivery_admits_locked(message)) [[unlikely]] return false;
        auto& out = out_.pending;
        const auto queued = static_cast<std::int64_t>(out_.queued_bytes_locked() + body);
        overflow = queued > max_pending;
        if (overflow) {
            // Until the owner thread runs the close, more deliveries overflow:
            // count the slow consumer (and log it) once, as nats-server does.
            first_overflow = !slow_consumer_;
            slow_consumer_ = true;
        } else {
        out.append(with_headers ? "HMSG " : "MSG ");
        out.append(subject);
        out.push_back(' ');
        out.append(sub.sid);
        out.push_back(' ');
        if (!reply.empty()) {
            out.append(reply);
            out.push_back(' ');
        }
        if (with_headers) {
            append_number(out, headers.size());
            out.push_back(' ');
        }
        append_number(out, body);
        out.append("\r\n");
        if (with_headers) out.append(headers);
        out.append(payload);
        out.append("\r\n");
        ++out_msgs_;
        out_bytes_ += body;
        sub.delivered.store(delivered + 1, std::memory_order_relaxed);
        max_reached = delivered + 1 == max_msgs;
        if (publisher && publisher != this && queued > max_pending / 2) publisher->stall_on_ = weak_from_this();
        }
    }
    if (overflow) {
        // Drop it and cut the connection: a slow reader must never slow the publisher.
        if (!first_overflow) return false;
        from.stats().slow_consumers.fetch_add(1, std::memory_order_relaxed);
        // account_view_, not account_: this runs on the publisher's thread.
        if (const Account* account = account_view_.load(std::memory_order_acquire))
            account->slow_consumers.fetch_add(1, std::memory_order_relaxed);
        NMK_INFO("{}:{} - cid:{} - Slow Consumer Detected: MaxPending of {} Exceeded", remote_ip_, remote_port_, id_,
                 max_pending);
        close(CloseReason::slow_consumer_pending);
        return false;
    }
    from.stats().out_msgs.fetch_add(1, std::memory_order_relaxed);
    from.stats().out_bytes.fetch_add(body, std::memory_order_relaxed);
    {
        const auto token = from.batch_token();
        if (dirty_token.load(std::memory_order_relaxed) != token) {
            dirty_token.store(token, std::memory_order_relaxed);
            // Once per batch, as nats-server stamps each client it flushes to.
            last_activity_ns_.store(from.batch_clock(), std::memory_order_relaxed);
            from.note_dirty(shared_from_this());
        }
    }
    if (max_reached) {
        // Auto-unsubscribe reached: take it out of the index right away.
        std::shared_ptr<ClientSubscription> keep;
        {
            std::lock_guard lock(subs_mutex_);
            auto it = subs_.find(sub.sid);
            if (it != subs_.end() && it->second.get() == &sub) {
                keep = it->second;
                subs_.erase(it);
            }
        }
        if (keep && account_->sublist.remove(keep.get())) server_.notify_interest(*account_, *keep, false);
    }
    return true;
}

bool Client::on_sub(std::string_view subject, std::string_view queue, std::string_view sid) {
    if (auth_pending_) {
        hold(HeldOp::Kind::sub, subject, queue, sid);
        return true;
    }
    NMK_TRACE("{}:{} - cid:{} - <<- [SUB {}{}{} {}]", remote_ip_, remote_port_, id_, subject, queue.empty() ? "" : " ",
              queue, sid);
    if (!connect_received_ && auth_required_) {
        close_now(CloseReason::auth_violation, "Authorization Violation");
        return false;
    }
    if (!routing::is_valid_subject(subject) || (!queue.empty() && !routing::is_valid_queue_name(queue))) {
        send_err("Invalid Subject");
        return true;
    }
    if (perms_ && !perms_->subscribe_allowed(subject, queue)) {
        subscribe_violation(subject, queue, sid);
        return true;
    }
    {
        std::lock_guard lock(subs_mutex_);
        if (subs_.count(std::string(sid))) {
            // nats-server ignores a SUB that reuses a live sid.
            send_ok();
            return true;
        }
        const std::int64_t max_subs = max_subscriptions();
        if (max_subs != no_limit && static_cast<std::int64_t>(subs_.size()) >= max_subs) {
            NMK_ERROR("{}:{} - cid:{} - Maximum Subscriptions Exceeded (max={})", remote_ip_, remote_port_, id_,
                      max_subs);
            send_err("maximum subscriptions exceeded");
            return true;
        }
    }
    batch_activity_ = true;
    auto sub = std::make_shared<ClientSubscription>();
    sub->subject.assign(subject);
    sub->queue.assign(queue);
    sub->sid.assign(sid);
    sub->client = shared_from_this();
    sub->origin = this;
    {
        std::lock_guard lock(subs_mutex_);
        subs_.emplace(sub->sid, sub);
    }
    // Before the first delivery can reach it.
    if (perms_ && perms_->needs_delivery_filter(subject)) enable_delivery_filter();
    account_->sublist.insert(sub);
    server_.notify_interest(*account_, *sub, true);
    send_ok();
    return true;
}

bool Client::on_unsub(std::string_view sid, std::optional<std::uint64_t> max_msgs) {
    if (auth_pending_) {
        hold(HeldOp::Kind::unsub, sid, {}, {}, 0, max_msgs);
        return true;
    }
    NMK_TRACE("{}:{} - cid:{} - <<- [UNSUB {}{}]", remote_ip_, remote_port_, id_, sid,
              max_msgs ? " " + std::to_string(*max_msgs) : std::string());
    if (!connect_received_ && auth_required_) {
        close_now(CloseReason::auth_violation, "Authorization Violation");
        return false;
    }
    std::shared_ptr<ClientSubscription> sub;
    {
        std::lock_guard lock(subs_mutex_);
        auto it = subs_.find(std::string(sid));
        if (it != subs_.end()) {
            sub = it->second;
            bool keep = false;
            if (max_msgs && *max_msgs > 0) {
                std::lock_guard out_lock(out_.mutex);
                keep = sub->delivered.load(std::memory_order_relaxed) < *max_msgs;
                if (keep) sub->max_msgs.store(*max_msgs, std::memory_order_relaxed);
            }
            if (keep) sub.reset();  // removed by the delivery that reaches max
            else subs_.erase(it);
        }
    }
    if (sub && account_->sublist.remove(sub.get())) server_.notify_interest(*account_, *sub, false);
    send_ok();
    return true;
}

bool Client::on_ping() {
    if (auth_pending_) {
        hold(HeldOp::Kind::ping);
        return true;
    }
    NMK_TRACE("{}:{} - cid:{} - <<- [PING]", remote_ip_, remote_port_, id_);
    if (!connect_received_ && auth_required_) {
        close_now(CloseReason::auth_violation, "Authorization Violation");
        return false;
    }
    queue_self("PONG\r\n");
    if (connect_received_ && !first_pong_sent_) {
        first_pong_sent_ = true;
        // As nats-server: a client that takes async INFO learns after its first
        // PING that an account or user lowered its max_payload.
        const auto opts = server_.options();
        if (opts_.protocol >= 1 && max_payload_ >= 0 && max_payload_ != opts->max_payload)
            queue_self("INFO " + server_.info_json(id_, remote_ip_, {}, max_payload_) + " \r\n");
    }
    return true;
}

bool Client::on_err(std::string_view text) {
    // nats-server ends a client connection that sends it an error.
    NMK_DEBUG("{}:{} - cid:{} - Client sent -ERR {}", remote_ip_, remote_port_, id_, text);
    close_now(CloseReason::parse_error, {});
    return false;
}

bool Client::on_pong() {
    if (auth_pending_) {
        hold(HeldOp::Kind::pong);
        return true;
    }
    NMK_TRACE("{}:{} - cid:{} - <<- [PONG]", remote_ip_, remote_port_, id_);
    pings_out_ = 0;
    pong_received_ = true;
    // The round trip of our last PING (a PONG nobody asked for measures nothing).
    if (ping_sent_ != steady::time_point{})
        rtt_ns_.store(round_trip_ns(ping_sent_, steady::now()), std::memory_order_relaxed);
    return true;
}

// ---- outbound ----

void Client::queue_self(std::string_view bytes) {
    {
        std::lock_guard lock(out_.mutex);
        out_.pending.append(bytes);
    }
    const auto token = thread_.batch_token();
    if (dirty_token.load(std::memory_order_relaxed) != token) {
        dirty_token.store(token, std::memory_order_relaxed);
        thread_.note_dirty(shared_from_this());
    }
}

void Client::send_raw(std::string_view bytes, IoThread& from) {
    if (closed()) return;
    {
        std::lock_guard lock(out_.mutex);
        out_.pending.append(bytes);
    }
    if (&from == &thread_ && from.in_this_thread()) {
        const auto token = thread_.batch_token();
        if (dirty_token.load(std::memory_order_relaxed) != token) {
            dirty_token.store(token, std::memory_order_relaxed);
            thread_.note_dirty(shared_from_this());
        }
    } else if (!flush_posted.exchange(true)) {
        asio::post(thread_.context(), [self = shared_from_this()] {
            self->flush_posted.store(false);
            self->flush();
        });
    }
}

void Client::send_err(std::string_view text) {
    std::string line = "-ERR '";
    line += text;
    line += "'\r\n";
    queue_self(line);
}

void Client::flush() {
    if (writing_ || finished_ || tls_pending_) return;
    if (stalled_ && closed()) stalled_ = false;
    if (tls_) write_tls();
    else write_plain();
}

void Client::write_plain() {
    for (;;) {
        if (out_.unwritten().empty() && !out_.take_pending()) {
            writing_ = false;
            if (closed() && !finished_) finish_close();
            return;
        }
        auto data = out_.unwritten();
        asio::error_code ec;
        std::size_t n = socket_.write_some(asio::buffer(data.data(), data.size()), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
            if (!writing_) write_started_ = steady::now();
            writing_ = true;
            socket_.async_wait(asio::socket_base::wait_write, [self = shared_from_this()](const asio::error_code& wec) {
                if (wec || self->finished_) return;
                self->write_plain();
            });
            return;
        }
        if (ec) {
            writing_ = false;
            if (closed()) finish_close();
            else close(CloseReason::write_error);
            return;
        }
        out_.consumed(n);
        release_stalled_publishers();
    }
}

void Client::write_tls() {
    if (out_.unwritten().empty() && !out_.take_pending()) {
        writing_ = false;
        if (closed() && !finished_) finish_close();
        return;
    }
    if (!writing_) write_started_ = steady::now();
    writing_ = true;
    auto data = out_.unwritten();
    asio::async_write(*tls_, asio::buffer(data.data(), data.size()),
                      [self = shared_from_this()](const asio::error_code& ec, std::size_t n) {
                          if (self->finished_) return;
                          self->writing_ = false;
                          if (ec) {
                              self->close(CloseReason::write_error);
                              if (!self->finished_) self->finish_close();
                              return;
                          }
                          self->out_.consumed(n);
                          self->release_stalled_publishers();
                          self->write_tls();
                      });
}

// ---- timers ----

void Client::on_tick(steady::time_point now) {
    if (finished_) return;
    auto opts = server_.options();
    if (closed()) {
        // A closed connection still draining its last bytes: stop waiting.
        if (now - closed_at_ > opts->write_deadline) finish_close();
        return;
    }
    if (tls_pending_ && now - created_ > opts->tls.timeout) {
        tls_pending_ = false;
        // The handshake in flight uses the stream until its handler has run:
        // keep it, but write the error in the clear.
        retired_tls_ = std::move(tls_);
        socket_.cancel();
        close_now(CloseReason::tls_error, "Secure Connection - TLS Required");
        return;
    }
    if (auth_required_ && !connect_received_) {
        auto timeout = opts->auth_timeout.value_or(std::max<std::chrono::milliseconds>(2s, opts->tls.enabled ? opts->tls.timeout : 0ms));
        if (now - created_ > timeout) {
            close_now(CloseReason::auth_timeout, "Authentication Timeout");
            return;
        }
    }
    if (!writing_) out_.shrink_if_idle();
    if (writing_ && now - write_started_ > opts->write_deadline) {
        thread_.stats().slow_consumers.fetch_add(1, std::memory_order_relaxed);
        if (account_) account_->slow_consumers.fetch_add(1, std::memory_order_relaxed);
        NMK_INFO("{}:{} - cid:{} - Slow Consumer Detected: WriteDeadline of {}ms exceeded", remote_ip_, remote_port_,
                 id_, opts->write_deadline.count());
        close_now(CloseReason::slow_consumer_deadline, {});
        return;
    }
    if (now >= next_ping_) {
        next_ping_ = now + opts->ping_interval;
        // As nats-server: once the client has answered a PING, recent inbound data
        // is proof enough that it is alive, unless the round trip is an hour old.
        const bool rtt_fresh = ping_sent_ != steady::time_point{} && now - ping_sent_ <= rtt_measurement_interval;
        if (pong_received_ && now - last_in_ < opts->ping_interval && rtt_fresh) return;
        if (pings_out_ + 1 > opts->max_pings_out) {
            NMK_DEBUG("{}:{} - cid:{} - Stale Client Connection - Closing", remote_ip_, remote_port_, id_);
            close_now(CloseReason::stale_connection, "Stale Connection");
            return;
        }
        ++pings_out_;
        ping_sent_ = now;
        queue_self("PING\r\n");
    }
}

// ---- monitoring ----

ConnectionInfo Client::info() {
    ConnectionInfo i;
    i.cid = id_;
    i.ip = remote_ip_;
    i.port = remote_port_;
    i.start = created_wall_;
    if (const Account* a = account_view_.load(std::memory_order_acquire)) i.account = a->name;
    {
        std::lock_guard lock(subs_mutex_);
        i.name = opts_.name;
        i.lang = opts_.lang;
        i.version = opts_.version;
        i.user = user_;
        i.subscriptions = subs_.size();
    }
    // Steady to wall time through the start, so last_activity never precedes start.
    const auto active = std::chrono::nanoseconds(last_activity_ns_.load(std::memory_order_relaxed)) -
                        std::chrono::nanoseconds(steady_ns(created_));
    i.last_activity = created_wall_ + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                          std::max(active, std::chrono::nanoseconds(0)));
    i.rtt = std::chrono::nanoseconds(rtt_ns_.load(std::memory_order_relaxed));
    i.in_msgs = in_msgs_.load(std::memory_order_relaxed);
    i.in_bytes = in_bytes_.load(std::memory_order_relaxed);
    {
        std::lock_guard lock(out_.mutex);
        i.out_msgs = out_msgs_;
        i.out_bytes = out_bytes_;
        i.pending_bytes = out_.queued_bytes_locked();
    }
    return i;
}

std::vector<SubscriptionDetail> Client::subscription_details() {
    std::vector<SubscriptionDetail> out;
    std::lock_guard lock(subs_mutex_);
    out.reserve(subs_.size());
    for (const auto& [sid, sub] : subs_) {
        out.push_back(sub->detail(id_));
    }
    return out;
}

ClosedConnection Client::closed_record(CloseReason reason) {
    ClosedConnection c;
    c.info = info();
    c.stop = std::chrono::system_clock::now();
    c.reason.assign(close_reason_text(reason));
    c.subscriptions = subscription_details();
    for (auto& d : c.subscriptions) {
        // As nats-server keeps them: with the account, and without the
        // auto-unsubscribe limit, which closing clears first.
        d.account = c.info.account;
        d.max = 0;
    }
    return c;
}

// ---- closing ----

void Client::close(CloseReason reason, std::string_view err) {
    if (closed()) return;
    if (thread_.in_this_thread()) {
        close_now(reason, err);
        return;
    }
    if (close_posted_.exchange(true)) return;
    asio::post(thread_.context(), [self = shared_from_this(), reason, e = std::string(err)] {
        self->close_now(reason, e);
        self->thread_.end_batch();  // interest observers may have published
    });
}

// After client_closed: a reader that takes these totals before the list of open
// connections never counts a connection twice (see kernel_queries accstatz).
void Client::add_to_closed_totals(Account& account) {
    constexpr auto relaxed = std::memory_order_relaxed;
    account.closed_totals.in_msgs.fetch_add(in_msgs_.load(relaxed), relaxed);
    account.closed_totals.in_bytes.fetch_add(in_bytes_.load(relaxed), relaxed);
    std::lock_guard lock(out_.mutex);
    account.closed_totals.out_msgs.fetch_add(out_msgs_, relaxed);
    account.closed_totals.out_bytes.fetch_add(out_bytes_, relaxed);
}

void Client::close_now(CloseReason reason, std::string_view err) {
    if (closed_.exchange(true)) return;
    closed_at_ = steady::now();
    if (!err.empty()) {
        std::string line = "-ERR '";
        line += err;
        line += "'\r\n";
        std::lock_guard lock(out_.mutex);
        out_.pending.append(line);
    }
    // Kept for /connz?state=closed while the subscriptions are still there.
    server_.remember_closed(closed_record(reason));
    // Take every subscription out of the index at once.
    std::vector<const routing::Subscription*> removed;
    {
        std::lock_guard lock(subs_mutex_);
        removed.reserve(subs_.size());
        for (auto& [sid, sub] : subs_) removed.push_back(sub.get());
    }
    if (!removed.empty() && account_) {
        account_->sublist.remove_batch(removed);
        for (const auto* sub : removed)
            server_.notify_interest(*account_, *static_cast<const ClientSubscription*>(sub), false);
    }
    if (pending_handle_ != 0) server_.end_pending_auth(pending_handle_);
    held_.clear();
    {
        std::lock_guard lock(subs_mutex_);
        subs_.clear();  // breaks the client <-> subscription cycle
    }
    if (account_) account_->client_count.fetch_sub(1, std::memory_order_relaxed);
    release_stalled_publishers();
    if (stall_timer_) stall_timer_->cancel();
    NMK_DEBUG("{}:{} - cid:{} - Client connection closed: {}", remote_ip_, remote_port_, id_,
              close_reason_text(reason));
    server_.client_closed(shared_from_this(), reason);
    if (account_) add_to_closed_totals(*account_);

    // Drain: whatever is queued (messages, the -ERR) still goes out, bounded by
    // the write deadline, which the tick enforces; then the socket closes.
    if (tls_pending_ || finished_) {
        finish_close();
        return;
    }
    if (!writing_) {
        if (!tls_) {
            asio::error_code ec;
            socket_.non_blocking(true, ec);
        }
        flush();
    }
    if (!writing_) finish_close();
    else if (!tls_) read_plain();  // discard input while the output drains
}

void Client::finish_close() {
    if (finished_) return;
    finished_ = true;
    asio::error_code ec;
    if (!tls_) {
        socket_.non_blocking(true, ec);
        discard_input();  // see read_plain(): unread input turns the close into a reset
    }
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    thread_.remove_client(shared_from_this());
    server_.socket_closed();
}

}  // namespace nats::server
