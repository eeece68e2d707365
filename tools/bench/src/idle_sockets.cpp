#include "idle_sockets.hpp"

#include "nats_handles.hpp"
#include "parallel_for.hpp"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace nats::bench {

handshake_scan scan_handshake(std::string_view received) {
    handshake_scan scan;
    std::size_t pos = 0;
    for (;;) {
        const auto eol = received.find("\r\n", pos);
        if (eol == std::string_view::npos) return scan;
        const std::string_view line = received.substr(pos, eol - pos);
        pos = eol + 2;
        if (line == "PONG") {
            scan.result = handshake_scan::state::ready;
            return scan;
        }
        if (line.substr(0, 5) == "INFO " || line == "+OK" || line == "PING") continue;
        scan.result = handshake_scan::state::refused;
        scan.error = std::string(line.substr(0, 200));
        if (line.substr(0, 4) != "-ERR") scan.error = "unexpected line: " + scan.error;
        return scan;
    }
}

idle_sockets::idle_sockets(const endpoint& server, std::uint32_t count, std::uint32_t subs,
                           const std::string& subject_prefix, clock::time_point deadline)
    : sockets_(count) {
    failure_ = parallel_for(count, deadline, [&](std::size_t i) {
        const auto until = std::min(deadline, clock::now() + std::chrono::seconds(10));
        tcp_socket s = connect_tcp(server, until);
        // Everything in one write, without waiting for INFO: the server reads it
        // after sending INFO, and the PONG confirms it processed all of it.
        std::string hello = R"(CONNECT {"verbose":false,"pedantic":false,"name":"nats-bench-idle",)"
                            R"("lang":"raw","version":"1","protocol":1})"
                            "\r\n";
        for (std::uint32_t k = 0; k < subs; ++k)
            hello += "SUB " + subject_prefix + std::to_string(i) + "." + std::to_string(k) + " " +
                     std::to_string(k + 1) + "\r\n";
        hello += "PING\r\n";
        send_all(s.get(), hello, until);
        std::string received;
        for (;;) {
            if (!receive_some(s.get(), received, until))
                throw setup_error("server closed an idle connection during its handshake");
            const handshake_scan scan = scan_handshake(received);
            if (scan.result == handshake_scan::state::refused) throw setup_error("server refused: " + scan.error);
            if (scan.result == handshake_scan::state::ready) break;
            if (received.size() > 1 << 20) throw setup_error("no PONG in the first MiB from the server");
        }
        sockets_[i] = std::move(s);
    });
    std::erase_if(sockets_, [](const tcp_socket& s) { return s.get() < 0; });
}

std::size_t idle_sockets::closed_by_server() const {
    std::size_t closed = 0;
    for (const auto& s : sockets_) {
        char byte = 0;
        const ssize_t n = ::recv(s.get(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) ++closed;
    }
    return closed;
}

}  // namespace nats::bench
