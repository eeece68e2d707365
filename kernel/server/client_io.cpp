// Client, the socket side: start (INFO, then the TLS handshake when required),
// the read loop that feeds the parser (and pauses for the publisher stall), and
// the outbound writer. Owner thread only, except send_raw and append_within_limit
// (any thread, take out_.mutex).
#include "kernel/server/client.hpp"

#include <algorithm>
#include <chrono>
#include <span>

#include "kernel/log/logging.hpp"
#include "kernel/server/client_detail.hpp"
#include "kernel/server/server.hpp"

namespace nats::server {

using namespace std::chrono_literals;
using detail::steady;
using detail::steady_ns;

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
        if (!server_.allow_tls_handshake()) {
            close(CloseReason::max_connections, "Connection throttling is active. Please try again later.");
            return;
        }
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
        if (const auto& pinned = self->server_.options()->tls.pinned_certs; !pinned.empty()) {
            const std::string key_id = peer_public_key_id(self->tls_->native_handle());
            if (std::find(pinned.begin(), pinned.end(), key_id) == pinned.end()) {
                if (key_id.empty()) {
                    NMK_DEBUG("{}:{} - cid:{} - Failed pinned cert test as client did not provide a certificate",
                              self->remote_ip_, self->remote_port_, self->id_);
                } else {
                    NMK_DEBUG("{}:{} - cid:{} - Failed pinned cert test for key id: {}", self->remote_ip_,
                              self->remote_port_, self->id_, key_id);
                }
                NMK_ERROR("{}:{} - cid:{} - TLS handshake error: certificate not pinned", self->remote_ip_,
                          self->remote_port_, self->id_);
                self->close_now(CloseReason::tls_error, "");
                return;
            }
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
    return parse_outcome(err, parser_);
}

bool Client::parse_outcome(protocol::ParseError err, const protocol::Parser& parser) {
    if (err == protocol::ParseError::none) return true;
    if (err == protocol::ParseError::handler_stopped) return false;
    // nats-server's wording (see Parser::last_error_detail), client bytes quoted.
    if (err == protocol::ParseError::unknown_operation || err == protocol::ParseError::bad_payload_terminator) {
        NMK_ERROR("{}:{} - cid:{} - Client parser ERROR: proto='{}...'", remote_ip_, remote_port_, id_,
                  parser.last_error_detail());
    } else {
        NMK_ERROR("{}:{} - cid:{} - {}", remote_ip_, remote_port_, id_, parser.last_error_detail());
    }
    // Some parse errors close without an -ERR, as in nats-server (empty text).
    CloseReason reason = CloseReason::protocol_error;
    if (err == protocol::ParseError::max_payload) reason = CloseReason::max_payload;
    else if (err == protocol::ParseError::max_control_line) reason = CloseReason::max_control_line;
    close_now(reason, protocol::error_text(err));
    return false;
}

// ---- outbound ----

// As nats-server's queueOutbound: every byte queued to a client, its own protocol
// replies included, counts against max_pending. A client that floods PINGs and
// never reads would otherwise grow its PONG queue until the write deadline.
// The check is the comparison delivery makes, under the lock the append takes anyway.
bool Client::append_within_limit(std::string_view bytes, IoThread& from) {
    const std::int64_t max_pending = server_.max_pending();
    bool first_overflow = false;
    {
        std::lock_guard lock(out_.mutex);
        if (closed()) return false;  // nats-server queues nothing for a closed client
        if (static_cast<std::int64_t>(out_.queued_bytes_locked() + bytes.size()) <= max_pending) {
            out_.append_locked(bytes);
            return true;
        }
        first_overflow = !slow_consumer_;
        slow_consumer_ = true;
    }
    if (first_overflow) slow_consumer_detected(from, max_pending);
    return false;
}

void Client::slow_consumer_detected(IoThread& from, std::int64_t max_pending) {
    from.stats().slow_consumers.fetch_add(1, std::memory_order_relaxed);
    // account_view_, not account_: this may run on another client's thread.
    if (const Account* account = account_view_.load(std::memory_order_acquire))
        account->slow_consumers.fetch_add(1, std::memory_order_relaxed);
    NMK_INFO("{}:{} - cid:{} - Slow Consumer Detected: MaxPending of {} Exceeded", remote_ip_, remote_port_, id_,
             max_pending);
    close(CloseReason::slow_consumer_pending);
}

void Client::queue_self(std::string_view bytes) {
    if (!append_within_limit(bytes, thread_)) return;
    const auto token = thread_.batch_token();
    if (dirty_token.load(std::memory_order_relaxed) != token) {
        dirty_token.store(token, std::memory_order_relaxed);
        thread_.note_dirty(shared_from_this());
    }
}

void Client::send_raw(std::string_view bytes, IoThread& from) {
    if (!append_within_limit(bytes, from)) return;
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
        if (!out_.take_pending()) {
            writing_ = false;
            if (closed() && !finished_) finish_close();
            return;
        }
        // One writev for as many blocks as the socket takes.
        auto& iov = thread_.write_buffers();
        const std::size_t count = out_.gather(iov.data(), iov.size());
        asio::error_code ec;
        std::size_t n = socket_.write_some(std::span<const asio::const_buffer>(iov.data(), count), ec);
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
    if (!out_.take_pending()) {
        writing_ = false;
        if (closed() && !finished_) finish_close();
        return;
    }
    if (!writing_) write_started_ = steady::now();
    writing_ = true;
    // The blocks stay put until consumed(); the operation keeps a view of tls_iov_.
    if (tls_iov_.empty()) tls_iov_.resize(IoThread::max_write_buffers);
    const std::size_t count = out_.gather(tls_iov_.data(), tls_iov_.size());
    asio::async_write(*tls_, std::span<const asio::const_buffer>(tls_iov_.data(), count),
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

}  // namespace nats::server
