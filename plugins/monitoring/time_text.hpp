#pragma once
// Timestamps in nats-server's monitoring format (the SDK's Go-style RFC 3339).
#include <chrono>
#include <string>

#include <nats_sdk/go_time.hpp>

namespace nats::monitoring {

// "2024-01-02T03:04:05.5Z": now, in UTC with Go's trimmed nanoseconds.
inline std::string rfc3339_now() { return nats_sdk::rfc3339(std::chrono::system_clock::now()); }

}  // namespace nats::monitoring
