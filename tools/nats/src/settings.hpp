#pragma once
// The global flags every command shares (server, credentials, timeout,
// context) and how they combine: a flag beats its environment variable, which
// beats the selected context, which beats the default.
#include <chrono>
#include <optional>
#include <string>

#include "flags.hpp"

namespace nats::cli {

struct global_options {
    std::string server;
    std::string user;
    std::string password;
    std::string token;
    std::string creds;
    std::string nkey;
    std::string tls_cert;
    std::string tls_key;
    std::string tls_ca;
    std::string inbox_prefix;
    std::string context;
    std::string connection_name;
    std::chrono::nanoseconds timeout = std::chrono::seconds(5);
    bool no_context = false;
};

// Everything needed to connect, after context and defaults are applied.
struct connection_settings {
    std::string servers = "nats://127.0.0.1:4222";  // comma-separated
    std::string user;
    std::string password;
    std::string token;
    std::string creds;
    std::string nkey;
    std::string tls_cert;
    std::string tls_key;
    std::string tls_ca;
    std::string inbox_prefix;
    std::string connection_name;
    std::chrono::nanoseconds timeout = std::chrono::seconds(5);
    std::optional<std::string> context_name;  // the context that was used, if any
};

// Adds --server/-s, --user, --password, --token, --creds, --nkey, --tlscert,
// --tlskey, --tlsca, --timeout, --context, --connection-name, --inbox-prefix
// and --no-context, with natscli's environment variables.
void add_global_flags(command& app, global_options& options);

// Applies the context (--context, $NATS_CONTEXT or the selected one unless
// --no-context) under the flags. Throws cli_error for an unknown context.
connection_settings resolve_settings(const global_options& options);

} // namespace nats::cli
