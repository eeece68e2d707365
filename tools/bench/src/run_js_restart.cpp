// js-restart: how long a restarted server takes until a stream answers with its full
// message count. The clock starts when the server process was started (--started-at,
// taken by the caller just before it started the server), so it covers the process'
// own start-up, recovery of the store, and opening the client port.
#include "connect.hpp"
#include "js_stream.hpp"
#include "proc_status.hpp"
#include "runners.hpp"

#include <chrono>
#include <thread>

namespace nats::bench {
namespace {

double unix_seconds() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

const double process_started = unix_seconds();

// Polling step: short against any restart worth measuring, long enough not to load
// the server while it recovers.
constexpr auto poll_step = std::chrono::milliseconds(5);

}  // namespace

run_result run_js_restart(const config& cfg, clock::time_point deadline) {
    const double started = cfg.started_at > 0 ? cfg.started_at : process_started;
    run_result r;
    connection_ptr nc;
    js_ctx_ptr js;
    double connected_at = 0, answered_at = 0, complete_at = 0;
    std::uint64_t last_count = 0;
    std::string last_why = "no answer yet";
    unsigned connect_attempts = 0;
    while (clock::now() < deadline) {
        if (!nc) {
            ++connect_attempts;
            try {
                nc = connect(cfg, {.send_asap = true, .name = "nats-bench-js-restart"});
                js = jetstream_context(nc.get(), nullptr);
                if (connected_at == 0) connected_at = unix_seconds();
            } catch (const setup_error& e) {
                js.reset();
                nc.reset();
                last_why = e.what();
                std::this_thread::sleep_for(poll_step);
                continue;
            }
        }
        const auto count = stream_messages(js.get(), cfg.stream, std::min<std::int64_t>(1000, ms_until(deadline)),
                                           &last_why);
        if (count) {
            if (answered_at == 0) answered_at = unix_seconds();
            last_count = *count;
            if (*count == cfg.msgs) {
                complete_at = unix_seconds();
                break;
            }
            last_why.clear();  // the count says it all, unless a later query fails
        }
        if (natsConnection_IsClosed(nc.get())) {
            js.reset();
            nc.reset();
        }
        std::this_thread::sleep_for(poll_step);
    }
    r.fields["stream"] = cfg.stream;
    r.fields["expected"] = cfg.msgs;
    r.fields["stored"] = last_count;
    r.fields["connect_attempts"] = connect_attempts;
    if (connected_at > 0) r.fields["connect_s"] = round_to(connected_at - started, 3);
    if (answered_at > 0) r.fields["first_answer_s"] = round_to(answered_at - started, 3);
    if (complete_at > 0) r.fields["restart_s"] = round_to(complete_at - started, 3);
    if (cfg.pid > 0) {
        // Everything the server used since it started: its start-up and the recovery.
        if (const auto cpu = read_cpu_seconds(cfg.pid)) r.fields["server_cpu_s"] = round_to(*cpu, 3);
        if (const auto rss = read_vm_rss_kib(cfg.pid)) r.fields["rss_kib"] = *rss;
    }
    // Once the stream has answered, say what it held: a later query cut short by the
    // deadline (a loaded machine) must not hide the count behind a timeout text.
    if (complete_at == 0 && answered_at > 0)
        r.fail("no full count by the deadline; the stream holds " + std::to_string(last_count) + " messages" +
               (last_why.empty() ? "" : " (then: " + last_why + ")"));
    else if (complete_at == 0)
        r.fail("no full count by the deadline; last: " + last_why);
    stop_counting_disconnects();
    return r;
}

}  // namespace nats::bench
