#pragma once

#include "clock.hpp"
#include "endpoint.hpp"
#include "socket_io.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace nats::bench {

// Where a NATS handshake stands, judged from what the server sent so far.
struct handshake_scan {
    enum class state { waiting, ready, refused };
    state result = state::waiting;
    std::string error;  // the server's -ERR line or the unexpected line, when refused
};

// Scans the server's side of a handshake in which we sent CONNECT, SUBs and one
// PING: INFO, +OK and PING lines may come first, PONG means every line before it was
// processed, -ERR or anything else means refused.
handshake_scan scan_handshake(std::string_view received);

// Thousands of idle client connections on plain sockets: no libnats threads or
// buffers per connection on our side, so the client stays cheap while the server
// holds the full per-connection state. They never answer server PINGs, so they
// suit runs shorter than the server's ping interval (2 minutes by default).
class idle_sockets {
public:
    // Opens `count` connections with `subs` subscriptions each, on 4 threads.
    // Stops at the first failure (see failure()).
    idle_sockets(const endpoint& server, std::uint32_t count, std::uint32_t subs, const std::string& subject_prefix,
                 clock::time_point deadline);

    std::size_t size() const { return sockets_.size(); }
    const std::string& failure() const { return failure_; }

    // How many the server has closed (end of stream or error) so far.
    std::size_t closed_by_server() const;

private:
    std::vector<tcp_socket> sockets_;
    std::string failure_;
};

}  // namespace nats::bench
