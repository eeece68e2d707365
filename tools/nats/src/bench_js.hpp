#pragma once
// natscli 0.2+'s JetStream benchmarks on libnats: `bench js pub sync|async`
// (publishers into a stream the run may create or purge) and `bench js
// consume|fetch|ordered` (clients reading it back through a durable pull
// consumer or an ordered push consumer), `bench js get sync` (gets by
// sequence). One thread per client; each returns
// a bench_sample for the report in bench_report.
//
// libnats 3.4 has no continuous pull ("Consume" in nats.go's jetstream
// package), so `consume` pulls batch after batch as `fetch` does; it keeps
// natscli's label and records no latencies, as natscli's consume does.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "bench_core.hpp"
#include "bench_report.hpp"
#include "settings.hpp"

namespace nats::cli {

enum class js_bench_kind { pub_sync, pub_async, consume, fetch, ordered, get_sync };

struct js_bench_options {
    js_bench_kind kind = js_bench_kind::pub_sync;
    std::string stream = "benchstream";
    std::string consumer = "nats-bench";
    std::int64_t batch = 500;
    std::string acks = "explicit";  // explicit, none, all
    bool double_ack = false;
    std::vector<std::string> filters;
    bool purge = false;
    bool create = false;
    std::string storage = "file";
    std::int64_t replicas = 1;
    std::int64_t max_bytes = 1LL << 30;
    bool dedup = false;
    std::chrono::nanoseconds dedup_window = std::chrono::minutes(2);
    bool persist_async = false;
    std::chrono::nanoseconds sleep{0};
};

// Gets `msgs` messages by sequence from the stream's first one, per client
// (`bench js get sync`): direct gets when the stream allows them, else
// STREAM.MSG.GET, as nats.go's GetMsg does; a latency per get.
std::vector<bench_sample> run_js_get(const connection_settings& settings, const js_bench_options& js,
                                     std::int64_t clients, std::int64_t msgs, std::size_t message_size, bool progress);

// natscli's label: "JetStream synchronous publisher", ...
std::string js_bench_label(js_bench_kind k);

// Publishes core.msgs messages over core.pubs clients (subject, size,
// headers, multi-subject and throughput from `core`). Creates the stream
// first with `create`, purges it with `purge`; logs "Using stream: NAME".
std::vector<bench_sample> run_js_publish(const connection_settings& settings, const core_bench_options& core,
                                         const js_bench_options& js);

// Reads messages back with `clients` clients: consume and fetch split `msgs`
// over them through the durable consumer (created when it has the default
// name), ordered gives each client all `msgs`. A client that receives nothing
// for the connection timeout fails the run ("client 1 received 97 of 100 messages").
std::vector<bench_sample> run_js_consume(const connection_settings& settings, const js_bench_options& js,
                                         std::int64_t clients, std::int64_t msgs, std::size_t message_size,
                                         bool progress);

} // namespace nats::cli
