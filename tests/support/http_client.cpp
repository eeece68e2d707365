#include "tests/support/http_client.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <sstream>
#include <stdexcept>

namespace nats::test_support {

namespace {

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

}  // namespace

// One request on a fresh connection ("Connection: close"), every read bounded.
HttpReply http_request(int port, const std::string& method, const std::string& target,
                       const std::string& authorization, std::chrono::seconds timeout) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    timeval tv{static_cast<time_t>(timeout.count()), 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
        ::close(fd);
        throw std::runtime_error("cannot connect to the monitoring port " + std::to_string(port));
    }
    std::string request = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!authorization.empty()) request += "Authorization: " + authorization + "\r\n";
    request += "\r\n";
    if (::send(fd, request.data(), request.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(request.size())) {
        ::close(fd);
        throw std::runtime_error("send failed");
    }
    std::string raw;
    char buf[65536];
    while (true) {
        const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
        if (n == 0) break;
        if (n < 0) {
            ::close(fd);
            throw std::runtime_error("no complete answer from " + target + " within the timeout");
        }
        raw.append(buf, static_cast<std::size_t>(n));
    }
    ::close(fd);

    HttpReply reply;
    const auto head_end = raw.find("\r\n\r\n");
    if (head_end == std::string::npos) throw std::runtime_error("malformed HTTP answer: " + raw.substr(0, 200));
    std::istringstream head(raw.substr(0, head_end));
    std::string line;
    std::getline(head, line);
    reply.status = std::stoi(line.substr(line.find(' ') + 1, 3));
    while (std::getline(head, line)) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const auto colon = line.find(':');
        if (colon == std::string::npos) continue;
        std::string value = line.substr(colon + 1);
        value.erase(0, value.find_first_not_of(' '));
        reply.headers[lower(line.substr(0, colon))] = value;
    }
    std::string body = raw.substr(head_end + 4);
    if (lower(reply.header("transfer-encoding")) == "chunked") {
        std::string decoded;
        std::size_t at = 0;
        while (at < body.size()) {
            const auto eol = body.find("\r\n", at);
            const std::size_t size = std::stoul(body.substr(at, eol - at), nullptr, 16);
            if (size == 0) break;
            decoded += body.substr(eol + 2, size);
            at = eol + 2 + size + 2;
        }
        body = decoded;
    }
    reply.body = std::move(body);
    return reply;
}

}  // namespace nats::test_support
