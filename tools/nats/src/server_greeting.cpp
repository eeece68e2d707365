#include "server_greeting.hpp"

#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "errors.hpp"

namespace nats::cli {
namespace {

class socket_fd {
public:
    explicit socket_fd(int fd) : fd_(fd) {}
    ~socket_fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    socket_fd(const socket_fd&) = delete;
    socket_fd& operator=(const socket_fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

} // namespace

host_port parse_server_url(const std::string& url) {
    host_port out;
    std::string rest = url;
    if (const auto scheme = rest.find("://"); scheme != std::string::npos) rest = rest.substr(scheme + 3);
    if (const auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
    if (const auto slash = rest.find('/'); slash != std::string::npos) rest.resize(slash);
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        out.host = rest.substr(1, close == std::string::npos ? std::string::npos : close - 1);
        if (close != std::string::npos && close + 1 < rest.size() && rest[close + 1] == ':') {
            out.port = std::atoi(rest.c_str() + close + 2);
        }
        return out;
    }
    if (const auto colon = rest.rfind(':'); colon != std::string::npos) {
        out.host = rest.substr(0, colon);
        out.port = std::atoi(rest.c_str() + colon + 1);
    } else {
        out.host = rest;
    }
    if (out.host.empty()) out.host = "127.0.0.1";
    return out;
}

nlohmann::json read_server_info(const host_port& where, std::chrono::milliseconds timeout) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string port = std::to_string(where.port);
    if (::getaddrinfo(where.host.c_str(), port.c_str(), &hints, &found) != 0 || found == nullptr) {
        throw cli_error("nats: no servers available for connection");
    }
    std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, &::freeaddrinfo);
    for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
        socket_fd s(::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol));
        if (s.get() < 0 || ::connect(s.get(), a->ai_addr, a->ai_addrlen) != 0) continue;
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        while (line.find("\r\n") == std::string::npos && line.size() < 64 * 1024) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left.count() <= 0) throw cli_error("nats: timeout");
            pollfd p{s.get(), POLLIN, 0};
            if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
            char buf[4096];
            const ssize_t n = ::recv(s.get(), buf, sizeof buf, 0);
            if (n <= 0) break;
            line.append(buf, static_cast<std::size_t>(n));
        }
        if (line.rfind("INFO ", 0) != 0) throw cli_error("nats: the server did not send INFO");
        const auto end = line.find("\r\n");
        auto info = nlohmann::json::parse(line.substr(5, end == std::string::npos ? std::string::npos : end - 5),
                                          nullptr, false);
        if (!info.is_object()) throw cli_error("nats: the server sent an INFO that is not JSON");
        return info;
    }
    throw cli_error("nats: no servers available for connection");
}

} // namespace nats::cli
