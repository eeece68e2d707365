#pragma once
// Kernel state as JSON in nats-server's monitoring shapes (field names as in
// its /varz, /connz, /subsz and /accountz), for query_json and the monitoring
// plugin.
#include <optional>
#include <string>
#include <string_view>

#include "kernel/server/server.hpp"

namespace nats::plugins {

// topic: "varz", "connz", "subsz" or "accountz"; args: a query string
// ("limit=10&offset=0" for connz). nullopt for an unknown topic.
std::optional<std::string> query_kernel_json(server::Server& server, std::string_view topic, std::string_view args);

// nats-server's uptime text: "5s", "1m2s", "3h0m1s", "2d1h0m0s", "1y0d0h0m0s".
std::string uptime_text(std::chrono::seconds elapsed);
// RFC 3339 with nanoseconds, UTC, trailing zeros trimmed as Go does.
std::string rfc3339(std::chrono::system_clock::time_point t);

}  // namespace nats::plugins
