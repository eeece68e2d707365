// What a running server records per connection for monitoring, read straight
// from Server (no monitoring plugin): last activity, the PING/PONG round trip,
// per-subscription delivery counts, per-account slow consumers, and the record
// a closing connection leaves with its reason. Clients are raw sockets on
// 127.0.0.1; every read is bounded.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <thread>

#include "kernel/server/server.hpp"

namespace nats::server {
namespace {

using namespace std::chrono_literals;
using steady = std::chrono::steady_clock;

// A blocking client socket whose reads give up after two seconds.
class Conn {
public:
    explicit Conn(int port, int receive_buffer = 0) {
        fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) throw std::runtime_error("socket failed");
        timeval tv{2, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
        if (receive_buffer > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(fd_);
            throw std::runtime_error("connect failed");
        }
        const std::string info = line();
        if (info.rfind("INFO ", 0) != 0) throw std::runtime_error("no INFO: " + info);
        cid_ = nlohmann::json::parse(info.substr(5))["client_id"].get<std::uint64_t>();
    }
    ~Conn() { close(); }
    Conn(const Conn&) = delete;
    Conn& operator=(const Conn&) = delete;

    std::uint64_t cid() const { return cid_; }
    void send(std::string_view data) {
        if (::send(fd_, data.data(), data.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(data.size()))
            throw std::runtime_error("send failed");
    }
    std::string line() {
        for (;;) {
            if (auto eol = buf_.find("\r\n"); eol != std::string::npos) {
                std::string out = buf_.substr(0, eol);
                buf_.erase(0, eol + 2);
                return out;
            }
            char chunk[4096];
            const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
            if (n <= 0) throw std::runtime_error("no line within the timeout (or closed)");
            buf_.append(chunk, static_cast<std::size_t>(n));
        }
    }
    void expect(std::string_view exact) {
        const std::string got = line();
        if (got != exact) throw std::runtime_error("expected '" + std::string(exact) + "', got '" + got + "'");
    }
    // CONNECT (not verbose) and a PING answered: the server has handled it.
    void hello(std::string_view connect_json = R"({"verbose":false})") {
        send("CONNECT " + std::string(connect_json) + "\r\nPING\r\n");
        expect("PONG");
    }
    void ping() {
        send("PING\r\n");
        expect("PONG");
    }
    void close() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
    std::uint64_t cid_ = 0;
    std::string buf_;
};

struct Running {
    explicit Running(config::Options o = {}) : server(prepare(std::move(o))) {
        server.start();
        server.accept_clients();
    }
    ~Running() { server.shutdown(); }
    static config::Options prepare(config::Options o) {
        o.host = "127.0.0.1";
        o.port = -1;
        return o;
    }
    std::optional<ConnectionInfo> info(std::uint64_t cid) const {
        for (auto& c : server.connections())
            if (c.cid == cid) return c;
        return std::nullopt;
    }
    // Closing is asynchronous to the client: wait (bounded) for the record.
    std::shared_ptr<const ClosedConnection> closed(std::uint64_t cid) const {
        const auto deadline = steady::now() + 5s;
        while (steady::now() < deadline) {
            for (auto& c : server.closed_connections())
                if (c->info.cid == cid) return c;
            std::this_thread::sleep_for(5ms);
        }
        return nullptr;
    }
    Server server;
};

TEST(ConnectionActivity, LastActivityIsConnectSubscriptionsAndMessagesButNotPings) {
    Running r;
    Conn sub(r.server.port());
    Conn pub(r.server.port());
    ASSERT_EQ(r.info(sub.cid())->last_activity, r.info(sub.cid())->start) << "nothing happened yet";
    sub.hello();
    pub.hello();
    const auto after_connect = r.info(sub.cid())->last_activity;
    EXPECT_GT(after_connect, r.info(sub.cid())->start) << "CONNECT is activity";

    std::this_thread::sleep_for(20ms);
    sub.ping();
    EXPECT_EQ(r.info(sub.cid())->last_activity, after_connect) << "a PING is not activity";

    sub.send("SUB news 1\r\n");
    sub.ping();
    const auto after_sub = r.info(sub.cid())->last_activity;
    EXPECT_GE(after_sub - after_connect, 20ms) << "a SUB is";

    std::this_thread::sleep_for(20ms);
    const auto pub_before = r.info(pub.cid())->last_activity;
    pub.send("PUB news 2\r\nhi\r\n");
    pub.ping();
    sub.expect("MSG news 1 2");
    const auto pub_after = r.info(pub.cid())->last_activity;
    const auto delivered_at = r.info(sub.cid())->last_activity;
    EXPECT_GE(pub_after - pub_before, 20ms) << "publishing is activity";
    EXPECT_GE(delivered_at - after_sub, 20ms) << "a delivery is activity for the subscriber";
    EXPECT_LT(std::chrono::abs(delivered_at - pub_after), 50ms) << "both stamped in the same read batch";
}

TEST(ConnectionActivity, RoundTripIsEstimatedAtConnectThenMeasuredByPingPong) {
    config::Options o;
    o.ping_interval = 300ms;  // the first PING comes then; the next one well after our PONG
    Running r(o);
    Conn c(r.server.port());
    EXPECT_EQ(r.info(c.cid())->rtt, 0ns) << "no estimate before CONNECT";
    std::this_thread::sleep_for(30ms);
    c.send("CONNECT {\"verbose\":false}\r\n");
    // The server's first PING comes after the (short) interval.
    c.expect("PING");
    const auto estimate = r.info(c.cid())->rtt;
    EXPECT_GE(estimate, 30ms) << "CONNECT came 30 ms after the accept";
    EXPECT_LT(estimate, 2s);
    std::this_thread::sleep_for(150ms);
    c.send("PONG\r\n");
    c.ping();
    const auto measured = r.info(c.cid())->rtt;
    EXPECT_GE(measured, 150ms) << "PING -> PONG took at least the delay";
    EXPECT_LT(measured, 5s);
    EXPECT_NE(measured, estimate);
}

TEST(ConnectionActivity, AnUnsolicitedPongLeavesTheRoundTripAlone) {
    Running r;
    Conn c(r.server.port());
    c.hello();
    const auto estimate = r.info(c.cid())->rtt;
    ASSERT_GT(estimate, 0ns);
    c.send("PONG\r\n");
    c.ping();
    EXPECT_EQ(r.info(c.cid())->rtt, estimate) << "no PING of ours was outstanding";
}

TEST(ConnectionActivity, SubscriptionsCountTheirDeliveriesAndLimits) {
    Running r;
    Conn sub(r.server.port());
    sub.hello();
    sub.send("SUB a 1\r\nSUB b g 2\r\nUNSUB 2 10\r\nSUB never 3\r\n");
    sub.ping();
    Conn pub(r.server.port());
    pub.hello();
    pub.send("PUB a 1\r\nx\r\nPUB a 1\r\nx\r\nPUB a 1\r\nx\r\nPUB b 1\r\ny\r\n");
    pub.ping();
    for (int i = 0; i < 4; ++i) sub.line(), sub.line();  // MSG line and payload

    std::vector<SubscriptionDetail> details;
    for (const auto& account : r.server.accounts())
        for (const auto& s : account->sublist.all())
            if (auto* cs = dynamic_cast<const ClientSubscription*>(s.get()))
                details.push_back({account->name, cs->subject, cs->queue, cs->sid,
                                   cs->delivered.load(), cs->max_msgs.load(), cs->client->id()});
    std::sort(details.begin(), details.end(), [](auto& a, auto& b) { return a.sid < b.sid; });
    ASSERT_EQ(details.size(), 3u);
    EXPECT_EQ(details[0].msgs, 3u);
    EXPECT_EQ(details[0].max, 0u);
    EXPECT_EQ(details[1].msgs, 1u);
    EXPECT_EQ(details[1].max, 10u);
    EXPECT_EQ(details[1].queue, "g");
    EXPECT_EQ(details[2].msgs, 0u);
}

TEST(ConnectionActivity, ClosingLeavesARecordWithReasonSubscriptionsAndFinalCounts) {
    Running r;
    Conn sub(r.server.port());
    sub.hello(R"({"verbose":false,"name":"leaver","lang":"c"})");
    sub.send("SUB a 1\r\nSUB b q 2\r\nUNSUB 2 10\r\n");
    sub.ping();
    Conn pub(r.server.port());
    pub.hello();
    pub.send("PUB a 2\r\nhi\r\nPUB a 2\r\nhi\r\nPUB b 2\r\nhi\r\n");
    pub.ping();
    for (int i = 0; i < 3; ++i) sub.line(), sub.line();
    const auto open_info = *r.info(sub.cid());
    const auto before_close = std::chrono::system_clock::now();
    sub.close();

    const auto rec = r.closed(sub.cid());
    ASSERT_NE(rec, nullptr) << "no closed record";
    EXPECT_EQ(rec->reason, "Client Closed");
    EXPECT_GE(rec->stop, before_close);
    EXPECT_EQ(rec->info.name, "leaver");
    EXPECT_EQ(rec->info.lang, "c");
    EXPECT_EQ(rec->info.out_msgs, 3u);
    EXPECT_EQ(rec->info.out_bytes, 6u);
    EXPECT_EQ(rec->info.subscriptions, 2u) << "counted before the subscriptions went";
    EXPECT_EQ(rec->info.rtt, open_info.rtt);
    EXPECT_EQ(rec->info.last_activity, open_info.last_activity);
    ASSERT_EQ(rec->subscriptions.size(), 2u);
    auto subs = rec->subscriptions;
    std::sort(subs.begin(), subs.end(), [](auto& a, auto& b) { return a.sid < b.sid; });
    EXPECT_EQ(subs[0].account, "$G");
    EXPECT_EQ(subs[0].subject, "a");
    EXPECT_EQ(subs[0].msgs, 2u);
    EXPECT_EQ(subs[0].cid, sub.cid());
    EXPECT_EQ(subs[1].queue, "q");
    EXPECT_EQ(subs[1].msgs, 1u);
    EXPECT_EQ(subs[1].max, 0u) << "nats-server clears the limit before keeping the record";
    EXPECT_FALSE(r.info(sub.cid())) << "no longer open";
}

TEST(ConnectionActivity, EachWayOfEndingHasNatsServersReason) {
    Running r;
    struct Case {
        std::string input;
        std::string reason;
    };
    const std::vector<Case> cases = {
        {"CONNECT {\"verbose\":false}\r\nBOGUS\r\n", "Protocol Violation"},
        {"CONNECT {\"verbose\":false}\r\n-ERR 'mine'\r\n", "Parse Error"},
        {"CONNECT {\"verbose\":false,\"protocol\":2}\r\n", "Bad Client Protocol Version"},
        {"CONNECT {\"verbose\":false,\"no_responders\":true}\r\n", "No Responders Requires Headers"},
        {"CONNECT {\"verbose\":false}\r\nPUB a 2000000\r\n", "Maximum Message Payload Exceeded"},
        {"CONNECT {\"verbose\":false}\r\nSUB " + std::string(5000, 'x') + " 1\r\n", "Maximum Control Line Exceeded"},
    };
    for (const auto& c : cases) {
        Conn conn(r.server.port());
        conn.send(c.input);
        const auto rec = r.closed(conn.cid());
        ASSERT_NE(rec, nullptr) << c.input;
        EXPECT_EQ(rec->reason, c.reason) << c.input;
    }
}

TEST(ConnectionActivity, ShutdownRecordsServerShutdown) {
    auto r = std::make_unique<Running>();
    Conn c(r->server.port());
    c.hello();
    r->server.shutdown();
    bool found = false;
    for (const auto& rec : r->server.closed_connections())
        if (rec->info.cid == c.cid()) found = rec->reason == "Server Shutdown";
    EXPECT_TRUE(found);
}

TEST(ConnectionActivity, OnlyTheLastMaxClosedClientsAreKept) {
    config::Options o;
    o.max_closed_clients = 2;
    Running r(o);
    std::vector<std::uint64_t> ids;
    for (int i = 0; i < 4; ++i) {
        Conn c(r.server.port());
        c.hello();
        ids.push_back(c.cid());
        c.close();
        ASSERT_NE(r.closed(ids.back()), nullptr);
    }
    const auto list = r.server.closed_connections();
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0]->info.cid, ids[2]);
    EXPECT_EQ(list[1]->info.cid, ids[3]);
}

TEST(ConnectionActivity, SlowConsumersAreCountedOnTheirAccount) {
    config::Options o;
    o.max_payload = 65536;
    o.max_pending = 131072;
    Running r(o);
    Conn slow(r.server.port(), 4096);
    slow.hello();
    slow.send("SUB flood 1\r\n");
    slow.ping();
    Conn pub(r.server.port());
    pub.hello();
    const std::string payload(32768, 'p');
    const std::string message = "PUB flood " + std::to_string(payload.size()) + "\r\n" + payload + "\r\n";
    // Publish until the server cuts the reader off (bounded); a send may time
    // out while the server stalls this publisher.
    std::shared_ptr<const ClosedConnection> rec;
    const auto deadline = steady::now() + 15s;
    while (!rec && steady::now() < deadline) {
        try {
            pub.send(message);
        } catch (const std::exception&) {
        }
        for (const auto& c : r.server.closed_connections())
            if (c->info.cid == slow.cid()) rec = c;
    }
    ASSERT_NE(rec, nullptr) << "the slow consumer was not cut off";
    EXPECT_EQ(rec->reason.rfind("Slow Consumer", 0), 0u) << rec->reason;
    EXPECT_EQ(r.server.global_account()->slow_consumers.load(), 1u);
    EXPECT_EQ(r.server.totals().slow_consumers, 1u);
}

}  // namespace
}  // namespace nats::server
