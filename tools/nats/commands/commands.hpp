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
void add_context_command(command& app, app_state& state);

} // namespace nats::cli
