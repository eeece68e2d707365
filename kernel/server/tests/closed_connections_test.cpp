// What the kernel keeps of connections that ended, for /connz?state=closed:
// a ring of max_closed_clients records (nats-server's closedRingBuffer), the
// close reasons in nats-server's words, and the config key that sizes it.
#include <gtest/gtest.h>

#include "kernel/config/options.hpp"
#include "kernel/server/client.hpp"
#include "kernel/server/server.hpp"

namespace nats::server {
namespace {

config::Options with_max_closed(int n) {
    config::Options o;
    o.max_closed_clients = n;
    return o;
}

ClosedConnection record(std::uint64_t cid, std::string reason = "Client Closed") {
    ClosedConnection c;
    c.info.cid = cid;
    c.reason = std::move(reason);
    c.stop = std::chrono::system_clock::now();
    return c;
}

std::vector<std::uint64_t> cids(const std::vector<std::shared_ptr<const ClosedConnection>>& list) {
    std::vector<std::uint64_t> out;
    for (const auto& c : list) out.push_back(c->info.cid);
    return out;
}

TEST(ClosedConnections, EmptyUntilAConnectionCloses) {
    Server server(with_max_closed(10));
    EXPECT_TRUE(server.closed_connections().empty());
}

TEST(ClosedConnections, KeptOldestFirstWithTheirDetails) {
    Server server(with_max_closed(10));
    ClosedConnection c = record(7, "Stale Connection");
    c.info.name = "worker";
    c.subscriptions.push_back({"$G", "orders", "q", "1", 42, 0, 7});
    server.remember_closed(std::move(c));
    server.remember_closed(record(9));
    const auto list = server.closed_connections();
    ASSERT_EQ(cids(list), (std::vector<std::uint64_t>{7, 9}));
    EXPECT_EQ(list[0]->reason, "Stale Connection");
    EXPECT_EQ(list[0]->info.name, "worker");
    ASSERT_EQ(list[0]->subscriptions.size(), 1u);
    EXPECT_EQ(list[0]->subscriptions[0].msgs, 42u);
    EXPECT_EQ(list[1]->reason, "Client Closed");
}

TEST(ClosedConnections, RingDropsTheOldestBeyondItsCapacity) {
    Server server(with_max_closed(3));
    for (std::uint64_t cid = 1; cid <= 3; ++cid) server.remember_closed(record(cid));
    EXPECT_EQ(cids(server.closed_connections()), (std::vector<std::uint64_t>{1, 2, 3}));
    server.remember_closed(record(4));
    EXPECT_EQ(cids(server.closed_connections()), (std::vector<std::uint64_t>{2, 3, 4}));
    for (std::uint64_t cid = 5; cid <= 11; ++cid) server.remember_closed(record(cid));
    EXPECT_EQ(cids(server.closed_connections()), (std::vector<std::uint64_t>{9, 10, 11}));
}

TEST(ClosedConnections, ASnapshotIsNotChangedByLaterCloses) {
    Server server(with_max_closed(2));
    server.remember_closed(record(1));
    server.remember_closed(record(2));
    const auto before = server.closed_connections();
    server.remember_closed(record(3));
    EXPECT_EQ(cids(before), (std::vector<std::uint64_t>{1, 2}));
    EXPECT_EQ(before[0]->info.cid, 1u) << "records are immutable and shared";
}

TEST(ClosedConnections, CapacityOneKeepsTheLastOnly) {
    Server server(with_max_closed(1));
    server.remember_closed(record(1));
    server.remember_closed(record(2));
    EXPECT_EQ(cids(server.closed_connections()), (std::vector<std::uint64_t>{2}));
}

TEST(ClosedConnections, ConcurrentClosesAreAllCountedAndTheRingStaysBounded) {
    Server server(with_max_closed(100));
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&server, t] {
            for (int i = 0; i < 500; ++i) server.remember_closed(record(static_cast<std::uint64_t>(t * 1000 + i)));
        });
    for (auto& t : threads) t.join();
    const auto list = server.closed_connections();
    ASSERT_EQ(list.size(), 100u);
    for (const auto& c : list) ASSERT_NE(c, nullptr);
}

TEST(ClosedConnections, ReasonsReadAsNatsServerWritesThem) {
    // server/monitor.go: ClosedState.String() in nats-server 2.9.10.
    EXPECT_EQ(close_reason_text(CloseReason::client_closed), "Client Closed");
    EXPECT_EQ(close_reason_text(CloseReason::server_shutdown), "Server Shutdown");
    EXPECT_EQ(close_reason_text(CloseReason::lame_duck), "Server Shutdown");
    EXPECT_EQ(close_reason_text(CloseReason::protocol_error), "Protocol Violation");
    EXPECT_EQ(close_reason_text(CloseReason::parse_error), "Parse Error");
    EXPECT_EQ(close_reason_text(CloseReason::auth_violation), "Authentication Failure");
    EXPECT_EQ(close_reason_text(CloseReason::auth_timeout), "Authentication Timeout");
    EXPECT_EQ(close_reason_text(CloseReason::stale_connection), "Stale Connection");
    EXPECT_EQ(close_reason_text(CloseReason::slow_consumer_pending), "Slow Consumer (Pending Bytes)");
    EXPECT_EQ(close_reason_text(CloseReason::slow_consumer_deadline), "Slow Consumer (Write Deadline)");
    EXPECT_EQ(close_reason_text(CloseReason::max_connections), "Maximum Connections Exceeded");
    EXPECT_EQ(close_reason_text(CloseReason::max_account_connections), "Maximum Account Connections Exceeded");
    EXPECT_EQ(close_reason_text(CloseReason::max_subscriptions), "Maximum Subscriptions Exceeded");
    EXPECT_EQ(close_reason_text(CloseReason::authentication_expired), "Authentication Expired");
    EXPECT_EQ(close_reason_text(CloseReason::credentials_revoked), "Credentials Revoked");
    EXPECT_EQ(close_reason_text(CloseReason::tls_error), "TLS Handshake Failure");
    EXPECT_EQ(close_reason_text(CloseReason::read_error), "Read Error");
    EXPECT_EQ(close_reason_text(CloseReason::write_error), "Write Error");
    EXPECT_EQ(close_reason_text(CloseReason::max_payload), "Maximum Message Payload Exceeded");
    EXPECT_EQ(close_reason_text(CloseReason::max_control_line), "Maximum Control Line Exceeded");
    EXPECT_EQ(close_reason_text(CloseReason::bad_client_protocol), "Bad Client Protocol Version");
    EXPECT_EQ(close_reason_text(CloseReason::no_responders_without_headers), "No Responders Requires Headers");
    EXPECT_EQ(close_reason_text(static_cast<CloseReason>(999)), "Unknown State");
}

// ---- the config key ----

config::Options load(const std::string& text) {
    return config::options_from_value(config::parse_config_string(text, "s.conf"), "s.conf");
}

std::string error_of(const std::string& text) {
    try {
        load(text);
    } catch (const config::ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(ClosedConnectionsConfig, DefaultsToNatsServersTenThousand) {
    EXPECT_EQ(load("").max_closed_clients, 10000);
    EXPECT_EQ(load("max_closed_clients: 0").max_closed_clients, 10000) << "0 means the default, as in Go";
}

TEST(ClosedConnectionsConfig, ReadAsAnInteger) {
    EXPECT_EQ(load("max_closed_clients: 25").max_closed_clients, 25);
    EXPECT_EQ(load("MAX_CLOSED_CLIENTS = 3").max_closed_clients, 3) << "top-level keys ignore case";
    EXPECT_TRUE(config::is_kernel_key("max_closed_clients"));
    EXPECT_FALSE(config::is_plugin_key("max_closed_clients"));
}

TEST(ClosedConnectionsConfig, BadValuesStopTheConfig) {
    EXPECT_NE(error_of("max_closed_clients: -1").find("max_closed_clients value can not be negative"),
              std::string::npos);
    EXPECT_NE(error_of("max_closed_clients: 9999999999").find("max_closed_clients value is too big"),
              std::string::npos);
    EXPECT_NE(error_of("max_closed_clients: \"many\"").find("max_closed_clients"), std::string::npos);
    EXPECT_NE(error_of("max_closed_clients: true").find("max_closed_clients"), std::string::npos);
}

TEST(ClosedConnectionsConfig, TheServerSizesItsRingFromIt) {
    Server server(load("max_closed_clients: 2"));
    for (std::uint64_t cid = 1; cid <= 5; ++cid) server.remember_closed(record(cid));
    EXPECT_EQ(cids(server.closed_connections()), (std::vector<std::uint64_t>{4, 5}));
}

}  // namespace
}  // namespace nats::server
