#pragma once
// Each verb group registers itself on the application's command tree. The
// state they share is the global flags; each command resolves them into
// connection settings (applying the context) only when it runs.
#include "flags.hpp"
#include "settings.hpp"

namespace nats::cli {

struct app_state {
    global_options options;
    connection_settings settings() const { return resolve_settings(options); }
};

void add_pub_command(command& app, app_state& state);
void add_sub_command(command& app, app_state& state);
void add_request_command(command& app, app_state& state);
void add_reply_command(command& app, app_state& state);
void add_server_command(command& app, app_state& state);
void add_bench_command(command& app, app_state& state);
// natscli 0.2+'s bench verbs (pub, sub, service, js) under `bench`.
void add_bench_verbs(command& bench, const app_state& state);
void add_context_command(command& app, app_state& state);
void add_stream_command(command& app, app_state& state);
void add_kv_command(command& app, app_state& state);
void add_account_command(command& app, app_state& state);
void add_consumer_command(command& app, app_state& state);
void add_object_command(command& app, app_state& state);
void add_auth_command(command& app, app_state& state);
// Parts of the `stream` command in their own files; `all` is its --all flag.
void add_stream_admin_commands(command& str, app_state& state, const bool* all);
void add_stream_backup_commands(command& str, app_state& state, const bool* all);
// server passwd, server check jetstream|stream, rtt; `format` is `server check --format`.
void add_server_extra_commands(command& app, command& server, command& check, app_state& state, const std::string* format);

// server check consumer|meta|server|kv (server_checks.cpp); `prometheus_namespace` is --namespace.
void add_server_checks(command& check, app_state& state, const std::string* format, const std::string* prometheus_namespace);
// server request <kind>, server list, server report connections|accounts|jetstream (server_request.cpp).
void add_server_request_commands(command& server, app_state& state);

struct verb_summary {
    std::string name;
    std::string help;
};
// Subcommands of `parent` that take any words and flags and fail with
// "nats: '<verb path>' is not supported by this build yet", exit 1.
void add_unsupported_commands(command& parent, const std::vector<verb_summary>& verbs);
// The one line such a verb prints (without the newline).
std::string unsupported_message(const command& cmd);

} // namespace nats::cli
