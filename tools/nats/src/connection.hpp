#pragma once
// Owning handles for libnats objects and the one way commands connect.
#include <nats/nats.h>

#include <memory>
#include <string>

#include "settings.hpp"
#include "tools/libnats/handles.hpp"

namespace nats::cli {

using libnats::connection_ptr;
using libnats::message_ptr;
using libnats::options_ptr;
using libnats::subscription_ptr;

struct connect_tuning {
    // Long-running commands (sub, reply) reconnect forever, as natscli does;
    // the others fail fast.
    bool reconnect = true;
    // Write at once instead of buffering (off for bench publishers).
    bool send_asap = true;
    // Log disconnects, reconnects and asynchronous errors on stderr.
    bool report_events = true;
};

// libnats options for the settings: servers, credentials (user/password,
// token, NKey seed file, creds file), TLS files, name, timeouts. Throws
// cli_error when a credential file cannot be used.
options_ptr make_options(const connection_settings& settings, const connect_tuning& tuning = {});

// How often connect() tries an nkey or creds login that the server refuses
// (see connect() for the libnats bug this covers).
inline constexpr int nonce_sign_attempts = 4;

// Connects; throws cli_error with the Go client's wording ("nats: no servers
// available for connection", "nats: authorization violation", ...).
connection_ptr connect(const connection_settings& settings, const connect_tuning& tuning = {});

// The URL the connection uses, with any password replaced by "xxxxx".
std::string connected_url(natsConnection* nc);

// Marks the process as shutting down: disconnects from now on are ours and
// are not reported.
void stop_reporting_disconnects();

// A new inbox subject under the configured prefix (default "_INBOX").
std::string new_inbox(const connection_settings& settings);

} // namespace nats::cli
