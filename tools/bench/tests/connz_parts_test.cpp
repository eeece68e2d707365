// The small parsers behind the connz scenario: URLs, the NATS handshake reply,
// JSON counts, descriptor limits.
#include "endpoint.hpp"
#include "fd_limit.hpp"
#include "idle_sockets.hpp"
#include "json_scan.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>

namespace nats::bench {
namespace {

TEST(BenchEndpoint, ReadsHostAndPort) {
    const endpoint a = parse_endpoint("http://127.0.0.1:8222", "http");
    EXPECT_EQ(a.host, "127.0.0.1");
    EXPECT_EQ(a.port, 8222);
    const endpoint b = parse_endpoint("nats://localhost:4222/ignored", "nats");
    EXPECT_EQ(b.host, "127.0.0.1");
    EXPECT_EQ(b.port, 4222);
}

TEST(BenchEndpoint, RejectsWhatItCannotConnectTo) {
    for (const char* bad : {"127.0.0.1:8222", "https://127.0.0.1:8222", "http://127.0.0.1", "http://127.0.0.1:",
                            "http://127.0.0.1:0", "http://127.0.0.1:65536", "http://127.0.0.1:8x", "http://host:80",
                            "http://u:p@127.0.0.1:80", "http://[::1]:80", "http://:80"})
        EXPECT_THROW(parse_endpoint(bad, "http"), std::invalid_argument) << bad;
}

TEST(BenchHandshake, PongAfterInfoIsReady) {
    EXPECT_EQ(scan_handshake("").result, handshake_scan::state::waiting);
    EXPECT_EQ(scan_handshake("INFO {\"server_id\":\"x\"}\r\n").result, handshake_scan::state::waiting);
    EXPECT_EQ(scan_handshake("INFO {}\r\nPON").result, handshake_scan::state::waiting);
    EXPECT_EQ(scan_handshake("INFO {}\r\nPONG\r\n").result, handshake_scan::state::ready);
    EXPECT_EQ(scan_handshake("INFO {}\r\n+OK\r\nPING\r\nPONG\r\n").result, handshake_scan::state::ready);
}

TEST(BenchHandshake, ErrorsAndNoiseAreRefusals) {
    const handshake_scan err = scan_handshake("INFO {}\r\n-ERR 'maximum connections exceeded'\r\nPONG\r\n");
    EXPECT_EQ(err.result, handshake_scan::state::refused);
    EXPECT_EQ(err.error, "-ERR 'maximum connections exceeded'");
    const handshake_scan odd = scan_handshake("HTTP/1.1 400 Bad Request\r\n");
    EXPECT_EQ(odd.result, handshake_scan::state::refused);
    EXPECT_NE(odd.error.find("unexpected line"), std::string::npos);
}

TEST(BenchJsonScan, FindsMemberCounts) {
    const std::string connz = "{\n  \"server_id\": \"total\",\n  \"num_connections\": 1024,\n  \"total\" :\n 10002,"
                              "\n  \"connections\": []\n}";
    EXPECT_EQ(find_json_uint(connz, "num_connections"), 1024u);
    EXPECT_EQ(find_json_uint(connz, "total"), 10002u);  // skips the string value "total"
    EXPECT_EQ(find_json_uint(connz, "offset"), std::nullopt);
    EXPECT_EQ(find_json_uint(R"({"total":-3})", "total"), std::nullopt);
    EXPECT_EQ(find_json_uint(R"({"total":1.5})", "total"), std::nullopt);
    EXPECT_EQ(find_json_uint(R"({"total":"7"})", "total"), std::nullopt);
    EXPECT_EQ(find_json_uint(R"({"total":)", "total"), std::nullopt);
}

TEST(BenchFdLimit, RaisesSoftLimitWithinHardLimit) {
    constexpr auto unlimited = std::numeric_limits<std::uint64_t>::max();
    EXPECT_EQ(soft_limit_for(20000, 20000, 10256), std::nullopt);  // already enough
    EXPECT_EQ(soft_limit_for(1024, 20000, 10256), 10256u);
    EXPECT_EQ(soft_limit_for(1024, unlimited, 10256), 10256u);
    EXPECT_EQ(soft_limit_for(1024, 4096, 10256), 4096u);  // as far as allowed; the caller sees it is short
    EXPECT_EQ(soft_limit_for(4096, 4096, 10256), std::nullopt);
}

TEST(BenchFdLimit, ReportsWhetherTheNeedFits) {
    EXPECT_TRUE(raise_fd_limit(16).enough);
    EXPECT_FALSE(raise_fd_limit(std::numeric_limits<std::uint64_t>::max() - 1).enough);
}

}  // namespace
}  // namespace nats::bench
