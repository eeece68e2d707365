#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace nats::bench {

// Where a raw TCP client connects: an IPv4 address and a port.
struct endpoint {
    std::string host;  // dotted IPv4; "localhost" is turned into 127.0.0.1
    std::uint16_t port = 0;
};

// Reads "<scheme>://<ipv4 or localhost>:<port>[/...]" (a trailing path is
// ignored). Throws std::invalid_argument naming what is wrong.
endpoint parse_endpoint(std::string_view url, std::string_view scheme);

}  // namespace nats::bench
