// nats bench: core NATS throughput (publishers and subscribers) and
// request/reply latency, with natscli's flags (--pub, --sub, --msgs, --size,
// --request, --reply), progress bars and summary.
//
// Threads: one per publisher or requester; subscribers and repliers run on
// libnats' delivery threads. All clients report to the main thread through
// the waiter; counters the progress bars read are atomics.
#include <algorithm>
#include <atomic>
#include <fstream>
#include <memory>
#include <optional>
#include <thread>

#include "bench_report.hpp"
#include "commands.hpp"
#include "connection.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "progress.hpp"
#include "subscriptions.hpp"
#include "templates.hpp"
#include "waiter.hpp"

namespace nats::cli {
namespace {

using clock_type = std::chrono::steady_clock;

struct bench_options {
    std::string subject;
    std::int64_t pubs = 0;
    std::int64_t subs = 0;
    bool request = false;
    bool reply = false;
    std::int64_t msgs = 100000;
    std::string size = "128";
    bool no_progress = false;
    std::string csv;
    std::chrono::nanoseconds pub_sleep{0};
    std::chrono::nanoseconds sub_sleep{0};
    bool multi_subject = false;
    std::int64_t multi_subject_max = 100000;
};

// State shared by every client of a run; guarded by the waiter's mutex unless atomic.
struct run_state {
    const bench_options* options = nullptr;
    waiter* wake = nullptr;
    progress_display* progress = nullptr;
    std::size_t message_size = 0;
    std::optional<std::string> failure;  // the first error any client hit
    std::atomic<bool> stop{false};       // set with failure: publishers give up
    std::int64_t publishers_done = 0;
};

struct subscriber {
    run_state* run = nullptr;
    natsConnection* nc = nullptr;
    std::size_t bar = 0;
    std::int64_t expected = 0;
    std::atomic<std::int64_t> received{0};
    clock_type::time_point first;
    clock_type::time_point last;
    bool complete = false;
};

std::string publish_subject(const bench_options& o, std::int64_t number) {
    if (!o.multi_subject) return o.subject;
    const std::int64_t n = o.multi_subject_max == 0 ? number : number % o.multi_subject_max;
    return o.subject + "." + std::to_string(n);
}

std::string subscribe_subject(const bench_options& o) { return o.multi_subject ? o.subject + ".*" : o.subject; }

std::uint64_t io_messages(natsConnection* nc) {
    natsStatistics* stats = nullptr;
    if (natsStatistics_Create(&stats) != NATS_OK) return 0;
    uint64_t in_msgs = 0, in_bytes = 0, out_msgs = 0, out_bytes = 0, reconnects = 0;
    if (natsConnection_GetStats(nc, stats) == NATS_OK) {
        natsStatistics_GetCounts(stats, &in_msgs, &in_bytes, &out_msgs, &out_bytes, &reconnects);
    }
    natsStatistics_Destroy(stats);
    return in_msgs + out_msgs;
}

void fail_run(run_state& run, const std::string& message) {
    run.stop.store(true);
    std::lock_guard lock(run.wake->mutex());
    if (!run.failure) run.failure = message;
    run.wake->notify_locked();
}

void on_bench_message(natsConnection*, natsSubscription*, natsMsg* raw, void* closure) {
    message_ptr msg(raw);
    auto& s = *static_cast<subscriber*>(closure);
    const bench_options& o = *s.run->options;
    const auto now = clock_type::now();
    if (o.reply) {
        if (o.sub_sleep.count() > 0) std::this_thread::sleep_for(o.sub_sleep);
        const char* reply_to = natsMsg_GetReply(msg.get());
        if (reply_to != nullptr && *reply_to != '\0') {
            if (const natsStatus st = natsConnection_PublishString(s.nc, reply_to, "+ACK"); st != NATS_OK) {
                fail_run(*s.run, "Error sending a reply message: " + status_text(st));
            }
        }
    }
    const std::int64_t n = s.received.fetch_add(1, std::memory_order_relaxed) + 1;
    if (s.run->progress->active()) s.run->progress->increment(s.bar);
    if (n == 1) s.first = now;
    if (o.reply || n != s.expected) return;
    if (s.run->progress->active()) s.run->progress->set_state(s.bar, "Finished  ");
    std::lock_guard lock(s.run->wake->mutex());
    s.last = now;
    s.complete = true;
    s.run->wake->notify_locked();
}

struct publisher_result {
    bench_sample sample;
};

// One publisher or requester: publishes its share, flushes, and records the sample.
void run_publisher(run_state& run, natsConnection* nc, std::size_t bar, std::int64_t count, std::int64_t offset,
                   std::atomic<bool>& go, publisher_result& result) {
    const bench_options& o = *run.options;
    const std::string payload(run.message_size, '\0');
    while (!go.load()) std::this_thread::yield();
    const auto start = clock_type::now();
    std::vector<std::uint64_t> latencies;
    if (o.request) latencies.reserve(static_cast<std::size_t>(count));
    try {
        for (std::int64_t i = 0; i < count; ++i) {
            if (run.wake->interrupted() || run.stop.load()) return;
            const std::string subject = publish_subject(o, i + offset);
            if (!o.request) {
                check(natsConnection_Publish(nc, subject.c_str(), payload.data(), static_cast<int>(payload.size())));
            } else {
                natsMsg* raw = nullptr;
                const auto sent = clock_type::now();
                const natsStatus st = natsConnection_Request(&raw, nc, subject.c_str(), payload.data(),
                                                             static_cast<int>(payload.size()), 1000);
                if (st != NATS_OK) throw cli_error("Request error " + status_text(st));
                message_ptr reply(raw);
                latencies.push_back(static_cast<std::uint64_t>(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - sent).count()));
                const char* data = natsMsg_GetData(reply.get());
                const std::string body(data != nullptr ? data : "", static_cast<std::size_t>(natsMsg_GetDataLength(reply.get())));
                if (body.empty() || body[0] == '-' || body.find("error") != std::string::npos) {
                    throw cli_error("Publish Request did not receive a positive ACK: " + go_quote(body));
                }
            }
            if (run.progress->active()) run.progress->increment(bar);
            if (o.pub_sleep.count() > 0) std::this_thread::sleep_for(o.pub_sleep);
        }
        check(natsConnection_FlushTimeout(nc, 60000));
    } catch (const std::exception& e) {
        fail_run(run, e.what());
        return;
    }
    std::sort(latencies.begin(), latencies.end());
    result.sample = {.job_msgs = count,
                     .msg_bytes = static_cast<std::uint64_t>(count) * run.message_size,
                     .io_msgs = io_messages(nc),
                     .start = start,
                     .end = clock_type::now(),
                     .latencies_ns = std::move(latencies)};
    if (run.progress->active()) run.progress->set_state(bar, "Finished  ");
    std::lock_guard lock(run.wake->mutex());
    ++run.publishers_done;
    run.wake->notify_locked();
}

void validate(const bench_options& o, std::int64_t size) {
    if (o.msgs <= 0) throw cli_error("number of messages should be greater than 0");
    if (size < 0) throw cli_error("Can not parse or invalid the value specified for the message size: " + o.size);
    if (o.pubs < 0 || o.subs < 0) throw cli_error("the number of publishers and subscribers can not be negative");
    if (o.pubs == 0 && o.subs == 0) {
        throw cli_error("You must have at least one publisher or at least one subscriber... try adding --pub 1 and/or "
                        "--sub 1 to the arguments");
    }
    if (o.request && o.reply) {
        throw cli_error("Request-reply mode error: can not be both a requester and a replier at the same time, please "
                        "use at least two instances of nats bench to benchmark request/reply");
    }
    if (o.reply && o.pubs > 0 && o.subs > 0) {
        throw cli_error("Request-reply mode error: can not have a publisher while in --reply mode");
    }
}

std::string banner(const bench_options& o, std::int64_t size) {
    const std::string common = "subject=" + subscribe_subject(o) + ", multisubject=" + (o.multi_subject ? "true" : "false") +
                               ", multisubjectmax=" + std::to_string(o.multi_subject_max);
    const std::string tail = ", msgs=" + comma(o.msgs) + ", msgsize=" + ibytes(static_cast<std::uint64_t>(size)) +
                             ", pubs=" + std::to_string(o.pubs) + ", subs=" + std::to_string(o.subs) +
                             ", pubsleep=" + format_duration(o.pub_sleep) + ", subsleep=" + format_duration(o.sub_sleep) + "]";
    if (o.request || o.reply) {
        return "Starting request-reply benchmark [" + common + ", request=" + (o.request ? "true" : "false") +
               ", reply=" + (o.reply ? "true" : "false") + tail;
    }
    return "Starting Core NATS pub/sub benchmark [" + common + tail;
}

int run_bench(const app_state& state, const bench_options& o) {
    const std::int64_t size = parse_size(o.size);
    validate(o, size);
    const auto settings = state.settings();
    if (o.request || o.reply) log_line("Benchmark in request-reply mode");
    log_line(banner(o, size));

    waiter wake;
    progress_display progress(!o.no_progress && !o.reply);
    run_state run;
    run.options = &o;
    run.wake = &wake;
    run.progress = &progress;
    run.message_size = static_cast<std::size_t>(size);

    // Subscribers first, so no published message finds no interest.
    const auto sub_counts = messages_per_client(o.msgs, o.subs);
    std::vector<connection_ptr> sub_conns;
    std::vector<std::unique_ptr<subscriber>> subs;
    async_subscriptions subscriptions;
    for (std::int64_t i = 0; i < o.subs; ++i) {
        sub_conns.push_back(connect(settings, {.reconnect = false}));
        auto s = std::make_unique<subscriber>();
        s->run = &run;
        s->nc = sub_conns.back().get();
        s->expected = o.reply ? sub_counts[static_cast<std::size_t>(i)] : o.msgs;
        if (progress.active()) s->bar = progress.add_bar(s->expected, "Receiving ");
        subscriptions.subscribe(s->nc, subscribe_subject(o), o.reply ? "bench-reply" : "", on_bench_message, s.get());
        check(natsConnection_FlushTimeout(s->nc, 5000));
        // Logged once the interest is registered, so a requester started
        // after this line finds the replier.
        if (o.reply) log_line("Starting replier, hit control-c to stop");
        else log_line("Starting subscriber, expecting " + comma(s->expected) + " messages");
        subs.push_back(std::move(s));
    }

    const auto pub_counts = messages_per_client(o.msgs, o.pubs);
    std::vector<connection_ptr> pub_conns;
    std::vector<publisher_result> pub_results(static_cast<std::size_t>(o.pubs));
    std::vector<std::size_t> pub_bars(static_cast<std::size_t>(o.pubs), 0);
    for (std::int64_t i = 0; i < o.pubs; ++i) {
        pub_conns.push_back(connect(settings, {.reconnect = false, .send_asap = o.request}));
        log_line("Starting publisher, publishing " + comma(pub_counts[static_cast<std::size_t>(i)]) + " messages");
        if (progress.active()) pub_bars[static_cast<std::size_t>(i)] = progress.add_bar(pub_counts[static_cast<std::size_t>(i)], "Publishing");
    }

    progress.start();
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    std::int64_t offset = 0;
    for (std::int64_t i = 0; i < o.pubs; ++i) {
        const auto k = static_cast<std::size_t>(i);
        threads.emplace_back(run_publisher, std::ref(run), pub_conns[k].get(), pub_bars[k], pub_counts[k], offset,
                             std::ref(go), std::ref(pub_results[k]));
        offset += pub_counts[k];
    }
    go.store(true);

    // Once our own publishers are done, a subscriber that stops receiving for
    // the whole --timeout has lost messages; without publishers of our own we
    // wait for someone else's, as natscli does.
    std::int64_t last_total = -1;
    auto last_change = clock_type::now();
    const wait_result outcome = wake.wait([&] {
        if (run.failure) return true;
        if (o.reply) return false;
        if (run.publishers_done < o.pubs) return false;
        std::int64_t total = 0;
        bool all = true;
        for (const auto& s : subs) {
            total += s->received.load(std::memory_order_relaxed);
            all = all && s->complete;
        }
        if (all) return true;
        if (total != last_total) {
            last_total = total;
            last_change = clock_type::now();
        }
        if (o.pubs > 0 && clock_type::now() - last_change >= settings.timeout) {
            for (std::size_t i = 0; i < subs.size(); ++i) {
                const auto got = subs[i]->received.load(std::memory_order_relaxed);
                if (got < subs[i]->expected) {
                    run.failure = "subscriber " + std::to_string(i + 1) + " received " + comma(got) + " of " +
                                  comma(subs[i]->expected) + " messages";
                    break;
                }
            }
            return true;
        }
        return false;
    });
    for (auto& t : threads) t.join();
    stop_reporting_disconnects();
    subscriptions.close();
    progress.stop();

    std::optional<std::string> failure;
    {
        std::lock_guard lock(wake.mutex());
        failure = run.failure;
    }
    if (failure) throw cli_error(*failure);
    if (outcome == wait_result::interrupted) {
        if (!o.reply) return 130;
        std::int64_t replied = 0;
        for (const auto& s : subs) replied += s->received.load();
        log_line("Replied to " + comma(replied) + " requests");
        return 0;
    }

    std::vector<bench_sample> pub_samples;
    for (const auto& r : pub_results) pub_samples.push_back(r.sample);
    std::vector<bench_sample> sub_samples;
    for (const auto& s : subs) {
        sub_samples.push_back({.job_msgs = s->expected,
                               .msg_bytes = static_cast<std::uint64_t>(s->expected) * run.message_size,
                               .io_msgs = io_messages(s->nc),
                               .start = s->first,
                               .end = s->last,
                               .latencies_ns = {}});
    }
    out("\n" + bench_report("NATS", pub_samples, sub_samples) + "\n");
    if (!o.csv.empty()) {
        std::ofstream file(o.csv, std::ios::trunc);
        file << bench_csv(unique_id(), pub_samples, sub_samples);
        if (!file.flush()) log_line("error writing file " + o.csv);
        else out("Saved metric data in csv file " + o.csv + "\n");
    }
    return 0;
}

} // namespace

void add_bench_command(command& app, app_state& state) {
    auto o = std::make_shared<bench_options>();
    auto& cmd = app.add_command("bench", "Benchmark utility");
    cmd.string_arg("subject", "Subject to use for the benchmark", &o->subject, true);
    cmd.int_flag("pub", "Number of concurrent publishers", &o->pubs);
    cmd.int_flag("sub", "Number of concurrent subscribers", &o->subs);
    cmd.bool_flag("request", "Request-Reply mode: publishers send requests waits for a reply", &o->request);
    cmd.bool_flag("reply", "Request-Reply mode: subscribers send replies", &o->reply);
    cmd.int_flag("msgs", "Number of messages to publish", &o->msgs);
    cmd.string_flag("size", "Size of the test messages", &o->size);
    cmd.bool_flag("no-progress", "Disable progress bar while publishing", &o->no_progress);
    cmd.string_flag("csv", "Save benchmark data to CSV file", &o->csv);
    cmd.duration_flag("pubsleep", "Sleep for the specified interval after publishing each message", &o->pub_sleep);
    cmd.duration_flag("subsleep", "Sleep for the specified interval before sending the reply back in --reply mode",
                      &o->sub_sleep);
    cmd.bool_flag("multisubject",
                  "Multi-subject mode, each message is published on a subject that includes the publisher's message "
                  "sequence number as a token",
                  &o->multi_subject);
    cmd.int_flag("multisubjectmax", "The maximum number of subjects to use in multi-subject mode (0 means no max)",
                 &o->multi_subject_max);
    cmd.action([&state, o] { return run_bench(state, *o); });
}

} // namespace nats::cli
