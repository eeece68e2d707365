#pragma once
// Point-in-time views of connections for monitoring (connz, subsz): an open
// connection's snapshot, one subscription, and a connection that has ended.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace nats::server {

struct ConnectionInfo {
    std::uint64_t cid = 0;
    std::string ip;
    int port = 0;
    std::string name, lang, version;
    std::string account;
    std::string user;  // the authenticated identity, empty when none
    bool tls = false;
    std::size_t subscriptions = 0;
    std::uint64_t in_msgs = 0, in_bytes = 0, out_msgs = 0, out_bytes = 0;
    std::uint64_t pending_bytes = 0;
    std::chrono::system_clock::time_point start;
    // The last message in or out, a SUB, or the CONNECT (nats-server's c.last); start until then.
    std::chrono::system_clock::time_point last_activity;
    // The last PING -> PONG round trip; until the first PONG, the time from the
    // connection's start to its CONNECT (as nats-server estimates it). 0 before CONNECT.
    std::chrono::nanoseconds rtt{0};
};

// One client subscription as monitoring shows it (nats-server's SubDetail).
struct SubscriptionDetail {
    std::string account;  // filled where nats-server fills it (/subsz, closed connections)
    std::string subject, queue, sid;
    std::uint64_t msgs = 0;  // messages delivered to it
    std::uint64_t max = 0;   // auto-unsubscribe limit, 0 when none
    std::uint64_t cid = 0;
};

// A connection that has ended, as kept for /connz?state=closed: its last
// snapshot, when and why it closed, and its subscriptions at that moment.
struct ClosedConnection {
    ConnectionInfo info;
    std::chrono::system_clock::time_point stop;
    std::string reason;  // nats-server's ClosedState text ("Client Closed", ...)
    std::vector<SubscriptionDetail> subscriptions;
};

}  // namespace nats::server
