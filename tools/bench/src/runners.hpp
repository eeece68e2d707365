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
        default: return run_throughput(cfg, deadline);
    }
}

// The subject a run uses unless --subject was given; unique per process so
// concurrent runs against one server don't see each other's traffic.
std::string default_subject(const config& cfg);

}  // namespace nats::bench
