#pragma once
// natscli 0.2+'s Key/Value benchmarks on libnats' KV API: `bench kv put`
// (putters writing keys "0", "1", ... or random ones into a bucket the run
// creates) and `bench kv get` (getters reading them back). One thread per
// client, a latency per operation; samples for the bench report.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "bench_report.hpp"
#include "settings.hpp"

namespace nats::cli {

struct kv_bench_options {
    std::string bucket = "benchbucket";
    std::int64_t clients = 1;
    std::int64_t msgs = 100000;
    std::size_t value_size = 128;
    std::string storage = "file";
    std::int64_t replicas = 1;
    std::int64_t max_bytes = 1LL << 30;
    std::int64_t history = 1;
    bool purge = false;           // put: delete the bucket first
    std::int64_t randomize = 0;   // keys drawn from [0, randomize) instead of in order
    std::chrono::nanoseconds sleep{0};
    double throughput_per_client = 0;
    bool progress = true;
};

// Puts o.msgs values; the bucket (created when it has the default name, as
// natscli does) must exist. Logs "[1] Starting JetStream KV putter, ...".
std::vector<bench_sample> run_kv_put(const connection_settings& settings, const kv_bench_options& o);

// Gets o.msgs keys; a key without a value is logged as natscli logs it.
std::vector<bench_sample> run_kv_get(const connection_settings& settings, const kv_bench_options& o);

} // namespace nats::cli
