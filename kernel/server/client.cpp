#include "kernel/server/client.hpp"

#include <nlohmann/json.hpp>
#include <openssl/crypto.h>

#include <charconv>
#include <random>

#include "kernel/log/logging.hpp"
#include "kernel/routing/subject.hpp"
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
        case CloseReason::tls_error: return "TLS Handshake Failure";
        case CloseReason::lame_duck: return "Server Shutdown";
        case CloseReason::read_error: return "Read Error";
        case CloseReason::write_error: return "Write Error";
        case CloseReason::max_payload: return "Maximum Payload Exceeded";
        case CloseReason::no_responders_without_headers: return "Protocol Violation";
    }
    return "Unknown";
}

namespace {

// A cheap per-thread generator for picking queue group members.
std::uint32_t next_random() {
    thread_local std::uint64_t state = std::random_device{}() | 1;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<std::uint32_t>(state);
}

void append_number(std::string& out, std::uint64_t n) {
    char buf[24];
    auto res = std::to_chars(buf, buf + sizeof buf, n);
    out.append(buf, res.ptr);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

constexpr std::string_view no_responders_status = "NATS/1.0 503\r\n\r\n";

// CONNECT as traced: passwords and tokens never reach the log.
std::string redact_connect(std::string_view json) {
    auto doc = nlohmann::json::parse(json, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) return std::string(json);
    for (const char* secret : {"pass", "auth_token", "sig"})
        if (doc.contains(secret)) doc[secret] = "[REDACTED]";
    return doc.dump();
}

}  // namespace

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
    // nats-server sends the first PING sooner than the regular interval.
    next_ping_ = created_ + std::min<std::chrono::milliseconds>(opts->ping_interval, 2s);
}

Client::~Client() = default;

void Client::start() {
    account_ = server_.global_account();
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
        if (ec || self->closed()) return;
        self->read_plain_now();
    });
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
    auto err = parser_.parse(data, size, *this);
    if (err == protocol::ParseError::none) return true;
    if (err == protocol::ParseError::handler_stopped) return false;
    NMK_ERROR("{}:{} - cid:{} - Client parser ERROR: {} ({})", remote_ip_, remote_port_, id_,
              protocol::error_text(err), parser_.last_error_context());
    // Some parse errors close without an -ERR, as in nats-server (empty text).
    close_now(err == protocol::ParseError::max_payload ? CloseReason::max_payload : CloseReason::protocol_error,
              protocol::error_text(err));
    return false;
}

// ---- protocol handlers (owner thread) ----

bool Client::on_connect(std::string_view json) {
    NMK_TRACE("{}:{} - cid:{} - <<- [CONNECT {}]", remote_ip_, remote_port_, id_, redact_connect(json));
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
    opts_.name = get_string("name");
    opts_.lang = get_string("lang");
    opts_.version = get_string("version");
    if (auto it = doc.find("protocol"); it != doc.end() && it->is_number_integer()) opts_.protocol = it->get<int>();
    if (opts_.protocol < 0 || opts_.protocol > 1) {
        close_now(CloseReason::protocol_error, "invalid client protocol");
        return false;
    }

    if (auth_required_) {
        auto opts = server_.options();
        bool ok;
        if (!opts->token.empty()) {
            ok = constant_time_equal(get_string("auth_token"), opts->token);
        } else {
            bool user_ok = constant_time_equal(get_string("user"), opts->username);
            bool pass_ok = constant_time_equal(get_string("pass"), opts->password);
            ok = user_ok && pass_ok;
        }
        if (!ok) {
            // Never log the secret itself.
            NMK_ERROR("{}:{} - cid:{} - authentication error - User \"{}\"", remote_ip_, remote_port_, id_,
                      get_string("user"));
            close_now(CloseReason::auth_violation, "Authorization Violation");
            return false;
        }
    }
    if (opts_.no_responders && !opts_.headers) {
        close_now(CloseReason::no_responders_without_headers, "no responders requires headers support");
        return false;
    }
    connect_received_ = true;
    send_ok();
    return true;
}

bool Client::on_pub(const protocol::PubArgs& args, std::string_view data) {
    if (log::trace_enabled()) {
        NMK_TRACE("{}:{} - cid:{} - <<- [{} {}{}{} {}{}]", remote_ip_, remote_port_, id_,
                  args.header_size ? "HPUB" : "PUB", args.subject, args.reply.empty() ? "" : " ", args.reply,
                  args.header_size ? std::to_string(args.header_size) + " " : std::string(), args.total_size);
    }
    if (!connect_received_ && auth_required_) {
        close_now(CloseReason::auth_violation, "Authorization Violation");
        return false;
    }
    ++in_msgs_;
    in_bytes_ += data.size();
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
    send_ok();
    std::string_view headers = data.substr(0, args.header_size);
    std::string_view payload = data.substr(args.header_size);

    const routing::MatchResult* result = thread_.match_cache().match(account_->sublist, args.subject);
    bool delivered = false;
    for (const auto& s : result->plain) {
        auto& sub = static_cast<ClientSubscription&>(*s);
        if (!opts_.echo && sub.client.get() == this) continue;
        delivered |= sub.client->deliver(sub, args.subject, args.reply, headers, payload, thread_, this);
    }
    for (const auto& group : result->queue_groups) {
        const std::size_t n = group.size();
        const std::size_t start = next_random() % n;
        for (std::size_t i = 0; i < n; ++i) {
            auto& sub = static_cast<ClientSubscription&>(*group[(start + i) % n]);
            if (!opts_.echo && sub.client.get() == this) continue;
            if (sub.client->deliver(sub, args.subject, args.reply, headers, payload, thread_, this)) {
                delivered = true;
                break;
            }
        }
    }

    if (!delivered && opts_.no_responders && !args.reply.empty()) {
        // Answer the requester ourselves, on its own subscription for the reply subject.
        auto replies = account_->sublist.match(args.reply);
        for (const auto& s : replies->plain) {
            auto& sub = static_cast<ClientSubscription&>(*s);
            if (sub.client.get() != this) continue;
            sub.client->deliver(sub, args.reply, {}, no_responders_status, {}, thread_, nullptr);
            break;
        }
    }
    return true;
}

bool Client::deliver(ClientSubscription& sub, std::string_view subject, std::string_view reply,
                     std::string_view headers, std::string_view payload, IoThread& from, Client* publisher) {
    if (closed()) return false;
    const bool with_headers = opts_.headers && !headers.empty();
    const std::size_t body = (with_headers ? headers.size() : 0) + payload.size();
    const std::int64_t max_pending = server_.max_pending();
    bool overflow = false;
    bool max_reached = false;
    {
        std::lock_guard lock(out_.mutex);
        if (sub.max_msgs != 0 && sub.delivered >= sub.max_msgs) return false;
        auto& out = out_.pending;
        const auto queued = static_cast<std::int64_t>(out_.queued_bytes_locked() + body);
        overflow = queued > max_pending;
        if (!overflow) {
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
        max_reached = ++sub.delivered == sub.max_msgs;
        if (publisher && publisher != this && queued > max_pending / 2) publisher->stall_on_ = weak_from_this();
        }
    }
    if (overflow) {
        // Drop it and cut the connection: a slow reader must never slow the publisher.
        from.stats().slow_consumers.fetch_add(1, std::memory_order_relaxed);
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
        if (keep) account_->sublist.remove(keep.get());
    }
    return true;
}

bool Client::on_sub(std::string_view subject, std::string_view queue, std::string_view sid) {
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
    auto opts = server_.options();
    {
        std::lock_guard lock(subs_mutex_);
        if (subs_.count(std::string(sid))) {
            // nats-server ignores a SUB that reuses a live sid.
            send_ok();
            return true;
        }
        if (opts->max_subscriptions > 0 && subs_.size() >= static_cast<std::size_t>(opts->max_subscriptions)) {
            NMK_ERROR("{}:{} - cid:{} - Maximum Subscriptions Exceeded (max={})", remote_ip_, remote_port_, id_,
                      opts->max_subscriptions);
            send_err("maximum subscriptions exceeded");
            return true;
        }
    }
    auto sub = std::make_shared<ClientSubscription>();
    sub->subject.assign(subject);
    sub->queue.assign(queue);
    sub->sid.assign(sid);
    sub->client = shared_from_this();
    {
        std::lock_guard lock(subs_mutex_);
        subs_.emplace(sub->sid, sub);
    }
    account_->sublist.insert(sub);
    send_ok();
    return true;
}

bool Client::on_unsub(std::string_view sid, std::optional<std::uint64_t> max_msgs) {
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
                keep = sub->delivered < *max_msgs;
                if (keep) sub->max_msgs = *max_msgs;
            }
            if (keep) sub.reset();  // removed by the delivery that reaches max
            else subs_.erase(it);
        }
    }
    if (sub) account_->sublist.remove(sub.get());
    send_ok();
    return true;
}

bool Client::on_ping() {
    NMK_TRACE("{}:{} - cid:{} - <<- [PING]", remote_ip_, remote_port_, id_);
    if (!connect_received_ && auth_required_) {
        close_now(CloseReason::auth_violation, "Authorization Violation");
        return false;
    }
    queue_self("PONG\r\n");
    return true;
}

bool Client::on_err(std::string_view text) {
    // nats-server ends a client connection that sends it an error.
    NMK_DEBUG("{}:{} - cid:{} - Client sent -ERR {}", remote_ip_, remote_port_, id_, text);
    close_now(CloseReason::protocol_error, {});
    return false;
}

bool Client::on_pong() {
    NMK_TRACE("{}:{} - cid:{} - <<- [PONG]", remote_ip_, remote_port_, id_);
    pings_out_ = 0;
    pong_received_ = true;
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
        tls_.reset();
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
        NMK_INFO("{}:{} - cid:{} - Slow Consumer Detected: WriteDeadline of {}ms exceeded", remote_ip_, remote_port_,
                 id_, opts->write_deadline.count());
        close_now(CloseReason::slow_consumer_deadline, {});
        return;
    }
    if (now >= next_ping_) {
        next_ping_ = now + opts->ping_interval;
        // As nats-server: once the client has answered a PING, recent inbound data
        // is proof enough that it is alive.
        if (pong_received_ && now - last_in_ < opts->ping_interval) return;
        if (pings_out_ + 1 > opts->max_pings_out) {
            NMK_DEBUG("{}:{} - cid:{} - Stale Client Connection - Closing", remote_ip_, remote_port_, id_);
            close_now(CloseReason::stale_connection, "Stale Connection");
            return;
        }
        ++pings_out_;
        queue_self("PING\r\n");
    }
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
    });
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
    // Take every subscription out of the index at once.
    std::vector<const routing::Subscription*> removed;
    {
        std::lock_guard lock(subs_mutex_);
        removed.reserve(subs_.size());
        for (auto& [sid, sub] : subs_) removed.push_back(sub.get());
    }
    if (!removed.empty() && account_) account_->sublist.remove_batch(removed);
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
}

void Client::finish_close() {
    if (finished_) return;
    finished_ = true;
    asio::error_code ec;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    thread_.remove_client(shared_from_this());
    server_.socket_closed();
}

}  // namespace nats::server
