// Publishing as the server itself (plugins, links): routed at once on one of
// the server's I/O threads, copied and handed to one otherwise. A message is
// matched by RoutedMessage::route() (its deliver subject when it has one).
#include "kernel/server/delivery_report.hpp"
#include "kernel/server/router.hpp"
#include "kernel/server/server.hpp"

namespace nats::server {

namespace {
// Deep enough for a service answering a request that another service made;
// beyond it the message is routed on a later turn of the loop instead.
constexpr int max_inline_routing_depth = 4;

// Messages copied into one buffer for routing on another thread, each with
// its route subject (empty for an ordinary publish).
struct OwnedBatch {
    std::string bytes;
    struct Offsets {
        std::size_t subject, reply, headers, payload, route;
    };
    std::vector<Offsets> messages;

    void add(const RoutedMessage& m) {
        messages.push_back({m.subject.size(), m.reply.size(), m.headers.size(), m.payload.size(),
                            m.route_subject.size()});
        bytes.append(m.subject).append(m.reply).append(m.headers).append(m.payload).append(m.route_subject);
    }
    template <typename Fn>
    void for_each(Fn&& fn) const {
        const std::string_view all = bytes;
        std::size_t at = 0;
        const auto take = [&](std::size_t n) {
            const std::string_view part = all.substr(at, n);
            at += n;
            return part;
        };
        for (const auto& o : messages) {
            RoutedMessage m;
            m.subject = take(o.subject);
            m.reply = take(o.reply);
            m.headers = take(o.headers);
            m.payload = take(o.payload);
            m.route_subject = take(o.route);
            fn(m);
        }
    }
};

std::size_t wire_size(const RoutedMessage& m) {
    return m.subject.size() + m.reply.size() + m.headers.size() + m.payload.size() + m.route_subject.size();
}
}  // namespace

IoThread* Server::own_current_thread() const {
    IoThread* t = IoThread::current();
    if (!t) return nullptr;
    for (const auto& own : threads_)
        if (own.get() == t) return t;
    return nullptr;
}

IoThread* Server::inline_routing_thread() const {
    IoThread* here = own_current_thread();
    return here && here->routing_depth() < max_inline_routing_depth ? here : nullptr;
}

IoThread& Server::handoff_thread(IoThread* here) {
    // One thread per calling thread, so a publisher's messages keep their order.
    return here ? *here : *threads_[std::hash<std::thread::id>{}(std::this_thread::get_id()) % threads_.size()];
}

std::size_t Server::route_here(IoThread& here, const AccountPtr& account, const RoutedMessage& message,
                               const void* skip_origin) {
    // The caller runs inside a batch of this thread (a delivery, a timer, a
    // post), whose end flushes whoever got data.
    IoThread::RoutingScope scope(here);
    if (here.routing_depth() == 1)
        return deliver_count(*here.match_cache().match(account->sublist, message.route()), message, here, nullptr,
                             skip_origin);
    // An outer fan-out on this thread holds a match-cache result: do not evict it.
    auto result = account->sublist.match(message.route());
    return deliver_count(*result, message, here, nullptr, skip_origin);
}

bool Server::publish(const AccountPtr& account, const RoutedMessage& message, const void* skip_origin) {
    if (!account || threads_.empty()) return true;
    if (IoThread* here = inline_routing_thread()) {
        DeliveryReport::Scope no_report(nullptr);  // not an outer publish_reported()'s business
        route_here(*here, account, message, skip_origin);
        return true;
    }
    return publish_batch(account, {&message, 1}, skip_origin, false);
}

PublishOutcome Server::publish_reported(const AccountPtr& account, const RoutedMessage& message,
                                        const void* skip_origin, bool no_overflow) {
    PublishOutcome outcome;
    if (!account || threads_.empty()) return outcome;
    if (IoThread* here = inline_routing_thread()) {
        DeliveryReport report;
        report.no_overflow = no_overflow;
        DeliveryReport::Scope scope(&report);
        outcome.routed = true;
        outcome.receivers = route_here(*here, account, message, skip_origin);
        outcome.pressured = report.pressured;
        outcome.overflowed = report.overflowed;
        return outcome;
    }
    outcome.refused = !publish_batch(account, {&message, 1}, skip_origin, no_overflow);
    return outcome;
}

bool Server::publish_batch(const AccountPtr& account, std::span<const RoutedMessage> messages,
                           const void* skip_origin, bool no_overflow) {
    if (!account || threads_.empty() || messages.empty()) return true;
    if (IoThread* here = inline_routing_thread()) {
        DeliveryReport report;
        report.no_overflow = no_overflow;
        DeliveryReport::Scope scope(no_overflow ? &report : nullptr);
        for (const auto& m : messages) route_here(*here, account, m, skip_origin);
        return true;
    }
    std::size_t total = 0;
    for (const auto& m : messages) total += wire_size(m);
    IoThread& target = handoff_thread(own_current_thread());
    // Counted before the copy: a refused batch costs no allocation.
    const std::size_t counted = total + messages.size() * handoff_overhead;
    if (!target.reserve_handoff(counted, handoff_limit)) return false;
    auto owned = std::make_shared<OwnedBatch>();
    owned->bytes.reserve(total);
    owned->messages.reserve(messages.size());
    for (const auto& m : messages) owned->add(m);
    asio::post(target.context(), [&target, account, owned, skip_origin, no_overflow, counted] {
        {
            DeliveryReport report;
            report.no_overflow = no_overflow;
            DeliveryReport::Scope scope(no_overflow ? &report : nullptr);
            owned->for_each([&](const RoutedMessage& m) {
                IoThread::RoutingScope routing(target);
                deliver_count(*target.match_cache().match(account->sublist, m.route()), m, target, nullptr,
                              skip_origin);
            });
        }
        target.release_handoff(counted);
        target.end_batch();
    });
    return true;
}

}  // namespace nats::server
