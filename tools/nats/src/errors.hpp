#pragma once
// The two ways a command ends badly. Both exit with status 1, as natscli does:
// a failed command prints "nats: error: <message>", a command-line mistake
// prints "error: <message>" followed by the command's usage.
#include <nats/nats.h>

#include <stdexcept>
#include <string>

namespace nats::cli {

inline constexpr int exit_failure = 1;

struct cli_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct usage_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// What the Go client (and so natscli) says for a libnats status, e.g.
// "nats: no responders available for request".
std::string status_text(natsStatus status);

// Throws cli_error(status_text(status)) unless status is NATS_OK.
void check(natsStatus status);

} // namespace nats::cli
