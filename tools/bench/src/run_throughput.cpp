#include "connect.hpp"
#include "cpu_meter.hpp"
#include "counting_subscriber.hpp"
#include "publisher.hpp"
#include "runners.hpp"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <latch>
#include <memory>
#include <thread>
#include <vector>

namespace nats::bench {

std::string default_subject(const config& cfg) {
    return std::string("bench.") + mode_name(cfg.mode) + "." + std::to_string(::getpid());
}

namespace {

double seconds_between(std::int64_t from_ns, std::int64_t to_ns) {
    return static_cast<double>(to_ns - from_ns) / 1e9;
}

double per_second(double count, double seconds) { return seconds > 0 ? count / seconds : 0; }

// Queue groups: after the expected count arrived, make sure nothing else is on its
// way (a duplicate would arrive right behind) before judging exactly-once.
void drain_subscribers(const std::vector<std::unique_ptr<counting_subscriber>>& subs, clock::time_point deadline) {
    for (const auto& s : subs)
        natsConnection_FlushTimeout(s->connection(), std::min<std::int64_t>(ms_until(deadline), 2000));
    const auto until = std::min(deadline, clock::now() + std::chrono::seconds(2));
    for (const auto& s : subs)
        while (s->pending() > 0 && clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

}  // namespace

run_result run_throughput(const config& cfg, clock::time_point deadline) {
    const std::string subject = cfg.subject.empty() ? default_subject(cfg) : cfg.subject;
    const bool has_subs = cfg.mode != mode::pub;
    const bool group = cfg.mode == mode::queue;
    const unsigned nsubs = has_subs ? cfg.subs : 0;

    auto progress = std::make_shared<run_progress>(
        nsubs, group, cfg.msgs, group ? std::make_unique<delivery_tracker>(cfg.msgs) : nullptr);

    std::vector<std::unique_ptr<counting_subscriber>> subs;
    for (unsigned i = 0; i < nsubs; ++i)
        subs.push_back(std::make_unique<counting_subscriber>(
            cfg, progress, cfg.ack_subject.empty() ? subject : cfg.ack_subject, group ? "bench-q" : nullptr));
    // The server must have every SUB before the first PUB.
    for (const auto& s : subs) check(natsConnection_FlushTimeout(s->connection(), 5000), "subscriber flush");

    std::vector<connection_ptr> pub_conns;
    for (unsigned i = 0; i < cfg.pubs; ++i)
        pub_conns.push_back(connect(cfg, {.send_asap = false, .name = "nats-bench-pub"}));

    std::atomic<std::uint64_t> published_total{0};
    const std::uint64_t fan = group ? 1 : nsubs;
    auto consumed = [&subs, fan] {
        std::uint64_t total = 0;
        for (const auto& s : subs) total += s->received();
        return total / fan;
    };

    std::vector<publish_outcome> outcomes(cfg.pubs);
    std::vector<std::thread> threads;
    std::latch go(1);
    const std::uint64_t share = cfg.msgs / cfg.pubs;
    for (unsigned i = 0; i < cfg.pubs; ++i) {
        publish_plan plan;
        plan.subject = subject;
        plan.reply = cfg.ack_subject;
        plan.size = cfg.size;
        plan.first_seq = share * i;
        plan.count = i + 1 == cfg.pubs ? cfg.msgs - share * i : share;
        plan.window = cfg.window;
        if (has_subs) plan.consumed = consumed;
        plan.published_total = &published_total;
        plan.deadline = deadline;
        threads.emplace_back([&, i, plan = std::move(plan)] {
            go.wait();
            outcomes[i] = run_publisher(pub_conns[i].get(), plan);
        });
    }
    cpu_meter cpu(cfg.pid);
    const std::int64_t start_ns = now_ns();
    go.count_down();
    for (auto& t : threads) t.join();

    run_result r;
    std::uint64_t sent = 0;
    std::int64_t pub_end_ns = start_ns;
    for (const auto& o : outcomes) {
        sent += o.sent;
        pub_end_ns = std::max(pub_end_ns, o.flushed_ns);
        if (!o.error.empty()) r.fail(o.error);
    }
    const double pub_seconds = seconds_between(start_ns, pub_end_ns);
    if (!has_subs) cpu.stop();

    r.fields["msgs"] = cfg.msgs;
    r.fields["size"] = cfg.size;
    r.fields["pubs"] = cfg.pubs;
    if (!has_subs) {
        r.fields["sent"] = sent;
        r.fields["elapsed_s"] = round_to(pub_seconds, 4);
        r.fields["rate"] = std::llround(per_second(static_cast<double>(sent), pub_seconds));
        r.fields["mb_per_s"] = round_to(per_second(static_cast<double>(sent) * cfg.size, pub_seconds) / 1e6, 2);
    } else {
        // A publisher that gave up means the rest will never come: don't sit out the deadline.
        const auto wait_limit = r.ok ? deadline : std::min(deadline, clock::now() + std::chrono::seconds(1));
        const bool complete = progress->wait_until(wait_limit);
        cpu.stop();
        if (complete && group) drain_subscribers(subs, deadline);
        std::uint64_t delivered = 0;
        std::uint64_t min_share = UINT64_MAX;
        std::uint64_t max_share = 0;
        std::int64_t library_dropped = 0;
        std::int64_t last_ns = start_ns;
        for (const auto& s : subs) {
            const std::uint64_t n = s->received();
            delivered += n;
            min_share = std::min(min_share, n);
            max_share = std::max(max_share, n);
            library_dropped += s->library_dropped();
            last_ns = std::max(last_ns, s->last_arrival_ns());
        }
        const std::int64_t end_ns = complete ? progress->finished_ns() : std::max(last_ns, start_ns + 1);
        const double seconds = seconds_between(start_ns, end_ns);
        const std::uint64_t expected = cfg.msgs * fan;

        r.fields["subs"] = nsubs;
        r.fields["expected"] = expected;
        r.fields["delivered"] = delivered;
        r.fields["dropped"] = expected > delivered ? expected - delivered : 0;
        r.fields["elapsed_s"] = round_to(seconds, 4);
        r.fields["rate"] = std::llround(per_second(static_cast<double>(delivered), seconds));
        r.fields["mb_per_s"] = round_to(per_second(static_cast<double>(delivered) * cfg.size, seconds) / 1e6, 2);
        r.fields["pub_rate"] = std::llround(per_second(static_cast<double>(sent), pub_seconds));
        r.fields["library_dropped"] = library_dropped;
        if (group) {
            const auto v = progress->tracker()->check();
            r.fields["exactly_once"] = v.exactly_once();
            r.fields["missing"] = v.missing;
            r.fields["duplicates"] = v.duplicates;
            r.fields["min_share"] = round_to(static_cast<double>(min_share) / static_cast<double>(cfg.msgs), 4);
            r.fields["max_share"] = round_to(static_cast<double>(max_share) / static_cast<double>(cfg.msgs), 4);
            if (!v.exactly_once())
                r.fail("queue group delivery was not exactly-once (" + std::to_string(v.missing) + " missing, " +
                       std::to_string(v.duplicates) + " duplicates, " + std::to_string(v.out_of_range) +
                       " unknown)");
        } else if (delivered > expected) {
            r.fail(std::to_string(delivered - expected) + " more messages than published");
        }
        if (!complete)
            r.fail("timed out with " + std::to_string(expected > delivered ? expected - delivered : 0) +
                   " of " + std::to_string(expected) + " messages undelivered");
    }
    cpu.report(r);
    const connection_events ev = events_snapshot();
    r.fields["disconnects"] = ev.disconnects;
    r.fields["async_errors"] = ev.async_errors;
    if (ev.disconnects > 0) r.fail("server closed " + std::to_string(ev.disconnects) + " connection(s)");
    if (ev.async_errors > 0) r.fail(std::to_string(ev.async_errors) + " asynchronous error(s), e.g. slow consumer");
    stop_counting_disconnects();
    return r;
}

}  // namespace nats::bench
