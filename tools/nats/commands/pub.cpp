// nats pub: publish one or more messages, with headers and templated bodies.
#include <chrono>
#include <memory>
#include <thread>

#include "body_source.hpp"
#include "commands.hpp"
#include "connection.hpp"
#include "console.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "headers.hpp"
#include "progress.hpp"
#include "templates.hpp"

namespace nats::cli {
namespace {

constexpr const char* pub_help = R"(Body and Header values of the messages may use Go templates to
create unique messages.

   nats pub test --count 10 "Message {{Count}} @ {{Time}}"

Multiple messages with random strings between 10 and 100 long:

   nats pub test --count 10 "Message {{Count}}: {{ Random 10 100 }}"

Available template functions are:

   Count            the message number
   TimeStamp        RFC3339 format current time
   Unix             seconds since 1970 in UTC
   UnixNano         nano seconds since 1970 in UTC
   Time             the current time
   ID               an unique ID
   Random(min, max) random string at least min long, at most max)";

struct pub_options {
    std::string subject;
    std::string body;
    bool body_set = false;
    std::string reply;
    std::vector<std::string> headers;
    std::int64_t count = 1;
    std::chrono::nanoseconds sleep{0};
    bool force_stdin = false;
    bool quiet = false;
    bool templates = true;
    std::string send_on = "eof";
};

// Publishes `count` messages with `body`, numbered from 1.
void publish_batch(natsConnection* nc, const pub_options& o, const std::string& body, progress_display& progress,
                   bool tracked) {
    for (std::int64_t i = 1; i <= o.count; ++i) {
        const auto expanded = expand_body_and_subject(body, o.subject, i, o.templates);
        natsMsg* raw = nullptr;
        check(natsMsg_Create(&raw, expanded.subject.c_str(), o.reply.empty() ? nullptr : o.reply.c_str(),
                             expanded.body.data(), static_cast<int>(expanded.body.size())));
        message_ptr msg(raw);
        add_headers(msg.get(), parse_header_flags(o.headers, i));
        check(natsConnection_PublishMsg(nc, msg.get()));
        if (o.count <= 20 || o.sleep.count() > 0) check(natsConnection_FlushTimeout(nc, 5000));
        if (o.count > 1 && o.sleep.count() > 0) std::this_thread::sleep_for(o.sleep);
        if (tracked) {
            progress.increment(0);
        } else if (!o.quiet) {
            log_line("Published " + std::to_string(expanded.body.size()) + " bytes to " + go_quote(expanded.subject) +
                     "\n");
        }
    }
}

int run_pub(const app_state& state, pub_options& o) {
    const auto settings = state.settings();
    auto nc = connect(settings, {.reconnect = false});
    if (o.count < 1) o.count = 1;

    body_source source(o.body_set, o.force_stdin, o.send_on == "newline");
    if (source.uses_stdin() && !o.quiet) log_line("Reading payload from STDIN");

    // natscli tracks more than 20 messages with a progress bar instead of a line each.
    const bool tracked = o.count > 20;
    progress_display progress(tracked);
    if (tracked) {
        progress.add_bar(o.count, "");
        progress.start();
    }
    std::string body = o.body;
    for (;;) {
        if (source.uses_stdin()) {
            const auto next = source.next();
            if (!next) break;
            body = *next;
        }
        publish_batch(nc.get(), o, body, progress, tracked);
        if (!source.uses_stdin() || !source.per_line()) break;
    }
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
    cmd.long_help(pub_help);
    cmd.string_arg("subject", "Subject to publish to", &o->subject, true);
    cmd.string_arg("body", "Message body", &o->body, false, &o->body_set);
    cmd.string_flag("reply", "Sets a custom reply to subject", &o->reply).with_placeholder("SUBJECT");
    cmd.strings_flag("header", "Adds headers to the message using K:V format", &o->headers)
        .with_short('H')
        .with_placeholder("K:V");
    cmd.int_flag("count", "Publish multiple messages", &o->count);
    cmd.bool_flag("force-stdin", "Force reading from stdin", &o->force_stdin);
    cmd.bool_flag("quiet", "Show just the output received", &o->quiet).with_short('q');
    cmd.enum_flag("send-on", "When to send data from stdin: 'eof' (default) or 'newline'", &o->send_on,
                  {"newline", "eof"});
    cmd.duration_flag("sleep", "When publishing multiple messages, sleep between publishes", &o->sleep);
    cmd.bool_flag("templates", "Enables template functions in the body and subject (does not affect headers)",
                  &o->templates);
    cmd.action([&state, o] { return run_pub(state, *o); });
}

} // namespace nats::cli
