#pragma once
// Requests to the system account's server API ($SYS.REQ.SERVER.PING.<X>,
// $SYS.REQ.SERVER.<id>.<X>) that every server answers: the replies are
// gathered on one inbox, as natscli's serverdata.DoReq does.
#include <nats/nats.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "settings.hpp"

namespace nats::cli {

// Sends `body` to `subject` and returns the replies (raw JSON) in arrival
// order: until `wait_for` arrived, or, with wait_for 0, until 300 ms pass
// without another one; never longer than the connection timeout. Throws
// cli_error with natscli's wording when nothing answers (no system account).
// `rtts`, when given, gets each reply's time since the request.
std::vector<std::string> sys_request(natsConnection* nc, const connection_settings& settings,
                                     const std::string& subject, const std::string& body, std::int64_t wait_for,
                                     std::vector<std::chrono::nanoseconds>* rtts = nullptr);

// The number of servers in the cluster, from the first server's STATSZ
// ($SYS.REQ.SERVER.PING); 0 when nothing answered.
std::int64_t sys_active_servers(natsConnection* nc, const connection_settings& settings);

// The `data` member of each reply (replies with an `error` member throw
// cli_error "invalid response received: ...").
std::vector<nlohmann::ordered_json> sys_reply_data(const std::vector<std::string>& replies);

} // namespace nats::cli
