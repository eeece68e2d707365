#pragma once
// Kernel state as JSON in nats-server's monitoring shapes, for query_json and
// the monitoring plugin. Field names and order follow nats-server 2.9.10's
// /varz, /connz, /subsz, /accountz and /accstatz.
//
// Threads: called on whatever thread asks (the monitoring plugin's HTTP
// threads, a plugin's timer). Nothing here runs on or waits for an I/O thread;
// it only takes the short per-connection and per-index locks that monitoring
// readers share with delivery (see Server::connections, Sublist::all).
//
// Arguments are query strings ("sort=subs&limit=10"), percent-decoded here.
// Input is trusted to be checked already (the monitoring plugin answers bad
// values with nats-server's 400 texts); anything unreadable falls back to the
// default, as an absent value would.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <nats_sdk/abi.h>
#include <nats_sdk/go_time.hpp>

#include "kernel/server/server.hpp"

namespace nats::introspection {

// Topics that need only the server:
//   varz      (no arguments)
//   connz     sort, auth, subs (bool or "detail"), offset, limit, cid, state
//             (open|closed|all|any), user, acc; closed connections come from
//             Server::closed_connections with their stop time and reason.
//             auth=0 hides authorized_user and account, auth=1 shows them as
//             nats-server does (the account only when not $G), no auth shows both.
//             Written in nats-server's exact bytes (nats_sdk/go_json.hpp), so
//             the monitoring plugin serves it as it is; so is subsz
//   subsz     subs, offset, limit, test (a literal subject), acc
//   accountz  acc (one account's detail instead of the list)
//   accstatz  unused (include accounts without connections), subs (add each
//             account's num_subscriptions, as later nats-server versions do)
// nullopt for an unknown topic, or for accountz?acc=<unknown account>.
std::optional<std::string> query_kernel_json(server::Server& server, std::string_view topic, std::string_view args);

// nats-server's uptime text: "5s", "1m2s", "3h0m1s", "2d1h0m0s", "1y0d0h0m0s".
std::string uptime_text(std::chrono::seconds elapsed);
// RFC 3339 with Go's trimmed nanoseconds (nats_sdk/go_time.hpp), for the tests and callers here.
using nats_sdk::rfc3339;
// The first value of `key` in a query string read by Go's url.ParseQuery
// (nats_sdk/go_query.hpp); nullopt when absent. A pair with a malformed %-escape or a
// ';' is dropped, as nats-server's r.URL.Query() drops it.
std::optional<std::string> query_arg(std::string_view args, std::string_view key);

}  // namespace nats::introspection
