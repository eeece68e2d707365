#include "socket_io.hpp"

#include "nats_handles.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace nats::bench {
namespace {

[[noreturn]] void fail(const std::string& what, int err) {
    throw setup_error(what + ": " + std::strerror(err));
}

// Waits for `events` on fd; throws when the deadline passes first.
void wait_for(int fd, short events, clock::time_point deadline, const char* what) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now()).count();
        if (left <= 0) throw setup_error(std::string(what) + ": timed out");
        pollfd p{fd, events, 0};
        const int n = ::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000)));
        if (n > 0) return;
        if (n < 0 && errno != EINTR) fail(what, errno);
    }
}

}  // namespace

tcp_socket& tcp_socket::operator=(tcp_socket&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = other.release();
    }
    return *this;
}

tcp_socket::~tcp_socket() {
    if (fd_ >= 0) ::close(fd_);
}

int tcp_socket::release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
}

tcp_socket connect_tcp(const endpoint& ep, clock::time_point deadline) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(ep.port);
    if (::inet_pton(AF_INET, ep.host.c_str(), &addr.sin_addr) != 1) throw setup_error("bad IPv4 address " + ep.host);
    tcp_socket s(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (s.get() < 0) fail("socket", errno);
    const int one = 1;
    ::setsockopt(s.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (::connect(s.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
        if (errno != EINPROGRESS) fail("connect to " + ep.host + ":" + std::to_string(ep.port), errno);
        wait_for(s.get(), POLLOUT, deadline, "connect");
        int err = 0;
        socklen_t len = sizeof err;
        ::getsockopt(s.get(), SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0) fail("connect to " + ep.host + ":" + std::to_string(ep.port), err);
    }
    return s;
}

void send_all(int fd, std::string_view data, clock::time_point deadline) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n > 0) {
            data.remove_prefix(static_cast<std::size_t>(n));
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            wait_for(fd, POLLOUT, deadline, "send");
        } else if (n < 0 && errno != EINTR) {
            fail("send", errno);
        }
    }
}

bool receive_some(int fd, std::string& into, clock::time_point deadline) {
    constexpr std::size_t chunk = 64 * 1024;
    for (;;) {
        const std::size_t old = into.size();
        into.resize(old + chunk);
        const ssize_t n = ::recv(fd, into.data() + old, chunk, 0);
        into.resize(old + static_cast<std::size_t>(std::max<ssize_t>(n, 0)));
        if (n > 0) return true;
        if (n == 0) return false;
        if (errno == EAGAIN || errno == EWOULDBLOCK)
            wait_for(fd, POLLIN, deadline, "receive");
        else if (errno != EINTR)
            fail("receive", errno);
    }
}

}  // namespace nats::bench
