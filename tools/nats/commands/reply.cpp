// nats reply: answer requests with a fixed (templated) body, an echo of the
// request, or the output of a command.
#include <chrono>
#include <memory>
#include <random>
#include <thread>

#include "body_source.hpp"
#include "commands.hpp"
#include "connection.hpp"
#include "console.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "headers.hpp"
#include "shell_words.hpp"
#include "subscriptions.hpp"
#include "templates.hpp"
#include "waiter.hpp"

namespace nats::cli {
namespace {

constexpr const char* reply_help = R"(The "command" supports extracting some information from the subject the request came in on.

When the subject being listened on is "weather.>" a request on "weather.london" can extract
the "london" part and use it in the command string:

  nats reply 'weather.>' --command "curl -s wttr.in/{{1}}?format=3"

This will request the weather for london when invoked as:

  nats request weather.london ''

Use {{.Request}} to access the request body within the --command

The command gets also spawned with two ENVs:
  NATS_REQUEST_SUBJECT
  NATS_REQUEST_BODY

  nats reply 'echo' --command="printenv NATS_REQUEST_BODY"

The body and Header values of the messages may use Go templates to create unique messages.

   nats reply test "Message {{Count}} @ {{Time}}"

Available template functions are:

   Count            the message number
   TimeStamp        RFC3339 format current time
   Unix             seconds since 1970 in UTC
   UnixNano         nano seconds since 1970 in UTC
   Time             the current time
   ID               an unique ID
   Request          the request payload
   Random(min, max) random string at least min long, at most max)";

struct reply_options {
    std::string subject;
    std::string body;
    bool echo = false;
    std::string command_line;
    std::string queue = "NATS-RPLY-22";
    std::chrono::nanoseconds sleep{0};
    std::vector<std::string> headers;
    std::int64_t count = 0;
};

struct reply_state {
    const reply_options* options = nullptr;
    natsConnection* nc = nullptr;
    waiter* wake = nullptr;
    std::int64_t replied = 0;  // natscli's counter: numbers start at 0
    bool done = false;
};

using nats::libnats::data_of;

// The reply body for --command: {{N}} is the N-th subject token, then the
// body templates with the request, then the program's combined output.
std::string run_reply_command(const reply_options& o, const std::string& subject, const std::string& request,
                              std::int64_t number) {
    std::string line = o.command_line;
    std::size_t index = 0;
    for (std::size_t start = 0;; ++index) {
        const auto dot = subject.find('.', start);
        const std::string token = subject.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        const std::string marker = "{{" + std::to_string(index) + "}}";
        for (auto at = line.find(marker); at != std::string::npos; at = line.find(marker, at + token.size())) {
            line.replace(at, marker.size(), token);
        }
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    try {
        line = render_template(line, {.count = number,
                                      .request = request.empty() ? std::nullopt : std::optional(request),
                                      .now = std::chrono::system_clock::now()});
    } catch (const template_error& e) {
        log_line(std::string("Could not parse command template: ") + e.what());
    }
    const auto words = split_shell_words(line);
    if (!words || words->empty()) {
        log_line("Could not parse command: " + line);
        return {};
    }
    const auto result =
        run_program(*words, {"NATS_REQUEST_SUBJECT=" + subject, "NATS_REQUEST_BODY=" + request});
    if (result.exit_code != 0) {
        log_line("Command " + go_quote(line) + " failed to run: exit status " + std::to_string(result.exit_code));
    }
    return result.output;
}

void on_request(natsConnection*, natsSubscription*, natsMsg* raw, void* closure) {
    message_ptr request(raw);
    auto& s = *static_cast<reply_state*>(closure);
    const reply_options& o = *s.options;
    std::int64_t number = 0;
    {
        std::lock_guard lock(s.wake->mutex());
        if (s.done) return;
        number = s.replied;
    }
    const std::string subject = natsMsg_GetSubject(request.get());
    const std::string body = data_of(request.get());
    const auto request_headers = message_headers(request.get());
    log_line("[#" + std::to_string(number) + "] Received on subject " + go_quote(subject) + ":");
    for (const auto& [key, value] : request_headers) log_line(key + ": " + value);
    out("\n" + body + "\n");

    if (o.sleep.count() > 0) {
        thread_local std::mt19937_64 rng{std::random_device{}()};
        std::uniform_int_distribution<std::int64_t> pick(0, o.sleep.count() - 1);
        std::this_thread::sleep_for(std::chrono::nanoseconds(pick(rng)));
    }

    header_list headers;
    try {
        headers = parse_header_flags(o.headers, number);
    } catch (const cli_error& e) {
        log_line(std::string("Could not parse headers: ") + e.what());
        return;
    }
    std::string reply_body;
    if (o.echo) {
        headers.insert(headers.end(), request_headers.begin(), request_headers.end());
        headers.emplace_back("NATS-Reply-Counter", std::to_string(number));
        reply_body = body;
    } else if (!o.command_line.empty()) {
        reply_body = run_reply_command(o, subject, body, number);
    } else {
        reply_body = expand_body_and_subject(o.body, subject, number, true,
                                             body.empty() ? std::nullopt : std::optional(body))
                         .body;
    }

    const char* reply_to = natsMsg_GetReply(request.get());
    if (reply_to == nullptr || *reply_to == '\0') {
        log_line("Could not publish reply: nats: message does not have a reply");
        return;
    }
    natsMsg* raw_reply = nullptr;
    natsStatus status = natsMsg_Create(&raw_reply, reply_to, nullptr, reply_body.data(), static_cast<int>(reply_body.size()));
    message_ptr reply(raw_reply);
    if (status == NATS_OK) {
        for (const auto& [key, value] : headers) natsMsgHeader_Add(reply.get(), key.c_str(), value.c_str());
        status = natsConnection_PublishMsg(s.nc, reply.get());
    }
    if (status != NATS_OK) {
        log_line("Could not publish reply: " + status_text(status));
        return;
    }
    std::lock_guard lock(s.wake->mutex());
    ++s.replied;
    if (o.count > 0 && s.replied >= o.count) s.done = true;
    s.wake->notify_locked();
}

int run_reply(const app_state& state, reply_options& o) {
    const auto settings = state.settings();
    auto nc = connect(settings);
    if (o.body.empty() && o.command_line.empty() && !o.echo) {
        log_line("No body or command supplied, enabling echo mode");
        o.echo = true;
    }
    waiter wake;
    auto s = std::make_unique<reply_state>();
    s->options = &o;
    s->nc = nc.get();
    s->wake = &wake;
    async_subscriptions subs;
    natsSubscription* sub = subs.subscribe(nc.get(), o.subject, o.queue, on_request, s.get());
    if (o.count > 0) check(natsSubscription_AutoUnsubscribe(sub, static_cast<int>(o.count)));
    check(natsConnection_FlushTimeout(nc.get(), 5000));
    log_line("Listening on " + go_quote(o.subject) + " in group " + go_quote(o.queue));

    wake.wait([&] { return s->done; });
    {
        std::lock_guard lock(wake.mutex());
        s->done = true;
    }
    natsConnection_FlushTimeout(nc.get(), 5000);
    log_line("\nDraining...");
    stop_reporting_disconnects();
    subs.close();
    log_line("Exiting");
    return 0;
}

} // namespace

void add_reply_command(command& app, app_state& state) {
    auto o = std::make_shared<reply_options>();
    auto& cmd = app.add_command("reply", "Generic service reply utility");
    cmd.long_help(reply_help);
    cmd.string_arg("subject", "Subject to subscribe to", &o->subject, true);
    cmd.string_arg("body", "Reply body", &o->body, false);
    cmd.bool_flag("echo", "Echo back what is received", &o->echo);
    cmd.string_flag("command", "Runs a command and responds with the output if exit code was 0", &o->command_line);
    cmd.string_flag("queue", "Queue group name", &o->queue).with_short('q');
    cmd.duration_flag("sleep", "Inject a random sleep delay between replies up to this duration max", &o->sleep)
        .with_placeholder("MAX");
    cmd.strings_flag("header", "Adds headers to the message using K:V format", &o->headers).with_short('H');
    cmd.int_flag("count", "Quit after receiving this many messages", &o->count);
    cmd.action([&state, o] { return run_reply(state, *o); });
}

} // namespace nats::cli
