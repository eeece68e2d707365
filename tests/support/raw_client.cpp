#include "tests/support/raw_client.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <stdexcept>

namespace nats::test_support {

namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
        if (i > start) out.push_back(line.substr(start, i - start));
    }
    return out;
}

bool parse_size(std::string_view text, std::size_t& out) {
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end && !text.empty();
}

std::string printable(std::string_view bytes) {
    std::string out;
    for (char c : bytes) {
        if (c == '\r') out += "\\r";
        else if (c == '\n') out += "\\n";
        else out += c;
    }
    return out;
}

} // namespace

bool parse_msg_line(std::string_view line, Frame& frame) {
    const auto f = split_fields(line);
    if (f.empty()) return false;
    if (f[0] == "MSG" && (f.size() == 4 || f.size() == 5)) {
        frame.kind = Frame::Kind::msg;
        frame.subject = f[1];
        frame.sid = f[2];
        frame.reply = f.size() == 5 ? std::string(f[3]) : std::string();
        frame.header_size = 0;
        return parse_size(f.back(), frame.total_size);
    }
    if (f[0] == "HMSG" && (f.size() == 5 || f.size() == 6)) {
        frame.kind = Frame::Kind::hmsg;
        frame.subject = f[1];
        frame.sid = f[2];
        frame.reply = f.size() == 6 ? std::string(f[3]) : std::string();
        return parse_size(f[f.size() - 2], frame.header_size) && parse_size(f.back(), frame.total_size) &&
               frame.header_size <= frame.total_size;
    }
    return false;
}

RawClient::RawClient(int port, RawClientOptions options) : options_(options) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) throw std::runtime_error("socket: " + std::string(std::strerror(errno)));
    if (options_.receive_buffer > 0) {
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &options_.receive_buffer, sizeof(int));
    }
    const int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    // Bounds blocking sends when the server stops reading.
    timeval tv{};
    tv.tv_sec = options_.timeout.count() / 1000;
    tv.tv_usec = (options_.timeout.count() % 1000) * 1000;
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<std::uint16_t>(port));
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        const std::string err = std::strerror(errno);
        ::close(fd_);
        throw std::runtime_error("connect to 127.0.0.1:" + std::to_string(port) + ": " + err);
    }
}

RawClient::~RawClient() {
    if (fd_ >= 0) ::close(fd_);
}

void RawClient::send(std::string_view data) {
    while (!data.empty()) {
        const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw std::runtime_error("send failed: " + std::string(std::strerror(errno)));
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
}

RawClient::Fill RawClient::fill(Clock::time_point deadline) {
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) return Fill::timeout;
        pollfd p{fd_, POLLIN, 0};
        const int r = ::poll(&p, 1, static_cast<int>(left.count()));
        if (r < 0 && errno == EINTR) continue;
        if (r == 0) return Fill::timeout;
        char tmp[65536];
        const ssize_t n = ::recv(fd_, tmp, sizeof(tmp), 0);
        if (n > 0) {
            buf_.append(tmp, static_cast<std::size_t>(n));
            return Fill::data;
        }
        if (n < 0 && errno == EINTR) continue;
        return Fill::closed; // EOF or reset
    }
}

std::optional<std::string> RawClient::try_take_line(Clock::time_point deadline) {
    for (;;) {
        const auto pos = buf_.find("\r\n");
        if (pos != std::string::npos) {
            std::string line = buf_.substr(0, pos);
            buf_.erase(0, pos + 2);
            return line;
        }
        const Fill f = fill(deadline);
        if (f == Fill::timeout) return std::nullopt;
        if (f == Fill::closed) {
            throw std::runtime_error("connection closed while waiting for a line; have \"" + printable(buf_) + "\"");
        }
    }
}

std::string RawClient::take_line(Clock::time_point deadline) {
    if (auto line = try_take_line(deadline)) return std::move(*line);
    throw std::runtime_error("timed out waiting for a line; have \"" + printable(buf_) + "\"");
}

std::string RawClient::read_line() { return read_line(options_.timeout); }

std::string RawClient::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        std::string line = take_line(deadline);
        if (options_.auto_pong && line == "PING") {
            send("PONG\r\n");
            ++pings_answered_;
            continue;
        }
        return line;
    }
}

std::string RawClient::read_bytes(std::size_t n) {
    const auto deadline = Clock::now() + options_.timeout;
    while (buf_.size() < n) {
        const Fill f = fill(deadline);
        if (f != Fill::data) {
            throw std::runtime_error("wanted " + std::to_string(n) + " bytes, got " + std::to_string(buf_.size()) +
                                     (f == Fill::timeout ? " before the timeout" : " before the connection closed"));
        }
    }
    std::string out = buf_.substr(0, n);
    buf_.erase(0, n);
    return out;
}

std::string RawClient::expect_line(std::string_view exact) {
    std::string line = read_line();
    if (line != exact) {
        throw std::runtime_error("expected \"" + std::string(exact) + "\", got \"" + printable(line) + "\"");
    }
    return line;
}

std::string RawClient::expect_prefix(std::string_view prefix) {
    std::string line = read_line();
    if (line.rfind(prefix, 0) != 0) {
        throw std::runtime_error("expected a line starting \"" + std::string(prefix) + "\", got \"" +
                                 printable(line) + "\"");
    }
    return line;
}

std::string RawClient::expect_match(const std::regex& pattern) {
    std::string line = read_line();
    if (!std::regex_match(line, pattern)) throw std::runtime_error("line does not match: \"" + printable(line) + "\"");
    return line;
}

nlohmann::json RawClient::read_info() {
    const std::string line = expect_prefix("INFO ");
    info_ = nlohmann::json::parse(line.substr(5));
    info_read_ = true;
    return info_;
}

nlohmann::json RawClient::connect(const nlohmann::json& options) {
    if (!info_read_) read_info();
    nlohmann::json connect_options = {{"verbose", false}, {"pedantic", false}};
    connect_options.update(options);
    send("CONNECT " + connect_options.dump() + "\r\nPING\r\n");
    for (;;) {
        const std::string line = read_line();
        if (line == "PONG") return info_;
        if (line == "+OK") continue;
        throw std::runtime_error("CONNECT answered with \"" + printable(line) + "\"");
    }
}

Frame RawClient::read_frame() { return read_frame(options_.timeout); }

Frame RawClient::read_frame(std::chrono::milliseconds timeout) {
    Frame frame;
    frame.line = read_line(timeout);
    const std::string& l = frame.line;
    if (l.rfind("MSG ", 0) == 0 || l.rfind("HMSG ", 0) == 0) {
        if (!parse_msg_line(l, frame)) throw std::runtime_error("malformed message line \"" + l + "\"");
        const std::string body = read_bytes(frame.total_size + 2);
        if (body.compare(frame.total_size, 2, "\r\n") != 0) {
            throw std::runtime_error("message body of \"" + l + "\" not followed by CRLF");
        }
        frame.headers = body.substr(0, frame.header_size);
        frame.payload = body.substr(frame.header_size, frame.total_size - frame.header_size);
    } else if (l.rfind("INFO ", 0) == 0) {
        frame.kind = Frame::Kind::info;
    } else if (l == "+OK") {
        frame.kind = Frame::Kind::ok;
    } else if (l.rfind("-ERR", 0) == 0) {
        frame.kind = Frame::Kind::err;
    } else if (l == "PING") {
        frame.kind = Frame::Kind::ping;
    } else if (l == "PONG") {
        frame.kind = Frame::Kind::pong;
    }
    return frame;
}

Frame RawClient::expect_msg() {
    Frame f = read_frame();
    if (f.kind != Frame::Kind::msg) throw std::runtime_error("expected MSG, got \"" + printable(f.line) + "\"");
    return f;
}

Frame RawClient::expect_hmsg() {
    Frame f = read_frame();
    if (f.kind != Frame::Kind::hmsg) throw std::runtime_error("expected HMSG, got \"" + printable(f.line) + "\"");
    return f;
}

std::vector<Frame> RawClient::flush() {
    send("PING\r\n");
    std::vector<Frame> frames;
    for (;;) {
        Frame f = read_frame();
        if (f.kind == Frame::Kind::pong) return frames;
        frames.push_back(std::move(f));
    }
}

bool RawClient::wait_closed(std::chrono::milliseconds timeout, std::string* received) {
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const Fill f = fill(deadline);
        if (f == Fill::data) continue;
        if (received != nullptr) received->append(buf_);
        buf_.clear();
        return f == Fill::closed;
    }
}

std::string RawClient::read_for(std::chrono::milliseconds window) {
    const auto deadline = Clock::now() + window;
    while (fill(deadline) == Fill::data) {
    }
    std::string out;
    out.swap(buf_);
    return out;
}

std::string RawClient::idle_for(std::chrono::milliseconds window) {
    const auto deadline = Clock::now() + window;
    std::string lines;
    while (auto line = try_take_line(deadline)) {
        if (options_.auto_pong && *line == "PING") {
            send("PONG\r\n");
            ++pings_answered_;
            continue;
        }
        lines += *line + "\r\n";
    }
    return lines;
}

} // namespace nats::test_support
