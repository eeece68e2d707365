#include "http_get.hpp"

#include "http_response.hpp"
#include "nats_handles.hpp"
#include "socket_io.hpp"

namespace nats::bench {
namespace {

// A server that streams without end must not exhaust our memory.
constexpr std::size_t max_response_bytes = std::size_t{512} << 20;

}  // namespace

http_fetch http_get(const endpoint& ep, const std::string& path, clock::time_point deadline) {
    http_fetch f;
    const std::int64_t t0 = now_ns();
    try {
        tcp_socket s = connect_tcp(ep, deadline);
        const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + ep.host + ":" + std::to_string(ep.port) +
                                    "\r\nUser-Agent: nats-bench\r\nAccept: */*\r\nConnection: close\r\n\r\n";
        send_all(s.get(), request, deadline);
        std::string received;
        for (;;) {
            const bool open = receive_some(s.get(), received, deadline);
            http_response r = parse_http_response(received, !open);
            if (r.status_of_parse == http_response::state::bad) {
                f.error = "bad response to GET " + path + ": " + r.error;
                break;
            }
            if (r.status_of_parse == http_response::state::complete) {
                f.elapsed_ns = now_ns() - t0;
                f.status = r.status;
                f.body = std::move(r.body);
                f.ok = f.status == 200;
                if (!f.ok) f.error = "GET " + path + ": HTTP " + std::to_string(f.status) + " " + f.body.substr(0, 80);
                break;
            }
            if (received.size() > max_response_bytes) {
                f.error = "GET " + path + ": response over 512 MiB";
                break;
            }
        }
    } catch (const setup_error& e) {
        f.error = "GET " + path + ": " + e.what();
    }
    if (f.elapsed_ns == 0) f.elapsed_ns = now_ns() - t0;
    return f;
}

}  // namespace nats::bench
