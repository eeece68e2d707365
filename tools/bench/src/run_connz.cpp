#include "connect.hpp"
#include "cpu_meter.hpp"
#include "echo_responder.hpp"
#include "endpoint.hpp"
#include "fd_limit.hpp"
#include "http_get.hpp"
#include "idle_sockets.hpp"
#include "monitor_reader.hpp"
#include "percentiles.hpp"
#include "round_trips.hpp"
#include "runners.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace nats::bench {
namespace {

// Descriptors beyond the idle connections: libnats, the monitor reads, stdio.
constexpr std::uint64_t spare_fds = 256;

endpoint endpoint_or_throw(const std::string& url, const char* scheme) {
    try {
        return parse_endpoint(url, scheme);
    } catch (const std::invalid_argument& e) {
        throw setup_error(e.what());
    }
}

double ratio(double a, double b) { return b > 0 ? round_to(a / b, 3) : 0; }

struct phase_figures {
    double rate = 0;
    latency_summary latency;
};

// Puts one phase's figures into the result under `prefix`.
phase_figures report_phase(run_result& r, const std::string& prefix, const round_trip_phase& p,
                           const cpu_meter& cpu) {
    const latency_summary summary = summarize_latencies(p.samples_ns);
    const double rate = p.seconds > 0 ? static_cast<double>(summary.count) / p.seconds : 0;
    r.fields[prefix + "requests"] = summary.count;
    r.fields[prefix + "rate"] = std::llround(rate);
    r.fields[prefix + "p50_us"] = round_to(summary.p50_us, 1);
    r.fields[prefix + "p99_us"] = round_to(summary.p99_us, 1);
    r.fields[prefix + "max_us"] = round_to(summary.max_us, 1);
    run_result cpu_fields;
    cpu.report(cpu_fields);
    for (const auto& [key, value] : cpu_fields.fields.items()) r.fields[prefix + key] = value;
    if (p.failures > 0)
        r.fail(prefix + "phase: " + std::to_string(p.failures) + " request(s) failed, last: " + p.last_failure);
    if (p.out_of_time) r.fail(prefix + "phase: cut short by the run's deadline");
    return {rate, summary};
}

void report_reads(run_result& r, const std::vector<path_reads>& reads, std::size_t idle_open) {
    auto ms = [](std::uint64_t ns) { return round_to(static_cast<double>(ns) / 1e6, 1); };
    for (std::size_t i = 0; i < reads.size(); ++i) {
        const path_reads& p = reads[i];
        const std::string prefix = "fetch" + std::to_string(i + 1) + "_";
        std::vector<std::uint64_t> d = p.durations_ns;
        r.fields[prefix + "path"] = p.path;
        r.fields[prefix + "count"] = d.size();
        r.fields[prefix + "p50_ms"] = ms(percentile(d, 50));
        r.fields[prefix + "p99_ms"] = ms(percentile(d, 99));
        r.fields[prefix + "max_ms"] = ms(d.empty() ? 0 : *std::max_element(d.begin(), d.end()));
        r.fields[prefix + "bytes"] = p.bytes;
        if (p.total) r.fields[prefix + "total"] = *p.total;
        r.fields[prefix + "failures"] = p.failures;
        if (d.empty()) r.fail("no complete answer to GET " + p.path + (p.failures ? ": " + p.last_failure : ""));
        else if (p.failures > 0)
            r.fail(std::to_string(p.failures) + " failed read(s) of " + p.path + ", last: " + p.last_failure);
        // A /connz that does not count our idle connections is not the measurement we want.
        if (p.path.rfind("/connz", 0) == 0 && p.total && *p.total < idle_open)
            r.fail(p.path + " reported total " + std::to_string(*p.total) + ", fewer than the " +
                   std::to_string(idle_open) + " idle connections open");
    }
}

}  // namespace

run_result run_connz(const config& cfg, clock::time_point deadline) {
    const fd_limit fds = raise_fd_limit(cfg.conns + spare_fds);
    if (!fds.enough)
        throw skip_error("skipped: " + std::to_string(cfg.conns) + " idle connections need " +
                         std::to_string(cfg.conns + spare_fds) + " descriptors but RLIMIT_NOFILE's hard limit is " +
                         std::to_string(fds.hard) + " (raise it, e.g. ulimit -Hn, or pass fewer --conns)");
    const endpoint server = endpoint_or_throw(cfg.server, "nats");
    const endpoint monitor = endpoint_or_throw(cfg.monitor, "http");
    // Fail before the slow part if the monitoring port is not there.
    if (const http_fetch probe = http_get(monitor, "/varz", std::min(deadline, clock::now() + std::chrono::seconds(5)));
        !probe.ok)
        throw setup_error("monitoring port " + cfg.monitor + " did not answer: " + probe.error);

    const std::string subject = cfg.subject.empty() ? default_subject(cfg) : cfg.subject;
    const echo_responder responder = start_echo_responder(cfg, subject);
    connection_ptr requester = connect(cfg, {.send_asap = true, .name = "nats-bench-requester"});

    run_result r;
    const std::int64_t t0 = now_ns();
    idle_sockets idle(server, cfg.conns, cfg.subs, default_subject(cfg) + ".idle.", deadline);
    const double connect_s = static_cast<double>(now_ns() - t0) / 1e9;
    if (!idle.failure().empty())
        r.fail("connecting: " + idle.failure() + " (after " + std::to_string(idle.size()) + " connections)");
    r.fields["conns"] = idle.size();
    r.fields["subs_per_conn"] = cfg.subs;
    r.fields["connect_s"] = round_to(connect_s, 3);
    r.fields["size"] = cfg.size;
    r.fields["phase_s"] = cfg.phase_s;
    if (!r.ok) return r;

    const std::vector<char> payload(cfg.size, 'x');
    const std::chrono::duration<double> phase(cfg.phase_s);
    // Warm both sides' paths (inbox subscription, caches) before anything counts.
    time_round_trips(requester.get(), subject, payload, std::chrono::seconds(1), deadline);

    cpu_meter base_cpu(cfg.pid);
    const round_trip_phase base_phase = time_round_trips(requester.get(), subject, payload, phase, deadline);
    base_cpu.stop();

    cpu_meter read_cpu(cfg.pid);
    monitor_reader reader(monitor, cfg.read_paths, deadline);
    const round_trip_phase read_phase = time_round_trips(requester.get(), subject, payload, phase, deadline);
    const std::vector<path_reads> reads = reader.stop();
    read_cpu.stop();

    const phase_figures base = report_phase(r, "base_", base_phase, base_cpu);
    const phase_figures read = report_phase(r, "read_", read_phase, read_cpu);
    r.fields["read_rate_ratio"] = ratio(read.rate, base.rate);
    r.fields["read_p99_ratio"] = ratio(read.latency.p99_us, base.latency.p99_us);
    r.fields["read_max_ratio"] = ratio(read.latency.max_us, base.latency.max_us);
    report_reads(r, reads, idle.size());

    const std::size_t closed = idle.closed_by_server();
    r.fields["idle_closed"] = closed;
    if (closed > 0) r.fail("server closed " + std::to_string(closed) + " idle connection(s)");
    const connection_events ev = events_snapshot();
    if (ev.disconnects > 0) r.fail("server closed " + std::to_string(ev.disconnects) + " connection(s)");
    stop_counting_disconnects();
    return r;
}

}  // namespace nats::bench
