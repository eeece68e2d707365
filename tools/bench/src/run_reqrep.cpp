#include "connect.hpp"
#include "cpu_meter.hpp"
#include "echo_responder.hpp"
#include "percentiles.hpp"
#include "runners.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace nats::bench {

run_result run_reqrep(const config& cfg, clock::time_point deadline) {
    const std::string subject = cfg.subject.empty() ? default_subject(cfg) : cfg.subject;
    // Both sides write at once: latency is the point here, not batching.
    const echo_responder responder = start_echo_responder(cfg, subject);
    connection_ptr requester = connect(cfg, {.send_asap = true, .name = "nats-bench-requester"});

    const std::vector<char> payload(cfg.size, 'x');
    std::vector<std::uint64_t> samples;
    samples.reserve(cfg.msgs);
    std::uint64_t failures = 0;
    unsigned consecutive_failures = 0;
    std::string last_failure;
    const std::uint64_t total = cfg.warmup + cfg.msgs;
    cpu_meter cpu(cfg.pid);
    const std::int64_t start_ns = now_ns();
    std::int64_t measured_from_ns = start_ns;
    bool out_of_time = false;
    for (std::uint64_t i = 0; i < total; ++i) {
        if (i == cfg.warmup) measured_from_ns = now_ns();
        if (clock::now() >= deadline) {
            out_of_time = true;
            break;
        }
        natsMsg* reply = nullptr;
        const std::int64_t t0 = now_ns();
        const natsStatus s = natsConnection_Request(&reply, requester.get(), subject.c_str(), payload.data(),
                                                    static_cast<int>(cfg.size),
                                                    std::min<std::int64_t>(1000, ms_until(deadline)));
        const std::int64_t t1 = now_ns();
        message_ptr owned(reply);
        if (s != NATS_OK) {
            ++failures;
            last_failure = natsStatus_GetText(s);
            // A server that keeps failing would otherwise cost a timeout per request.
            if (s == NATS_CONNECTION_CLOSED || ++consecutive_failures == 10) break;
            continue;
        }
        consecutive_failures = 0;
        if (i >= cfg.warmup) samples.push_back(static_cast<std::uint64_t>(t1 - t0));
    }
    const double seconds = static_cast<double>(now_ns() - measured_from_ns) / 1e9;
    cpu.stop();

    run_result r;
    const latency_summary l = summarize_latencies(samples);
    r.fields["msgs"] = cfg.msgs;
    r.fields["size"] = cfg.size;
    r.fields["completed"] = l.count;
    r.fields["failures"] = failures;
    r.fields["rate"] = std::llround(seconds > 0 ? static_cast<double>(l.count) / seconds : 0);
    r.fields["p50_us"] = round_to(l.p50_us, 1);
    r.fields["p90_us"] = round_to(l.p90_us, 1);
    r.fields["p99_us"] = round_to(l.p99_us, 1);
    r.fields["p999_us"] = round_to(l.p999_us, 1);
    r.fields["max_us"] = round_to(l.max_us, 1);
    r.fields["mean_us"] = round_to(l.mean_us, 1);
    cpu.report(r);
    if (failures > 0) r.fail(std::to_string(failures) + " request(s) failed, last: " + last_failure);
    if (out_of_time) r.fail("deadline reached after " + std::to_string(l.count) + " timed requests");
    const connection_events ev = events_snapshot();
    if (ev.disconnects > 0) r.fail("server closed " + std::to_string(ev.disconnects) + " connection(s)");
    stop_counting_disconnects();
    return r;
}

}  // namespace nats::bench
