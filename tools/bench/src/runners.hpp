#pragma once

#include "clock.hpp"
#include "config.hpp"
#include "run_result.hpp"

#include <stdexcept>
#include <string>

namespace nats::bench {

// Each runner sets up its connections, measures, tears down, and returns by the
// deadline (plus teardown). Setup failures throw setup_error.

// pub, pubsub, fanout, queue
run_result run_throughput(const config& cfg, clock::time_point deadline);
run_result run_reqrep(const config& cfg, clock::time_point deadline);
run_result run_idle(const config& cfg, clock::time_point deadline);
// Idle connections plus request/reply, without then with monitor reads.
run_result run_connz(const config& cfg, clock::time_point deadline);
// JetStream: publish rates into a fresh stream (run_jetstream.cpp).
run_result run_js_sync(const config& cfg, clock::time_point deadline);
run_result run_js_async(const config& cfg, clock::time_point deadline);
// JetStream: server memory per stream and per stored message (run_js_memory.cpp).
run_result run_js_streams(const config& cfg, clock::time_point deadline);
run_result run_js_fill(const config& cfg, clock::time_point deadline);
// JetStream consumers draining a filled stream (run_js_consume.cpp), and server
// memory per consumer (run_js_memory.cpp).
run_result run_js_pull(const config& cfg, clock::time_point deadline);
run_result run_js_push(const config& cfg, clock::time_point deadline);
run_result run_js_ordered(const config& cfg, clock::time_point deadline);
run_result run_js_consumers(const config& cfg, clock::time_point deadline);
// JetStream: time from a server's start until a stream serves its full count.
run_result run_js_restart(const config& cfg, clock::time_point deadline);
// The disk's write + fdatasync latency; no server involved.
run_result run_fdatasync(const config& cfg, clock::time_point deadline);

// The machine cannot run the scenario as asked (e.g. too few descriptors); main
// reports it as skipped rather than failed.
struct skip_error : std::runtime_error {
    using std::runtime_error::runtime_error;
};

inline run_result run(const config& cfg, clock::time_point deadline) {
    switch (cfg.mode) {
        case mode::reqrep: return run_reqrep(cfg, deadline);
        case mode::idle: return run_idle(cfg, deadline);
        case mode::connz: return run_connz(cfg, deadline);
        case mode::js_sync: return run_js_sync(cfg, deadline);
        case mode::js_async: return run_js_async(cfg, deadline);
        case mode::js_streams: return run_js_streams(cfg, deadline);
        case mode::js_fill: return run_js_fill(cfg, deadline);
        case mode::js_restart: return run_js_restart(cfg, deadline);
        case mode::js_pull: return run_js_pull(cfg, deadline);
        case mode::js_push: return run_js_push(cfg, deadline);
        case mode::js_ordered: return run_js_ordered(cfg, deadline);
        case mode::js_consumers: return run_js_consumers(cfg, deadline);
        case mode::fdatasync: return run_fdatasync(cfg, deadline);
        default: return run_throughput(cfg, deadline);
    }
}

// The subject a run uses unless --subject was given; unique per process so
// concurrent runs against one server don't see each other's traffic.
std::string default_subject(const config& cfg);

}  // namespace nats::bench
