#include "bench_kv.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "bench_core.hpp"
#include "connection.hpp"
#include "console.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "progress.hpp"

namespace nats::cli {
namespace {

using clock_type = std::chrono::steady_clock;

struct js_handle {
    jsCtx* ctx = nullptr;
    explicit js_handle(natsConnection* nc) { check(natsConnection_JetStream(&ctx, nc, nullptr)); }
    ~js_handle() {
        if (ctx != nullptr) jsCtx_Destroy(ctx);
    }
    js_handle(const js_handle&) = delete;
    js_handle& operator=(const js_handle&) = delete;
};

struct kv_handle {
    kvStore* kv = nullptr;
    ~kv_handle() {
        if (kv != nullptr) kvStore_Destroy(kv);
    }
};

std::string last_error(natsStatus st) {
    const char* text = nats_GetLastError(nullptr);
    return text != nullptr && *text != '\0' ? text : status_text(st);
}

void bind_bucket(kv_handle& h, jsCtx* ctx, const std::string& bucket, const std::string& context) {
    const natsStatus st = js_KeyValue(&h.kv, ctx, bucket.c_str());
    if (st == NATS_NOT_FOUND) throw cli_error(context + "nats: bucket not found");
    if (st != NATS_OK) throw cli_error(context + last_error(st));
}

std::string key_for(const kv_bench_options& o, std::int64_t n, std::mt19937_64& rng) {
    if (o.randomize > 0) return std::to_string(static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(o.randomize)));
    return std::to_string(n);
}

template <typename Op>
std::vector<bench_sample> run_clients(const connection_settings& settings, const kv_bench_options& o, const char* label,
                                      const char* verb, const char* state, Op op) {
    const auto counts = messages_per_client(o.msgs, o.clients);
    progress_display progress(o.progress);
    std::vector<connection_ptr> conns;
    std::vector<std::size_t> bars(counts.size(), 0);
    for (std::size_t i = 0; i < counts.size(); ++i) {
        conns.push_back(connect(settings, {.reconnect = false}));
        log_line("[" + std::to_string(i + 1) + "] Starting " + label + ", " + verb + " " + comma(counts[i]) + " messages");
        if (progress.active()) bars[i] = progress.add_bar(counts[i], state);
    }
    std::vector<bench_sample> samples(counts.size());
    std::mutex mutex;
    std::optional<std::string> failure;
    std::atomic<bool> stop{false};
    progress.start();
    std::vector<std::thread> threads;
    std::int64_t offset = 0;
    for (std::size_t i = 0; i < counts.size(); ++i) {
        threads.emplace_back([&, i, offset] {
            try {
                js_handle js(conns[i].get());
                kv_handle kv;
                bind_bucket(kv, js.ctx, o.bucket, std::string("getting the kv bucket '") + o.bucket + "': ");
                std::mt19937_64 rng(std::random_device{}());
                const rate_throttle throttle(o.throughput_per_client);
                std::vector<std::uint64_t> latencies;
                latencies.reserve(static_cast<std::size_t>(counts[i]));
                const auto start = clock_type::now();
                for (std::int64_t n = 0; n < counts[i] && !stop.load(); ++n) {
                    const std::string key = key_for(o, offset + n, rng);
                    const auto t = clock_type::now();
                    op(kv.kv, key);
                    latencies.push_back(static_cast<std::uint64_t>(
                        std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - t).count()));
                    if (progress.active()) progress.increment(bars[i]);
                    if (o.sleep.count() > 0) std::this_thread::sleep_for(o.sleep);
                    if (o.throughput_per_client > 0) throttle.wait(n + 1);
                }
                std::sort(latencies.begin(), latencies.end());
                samples[i] = {.job_msgs = counts[i],
                              .msg_bytes = static_cast<std::uint64_t>(counts[i]) * o.value_size,
                              .io_msgs = connection_io_messages(conns[i].get()),
                              .start = start,
                              .end = clock_type::now(),
                              .latencies_ns = std::move(latencies)};
                if (progress.active()) progress.set_state(bars[i], "Finished  ");
            } catch (const std::exception& e) {
                stop.store(true);
                std::lock_guard lock(mutex);
                if (!failure) failure = e.what();
            }
        });
        offset += counts[i];
    }
    for (auto& t : threads) t.join();
    progress.stop();
    if (failure) throw cli_error(*failure);
    return samples;
}

} // namespace

std::vector<bench_sample> run_kv_put(const connection_settings& settings, const kv_bench_options& o) {
    {
        connection_ptr admin = connect(settings, {.reconnect = false});
        js_handle js(admin.get());
        // A bucket cannot be purged in one operation; natscli deletes it instead.
        if (o.purge) {
            if (const natsStatus st = js_DeleteKeyValue(js.ctx, o.bucket.c_str()); st != NATS_OK) {
                throw cli_error(st == NATS_NOT_FOUND ? "nats: bucket not found" : last_error(st));
            }
        }
        if (o.bucket == "benchbucket") {
            kvConfig cfg;
            kvConfig_Init(&cfg);
            cfg.Bucket = o.bucket.c_str();
            cfg.Description = "nats bench bucket";
            cfg.History = static_cast<uint8_t>(std::clamp<std::int64_t>(o.history, 1, 64));
            cfg.StorageType = o.storage == "memory" ? js_MemoryStorage : js_FileStorage;
            cfg.Replicas = static_cast<int>(o.replicas);
            cfg.MaxBytes = o.max_bytes;
            kv_handle kv;
            if (const natsStatus st = js_CreateKeyValue(&kv.kv, js.ctx, &cfg); st != NATS_OK) throw cli_error(last_error(st));
        }
    }
    const std::string value(o.value_size, '\0');
    return run_clients(settings, o, "JetStream KV putter", "publishing", "Putting   ", [&](kvStore* kv, const std::string& key) {
        uint64_t rev = 0;
        if (const natsStatus st = kvStore_Put(&rev, kv, key.c_str(), value.data(), static_cast<int>(value.size())); st != NATS_OK) {
            throw cli_error("putting: " + last_error(st));
        }
    });
}

std::vector<bench_sample> run_kv_get(const connection_settings& settings, const kv_bench_options& o) {
    return run_clients(settings, o, "JetStream KV getter", "trying to get", "Getting   ", [&](kvStore* kv, const std::string& key) {
        kvEntry* e = nullptr;
        const natsStatus st = kvStore_Get(&e, kv, key.c_str());
        if (st == NATS_NOT_FOUND) throw cli_error("getting key '" + key + "': nats: key not found");
        if (st != NATS_OK) throw cli_error("getting key '" + key + "': " + last_error(st));
        if (kvEntry_ValueLen(e) == 0) log_line("Warning: got no value for key '" + key + "'");
        kvEntry_Destroy(e);
    });
}

} // namespace nats::cli
