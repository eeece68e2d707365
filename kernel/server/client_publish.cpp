// Client, the message path: a PUB routed on the publisher's own thread, and a MSG or
// HMSG queued for a subscriber. Client::deliver runs on any publisher's thread: it
// touches the subscriber only under out_.mutex (subs_mutex_ for auto-unsubscribe).
#include "kernel/server/client.hpp"
#include "kernel/server/delivery_report.hpp"

#include <charconv>
#include <cstring>

#include <nats_sdk/headers.hpp>
#include <nats_sdk/subject.hpp>

#include "kernel/log/logging.hpp"
#include "kernel/server/router.hpp"
#include "kernel/server/server.hpp"

namespace nats::server {

namespace {

// The MSG/HMSG control line, put together on the stack and appended at once (one
// room check on the outbound buffer instead of one per piece); a line too long for
// the stack buffer (very long subjects) goes piece by piece.
void append_msg_line(OutboundBuffer& out, bool with_headers, std::string_view subject, std::string_view sid,
                     std::string_view reply, std::size_t header_size, std::size_t body) {
    constexpr std::size_t numbers = 2 * 21;  // two 20-digit numbers and their separators
    char line[512];
    const std::size_t most = 5 + subject.size() + 1 + sid.size() + 1 + reply.size() + 1 + numbers + 2;
    if (most <= sizeof line) [[likely]] {
        char* p = line;
        auto put = [&p](std::string_view s) {
            std::memcpy(p, s.data(), s.size());
            p += s.size();
        };
        put(with_headers ? "HMSG " : "MSG ");
        put(subject);
        *p++ = ' ';
        put(sid);
        *p++ = ' ';
        if (!reply.empty()) {
            put(reply);
            *p++ = ' ';
        }
        if (with_headers) {
            p = std::to_chars(p, line + sizeof line, header_size).ptr;
            *p++ = ' ';
        }
        p = std::to_chars(p, line + sizeof line, body).ptr;
        *p++ = '\r';
        *p++ = '\n';
        out.append_locked(line, static_cast<std::size_t>(p - line));
        return;
    }
    auto number = [&out](std::size_t n) {
        char buf[24];
        auto res = std::to_chars(buf, buf + sizeof buf, n);
        out.append_locked(buf, static_cast<std::size_t>(res.ptr - buf));
    };
    out.append_locked(with_headers ? "HMSG " : "MSG ");
    out.append_locked(subject);
    out.append_locked(" ", 1);
    out.append_locked(sid);
    out.append_locked(" ", 1);
    if (!reply.empty()) {
        out.append_locked(reply);
        out.append_locked(" ", 1);
    }
    if (with_headers) {
        number(header_size);
        out.append_locked(" ", 1);
    }
    number(body);
    out.append_locked("\r\n", 2);
}

constexpr std::string_view no_responders_status = nats_sdk::no_responders_block;

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
    if (opts_.pedantic && !nats_sdk::subject::is_valid_literal_subject(args.subject)) send_err("Invalid Publish Subject");
    // The account's subject mappings: from here on (permissions, routing,
    // delivery) the message has the mapped subject, as in nats-server.
    std::string_view subject = args.subject;
    std::string mapped;
    if (account_->has_mappings.load(std::memory_order_relaxed)) [[unlikely]] {
        if (map_subject(args.subject, mapped)) subject = mapped;
    }
    if (perms_ && !publish_permitted(subject)) [[unlikely]] {
        publish_violation(subject);  // the message is dropped; the connection stays
        return true;
    }
    if (!args.reply.empty() && is_reserved_reply(args.reply)) [[unlikely]] {
        reply_violation(args.reply);  // the server's own reply prefixes: nats-server drops these too
        return true;
    }
    send_ok();
    std::string_view headers = data.substr(0, args.header_size);
    std::string_view payload = data.substr(args.header_size);

    const RoutedMessage message{subject, args.reply, headers, payload};
    bool delivered;
    {
        IoThread::RoutingScope scope(thread_);
        const routing::MatchResult* result = thread_.match_cache().match(account_->sublist, subject);
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

// nats-server's selectMappedSubject for a client's PUB: true when a mapping
// matched (`out` may then be empty: a weighted draw that chose no destination).
bool Client::map_subject(std::string_view subject, std::string& out) {
    auto chosen = account_->map_subject(subject);
    if (!chosen) return false;
    out = std::move(*chosen);
    if (log::trace_enabled())
        NMK_TRACE("{}:{} - cid:{} - <<- [MAPPING {} -> {}]", remote_ip_, remote_port_, id_, subject, out);
    return true;
}

// The MSG line shows message.subject, also when the message was routed here by
// another subject (a deliver-subject publish); everything keyed on the
// subscription (sid, max_msgs, slow consumer) is the matched subscription's.
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
        if (delivery_rules_ && !delivery_admits_locked(message, sub.queue.empty() ? subject : message.route()))
            [[unlikely]]
            return false;
        const auto queued = static_cast<std::int64_t>(out_.queued_bytes_locked() + body);
        overflow = queued > max_pending;
        if (overflow) {
            // A plugin publishing with NMK_PUBLISH_NO_OVERFLOW paces instead of cutting this client.
            if (DeliveryReport* report = DeliveryReport::current(); report && report->no_overflow) [[unlikely]] {
                ++report->overflowed;
                return false;
            }
            // Until the owner thread runs the close, more deliveries overflow:
            // count the slow consumer (and log it) once, as nats-server does.
            first_overflow = !slow_consumer_;
            slow_consumer_ = true;
        } else {
        append_msg_line(out_, with_headers, subject, sub.sid, reply, with_headers ? headers.size() : 0, body);
        if (with_headers) out_.append_locked(headers);
        out_.append_locked(payload);
        out_.append_locked("\r\n", 2);
        ++out_msgs_;
        out_bytes_ += body;
        sub.delivered.store(delivered + 1, std::memory_order_relaxed);
        max_reached = delivered + 1 == max_msgs;
        if (queued > max_pending / 2) {
            if (publisher && publisher != this) publisher->stall_on_ = weak_from_this();
            if (DeliveryReport* report = DeliveryReport::current()) ++report->pressured;
        }
        }
    }
    if (overflow) {
        // Drop it and cut the connection: a slow reader must never slow the publisher.
        if (first_overflow) slow_consumer_detected(from, max_pending);
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

}  // namespace nats::server
