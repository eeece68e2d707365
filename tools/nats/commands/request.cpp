// nats request: send requests and show the replies (one or several per request).
#include <chrono>
#include <memory>

#include "commands.hpp"
#include "connection.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "headers.hpp"
#include "outgoing.hpp"
#include "progress.hpp"

namespace nats::cli {
namespace {

struct request_options : outgoing_options {
    bool raw = false;
    std::int64_t replies = 1;
    std::chrono::nanoseconds reply_timeout = std::chrono::milliseconds(300);
    bool wait_for_empty = false;
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
    const std::string inbox = new_inbox(settings);
    const message_ptr msg = compose_message(o, body, number, inbox);
    if (log_output) log_line("Sending request on " + go_quote(natsMsg_GetSubject(msg.get())) + "\n");

    natsSubscription* raw_sub = nullptr;
    check(natsConnection_SubscribeSync(&raw_sub, nc, inbox.c_str()));
    subscription_ptr sub(raw_sub);
    natsSubscription_SetPendingLimits(raw_sub, -1, -1);
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

    const bool tracked = o.count > 20 && !o.raw;
    progress_display progress(tracked);
    if (tracked) {
        progress.add_bar(o.count, "");
        progress.start();
    }
    for_each_body(o, true, [&](const std::string& body) {
        for (std::int64_t i = 1; i <= o.count; ++i) do_request(nc.get(), settings, o, body, i, !o.raw && !tracked, progress);
    });
    progress.stop();
    return 0;
}

} // namespace

void add_request_command(command& app, app_state& state) {
    auto o = std::make_shared<request_options>();
    auto& cmd = app.add_command("request", "Generic request-reply request utility").alias("req");
    cmd.long_help(template_help("request"));
    add_outgoing_args(cmd, *o, "Subject to subscribe to");
    cmd.bool_flag("raw", "Show just the output received", &o->raw).with_short('r');
    add_outgoing_flags(cmd, *o);
    cmd.int_flag("replies", "Wait for multiple replies from services. 0 waits until timeout", &o->replies);
    cmd.duration_flag("reply-timeout", "Maximum time between replies when waiting for more than one",
                      &o->reply_timeout);
    cmd.bool_flag("wait-for-empty", "Wait for multiple replies until a empty message is received", &o->wait_for_empty);
    cmd.action([&state, o] { return run_request(state, *o); });
}

} // namespace nats::cli
