#pragma once
// The core NATS benchmark engine both `nats bench` layouts drive: natscli
// 0.1's `bench <subject> --pub N --sub N [--request|--reply]` and natscli
// 0.2+'s `bench pub|sub|service request|service serve <subject>`. Runs
// subscribers (or repliers) and publishers (or requesters) together and
// returns one sample per client; the callers print their own banner and report.
//
// Threads: one per publisher or requester; subscribers and repliers run on
// libnats' delivery threads. They report to the calling thread through a
// waiter; counters the progress bars read are atomics.
#include <nats/nats.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "bench_report.hpp"
#include "settings.hpp"

namespace nats::cli {

struct core_bench_options {
    std::string subject;
    std::int64_t pubs = 0;            // publishers (requesters with `request`)
    std::int64_t subs = 0;            // subscribers (repliers with `reply`)
    bool request = false;
    bool reply = false;
    std::int64_t msgs = 100000;
    std::size_t message_size = 128;
    std::string payload;              // sent instead of message_size zero bytes when set
    std::vector<std::pair<std::string, std::string>> headers;
    bool progress = true;
    std::chrono::nanoseconds pub_sleep{0};
    std::chrono::nanoseconds sub_sleep{0};
    double throughput_per_client = 0;  // messages a second each publisher keeps to; 0: no limit
    bool multi_subject = false;
    std::int64_t multi_subject_max = 100000;
    bool multi_subject_random = false;
    // natscli 0.2+ zero-pads the subject's number to the width of the maximum.
    bool pad_multi_subject = false;
    // natscli 0.2+ times every publish call, so the report has latencies.
    bool publish_latency = false;
    std::string reply_body = "+ACK";
    std::string reply_queue = "bench-reply";
    std::int64_t request_timeout_ms = 1000;
    // "[1] Starting Core NATS publisher, publishing ..." (0.2+) instead of
    // "Starting publisher, publishing ..." (0.1).
    bool numbered_log = false;
};

struct core_bench_result {
    std::vector<bench_sample> pubs;
    std::vector<bench_sample> subs;
    bool interrupted = false;    // Ctrl-C ended the run
    std::int64_t replied = 0;    // requests the repliers answered
};

// Runs the benchmark; throws cli_error with the first client's failure.
core_bench_result run_core_bench(const connection_settings& settings, const core_bench_options& o);

// The subject message `number` goes to ("subject", "subject.17", "subject.017").
std::string bench_publish_subject(const core_bench_options& o, std::int64_t number);
// What subscribers listen on: the subject, or "subject.*" in multi-subject mode.
std::string bench_subscribe_subject(const std::string& subject, bool multi_subject);

// Keeps a loop near `per_second` iterations a second (natscli's --throughput):
// after `done` iterations sleeps until done/per_second seconds have passed.
class rate_throttle {
public:
    explicit rate_throttle(double per_second);
    // The time slept.
    std::chrono::nanoseconds wait(std::int64_t done) const;

private:
    double per_second_;
    std::chrono::steady_clock::time_point start_;
};

// Messages in + out on a connection, as the nats.go bench sample counts them.
std::uint64_t connection_io_messages(natsConnection* nc);

} // namespace nats::cli
