#pragma once
// The INFO line a NATS server sends first on every connection, read over a
// plain TCP socket. libnats keeps it to itself, and it is all a server without
// a system account will tell about itself.
#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

namespace nats::cli {

struct host_port {
    std::string host;
    int port = 4222;
};

// Host and port of a URL like "nats://user:pass@host:4222", "host" or "[::1]:4222".
host_port parse_server_url(const std::string& url);

// Connects, reads the INFO line and returns its JSON. Throws cli_error when the
// server cannot be reached or does not greet within the timeout.
nlohmann::json read_server_info(const host_port& where, std::chrono::milliseconds timeout);

} // namespace nats::cli
