// Client, a connection's life around its I/O: construction, PING/PONG and -ERR, the
// tick's deadlines, monitoring snapshots and closing. close, info and
// subscription_details run on any thread (close posts to the owner); the rest on the owner.
#include "kernel/server/client.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <chrono>

#include <nats_sdk/close_reason.hpp>

#include "kernel/log/logging.hpp"
#include "kernel/server/client_detail.hpp"
#include "kernel/server/server.hpp"

namespace nats::server {

using namespace std::chrono_literals;
using detail::round_trip_ns;
using detail::steady;
using detail::steady_ns;

namespace {

// nats-server pings a client that keeps it busy anyway when its round trip was
// last measured longer ago than this (DEFAULT_RTT_MEASUREMENT_INTERVAL).
constexpr auto rtt_measurement_interval = std::chrono::hours(1);

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
    if (closed()) return false;  // the PONG overflowed max_pending: stop parsing the flood
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
    // nats-server ends a client connection that sends it an error, and logs it as an
    // error with the client's text as sent (the log formatter escapes control bytes).
    NMK_ERROR("{}:{} - cid:{} - Client Error {}", remote_ip_, remote_port_, id_, text);
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
    if (auth_expires_ != steady::time_point{} && now >= auth_expires_) {
        // nats-server's authExpired: the user's JWT (or other credentials) ran out.
        NMK_DEBUG("{}:{} - cid:{} - User Authentication Expired", remote_ip_, remote_port_, id_);
        close_now(CloseReason::authentication_expired, "User Authentication Expired");
        return;
    }
    if (!writing_) out_.shrink_if_idle(now);
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
    i.tls = tls_ != nullptr;
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
    // As nats-server's skipFlushOnClose: a peer that does not read (slow consumer)
    // or whose socket failed gets nothing more; the socket closes at once.
    const bool skip_flush = reason == CloseReason::slow_consumer_pending ||
                            reason == CloseReason::slow_consumer_deadline || reason == CloseReason::write_error ||
                            reason == CloseReason::read_error;
    if (skip_flush) {
        std::lock_guard lock(out_.mutex);
        out_.clear_pending_locked();
    } else if (!err.empty()) {
        std::string line = "-ERR '";
        line += err;
        line += "'\r\n";
        std::lock_guard lock(out_.mutex);
        // Even the last words stay within max_pending.
        if (static_cast<std::int64_t>(out_.queued_bytes_locked() + line.size()) <= server_.max_pending())
            out_.append_locked(line);
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
    if (skip_flush) {
        // No draining read either: this may run inside the parse of the read
        // buffer that draining would overwrite (a client delivering to itself).
        finish_close(false);
        return;
    }
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

void Client::finish_close(bool drain_input) {
    if (finished_) return;
    finished_ = true;
    asio::error_code ec;
    if (!tls_ && drain_input) {
        socket_.non_blocking(true, ec);
        discard_input();  // see read_plain(): unread input turns the close into a reset
    }
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    socket_.close(ec);
    thread_.remove_client(shared_from_this());
    server_.socket_closed();
}

std::string_view close_reason_text(CloseReason r) {
    switch (r) {
        case CloseReason::client_closed: return "Client Closed";
        case CloseReason::server_shutdown: return nats_sdk::close_reason_text(NMK_CLOSE_SERVER_SHUTDOWN);
        case CloseReason::protocol_error: return "Protocol Violation";
        case CloseReason::auth_violation: return nats_sdk::close_reason_text(NMK_CLOSE_AUTHENTICATION_VIOLATION);
        case CloseReason::auth_timeout: return "Authentication Timeout";
        case CloseReason::stale_connection: return "Stale Connection";
        case CloseReason::slow_consumer_pending: return "Slow Consumer (Pending Bytes)";
        case CloseReason::slow_consumer_deadline: return "Slow Consumer (Write Deadline)";
        case CloseReason::max_connections: return "Maximum Connections Exceeded";
        case CloseReason::max_account_connections: return nats_sdk::close_reason_text(NMK_CLOSE_MAX_ACCOUNT_CONNECTIONS);
        case CloseReason::max_subscriptions: return "Maximum Subscriptions Exceeded";
        case CloseReason::authentication_expired: return nats_sdk::close_reason_text(NMK_CLOSE_AUTHENTICATION_EXPIRED);
        case CloseReason::credentials_revoked: return nats_sdk::close_reason_text(NMK_CLOSE_CREDENTIALS_REVOKED);
        case CloseReason::tls_error: return "TLS Handshake Failure";
        case CloseReason::lame_duck: return nats_sdk::close_reason_text(NMK_CLOSE_SERVER_SHUTDOWN);
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

}  // namespace nats::server
