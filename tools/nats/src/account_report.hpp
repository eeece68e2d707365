#pragma once
// natscli 0.0.35's `account info`: the connection's details, then the
// account's JetStream usage and limits from $JS.API.INFO.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "jetstream_api.hpp"

namespace nats::cli {

struct connection_facts {
    std::uint64_t client_id = 0;
    std::string client_ip;
    std::chrono::nanoseconds rtt{0};
    bool headers = true;
    std::int64_t max_payload = 0;
    std::string cluster;
    std::string url;
    std::string address;  // host:port of the server
    std::string server_id;
    std::string server_name;
    bool tls = false;
};

std::string render_connection_facts(const connection_facts& facts);

// The "JetStream Account Information:" section. `account_info` is the INFO
// reply, or nullopt with `problem` saying why there is none (natscli's three
// texts: no response, not supported in this account, the error).
std::string render_jetstream_account(const std::optional<ordered_json>& account_info, std::int64_t max_payload,
                                     const std::string& problem);

} // namespace nats::cli
