#pragma once
// Service latency tracking, as nats-server 2.9.10 does it for a service export
// with `latency` (ADR-3): for each sampled request through a service import,
// one io.nats.server.metric.v1.service_latency result is published in the
// exporting account on the export's results subject. Status 200 with the
// timings when the first response passes back; otherwise 400 (request without
// a reply subject), 503 (nobody in the exporter took the request), 504 (no
// answer within the response threshold) or 408 (the requester stopped
// listening first).
//
// The pieces here are pure (no locks, no I/O); AccountImports decides when.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kernel/accounts/accounts_config.hpp"
#include "kernel/server/account.hpp"
#include "kernel/server/connection_info.hpp"

namespace nats::server {

inline constexpr std::string_view service_latency_type = "io.nats.server.metric.v1.service_latency";

// What a tracked request remembers until its outcome is known.
struct TrackedRequest {
    std::string results_subject;
    AccountPtr exporter;               // where the result is published
    nlohmann::json requestor;          // ClientInfo (acc and rtt; everything with `share`)
    std::chrono::nanoseconds requestor_rtt{0};
    std::chrono::system_clock::time_point received;  // when the request crossed the import
    nlohmann::json trace_header;       // the headers that chose this request ("headers" sampling), or null
};

// nats-server's shouldSample: a percentage draws at random (`random_percent`
// in 0-99); sampling 0 looks at the request's trace headers (Uber-Trace-Id,
// X-B3-Sampled / X-B3-TraceId, B3, Traceparent) and, when they ask for a
// sample, returns the headers to quote in the result. nullopt: not sampled.
std::optional<nlohmann::json> should_sample(const accounts::LatencyTracking& latency, std::string_view headers,
                                            int random_percent);

// nats-server's getClientInfo: the account and rtt always, the connection's
// details when `detailed` (a responder, or a requestor whose import shares).
// Also the Nats-Request-Info header a service import adds to requests.
nlohmann::json client_info(const ConnectionInfo& connection, std::string_view account, bool detailed,
                                   std::string_view server_name);

// A result's JSON text in nats-server's field order. `responder` is null for
// the error statuses; `responded` is when the response passed (200 only).
std::string latency_result(const TrackedRequest& request, int status, const nlohmann::json& responder,
                           std::chrono::nanoseconds responder_rtt, std::chrono::system_clock::time_point responded,
                           std::string_view event_id);

}  // namespace nats::server
