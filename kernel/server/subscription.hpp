#pragma once
// What the subject index holds: a subscription that knows how to take a
// message. Client subscriptions queue MSG bytes for a socket; internal ones
// (plugins, links) call back on the publisher's thread. Delivery is one virtual
// call, so the message path does not care which kind it reaches.
#include <functional>
#include <string_view>

#include "kernel/routing/sublist.hpp"

namespace nats::server {

class Client;
class IoThread;

// One message on its way through an account. Views valid during delivery only.
struct RoutedMessage {
    std::string_view subject;  // what receivers are shown (the MSG line, a plugin's callback)
    std::string_view reply;    // empty when none
    std::string_view headers;  // the whole header block, empty when none
    std::string_view payload;
    // When not empty, the subject subscriptions are matched against instead of
    // `subject`: a JetStream delivery is routed by its consumer's deliver subject
    // (or a pull request's reply) and shown under the stream message's own subject,
    // as nats-server's pa.deliver does. Empty for every ordinary publish.
    std::string_view route_subject = {};

    // The subject this message is routed by.
    std::string_view route() const { return route_subject.empty() ? subject : route_subject; }
    // Routed by another subject than the one it shows (a deliver-subject publish).
    bool rerouted() const { return !route_subject.empty(); }
};

struct ServerSubscription : routing::Subscription {
    // Who made it (a Client, a link), compared so a publisher can skip its own
    // subscriptions (echo off, link loops). Never dereferenced.
    const void* origin = nullptr;
    // Runs on the publisher's thread. `publisher` is null for internal publishes.
    // False when the subscription could not take the message (closed), so a
    // queue group tries another member.
    virtual bool deliver(const RoutedMessage& message, IoThread& from, Client* publisher) = 0;
};

// A subscription served in-process: the callback runs on the publisher's
// I/O thread and must not block.
class InternalSubscription final : public ServerSubscription {
public:
    using Callback = std::function<bool(const RoutedMessage&)>;
    explicit InternalSubscription(Callback callback) : callback_(std::move(callback)) {}
    bool deliver(const RoutedMessage& message, IoThread&, Client*) override { return callback_(message); }

private:
    Callback callback_;
};

}  // namespace nats::server
