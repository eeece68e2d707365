// nats sub: subscribe to subjects (wildcards, queue groups) and print each
// message the way natscli does.
#include <sys/time.h>

#include <chrono>
#include <ctime>
#include <memory>

#include <nats_sdk/subject.hpp>

#include "commands.hpp"
#include "connection.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "headers.hpp"
#include "subject_match.hpp"
#include "subscriptions.hpp"
#include "waiter.hpp"

namespace nats::cli {
namespace {

struct sub_options {
    std::vector<std::string> subjects;
    std::string queue;
    std::int64_t count = 0;
    bool raw = false;
    bool inbox = false;
    bool headers_only = false;
    bool subjects_only = false;
    bool timestamps = false;
    bool delta_time = false;
    std::vector<std::string> ignore_subjects;
    std::chrono::nanoseconds wait{0};
};

// Shared between libnats' delivery threads and the waiting main thread; all
// of it is guarded by the waiter's mutex.
struct sub_state {
    const sub_options* options = nullptr;
    waiter* wake = nullptr;
    std::int64_t received = 0;
    bool done = false;
    std::chrono::steady_clock::time_point started;
    std::chrono::steady_clock::time_point last_activity;
    std::vector<std::string> ignored;  // --ignore-subject, split at commas
};

// time.StampMicro: "Jan _2 15:04:05.000000"
std::string stamp_micro() {
    timeval tv{};
    ::gettimeofday(&tv, nullptr);
    std::tm local{};
    localtime_r(&tv.tv_sec, &local);
    char day[32];
    std::strftime(day, sizeof day, "%b %e %H:%M:%S", &local);
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s.%06ld", day, static_cast<long>(tv.tv_usec));
    return buf;
}

std::string render_message(natsMsg* msg, const sub_state& s) {
    const sub_options& o = *s.options;
    const char* data = natsMsg_GetData(msg);
    const std::string body(data != nullptr ? data : "", static_cast<std::size_t>(natsMsg_GetDataLength(msg)));
    if (o.raw) {
        if (body.empty()) return "nil body\n";
        return body.back() == '\n' ? body : body + "\n";
    }
    std::string ts;
    if (o.timestamps) ts = " @ " + stamp_micro();
    else if (o.delta_time) ts = " @ " + format_duration(std::chrono::steady_clock::now() - s.started);
    std::string text = "[#" + std::to_string(s.received) + "]" + ts + " Received on " + go_quote(natsMsg_GetSubject(msg));
    if (const char* reply = natsMsg_GetReply(msg); reply != nullptr && *reply != '\0') {
        text += " with reply " + go_quote(reply);
    }
    text += "\n";
    if (o.subjects_only) return text;
    const auto headers = message_headers(msg);
    if (!headers.empty()) {
        for (const auto& [key, value] : headers) text += key + ": " + value + "\n";
        text += "\n";
    }
    if (!o.headers_only) text += body_block(body);
    return text;
}

void on_message(natsConnection*, natsSubscription*, natsMsg* raw, void* closure) {
    message_ptr msg(raw);
    auto& s = *static_cast<sub_state*>(closure);
    std::lock_guard lock(s.wake->mutex());
    if (s.done) return;
    const char* subject = natsMsg_GetSubject(msg.get());
    for (const auto& pattern : s.ignored) {
        if (nats_sdk::subject::literal_matches(subject, pattern)) return;
    }
    ++s.received;
    s.last_activity = std::chrono::steady_clock::now();
    out(render_message(msg.get(), s));
    if (s.options->count > 0 && s.received >= s.options->count) s.done = true;
    s.wake->notify_locked();
}

int run_sub(const app_state& state, sub_options& o) {
    if (o.subjects.empty() && !o.inbox) {
        out("No subjects or --stream flag provided.\n");
        throw usage_error("required argument 'subjects' not provided");
    }
    const auto settings = state.settings();
    auto nc = connect(settings);
    waiter wake;
    auto s = std::make_unique<sub_state>();
    s->options = &o;
    s->wake = &wake;
    s->started = s->last_activity = std::chrono::steady_clock::now();
    for (const auto& spec : o.ignore_subjects) {
        for (auto& part : split_subject_list(spec)) s->ignored.push_back(std::move(part));
    }
    if (o.inbox) o.subjects.insert(o.subjects.begin(), new_inbox(settings));

    async_subscriptions subs;
    for (const auto& subject : o.subjects) subs.subscribe(nc.get(), subject, o.queue, on_message, s.get());
    check(natsConnection_FlushTimeout(nc.get(), 5000));
    // Logged once the interest is registered, so a publisher started after
    // this line is never missed.
    if (!o.raw || o.inbox) {
        std::string ignored_info;
        if (!s->ignored.empty()) {
            std::string list;
            for (const auto& i : s->ignored) list += (list.empty() ? "" : ", ") + i;
            ignored_info = "\nIgnored subjects: " + list;
        }
        std::string joined;
        for (const auto& subject : o.subjects) joined += (joined.empty() ? "" : ", ") + subject;
        log_line("Subscribing on " + joined + " " + ignored_info);
    }

    wake.wait([&] {
        if (s->done) return true;
        return o.wait.count() > 0 && std::chrono::steady_clock::now() - s->last_activity >= o.wait;
    });
    {
        std::lock_guard lock(wake.mutex());
        s->done = true;
    }
    stop_reporting_disconnects();
    subs.close();
    return 0;
}

} // namespace

void add_sub_command(command& app, app_state& state) {
    auto o = std::make_shared<sub_options>();
    auto& cmd = app.add_command("subscribe", "Generic subscription client").alias("sub");
    cmd.strings_arg("subjects", "Subjects to subscribe to", &o->subjects);
    cmd.string_flag("queue", "Subscribe to a named queue group", &o->queue);
    cmd.bool_flag("raw", "Show the raw data received", &o->raw).with_short('r');
    cmd.bool_flag("inbox", "Subscribes to a generated inbox", &o->inbox).with_short('i');
    cmd.int_flag("count", "Quit after receiving this many messages", &o->count);
    cmd.bool_flag("headers-only", "Do not render any data, shows only headers", &o->headers_only);
    cmd.bool_flag("subjects-only", "Prints only the messages' subjects", &o->subjects_only);
    cmd.strings_flag("ignore-subject",
                     "Subjects for which corresponding messages will be ignored and therefore not shown in the output",
                     &o->ignore_subjects)
        .with_short('I')
        .with_placeholder("SUBJECT");
    cmd.duration_flag("wait", "Unsubscribe after this amount of time without any traffic", &o->wait);
    cmd.bool_flag("timestamp", "Show timestamps in output", &o->timestamps).with_short('t');
    cmd.bool_flag("delta-time", "Show time since start in output", &o->delta_time).with_short('d');
    cmd.action([&state, o] { return run_sub(state, *o); });
}

} // namespace nats::cli
