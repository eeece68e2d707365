// The monitoring port under hostile input: thousands of idle sockets must not
// lock out /healthz, headers trickled byte by byte are cut at the header
// deadline, and malformed requests get Go net/http's exact answers, compared
// live with nats-server 2.9.10 (/usr/sbin/nats-server) over raw sockets.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <regex>

#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/net.hpp"

namespace nats::integration {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* reference_server = "/usr/sbin/nats-server";

struct Monitored {
    std::unique_ptr<ServerProcess> server;
    int http_port = 0;
};

Monitored start_monitored(const std::string& binary = {}) {
    Monitored m;
    m.http_port = test_support::free_port();
    std::optional<std::string> old;
    if (!binary.empty()) {
        if (const char* v = std::getenv("NMK_SERVER_BIN")) old = v;
        ::setenv("NMK_SERVER_BIN", binary.c_str(), 1);
    }
    m.server = start_server({}, {"-m", std::to_string(m.http_port)});
    if (!binary.empty()) {
        if (old) ::setenv("NMK_SERVER_BIN", old->c_str(), 1);
        else ::unsetenv("NMK_SERVER_BIN");
    }
    if (!wait_for_log(*m.server, "Server is ready")) throw std::runtime_error("not ready:\n" + m.server->log_text());
    return m;
}

// A connected loopback socket (closed by the destructor).
struct Socket {
    int fd = -1;
    explicit Socket(int port) {
        fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) throw std::runtime_error("socket: out of descriptors");
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
            ::close(fd);
            throw std::runtime_error("connect failed");
        }
    }
    ~Socket() { ::close(fd); }
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
    bool send(std::string_view bytes) const {
        return ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
    }
    // True once the peer closed (EOF or reset) within `wait`.
    bool closed_within(std::chrono::milliseconds wait) const {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return false;
        char c;
        return ::recv(fd, &c, 1, MSG_DONTWAIT) <= 0;
    }
    // Everything until EOF, or until nothing arrived for `quiet`.
    std::string read_all(std::chrono::milliseconds quiet) const {
        std::string out;
        char buf[4096];
        for (int rounds = 0; rounds < 1000; ++rounds) {
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(quiet.count())) <= 0) break;
            const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            out.append(buf, static_cast<std::size_t>(n));
        }
        return out;
    }
};

// One raw request on a fresh connection; the answer without its Date header.
std::string raw_exchange(int port, std::string_view request) {
    Socket s(port);
    s.send(request);
    return std::regex_replace(s.read_all(std::chrono::milliseconds(700)), std::regex("Date: [^\r]*\r\n"), "");
}

}  // namespace

TEST(MonitoringHardening, IdleSocketsDoNotLockOutHealthz) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    // 2000 idle sockets here, as many on the server's side: make room when the soft limit is low.
    rlimit files{};
    ::getrlimit(RLIMIT_NOFILE, &files);
    if (files.rlim_cur < 4500 && files.rlim_max > files.rlim_cur) {
        files.rlim_cur = std::min<rlim_t>(files.rlim_max, 4500);
        ::setrlimit(RLIMIT_NOFILE, &files);
    }
    const int count = files.rlim_cur >= 4500 ? 2000 : static_cast<int>(files.rlim_cur / 2) - 100;
    ASSERT_GT(count, 300) << "too few descriptors to outnumber the session bound";
    auto m = start_monitored();
    std::vector<std::unique_ptr<Socket>> idle;
    idle.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i) idle.push_back(std::make_unique<Socket>(m.http_port));
    for (int round = 0; round < 3; ++round) {
        const auto start = Clock::now();
        const auto reply = test_support::http_request(m.http_port, "GET", "/healthz", {}, std::chrono::seconds(5));
        const auto took = Clock::now() - start;
        EXPECT_EQ(reply.status, 200);
        EXPECT_EQ(reply.body, "{\"status\":\"ok\"}");
        EXPECT_LT(took, 2s) << "round " << round;
    }
    // The server never holds more than its bound of them: most were closed to make room.
    int closed = 0;
    for (auto& s : idle) closed += s->closed_within(std::chrono::milliseconds(0)) ? 1 : 0;
    if (server_loads_plugins()) EXPECT_GE(closed, count - 256) << "of " << count;
}

TEST(MonitoringHardening, TrickledHeadersAreCutAtTheHeaderDeadline) {
    SKIP_UNLESS_PLUGIN_SERVER();  // nats-server sets no header deadline
    SKIP_WITHOUT_PLUGINS("monitoring");
    auto m = start_monitored();
    Socket slow(m.http_port);
    const std::string request = "GET /varz HTTP/1.1\r\nHost: h\r\n" + std::string(200, 'X');
    const auto start = Clock::now();
    bool cut = false;
    for (std::size_t i = 0; i < request.size() && !cut; ++i) {
        // A byte every 250 ms: never idle long enough for the idle timeout.
        if (!slow.send(std::string_view(&request[i], 1))) cut = true;
        else cut = slow.closed_within(std::chrono::milliseconds(250));
        if (Clock::now() - start > 20s) break;
    }
    const auto took = Clock::now() - start;
    EXPECT_TRUE(cut) << "still open after " << std::chrono::duration_cast<std::chrono::seconds>(took).count() << " s";
    EXPECT_GE(took, 9s);
    EXPECT_LT(took, 13s);
    EXPECT_EQ(test_support::http_get(m.http_port, "/healthz").status, 200);
}

TEST(MonitoringHardening, MalformedRequestsAnswerLikeNatsServer) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    if (!std::filesystem::exists(reference_server)) GTEST_SKIP() << reference_server << " is not installed";
    using namespace std::string_literals;
    auto ours = start_monitored();
    auto theirs = start_monitored(reference_server);
    // Refused before any handler: byte for byte.
    const std::vector<std::string> refused = {
        "GET /hea\0lthz HTTP/1.1\r\nHost: h\r\n\r\n"s,
        "GET /healthz HTTP/2.0\r\nHost: h\r\n\r\n",
        "GET /healthz HTTP/0.9\r\nHost: h\r\n\r\n",
        "GET /healthz FOO/1.1\r\nHost: h\r\n\r\n",
        "GET healthz HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /healthz%zz HTTP/1.1\r\nHost: h\r\n\r\n",
        "NOT HTTP AT ALL\r\n\r\n",
        "GET /healthz HTTP/1.1\r\n\r\n",
        // The start of a TLS ClientHello (record header, handshake header, version, random).
        "\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03\x5e\x0a\x21\x9c\x13 \x07\x0a\x8f\x00\x00\x02\x00\x2f\x01\x00"s,
    };
    for (const auto& request : refused) {
        const std::string a = raw_exchange(ours.http_port, request);
        EXPECT_FALSE(a.empty()) << request;
        EXPECT_EQ(a, raw_exchange(theirs.http_port, request)) << request;
    }
    // Served: the same status line and body.
    const std::vector<std::string> served = {
        "GET http://host/healthz HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET HTTP://host:8222/connz?limit=99999999999999999999x HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /connz?offset=-99999999999999999999 HTTP/1.1\r\nHost: h\r\n\r\n",
        "GET /healthz HTTP/1.2\r\nHost: h\r\n\r\n",
        "GET http://host HTTP/1.1\r\nHost: h\r\n\r\n",
    };
    auto status_and_body = [](const std::string& answer) {
        const auto eol = answer.find("\r\n");
        const auto head_end = answer.find("\r\n\r\n");
        if (eol == std::string::npos || head_end == std::string::npos) return answer;
        return answer.substr(0, eol) + " | " + answer.substr(head_end + 4);
    };
    for (const auto& request : served) {
        const std::string a = status_and_body(raw_exchange(ours.http_port, request));
        EXPECT_EQ(a, status_and_body(raw_exchange(theirs.http_port, request))) << request;
        EXPECT_EQ(a.rfind("HTTP/1.1 ", 0), 0u) << a;
    }
}

}  // namespace nats::integration
