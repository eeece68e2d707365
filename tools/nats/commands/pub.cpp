// nats pub: publish one or more messages, with headers and templated bodies.
#include <chrono>
#include <memory>
#include <thread>

#include "commands.hpp"
#include "connection.hpp"
#include "console.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "outgoing.hpp"
#include "progress.hpp"

namespace nats::cli {
namespace {

struct pub_options : outgoing_options {
    std::string reply;
    std::chrono::nanoseconds sleep{0};
    bool quiet = false;
};

// Publishes `count` messages with `body`, numbered from 1.
void publish_batch(natsConnection* nc, const pub_options& o, const std::string& body, progress_display& progress,
                   bool tracked) {
    for (std::int64_t i = 1; i <= o.count; ++i) {
        const message_ptr msg = compose_message(o, body, i, o.reply);
        check(natsConnection_PublishMsg(nc, msg.get()));
        if (o.count <= 20 || o.sleep.count() > 0) check(natsConnection_FlushTimeout(nc, 5000));
        if (o.count > 1 && o.sleep.count() > 0) std::this_thread::sleep_for(o.sleep);
        if (tracked) {
            progress.increment(0);
        } else if (!o.quiet) {
            log_line("Published " + std::to_string(natsMsg_GetDataLength(msg.get())) + " bytes to " +
                     go_quote(natsMsg_GetSubject(msg.get())) + "\n");
        }
    }
}

int run_pub(const app_state& state, pub_options& o) {
    const auto settings = state.settings();
    auto nc = connect(settings, {.reconnect = false});
    if (o.count < 1) o.count = 1;

    // natscli tracks more than 20 messages with a progress bar instead of a line each.
    const bool tracked = o.count > 20;
    progress_display progress(tracked);
    if (tracked) {
        progress.add_bar(o.count, "");
        progress.start();
    }
    for_each_body(o, !o.quiet, [&](const std::string& body) { publish_batch(nc.get(), o, body, progress, tracked); });
    check(natsConnection_FlushTimeout(nc.get(), 5000));
    progress.stop();
    const char* last_text = nullptr;
    if (const natsStatus last = natsConnection_GetLastError(nc.get(), &last_text); last != NATS_OK) check(last);
    return 0;
}

} // namespace

void add_pub_command(command& app, app_state& state) {
    auto o = std::make_shared<pub_options>();
    auto& cmd = app.add_command("publish", "Generic data publish utility").alias("pub");
    cmd.long_help(template_help("pub"));
    add_outgoing_args(cmd, *o, "Subject to publish to");
    cmd.string_flag("reply", "Sets a custom reply to subject", &o->reply).with_placeholder("SUBJECT");
    add_outgoing_flags(cmd, *o);
    cmd.bool_flag("quiet", "Show just the output received", &o->quiet).with_short('q');
    cmd.duration_flag("sleep", "When publishing multiple messages, sleep between publishes", &o->sleep);
    cmd.action([&state, o] { return run_pub(state, *o); });
}

} // namespace nats::cli
