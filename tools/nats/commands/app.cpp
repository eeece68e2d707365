#include "app.hpp"

#include <algorithm>
#include <memory>

#include <nats/nats.h>

#include "commands.hpp"
#include "console.hpp"
#include "errors.hpp"

#ifndef NMK_PRODUCT_VERSION
#define NMK_PRODUCT_VERSION "0.0.0"
#endif

namespace nats::cli {
namespace {

constexpr const char* app_help = "NATS Utility\n\nNATS Server and messaging utilities (natscli-compatible core commands).";

// A parent command without its subcommand gets the short list of them.
std::string subcommand_list(const command& cmd) {
    std::string text = "usage: " + cmd.full_name() + " <command> [<args> ...]\n\n" + cmd.help() + "\n\nCommands:\n";
    std::size_t width = 0;
    for (const auto& c : cmd.commands()) width = std::max(width, c->name().size());
    for (const auto& c : cmd.commands()) {
        text += "  " + c->name() + std::string(width - c->name().size() + 2, ' ') + c->help() + "\n";
    }
    return text;
}

int report_usage_error(const command_line_error& e) {
    const command& where = *e.where;
    const std::string message = e.what();
    if (message == "a subcommand from the list below is required") {
        err("error: a subcommand from the list below is required, use --help for full help including flags and "
            "arguments\n\n" + subcommand_list(where));
    } else if (message.rfind("expected command but got", 0) == 0) {
        err("error: " + message + ", use --help for full help including flags and arguments\n\n" +
            subcommand_list(where));
    } else {
        err("error: " + message + "\n\n" + usage_text(where));
    }
    return exit_failure;
}

} // namespace

int run(const std::vector<std::string>& args) {
    if (nats_Open(-1) != NATS_OK) {
        err("nats: error: could not initialize the NATS client library\n");
        return exit_failure;
    }
    auto state = std::make_unique<app_state>();
    command app("nats", app_help);
    add_global_flags(app, state->options);
    add_bench_command(app, *state);
    add_context_command(app, *state);
    add_pub_command(app, *state);
    add_reply_command(app, *state);
    add_request_command(app, *state);
    add_server_command(app, *state);
    add_sub_command(app, *state);
    add_stream_command(app, *state);
    add_kv_command(app, *state);
    add_account_command(app, *state);
    add_consumer_command(app, *state);
    add_object_command(app, *state);
    add_auth_command(app, *state);
    try {
        const parse_result parsed = parse_command_line(app, args);
        if (parsed.help) {
            out(usage_text(*parsed.selected));
            return 0;
        }
        if (parsed.version) {
            out(std::string(NMK_PRODUCT_VERSION) + "\n");
            return 0;
        }
        return parsed.selected->run();
    } catch (const command_line_error& e) {
        return report_usage_error(e);
    } catch (const usage_error& e) {
        err(std::string("error: ") + e.what() + "\n");
        return exit_failure;
    } catch (const std::exception& e) {
        err(std::string("nats: error: ") + e.what() + "\n");
        return exit_failure;
    }
}

} // namespace nats::cli
