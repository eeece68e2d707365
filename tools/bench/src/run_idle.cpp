#include "connect.hpp"
#include "fd_limit.hpp"
#include "parallel_for.hpp"
#include "proc_status.hpp"
#include "runners.hpp"

#include <algorithm>
#include <cmath>
#include <thread>
#include <vector>

namespace nats::bench {
namespace {

std::uint64_t rss_or_throw(long pid) {
    const auto rss = read_vm_rss_kib(pid);
    if (!rss) throw setup_error("cannot read VmRSS of pid " + std::to_string(pid) + " (is the server running?)");
    return *rss;
}

double bytes_per(std::uint64_t before_kib, std::uint64_t after_kib, std::uint64_t count) {
    const double delta = (static_cast<double>(after_kib) - static_cast<double>(before_kib)) * 1024.0;
    return count > 0 ? delta / static_cast<double>(count) : 0;
}

}  // namespace

run_result run_idle(const config& cfg, clock::time_point deadline) {
    raise_fd_limit(cfg.conns + 64);
    const auto settle = [&] { std::this_thread::sleep_for(std::chrono::milliseconds(cfg.settle_ms)); };
    run_result r;
    const std::uint64_t rss_before = rss_or_throw(cfg.pid);

    std::vector<connection_ptr> conns(cfg.conns);
    const std::int64_t t0 = now_ns();
    const std::string connect_failure = parallel_for(cfg.conns, deadline, [&](std::size_t i) {
        // Connect returns after the server answered our PING, so it has handled CONNECT.
        conns[i] = connect(cfg, {.send_asap = true, .name = "nats-bench-idle", .iobuf = 32 * 1024});
    });
    std::erase(conns, nullptr);
    if (!connect_failure.empty())
        r.fail("connecting: " + connect_failure + " (after " + std::to_string(conns.size()) + " connections)");
    const double connect_s = static_cast<double>(now_ns() - t0) / 1e9;
    settle();
    const std::uint64_t rss_conns = rss_or_throw(cfg.pid);

    r.fields["conns"] = conns.size();
    r.fields["connect_s"] = round_to(connect_s, 3);
    r.fields["rss_before_kib"] = rss_before;
    r.fields["rss_after_kib"] = rss_conns;
    r.fields["rss_per_conn_bytes"] = std::llround(bytes_per(rss_before, rss_conns, conns.size()));

    // Sync subscriptions: no delivery thread per subscription on our side.
    std::vector<std::vector<subscription_ptr>> subs(conns.size());
    if (cfg.subs > 0 && r.ok) {
        const std::string prefix = default_subject(cfg) + ".";
        const std::string sub_failure = parallel_for(conns.size(), deadline, [&](std::size_t c) {
            for (std::uint32_t k = 0; k < cfg.subs; ++k) {
                natsSubscription* raw = nullptr;
                const std::string subject = prefix + std::to_string(c) + "." + std::to_string(k);
                check(natsConnection_SubscribeSync(&raw, conns[c].get(), subject.c_str()), "idle subscribe");
                subs[c].emplace_back(raw);
            }
            // The server has processed every SUB once it answers the PING.
            check(natsConnection_FlushTimeout(conns[c].get(), ms_until(deadline)), "idle subscription flush");
        });
        if (!sub_failure.empty()) r.fail("subscribing: " + sub_failure);
        settle();
        const std::uint64_t rss_subs = rss_or_throw(cfg.pid);
        r.fields["subs_per_conn"] = cfg.subs;
        r.fields["rss_after_subs_kib"] = rss_subs;
        r.fields["rss_per_sub_bytes"] =
            std::llround(bytes_per(rss_conns, rss_subs, static_cast<std::uint64_t>(cfg.subs) * conns.size()));
    }
    const connection_events ev = events_snapshot();
    if (ev.disconnects > 0) r.fail("server closed " + std::to_string(ev.disconnects) + " idle connection(s)");
    stop_counting_disconnects();
    // Closing joins each connection's reader thread: spread that out too.
    parallel_for(conns.size(), clock::time_point::max(), [&](std::size_t c) {
        subs[c].clear();
        conns[c].reset();
    });
    return r;
}

}  // namespace nats::bench
