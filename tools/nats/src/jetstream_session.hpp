#pragma once
// What every JetStream command starts with: a connection that fails fast and
// the management API on it. Also the helpers natscli's JetStream commands
// share: picking a stream by name and the confirmation they would ask for.
#include <string>

#include "connection.hpp"
#include "jetstream_api.hpp"

namespace nats::cli {

struct jetstream_session {
    explicit jetstream_session(const connection_settings& settings);
    connection_settings settings;
    connection_ptr nc;
    jetstream_api api;
};

// Streams natscli hides from lists unless --all: KV and object buckets, MQTT state.
bool is_internal_stream(const std::string& name);

// natscli's selectStream without a terminal: the name when the stream exists;
// otherwise an error ("unknown stream \"X\"" with --force, "no Streams are
// defined", or that it cannot prompt). Throws cli_error worded
// "could not pick a Stream to operate on: ...".
std::string select_stream(const jetstream_api& api, const std::string& name, bool force, bool all);

// natscli asks before destructive actions; without -f and without a terminal
// it fails with this error. Throws cli_error.
[[noreturn]] void confirmation_needed();

// Names of all streams (all pages of STREAM.NAMES).
std::vector<std::string> stream_names(const jetstream_api& api);

} // namespace nats::cli
