#pragma once
// A point-in-time view of one connection, for monitoring (connz).
#include <chrono>
#include <cstdint>
#include <string>

namespace nats::server {

struct ConnectionInfo {
    std::uint64_t cid = 0;
    std::string ip;
    int port = 0;
    std::string name, lang, version;
    std::string account;
    std::string user;  // the authenticated identity, empty when none
    std::size_t subscriptions = 0;
    std::uint64_t in_msgs = 0, in_bytes = 0, out_msgs = 0, out_bytes = 0;
    std::uint64_t pending_bytes = 0;
    std::chrono::system_clock::time_point start;
    std::chrono::system_clock::time_point last_activity;
};

}  // namespace nats::server
