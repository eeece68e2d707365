#include "bench_core.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <optional>
#include <random>
#include <thread>

#include "connection.hpp"
#include "console.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "progress.hpp"
#include "subscriptions.hpp"
#include "waiter.hpp"

namespace nats::cli {
namespace {

using clock_type = std::chrono::steady_clock;

// State shared by every client of a run; guarded by the waiter's mutex unless atomic.
struct run_state {
    const core_bench_options* options = nullptr;
    waiter* wake = nullptr;
    progress_display* progress = nullptr;
    std::string payload;
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

void fail_run(run_state& run, const std::string& message) {
    run.stop.store(true);
    std::lock_guard lock(run.wake->mutex());
    if (!run.failure) run.failure = message;
    run.wake->notify_locked();
}

void on_bench_message(natsConnection*, natsSubscription*, natsMsg* raw, void* closure) {
    message_ptr msg(raw);
    auto& s = *static_cast<subscriber*>(closure);
    const core_bench_options& o = *s.run->options;
    const auto now = clock_type::now();
    if (o.reply) {
        if (o.sub_sleep.count() > 0) std::this_thread::sleep_for(o.sub_sleep);
        const char* reply_to = natsMsg_GetReply(msg.get());
        if (reply_to != nullptr && *reply_to != '\0') {
            if (const natsStatus st = natsConnection_PublishString(s.nc, reply_to, o.reply_body.c_str()); st != NATS_OK) {
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

// One message with the configured headers (libnats sends headers only from a natsMsg).
message_ptr header_message(const core_bench_options& o, const std::string& subject, const std::string& payload) {
    natsMsg* raw = nullptr;
    check(natsMsg_Create(&raw, subject.c_str(), nullptr, payload.data(), static_cast<int>(payload.size())));
    message_ptr msg(raw);
    for (const auto& [k, v] : o.headers) check(natsMsgHeader_Add(msg.get(), k.c_str(), v.c_str()));
    return msg;
}

void send_one(const core_bench_options& o, natsConnection* nc, const std::string& subject, const std::string& payload) {
    if (o.headers.empty()) {
        check(natsConnection_Publish(nc, subject.c_str(), payload.data(), static_cast<int>(payload.size())));
        return;
    }
    auto msg = header_message(o, subject, payload);
    check(natsConnection_PublishMsg(nc, msg.get()));
}

message_ptr request_one(const core_bench_options& o, natsConnection* nc, const std::string& subject,
                        const std::string& payload) {
    natsMsg* raw = nullptr;
    natsStatus st;
    if (o.headers.empty()) {
        st = natsConnection_Request(&raw, nc, subject.c_str(), payload.data(), static_cast<int>(payload.size()),
                                    o.request_timeout_ms);
    } else {
        auto msg = header_message(o, subject, payload);
        st = natsConnection_RequestMsg(&raw, nc, msg.get(), o.request_timeout_ms);
    }
    if (st != NATS_OK) throw cli_error((o.numbered_log ? "requesting: " : "Request error ") + status_text(st));
    return message_ptr(raw);
}

// One publisher or requester: publishes its share, flushes, and records the sample.
void run_publisher(run_state& run, natsConnection* nc, std::size_t bar, std::int64_t count, std::int64_t offset,
                   std::size_t client, std::atomic<bool>& go, bench_sample& result) {
    const core_bench_options& o = *run.options;
    while (!go.load()) std::this_thread::yield();
    // natscli spreads sleeping publishers apart by a random part of the sleep.
    if (o.pub_sleep.count() > 0 && client != 0 && o.numbered_log) {
        std::mt19937_64 rng(std::random_device{}());
        std::this_thread::sleep_for(std::chrono::nanoseconds(rng() % static_cast<std::uint64_t>(o.pub_sleep.count())));
    }
    const auto start = clock_type::now();
    const rate_throttle throttle(o.throughput_per_client);
    std::vector<std::uint64_t> latencies;
    if (o.request || o.publish_latency) latencies.reserve(static_cast<std::size_t>(count));
    try {
        for (std::int64_t i = 0; i < count; ++i) {
            if (run.wake->interrupted() || run.stop.load()) return;
            const std::string subject = bench_publish_subject(o, i + offset);
            const auto sent = clock_type::now();
            if (!o.request) {
                send_one(o, nc, subject, run.payload);
                if (o.publish_latency) {
                    latencies.push_back(static_cast<std::uint64_t>(
                        std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - sent).count()));
                }
            } else {
                message_ptr reply = request_one(o, nc, subject, run.payload);
                latencies.push_back(static_cast<std::uint64_t>(
                    std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - sent).count()));
                const char* data = natsMsg_GetData(reply.get());
                const std::string body(data != nullptr ? data : "", static_cast<std::size_t>(natsMsg_GetDataLength(reply.get())));
                if (body.empty() || body[0] == '-' || body.find("error") != std::string::npos) {
                    throw cli_error((o.numbered_log ? "Request did not receive a good reply: "
                                                    : "Publish Request did not receive a positive ACK: ") +
                                    go_quote(body));
                }
            }
            if (run.progress->active()) run.progress->increment(bar);
            if (o.pub_sleep.count() > 0) std::this_thread::sleep_for(o.pub_sleep);
            if (o.throughput_per_client > 0) throttle.wait(i + 1);
        }
        check(natsConnection_FlushTimeout(nc, 60000));
    } catch (const std::exception& e) {
        fail_run(run, e.what());
        return;
    }
    std::sort(latencies.begin(), latencies.end());
    result = {.job_msgs = count,
              .msg_bytes = static_cast<std::uint64_t>(count) * run.payload.size(),
              .io_msgs = connection_io_messages(nc),
              .start = start,
              .end = clock_type::now(),
              .latencies_ns = std::move(latencies)};
    if (run.progress->active()) run.progress->set_state(bar, "Finished  ");
    std::lock_guard lock(run.wake->mutex());
    ++run.publishers_done;
    run.wake->notify_locked();
}

std::string subscriber_line(const core_bench_options& o, std::size_t i, std::int64_t expected) {
    if (!o.numbered_log) {
        return o.reply ? "Starting replier, hit control-c to stop"
                       : "Starting subscriber, expecting " + comma(expected) + " messages";
    }
    const std::string n = "[" + std::to_string(i + 1) + "] ";
    return o.reply ? n + "Starting Core NATS service server, hit control-c to stop"
                   : n + "Starting Core NATS subscriber, expecting " + comma(expected) + " messages";
}

std::string publisher_line(const core_bench_options& o, std::size_t i, std::int64_t count) {
    if (!o.numbered_log) return "Starting publisher, publishing " + comma(count) + " messages";
    const std::string n = "[" + std::to_string(i + 1) + "] ";
    return o.request ? n + "Starting Core NATS service requester, requesting " + comma(count) + " messages"
                     : n + "Starting Core NATS publisher, publishing " + comma(count) + " messages";
}

} // namespace

std::string bench_subscribe_subject(const std::string& subject, bool multi_subject) {
    return multi_subject ? subject + ".*" : subject;
}

std::string bench_publish_subject(const core_bench_options& o, std::int64_t number) {
    if (!o.multi_subject) return o.subject;
    if (o.multi_subject_max <= 0) return o.subject + "." + std::to_string(number);
    std::int64_t n = number % o.multi_subject_max;
    if (o.multi_subject_random) {
        thread_local std::mt19937_64 rng(std::random_device{}());
        n = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(o.multi_subject_max));
    }
    std::string text = std::to_string(n);
    if (o.pad_multi_subject) {
        const std::size_t width = std::to_string(o.multi_subject_max).size();
        if (text.size() < width) text.insert(0, width - text.size(), '0');
    }
    return o.subject + "." + text;
}

rate_throttle::rate_throttle(double per_second) : per_second_(per_second), start_(clock_type::now()) {}

std::chrono::nanoseconds rate_throttle::wait(std::int64_t done) const {
    if (per_second_ <= 0) return {};
    const auto due = start_ + std::chrono::duration_cast<clock_type::duration>(
                                  std::chrono::duration<double>(static_cast<double>(done) / per_second_));
    const auto now = clock_type::now();
    if (due <= now) return {};
    std::this_thread::sleep_until(due);
    return std::chrono::duration_cast<std::chrono::nanoseconds>(due - now);
}

std::uint64_t connection_io_messages(natsConnection* nc) {
    natsStatistics* stats = nullptr;
    if (natsStatistics_Create(&stats) != NATS_OK) return 0;
    uint64_t in_msgs = 0, in_bytes = 0, out_msgs = 0, out_bytes = 0, reconnects = 0;
    if (natsConnection_GetStats(nc, stats) == NATS_OK) {
        natsStatistics_GetCounts(stats, &in_msgs, &in_bytes, &out_msgs, &out_bytes, &reconnects);
    }
    natsStatistics_Destroy(stats);
    return in_msgs + out_msgs;
}

core_bench_result run_core_bench(const connection_settings& settings, const core_bench_options& o) {
    waiter wake;
    progress_display progress(o.progress && !o.reply);
    run_state run;
    run.options = &o;
    run.wake = &wake;
    run.progress = &progress;
    run.payload = o.payload.empty() ? std::string(o.message_size, '\0') : o.payload;

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
        subscriptions.subscribe(s->nc, bench_subscribe_subject(o.subject, o.multi_subject), o.reply ? o.reply_queue : "",
                                on_bench_message, s.get());
        check(natsConnection_FlushTimeout(s->nc, 5000));
        // Logged once the interest is registered, so a requester started
        // after this line finds the replier.
        log_line(subscriber_line(o, static_cast<std::size_t>(i), s->expected));
        subs.push_back(std::move(s));
    }

    const auto pub_counts = messages_per_client(o.msgs, o.pubs);
    std::vector<connection_ptr> pub_conns;
    std::vector<bench_sample> pub_results(static_cast<std::size_t>(o.pubs));
    std::vector<std::size_t> pub_bars(static_cast<std::size_t>(o.pubs), 0);
    for (std::int64_t i = 0; i < o.pubs; ++i) {
        const auto k = static_cast<std::size_t>(i);
        pub_conns.push_back(connect(settings, {.reconnect = false, .send_asap = o.request}));
        log_line(publisher_line(o, k, pub_counts[k]));
        if (progress.active()) pub_bars[k] = progress.add_bar(pub_counts[k], o.request ? "Requesting" : "Publishing");
    }

    progress.start();
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    std::int64_t offset = 0;
    for (std::int64_t i = 0; i < o.pubs; ++i) {
        const auto k = static_cast<std::size_t>(i);
        threads.emplace_back(run_publisher, std::ref(run), pub_conns[k].get(), pub_bars[k], pub_counts[k], offset, k,
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

    core_bench_result result;
    result.interrupted = outcome == wait_result::interrupted;
    for (const auto& s : subs) result.replied += s->received.load();
    if (result.interrupted) return result;
    result.pubs = std::move(pub_results);
    for (const auto& s : subs) {
        result.subs.push_back({.job_msgs = s->expected,
                               .msg_bytes = static_cast<std::uint64_t>(s->expected) * run.payload.size(),
                               .io_msgs = connection_io_messages(s->nc),
                               .start = s->first,
                               .end = s->last,
                               .latencies_ns = {}});
    }
    return result;
}

} // namespace nats::cli
