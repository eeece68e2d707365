// js-sync and js-async: publish rate into a fresh stream, and the server's CPU per message.
#include "connect.hpp"
#include "cpu_meter.hpp"
#include "js_publisher.hpp"
#include "percentiles.hpp"
#include "runners.hpp"

#include <cmath>
#include <optional>

namespace nats::bench {
namespace {

struct js_run_setup {
    std::string stream;
    std::string subject;
    std::string payload;
};

js_run_setup prepare(const config& cfg) {
    return {cfg.stream.empty() ? default_stream_name(cfg) : cfg.stream,
            cfg.subject.empty() ? default_subject(cfg) : cfg.subject, std::string(cfg.size, 'x')};
}

// Fields every publish run reports, and the checks that make it a failure: any
// refused publish, and a stream that does not hold exactly what was acknowledged.
void report_publish(const config& cfg, jsCtx* js, const js_run_setup& s, const js_publish_outcome& warm,
                    const js_publish_outcome& timed, double seconds, const cpu_meter& cpu, run_result& r) {
    r.fields["storage"] = storage_name(cfg.storage);
    r.fields["msgs"] = cfg.msgs;
    r.fields["size"] = cfg.size;
    r.fields["warmup"] = cfg.warmup;
    r.fields["published"] = timed.published;
    r.fields["failures"] = warm.failures + timed.failures;
    r.fields["rate"] = std::llround(seconds > 0 ? static_cast<double>(timed.published) / seconds : 0);
    cpu.report(r);
    if (r.fields.contains("server_cpu_s") && timed.published > 0)
        r.fields["server_cpu_us_per_msg"] =
            round_to(r.fields["server_cpu_s"].get<double>() * 1e6 / static_cast<double>(timed.published), 2);
    std::string why;
    const auto stored = stream_messages(js, s.stream, 5000, &why);
    const std::uint64_t expected = warm.published + timed.published;
    if (stored) r.fields["stored"] = *stored;
    if (!stored) r.fail("stream info after the run: " + why);
    else if (*stored != expected)
        r.fail("the stream holds " + std::to_string(*stored) + " messages, " + std::to_string(expected) +
               " were acknowledged");
    const std::uint64_t failures = warm.failures + timed.failures;
    if (failures > 0)
        r.fail(std::to_string(failures) + " publish(es) failed, last: " +
               (timed.failures > 0 ? timed.last_failure : warm.last_failure));
    if (warm.out_of_time || timed.out_of_time)
        r.fail("deadline reached after " + std::to_string(timed.published) + " timed publishes");
    const connection_events ev = events_snapshot();
    if (ev.disconnects > 0) r.fail("server closed " + std::to_string(ev.disconnects) + " connection(s)");
    stop_counting_disconnects();
}

}  // namespace

run_result run_js_sync(const config& cfg, clock::time_point deadline) {
    const js_run_setup s = prepare(cfg);
    // Each publish waits for its ack, so it must leave at once.
    connection_ptr nc = connect(cfg, {.send_asap = true, .name = "nats-bench-js-sync"});
    js_ctx_ptr js = jetstream_context(nc.get(), nullptr);
    wait_for_jetstream(js.get(), deadline);
    add_stream(js.get(), s.stream, s.subject, cfg.storage);

    const js_publish_outcome warm = publish_sync(js.get(), s.subject, s.payload, cfg.warmup, deadline, nullptr);
    std::vector<std::uint64_t> samples;
    samples.reserve(cfg.msgs);
    cpu_meter cpu(cfg.pid);
    const std::int64_t t0 = now_ns();
    const js_publish_outcome timed = publish_sync(js.get(), s.subject, s.payload, cfg.msgs, deadline, &samples);
    const double seconds = static_cast<double>(now_ns() - t0) / 1e9;
    cpu.stop();

    run_result r;
    report_publish(cfg, js.get(), s, warm, timed, seconds, cpu, r);
    const latency_summary l = summarize_latencies(std::move(samples));
    r.fields["p50_us"] = round_to(l.p50_us, 1);
    r.fields["p99_us"] = round_to(l.p99_us, 1);
    r.fields["max_us"] = round_to(l.max_us, 1);
    delete_stream(js.get(), s.stream);
    return r;
}

run_result run_js_async(const config& cfg, clock::time_point deadline) {
    const js_run_setup s = prepare(cfg);
    // Buffered: one write carries many publishes, as the core publishers do.
    connection_ptr nc = connect(cfg, {.send_asap = false, .name = "nats-bench-js-async"});
    async_publisher publisher(nc.get(), cfg.window);
    wait_for_jetstream(publisher.context(), deadline);
    add_stream(publisher.context(), s.stream, s.subject, cfg.storage);

    const js_publish_outcome warm = publisher.publish(s.subject, s.payload, cfg.warmup, deadline);
    cpu_meter cpu(cfg.pid);
    const std::int64_t t0 = now_ns();
    const js_publish_outcome timed = publisher.publish(s.subject, s.payload, cfg.msgs, deadline);
    const double seconds = static_cast<double>(now_ns() - t0) / 1e9;
    cpu.stop();

    run_result r;
    r.fields["window"] = cfg.window;
    report_publish(cfg, publisher.context(), s, warm, timed, seconds, cpu, r);
    delete_stream(publisher.context(), s.stream);
    return r;
}

}  // namespace nats::bench
