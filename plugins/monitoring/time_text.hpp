#pragma once
// Times and durations in nats-server's monitoring formats.
#include <chrono>
#include <string>

namespace nats::monitoring {

// RFC 3339 in UTC with Go's trimmed nanoseconds: "2024-01-02T03:04:05.5Z".
std::string rfc3339_now();
std::string rfc3339(std::chrono::system_clock::time_point t);

}  // namespace nats::monitoring
