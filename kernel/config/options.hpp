#pragma once
// Server options: defaults as in nats-server 2.9.10 (server/const.go, opts.go),
// filled from the config file and then from command-line flags (flags win).
#include <chrono>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/config/conf_value.hpp"
#include "kernel/config/plugin_claims.hpp"

namespace nats::config {

using Duration = std::chrono::milliseconds;

struct TlsOptions {
    bool enabled = false;
    std::string cert_file;
    std::string key_file;
    std::string ca_file;
    bool verify = false;
    Duration timeout{2000};  // tls { timeout: 2 } is seconds (float allowed)
    // Go's names as written (kernel/config/tls_names.hpp); empty: nats-server's
    // defaults (forward-secret suites only; X25519, P-256, P-384, P-521).
    std::vector<std::string> cipher_suites;
    std::vector<std::string> curve_preferences;
    // Lower-case hex SHA-256 of the client certificate's SubjectPublicKeyInfo;
    // when not empty, a client whose certificate is not listed is refused.
    std::vector<std::string> pinned_certs;
    std::int64_t connection_rate_limit = 0;  // TLS handshakes started per second, 0: no limit
    bool operator==(const TlsOptions&) const = default;
};

struct FlagWithoutPlugin {
    std::string flag;    // as written, without a value: "-js", "--routes"
    std::string plugin;  // the plugin that would serve it
    bool operator==(const FlagWithoutPlugin&) const = default;
};

struct Options {
    std::string config_file;       // absolute path, empty when none

    // Identity and listen address.
    std::string server_name;       // defaults to the server id when empty
    std::string host = "0.0.0.0";
    int port = 4222;               // -1 (RANDOM_PORT in nats-server) picks a free port
    std::string client_advertise;

    // Logging.
    std::string log_file;
    bool debug = false;
    bool trace = false;
    bool logtime = true;
    std::int64_t log_size_limit = 0;
    std::string pid_file;
    std::string ports_file_dir;

    // Monitoring (a later plugin serves these; the kernel only carries them).
    int http_port = 0;
    std::string http_host;
    int https_port = 0;

    // JetStream (carried for the plugin).
    bool jetstream = false;
    std::string store_dir;
    std::int64_t jetstream_max_memory = -1;  // -1: the plugin decides (nats-server sizes it from the host)
    std::int64_t jetstream_max_store = -1;

    // Simple auth from the top level / flags (authorization { user, password, token }).
    std::string username;
    std::string password;
    std::string token;
    std::optional<Duration> auth_timeout;  // default 2s, or the tls timeout when larger
    std::string no_auth_user;

    // Limits.
    std::int64_t max_payload = 1024 * 1024;
    int max_control_line = 4096;
    int max_connections = 64 * 1024;      // negative: no limit, as in nats-server
    int max_subscriptions = 0;            // 0: unlimited
    Duration ping_interval{2 * 60 * 1000};
    int max_pings_out = 2;
    Duration write_deadline{10 * 1000};
    std::int64_t max_pending = 64 * 1024 * 1024;
    Duration lame_duck_duration{2 * 60 * 1000};
    Duration lame_duck_grace_period{10 * 1000};
    // Closed connections kept for monitoring (/connz?state=closed); 0 means the
    // default. nats-server has it only as an option of its Go API.
    int max_closed_clients = 10000;

    TlsOptions tls;

    // Everything the file said, for plugins and for blocks the kernel does not know.
    Value raw;

    // nats-server flags given whose plugin is not installed ({"-js", "jetstream"}):
    // the plugin host refuses to start on them (kernel/plugin_host/assembly.cpp).
    std::vector<FlagWithoutPlugin> flags_without_plugin;

    // Problems nats-server reports but starts anyway (e.g. ping_interval given as
    // plain seconds), each "<file>:<line>:<col>: <text>". With -t they are fatal.
    std::vector<std::string> warnings;
};

// Reads a config file into Options (file only; no flags). Throws ConfigError.
// A top-level key the kernel does not know is an error ("unknown field"), as in
// nats-server, unless it is one of nats-server's plugin blocks or `claims` says
// an installed plugin serves it.
Options load_options_from_file(const std::string& path, PluginClaims* claims = nullptr);
// The same for a tree already read from `path` (and perhaps changed by flags).
Options load_options_from_value(const Value& root, const std::string& path, PluginClaims* claims = nullptr);

// Applies one already-parsed config tree on top of defaults. Throws ConfigError,
// whose message lists every problem found, one per line.
Options options_from_value(const Value& root, const std::string& file_for_errors, PluginClaims* claims = nullptr);

// True for the top-level keys the kernel reads itself; plugins claim the others.
bool is_kernel_key(std::string_view key);
// True for top-level blocks that plugins read (cluster, accounts, plugins, ...).
bool is_plugin_key(std::string_view key);

// A malformed command line (unknown flag, missing value): reported with the usage text.
struct FlagError : ConfigError {
    using ConfigError::ConfigError;
};

// What the command line asked for besides options.
struct CommandLine {
    bool show_version = false;    // -v / --version, or the word "version"
    bool show_help = false;       // -h / --help, or the word "help"
    bool check_config = false;    // -t
    std::string signal;           // --signal <cmd>[=<pid>]
};

// Parses argv the way nats-server's Go flag set does ("-p 4222", "-p=4222",
// "--port 4222"; boolean flags take no value but accept "-D=false"). Loads the
// config named by -c and applies flags on top. Throws ConfigError for a bad flag
// or a bad config file. With -h, -v or --signal the file is not read.
// Flags the kernel does not know are asked of `claims` (plugins' flags); nats-server
// flags no plugin serves end up in Options::flags_without_plugin.
Options parse_command_line(int argc, const char* const* argv, CommandLine& cmd, PluginClaims* claims = nullptr);

// nats-server's usage text adapted to this server.
std::string usage_text();

}  // namespace nats::config
