// nats request: send requests and show the replies (one or several per request).
#include <chrono>
#include <memory>

#include "body_source.hpp"
#include "commands.hpp"
#include "connection.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "headers.hpp"
#include "progress.hpp"

namespace nats::cli {
namespace {

constexpr const char* request_help = R"(Body and Header values of the messages may use Go templates to
create unique messages.

   nats request test --count 10 "Message {{Count}} @ {{Time}}"

Multiple messages with random strings between 10 and 100 long:

   nats request test --count 10 "Message {{Count}}: {{ Random 10 100 }}"

Available template functions are:

   Count            the message number
   TimeStamp        RFC3339 format current time
   Unix             seconds since 1970 in UTC
   UnixNano         nano seconds since 1970 in UTC
   Time             the current time
   ID               an unique ID
   Random(min, max) random string at least min long, at most max)";

struct request_options {
    std::string subject;
    std::string body;
    bool body_set = false;
    bool raw = false;
    std::vector<std::string> headers;
    std::int64_t count = 1;
    std::int64_t replies = 1;
    std::chrono::nanoseconds reply_timeout = std::chrono::milliseconds(300);
    bool wait_for_empty = false;
    bool force_stdin = false;
    std::string send_on = "eof";
    bool templates = true;
};

using clock_type = std::chrono::steady_clock;

std::int64_t to_ms(std::chrono::nanoseconds d) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
    return ms > 0 ? ms : 1;
}

// One request and its replies. Throws cli_error when no reply comes at all:
// natscli only logs that, but a script needs a failing exit code.
void do_request(natsConnection* nc, const connection_settings& settings, const request_options& o,
                const std::string& body, std::int64_t number, bool log_output, progress_display& progress) {
    const auto expanded = expand_body_and_subject(body, o.subject, number, o.templates);
    if (log_output) log_line("Sending request on " + go_quote(expanded.subject) + "\n");

    const std::string inbox = new_inbox(settings);
    natsSubscription* raw_sub = nullptr;
    check(natsConnection_SubscribeSync(&raw_sub, nc, inbox.c_str()));
    subscription_ptr sub(raw_sub);
    natsSubscription_SetPendingLimits(raw_sub, -1, -1);

    natsMsg* raw_msg = nullptr;
    check(natsMsg_Create(&raw_msg, expanded.subject.c_str(), inbox.c_str(), expanded.body.data(),
                         static_cast<int>(expanded.body.size())));
    message_ptr msg(raw_msg);
    add_headers(msg.get(), parse_header_flags(o.headers, number));
    check(natsConnection_PublishMsg(nc, msg.get()));
    if (progress.active()) progress.increment(0);

    const auto start = clock_type::now();
    auto timeout = settings.timeout;
    std::int64_t received = 0;
    std::chrono::nanoseconds rtt_total{0};
    for (;;) {
        natsMsg* raw_reply = nullptr;
        const natsStatus status = natsSubscription_NextMsg(&raw_reply, sub.get(), to_ms(timeout));
        if (status == NATS_TIMEOUT) {
            if (received == 0) throw cli_error(status_text(NATS_TIMEOUT));
            break;
        }
        check(status);
        message_ptr reply(raw_reply);
        if (natsMsg_IsNoResponders(reply.get())) throw cli_error(status_text(NATS_NO_RESPONDERS));
        const auto rtt = clock_type::now() - start;
        const char* data = natsMsg_GetData(reply.get());
        const std::string reply_body(data != nullptr ? data : "", static_cast<std::size_t>(natsMsg_GetDataLength(reply.get())));
        if (o.raw) {
            out(body_block(reply_body));
        } else if (log_output) {
            log_line("Received with rtt " + format_duration(rtt));
            const auto headers = message_headers(reply.get());
            if (!headers.empty()) {
                for (const auto& [key, value] : headers) log_line(key + ": " + value);
                log_line("");
            }
            out(body_block(reply_body));
        }
        ++received;
        if (o.replies > 0 && received == o.replies) break;
        if (o.replies > 0 && reply_body.empty()) break;
        if (o.replies == 0) {
            // Waiting for all replies within the overall timeout.
            timeout = settings.timeout - (clock_type::now() - start);
            if (timeout.count() <= 0) break;
        } else {
            // Waiting for more: the average reply time so far plus --reply-timeout.
            rtt_total += rtt;
            timeout = rtt_total / received + o.reply_timeout;
        }
    }
}

int run_request(const app_state& state, request_options& o) {
    const auto settings = state.settings();
    auto nc = connect(settings, {.reconnect = false});
    if (o.count < 1) o.count = 32767;
    if (o.wait_for_empty) o.replies = 32767;

    body_source source(o.body_set, o.force_stdin, o.send_on == "newline");
    if (source.uses_stdin()) log_line("Reading payload from STDIN");
    const bool tracked = o.count > 20 && !o.raw;
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
        for (std::int64_t i = 1; i <= o.count; ++i) {
            do_request(nc.get(), settings, o, body, i, !o.raw && !tracked, progress);
        }
        if (!source.uses_stdin() || !source.per_line()) break;
    }
    progress.stop();
    return 0;
}

} // namespace

void add_request_command(command& app, app_state& state) {
    auto o = std::make_shared<request_options>();
    auto& cmd = app.add_command("request", "Generic request-reply request utility").alias("req");
    cmd.long_help(request_help);
    cmd.string_arg("subject", "Subject to subscribe to", &o->subject, true);
    cmd.string_arg("body", "Message body", &o->body, false, &o->body_set);
    cmd.bool_flag("raw", "Show just the output received", &o->raw).with_short('r');
    cmd.strings_flag("header", "Adds headers to the message using K:V format", &o->headers).with_short('H');
    cmd.int_flag("count", "Publish multiple messages", &o->count);
    cmd.int_flag("replies", "Wait for multiple replies from services. 0 waits until timeout", &o->replies);
    cmd.duration_flag("reply-timeout", "Maximum time between replies when waiting for more than one",
                      &o->reply_timeout);
    cmd.bool_flag("wait-for-empty", "Wait for multiple replies until a empty message is received", &o->wait_for_empty);
    cmd.bool_flag("force-stdin", "Force reading from stdin", &o->force_stdin);
    cmd.enum_flag("send-on", "When to send data from stdin: 'eof' (default) or 'newline'", &o->send_on,
                  {"newline", "eof"});
    cmd.bool_flag("templates", "Enables template functions in the body and subject (does not affect headers)",
                  &o->templates);
    cmd.action([&state, o] { return run_request(state, *o); });
}

} // namespace nats::cli
