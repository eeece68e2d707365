// The Beast server on loopback: keep-alive, HEAD, limits, handler failures and
// a stop() that leaves nothing behind.
#include <gtest/gtest.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <memory>
#include <chrono>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "plugins/monitoring/http_server.hpp"

namespace nats::monitoring {
namespace {

// A blocking loopback client with bounded reads.
class Client {
public:
    explicit Client(int port) : fd_(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) {
        timeval tv{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
            throw std::runtime_error("connect failed");
    }
    ~Client() { ::close(fd_); }
    int fd() const { return fd_; }
    void send(const std::string& bytes) { ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL), (ssize_t)bytes.size()); }
    // One response: headers, then Content-Length bytes of body (none for HEAD).
    std::string response(bool head_only = false) {
        while (buffer_.find("\r\n\r\n") == std::string::npos)
            if (!fill()) return take(buffer_.size());
        const auto head = buffer_.find("\r\n\r\n") + 4;
        const auto at = buffer_.find("Content-Length: ");
        std::size_t length = 0;
        if (at != std::string::npos && at < head && !head_only) length = std::stoul(buffer_.substr(at + 16));
        while (buffer_.size() < head + length)
            if (!fill()) break;
        return take(std::min(buffer_.size(), head + length));
    }
    // Everything until EOF (or the receive timeout).
    std::string until_closed() {
        while (fill()) {
        }
        return take(buffer_.size());
    }
    // True when the server closed the connection (EOF) within the timeout.
    bool closed() {
        char c;
        return ::recv(fd_, &c, 1, 0) == 0;
    }

private:
    bool fill() {
        char buf[4096];
        const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
        if (n <= 0) return false;
        buffer_.append(buf, static_cast<std::size_t>(n));
        return true;
    }
    std::string take(std::size_t n) {
        std::string out = buffer_.substr(0, n);
        buffer_.erase(0, n);
        return out;
    }
    int fd_;
    std::string buffer_;
};

HttpResponse echo(const HttpRequest& r) {
    if (r.path == "/throw") throw std::runtime_error("boom");
    return HttpResponse{200, "text/plain", {{"X-Path", r.path}}, r.method + " " + r.path + "?" + r.query + " auth=" +
                                                                     r.authorization + " body=" + r.body};
}

TEST(HttpServer, AnswersAndKeepsTheConnection) {
    HttpServer server(echo);
    const int port = server.listen("127.0.0.1", 0);
    ASSERT_GT(port, 0);
    server.start(2);
    Client c(port);
    c.send("GET /a?x=1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer t\r\n\r\n");
    std::string r = c.response();
    EXPECT_EQ(r.substr(0, 15), "HTTP/1.1 200 OK");
    EXPECT_NE(r.find("Content-Type: text/plain\r\n"), std::string::npos);
    EXPECT_NE(r.find("X-Path: /a\r\n"), std::string::npos);
    EXPECT_NE(r.find("Date: "), std::string::npos);
    EXPECT_NE(r.find("GET /a?x=1 auth=Bearer t body="), std::string::npos);
    // Same connection, a POST with a body, then HEAD: headers only.
    c.send("POST /b HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n\r\nabc");
    EXPECT_NE(c.response().find("POST /b? auth= body=abc"), std::string::npos);
    c.send("HEAD /c HTTP/1.1\r\nHost: h\r\n\r\n");
    r = c.response(true);
    EXPECT_NE(r.find("Content-Length: 20"), std::string::npos) << r;  // "HEAD /c? auth= body="

    EXPECT_EQ(r.substr(r.size() - 4), "\r\n\r\n") << "no body after the headers";
    c.send("GET /d HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n");
    r = c.response();
    EXPECT_EQ(r.substr(0, 15), "HTTP/1.1 200 OK") << "nothing after the HEAD answer's headers";
    EXPECT_NE(r.find("GET /d"), std::string::npos);
    EXPECT_TRUE(c.closed());
}

TEST(HttpServer, HandlerExceptionIs500) {
    HttpServer server(echo);
    const int port = server.listen("127.0.0.1", 0);
    server.start(1);
    Client c(port);
    c.send("GET /throw HTTP/1.1\r\nHost: h\r\n\r\n");
    const std::string r = c.response();
    EXPECT_EQ(r.substr(0, 12), "HTTP/1.1 500");
    EXPECT_NE(r.find("internal error: boom"), std::string::npos);
}

TEST(HttpServer, OversizedRequestsAreRefused) {
    HttpLimits limits;
    limits.header_limit = 1024;
    limits.body_limit = 16;
    HttpServer server(echo, limits);
    const int port = server.listen("127.0.0.1", 0);
    server.start(1);
    {
        Client c(port);
        c.send("GET / HTTP/1.1\r\nHost: h\r\nX-Big: " + std::string(4096, 'x') + "\r\n\r\n");
        EXPECT_EQ(c.response().substr(0, 12), "HTTP/1.1 431");
        EXPECT_TRUE(c.closed());
    }
    Client c(port);
    c.send("POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 100\r\n\r\n" + std::string(100, 'y'));
    EXPECT_EQ(c.response().substr(0, 12), "HTTP/1.1 413");
}

// What Go's net/http writes before closing, for requests it refuses before any
// handler runs (checked against nats-server 2.9.10 by raw sockets).
constexpr const char* go_400 =
    "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request";
constexpr const char* go_505 =
    "HTTP/1.1 505 HTTP Version Not Supported: unsupported protocol version\r\nContent-Type: text/plain; "
    "charset=utf-8\r\nConnection: close\r\n\r\n505 HTTP Version Not Supported: unsupported protocol version";

// Everything until the server closes (bounded by the client's 5 s timeout).
std::string until_closed(Client& c) { return c.until_closed(); }

TEST(HttpServer, MalformedRequestsGetGoAnswers) {
    using namespace std::string_literals;
    HttpServer server(echo);
    const int port = server.listen("127.0.0.1", 0);
    server.start(1);
    const std::pair<std::string, std::string> cases[] = {
        {"NOT HTTP AT ALL\r\n\r\n", go_400},
        {"GET /hea\0lthz HTTP/1.1\r\nHost: h\r\n\r\n"s, go_400},
        {"GET /a b HTTP/1.1\r\nHost: h\r\n\r\n", go_400},
        {"GET /x%zz HTTP/1.1\r\nHost: h\r\n\r\n", go_400},
        {"GET x HTTP/1.1\r\nHost: h\r\n\r\n", go_400},
        {"GET /x HTTP/1.10\r\nHost: h\r\n\r\n", go_400},
        {"GET /x HTTP/2.0\r\nHost: h\r\n\r\n", go_505},
        {"GET /x HTTP/0.9\r\nHost: h\r\n\r\n", go_505},
        {"GET /x HTTP/1.1\r\n\r\n",
         "HTTP/1.1 400 Bad Request: missing required Host header\r\nContent-Type: text/plain; charset=utf-8\r\n"
         "Connection: close\r\n\r\n400 Bad Request: missing required Host header"},
        // A TLS ClientHello on the plain port: a first "line" that is no request line.
        {"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 random\n bytes"s, go_400},
    };
    for (const auto& [request, answer] : cases) {
        Client c(port);
        c.send(request);
        EXPECT_EQ(until_closed(c), answer) << request;
        EXPECT_TRUE(c.closed()) << request;
    }
}

TEST(HttpServer, AbsoluteFormTargetIsServedAsItsPath) {
    HttpServer server(echo);
    const int port = server.listen("127.0.0.1", 0);
    server.start(1);
    Client c(port);
    c.send("GET http://example.com:8222/varz?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
    const std::string r = c.response();
    EXPECT_EQ(r.substr(0, 15), "HTTP/1.1 200 OK") << r;
    EXPECT_NE(r.find("GET /varz?x=1 "), std::string::npos) << r;
    // HTTP/1.2 is HTTP/1.x to Go: served, answered as HTTP/1.1.
    c.send("GET /v HTTP/1.2\r\nHost: h\r\n\r\n");
    EXPECT_EQ(c.response().substr(0, 15), "HTTP/1.1 200 OK");
}

// At the total bound a new connection is admitted and the oldest idle one closed.
TEST(HttpServer, AtTheSessionLimitTheOldestIdleSessionMakesRoom) {
    HttpLimits limits;
    limits.max_sessions = 2;
    HttpServer server(echo, limits);
    const int port = server.listen("127.0.0.1", 0);
    server.start(1);
    Client a(port);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    Client b(port);
    b.send("GET /b HTTP/1.1\r\nHost: h\r\n\r\n");
    ASSERT_NE(b.response().find("200"), std::string::npos);
    Client third(port);
    third.send("GET /c HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_NE(third.response().find("200"), std::string::npos) << "a fresh request is never refused";
    EXPECT_TRUE(a.closed()) << "the oldest idle session made room";
    b.send("GET /b2 HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_NE(b.response().find("200"), std::string::npos) << "the others carry on";
}

TEST(HttpServer, PerSourceBoundClosesThatSourcesOldestIdleSession) {
    HttpLimits limits;
    limits.max_sessions = 100;
    limits.max_sessions_per_source = 3;
    HttpServer server(echo, limits);
    const int port = server.listen("127.0.0.1", 0);
    server.start(1);
    std::vector<std::unique_ptr<Client>> idle;
    for (int i = 0; i < 3; ++i) {
        idle.push_back(std::make_unique<Client>(port));
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    Client fresh(port);
    fresh.send("GET /f HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_NE(fresh.response().find("200"), std::string::npos);
    EXPECT_TRUE(idle[0]->closed());
    idle[1]->send("GET /s HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_NE(idle[1]->response().find("200"), std::string::npos);
}

// Slowloris: headers trickled a byte at a time are cut at the header deadline,
// although bytes keep arriving; an idle connection waits the longer idle timeout.
TEST(HttpServer, HeadersMustArriveWithinTheHeaderDeadline) {
    HttpLimits limits;
    limits.header_timeout = std::chrono::milliseconds(400);
    limits.idle_timeout = std::chrono::milliseconds(3000);
    HttpServer server(echo, limits);
    const int port = server.listen("127.0.0.1", 0);
    server.start(1);
    Client idle(port);
    Client slow(port);
    const std::string request = "GET /slow HTTP/1.1\r\nHost: h\r\nX-Padding: aaaaaaaaaaaaaaaaaaaa\r\n\r\n";
    const auto start = std::chrono::steady_clock::now();
    bool cut = false;
    for (char ch : request) {
        if (::send(slow.fd(), &ch, 1, MSG_NOSIGNAL) != 1) {
            cut = true;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (std::chrono::steady_clock::now() - start > std::chrono::seconds(2)) break;
    }
    EXPECT_TRUE(cut || slow.closed()) << "the trickled request was still open";
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
    // The idle connection (no byte sent) is still served.
    idle.send("GET /i HTTP/1.1\r\nHost: h\r\n\r\n");
    EXPECT_NE(idle.response().find("200"), std::string::npos);
}

TEST(HttpServer, StopClosesSessionsAndThePort) {
    std::atomic<int> calls{0};
    auto server = std::make_unique<HttpServer>([&](const HttpRequest& r) {
        ++calls;
        return echo(r);
    });
    const int port = server->listen("127.0.0.1", 0);
    server->start(2);
    Client idle(port);
    idle.send("GET /x HTTP/1.1\r\nHost: h\r\n\r\n");
    idle.response();
    server->stop();
    EXPECT_TRUE(idle.closed());
    EXPECT_THROW(Client{port}, std::runtime_error);
    EXPECT_EQ(calls.load(), 1);
    // The port is free again for a new server.
    HttpServer again(echo);
    EXPECT_EQ(again.listen("127.0.0.1", port), port);
}

TEST(HttpServer, TakenPortNamesTheAddress) {
    HttpServer first(echo);
    const int port = first.listen("127.0.0.1", 0);
    HttpServer second(echo);
    try {
        second.listen("127.0.0.1", port);
        FAIL() << "bound a taken port";
    } catch (const std::runtime_error& e) {
        EXPECT_EQ(std::string(e.what()).rfind("can't listen to the monitor port: 127.0.0.1:" + std::to_string(port) + ": ", 0),
                  0u)
            << e.what();
    }
    EXPECT_THROW(second.listen("no.such.host.invalid", 0), std::runtime_error);
}

TEST(HttpServer, DateHeaderFormat) {
    EXPECT_EQ(http_date(std::chrono::system_clock::time_point{}), "Thu, 01 Jan 1970 00:00:00 GMT");
    EXPECT_EQ(http_date(std::chrono::system_clock::time_point{std::chrono::seconds(1700000000)}),
              "Tue, 14 Nov 2023 22:13:20 GMT");
}

}  // namespace
}  // namespace nats::monitoring
