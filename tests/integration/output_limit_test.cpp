// Every byte the server queues to a client counts against max_pending, its own
// replies (PONG, +OK, -ERR, INFO) as much as messages: a client that floods
// PINGs and never reads is closed as a slow consumer, as nats-server's
// queueOutbound does, instead of growing the server's memory until the write
// deadline. Runs against nats-server too (NMK_SERVER_BIN=/usr/sbin/nats-server).
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/net.hpp"

namespace nats::integration {
namespace {

using Clock = std::chrono::steady_clock;

// Resident memory of `pid` in KiB (VmRSS in /proc/<pid>/status), 0 when unreadable.
long resident_kib(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
    }
    return 0;
}

// A client socket that writes and never reads, with a small receive buffer so
// the server's replies pile up on its side.
class NeverReads {
public:
    explicit NeverReads(int port) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        if (fd_ < 0) throw std::runtime_error("socket");
        int small = 4096;
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            throw std::runtime_error("connect");
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    }
    ~NeverReads() { ::close(fd_); }
    NeverReads(const NeverReads&) = delete;
    NeverReads& operator=(const NeverReads&) = delete;

    // Writes `data` whole, waiting at most `patience` for room. False when the
    // server closed the connection (reset or broken pipe); throws when stuck.
    bool write_all(std::string_view data, std::chrono::milliseconds patience) {
        const auto deadline = Clock::now() + patience;
        while (!data.empty()) {
            const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n > 0) {
                data.remove_prefix(static_cast<std::size_t>(n));
                continue;
            }
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) return false;
            if (Clock::now() > deadline) throw std::runtime_error("the server stopped reading");
            pollfd p{fd_, POLLOUT, 0};
            ::poll(&p, 1, 50);
        }
        return true;
    }

private:
    int fd_ = -1;
};

std::uint64_t varz_slow_consumers(int http_port) {
    return test_support::http_get(http_port, "/varz").json_body()["slow_consumers"].get<std::uint64_t>();
}

}  // namespace

TEST(OutputLimit, PingFloodThatNeverReadsIsClosedAsSlowConsumer) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    const int http_port = test_support::free_port();
    // A long write deadline: only max_pending can end the flood in time.
    auto server = start_server("max_payload: 65536\nmax_pending: 1048576\nwrite_deadline: \"60s\"\n",
                               {"-m", std::to_string(http_port)});
    ASSERT_TRUE(wait_for_log(*server, "Server is ready"));
    RawClient bystander(server->port());
    bystander.connect();
    bystander.send("SUB carry.on 1\r\n");
    bystander.flush();
    ASSERT_EQ(varz_slow_consumers(http_port), 0u);
    const long baseline_kib = resident_kib(server->pid());
    ASSERT_GT(baseline_kib, 0);

    NeverReads flooder(server->port());
    ASSERT_TRUE(flooder.write_all("CONNECT {\"verbose\":false,\"pedantic\":false}\r\n", 2s));
    std::string chunk;
    for (int i = 0; i < 64 * 1024 / 6; ++i) chunk += "PING\r\n";
    constexpr std::size_t kFloodLimit = 64u << 20;  // bounded: 64 MiB of PINGs at most
    std::size_t sent = 0;
    long peak_kib = baseline_kib;
    bool cut = false;
    const auto give_up = Clock::now() + 30s;
    while (sent < kFloodLimit && Clock::now() < give_up) {
        if (!flooder.write_all(chunk, 10s)) {
            cut = true;
            break;
        }
        sent += chunk.size();
        if ((sent / chunk.size()) % 16 == 0) peak_kib = std::max(peak_kib, resident_kib(server->pid()));
    }
    // Keep writing a little after the last chunk: the reset arrives on a later write.
    for (int i = 0; !cut && i < 40; ++i) {
        std::this_thread::sleep_for(50ms);
        cut = !flooder.write_all("PING\r\n", 1s);
    }
    peak_kib = std::max(peak_kib, resident_kib(server->pid()));
    // Ours closes the socket at once; nats-server drops the client at once but
    // closes its socket only when its blocked write times out (write_deadline).
    if (server_loads_plugins()) EXPECT_TRUE(cut) << "the flooder was never cut off after " << sent << " bytes of PINGs";
    // Unbounded, the PONGs for 64 MiB of PINGs take 64 MiB or more; bounded,
    // the queue holds at most max_pending (1 MiB).
    EXPECT_LT(peak_kib - baseline_kib, 32 * 1024) << "server memory grew from " << baseline_kib << " KiB to "
                                                 << peak_kib << " KiB";

    // Counted and logged as nats-server does.
    EXPECT_EQ(varz_slow_consumers(http_port), 1u);
    EXPECT_TRUE(wait_for_log(*server, "Slow Consumer Detected: MaxPending of 1048576 Exceeded"))
        << server->log_text();
    const json closed = test_support::http_get(http_port, "/connz?state=closed").json_body();
    ASSERT_EQ(closed["connections"].size(), 1u) << closed.dump();
    EXPECT_EQ(closed["connections"][0]["reason"], "Slow Consumer (Pending Bytes)");

    // Everyone else carries on.
    RawClient publisher(server->port());
    publisher.connect();
    publisher.send(pub("carry.on", "still here"));
    EXPECT_EQ(bystander.expect_msg().payload, "still here");
    EXPECT_TRUE(publisher.flush().empty());
}

// The same bound holds for -ERR replies: a client that never reads and keeps
// sending a forbidden publish is cut, not buffered without end.
TEST(OutputLimit, ErrRepliesCountAgainstMaxPending) {
    auto server = start_server(
        "max_payload: 65536\nmax_pending: 1048576\nwrite_deadline: \"60s\"\n"
        "authorization { users: [{user: a, password: b, permissions: {publish: {deny: \"forbidden\"}}}] }\n");
    ASSERT_TRUE(wait_for_log(*server, "Server is ready"));
    NeverReads flooder(server->port());
    ASSERT_TRUE(flooder.write_all("CONNECT {\"verbose\":false,\"pedantic\":false,\"user\":\"a\",\"pass\":\"b\"}\r\n", 2s));
    std::string chunk;
    for (int i = 0; i < 1000; ++i) chunk += "PUB forbidden 0\r\n\r\n";
    bool cut = false;
    std::size_t sent = 0;
    const auto give_up = Clock::now() + 30s;
    while (!cut && sent < (16u << 20) && Clock::now() < give_up) {
        cut = !flooder.write_all(chunk, 10s);
        sent += chunk.size();
    }
    for (int i = 0; !cut && i < 40; ++i) {
        std::this_thread::sleep_for(50ms);
        cut = !flooder.write_all("PING\r\n", 1s);
    }
    if (server_loads_plugins()) EXPECT_TRUE(cut) << "still open after " << sent << " bytes of forbidden publishes";
    EXPECT_TRUE(wait_for_log(*server, "Slow Consumer Detected: MaxPending of 1048576 Exceeded"))
        << server->log_text();
}

}  // namespace nats::integration
