#include "bench_js.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <thread>

#include "connection.hpp"
#include "console.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "jetstream_api.hpp"
#include "progress.hpp"

namespace nats::cli {
namespace {

using clock_type = std::chrono::steady_clock;

std::uint64_t since_ns(clock_type::time_point t) {
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - t).count());
}

std::int64_t timeout_ms(const connection_settings& s) {
    return std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(s.timeout).count());
}

// A JetStream context that goes away with its owner.
struct js_context {
    jsCtx* ctx = nullptr;
    js_context(natsConnection* nc, jsOptions* opts) { check(natsConnection_JetStream(&ctx, nc, opts)); }
    ~js_context() {
        if (ctx != nullptr) jsCtx_Destroy(ctx);
    }
    js_context(const js_context&) = delete;
    js_context& operator=(const js_context&) = delete;
};

// What every client thread reports to the caller; the first failure wins.
struct shared_run {
    std::mutex mutex;
    std::optional<std::string> failure;
    std::atomic<bool> stop{false};
    void fail(const std::string& message) {
        stop.store(true);
        std::lock_guard lock(mutex);
        if (!failure) failure = message;
    }
};

// nats.go's jetstream errors for the API codes a bench meets.
std::string go_api_error(const api_error& e) {
    if (e.err_code == 10059) return "nats: stream not found";
    if (e.err_code == 10014) return "nats: consumer not found";
    return e.what();
}

ordered_json stream_config(const core_bench_options& core, const js_bench_options& js) {
    ordered_json config{{"name", js.stream},
                        {"subjects", {bench_subscribe_subject(core.subject, core.multi_subject)}},
                        {"retention", "limits"},
                        {"max_consumers", -1},
                        {"max_msgs", -1},
                        {"max_bytes", js.max_bytes},
                        {"max_age", 0},
                        {"max_msg_size", -1},
                        {"storage", js.storage},
                        {"discard", "new"},
                        {"num_replicas", js.replicas},
                        {"duplicate_window", js.dedup_window.count()},
                        {"allow_direct", true}};
    // Servers before 2.12 ignore the field (and keep writing synchronously).
    if (js.persist_async && js.replicas == 1) config["persist_mode"] = "async";
    return config;
}

// natscli's NewStreamFromDefault: create, or bring an existing stream to this configuration.
void create_stream(const jetstream_api& api, const core_bench_options& core, const js_bench_options& js) {
    const ordered_json config = stream_config(core, js);
    try {
        try {
            api.request("STREAM.CREATE." + js.stream, config);
        } catch (const api_error& e) {
            if (e.err_code != 10058) throw;  // stream name already in use
            api.request("STREAM.UPDATE." + js.stream, config);
        }
    } catch (const cli_error& e) {
        throw cli_error("could not create the stream. If you want to delete and re-define the stream use `nats stream "
                        "delete " + js.stream + "`: " + e.what());
    }
}

ordered_json stream_info(const jetstream_api& api, const std::string& stream, const std::string& context) {
    try {
        return api.request("STREAM.INFO." + stream);
    } catch (const api_error& e) {
        throw cli_error(context + go_api_error(e));
    }
}

void purge_stream(const jetstream_api& api, const std::string& stream) {
    try {
        api.request("STREAM.PURGE." + stream);
    } catch (const api_error& e) {
        throw cli_error("purging stream '" + stream + "': " + go_api_error(e));
    }
}

// ---- publishers -----------------------------------------------------------------

struct async_errors {
    std::mutex mutex;
    std::string first;
};

void on_publish_error(jsCtx*, jsPubAckErr* pae, void* closure) {
    auto* errors = static_cast<async_errors*>(closure);
    std::lock_guard lock(errors->mutex);
    if (errors->first.empty()) {
        errors->first = pae->ErrText != nullptr ? std::string("nats: ") + pae->ErrText : status_text(pae->Err);
    }
}

message_ptr js_message(const core_bench_options& core, const js_bench_options& js, const std::string& payload,
                       std::int64_t number, const std::string& id_prefix) {
    natsMsg* raw = nullptr;
    const std::string subject = bench_publish_subject(core, number);
    check(natsMsg_Create(&raw, subject.c_str(), nullptr, payload.data(), static_cast<int>(payload.size())));
    message_ptr msg(raw);
    for (const auto& [k, v] : core.headers) check(natsMsgHeader_Add(msg.get(), k.c_str(), v.c_str()));
    if (js.dedup) check(natsMsgHeader_Set(msg.get(), "Nats-Msg-Id", (id_prefix + std::to_string(number)).c_str()));
    return msg;
}

void js_publisher(const connection_settings& settings, const core_bench_options& core, const js_bench_options& js,
                  natsConnection* nc, std::int64_t count, std::int64_t offset, const std::string& id_prefix,
                  progress_display& progress, std::size_t bar, shared_run& run, bench_sample& result) {
    const std::string payload = core.payload.empty() ? std::string(core.message_size, '\0') : core.payload;
    async_errors errors;
    jsOptions opts;
    jsOptions_Init(&opts);
    opts.Wait = timeout_ms(settings);
    opts.PublishAsync.MaxPending = std::max<std::int64_t>(js.batch, 1);
    opts.PublishAsync.ErrHandler = on_publish_error;
    opts.PublishAsync.ErrHandlerClosure = &errors;
    js_context ctx(nc, &opts);
    const rate_throttle throttle(core.throughput_per_client);
    std::vector<std::uint64_t> latencies;
    const auto start = clock_type::now();
    const bool async = js.kind == js_bench_kind::pub_async;
    const std::int64_t batch = async ? std::max<std::int64_t>(js.batch, 1) : 1;
    for (std::int64_t i = 0; i < count && !run.stop.load();) {
        auto batch_start = clock_type::now();
        const std::int64_t n = std::min(batch, count - i);
        for (std::int64_t j = 0; j < n; ++j) {
            message_ptr msg = js_message(core, js, payload, i + j + offset, id_prefix);
            if (async) {
                natsMsg* raw = msg.release();
                if (const natsStatus st = js_PublishMsgAsync(ctx.ctx, &raw, nullptr); st != NATS_OK) {
                    if (raw != nullptr) natsMsg_Destroy(raw);
                    throw cli_error("publishing asynchronously: " + status_text(st));
                }
            } else {
                jsPubAck* ack = nullptr;
                jsErrCode code = static_cast<jsErrCode>(0);
                const natsStatus st = js_PublishMsg(&ack, ctx.ctx, msg.get(), nullptr, &code);
                if (ack != nullptr) jsPubAck_Destroy(ack);
                if (st != NATS_OK) {
                    const char* text = nats_GetLastError(nullptr);
                    throw cli_error("publishing synchronously: " +
                                    (text != nullptr && *text != '\0' ? std::string(text) : status_text(st)));
                }
                latencies.push_back(since_ns(batch_start));
            }
            if (progress.active()) progress.increment(bar);
            // Sleeps and throttling are not the server's latency.
            if (js.sleep.count() > 0) {
                std::this_thread::sleep_for(js.sleep);
                batch_start += std::chrono::duration_cast<clock_type::duration>(js.sleep);
            }
            if (core.throughput_per_client > 0) {
                batch_start += std::chrono::duration_cast<clock_type::duration>(throttle.wait(i + j + 1));
            }
        }
        if (async) {
            if (progress.active()) progress.set_state(bar, "AckWait   ");
            jsPubOptions wait;
            jsPubOptions_Init(&wait);
            wait.MaxWait = timeout_ms(settings);
            const natsStatus st = js_PublishAsyncComplete(ctx.ctx, &wait);
            {
                std::lock_guard lock(errors.mutex);
                if (!errors.first.empty()) throw cli_error("publishing asynchronously: " + errors.first);
            }
            if (st != NATS_OK) throw cli_error("publishing asynchronously: " + status_text(st));
            latencies.push_back(since_ns(batch_start));
            if (progress.active()) progress.set_state(bar, "Publishing");
        }
        i += n;
    }
    check(natsConnection_FlushTimeout(nc, 60000));
    std::sort(latencies.begin(), latencies.end());
    result = {.job_msgs = count,
              .msg_bytes = static_cast<std::uint64_t>(count) * payload.size(),
              .io_msgs = connection_io_messages(nc),
              .start = start,
              .end = clock_type::now(),
              .latencies_ns = std::move(latencies)};
    if (progress.active()) progress.set_state(bar, "Finished  ");
}

// ---- consumers -------------------------------------------------------------------

void create_consumer(const jetstream_api& api, const js_bench_options& js, std::int64_t clients) {
    ordered_json config{{"durable_name", js.consumer},
                        {"deliver_policy", "all"},
                        {"ack_policy", js.acks},
                        {"replay_policy", "instant"},
                        {"max_ack_pending", js.batch * clients},
                        {"inactive_threshold", std::chrono::nanoseconds(std::chrono::seconds(10)).count()}};
    // One filter as filter_subject, so servers before 2.10 take it.
    if (js.filters.size() == 1) config["filter_subject"] = js.filters[0];
    if (js.filters.size() > 1) config["filter_subjects"] = js.filters;
    try {
        api.request("CONSUMER.DURABLE.CREATE." + js.stream + "." + js.consumer,
                    ordered_json{{"stream_name", js.stream}, {"config", config}});
    } catch (const api_error& e) {
        throw cli_error("creating the durable consumer '" + js.consumer + "': " + go_api_error(e));
    }
}

subscription_ptr consumer_subscription(jsCtx* ctx, const js_bench_options& js, const std::string& ordered_subject) {
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = js.stream.c_str();
    natsSubscription* raw = nullptr;
    jsErrCode code = static_cast<jsErrCode>(0);
    natsStatus st;
    if (js.kind == js_bench_kind::ordered) {
        so.Ordered = true;
        st = js_SubscribeSync(&raw, ctx, ordered_subject.c_str(), nullptr, &so, &code);
    } else {
        so.Consumer = js.consumer.c_str();
        st = js_PullSubscribe(&raw, ctx, nullptr, js.consumer.c_str(), nullptr, &so, &code);
    }
    if (st != NATS_OK) {
        const char* text = nats_GetLastError(nullptr);
        const std::string why = text != nullptr && *text != '\0' ? text : status_text(st);
        if (js.kind == js_bench_kind::ordered) throw cli_error("creating the ephemeral ordered consumer: " + why);
        throw cli_error("getting durable consumer '" + js.consumer + "': " + why);
    }
    return subscription_ptr(raw);
}

void js_reader(const connection_settings& settings, const js_bench_options& js, natsConnection* nc,
               const std::string& ordered_subject, std::int64_t expected, std::size_t size, std::size_t client,
               progress_display& progress, std::size_t bar, shared_run& run, bench_sample& result) {
    jsOptions opts;
    jsOptions_Init(&opts);
    opts.Wait = timeout_ms(settings);
    js_context ctx(nc, &opts);
    subscription_ptr sub = consumer_subscription(ctx.ctx, js, ordered_subject);
    check(natsConnection_FlushTimeout(nc, 5000));
    const bool ack = js.kind != js_bench_kind::ordered && js.acks != "none";
    std::vector<std::uint64_t> latencies;
    std::int64_t received = 0;
    clock_type::time_point first, last;
    auto last_progress = clock_type::now();
    auto handle = [&](natsMsg* raw) {
        message_ptr msg(raw);
        if (js.sleep.count() > 0) std::this_thread::sleep_for(js.sleep);
        if (ack) {
            jsErrCode code = static_cast<jsErrCode>(0);
            const natsStatus st = js.double_ack ? natsMsg_AckSync(msg.get(), nullptr, &code) : natsMsg_Ack(msg.get(), nullptr);
            if (st != NATS_OK) throw cli_error("acknowledging the message: " + status_text(st));
        }
        if (++received == 1) first = clock_type::now();
        last = clock_type::now();
        last_progress = last;
        if (progress.active()) progress.increment(bar);
    };
    const std::int64_t wait = std::min<std::int64_t>(timeout_ms(settings), 1000);
    while (received < expected && !run.stop.load()) {
        if (js.kind == js_bench_kind::ordered) {
            natsMsg* raw = nullptr;
            const natsStatus st = natsSubscription_NextMsg(&raw, sub.get(), wait);
            if (st == NATS_OK) handle(raw);
            else if (st != NATS_TIMEOUT) throw cli_error("receiving: " + status_text(st));
        } else {
            const int batch = static_cast<int>(std::min<std::int64_t>(std::max<std::int64_t>(js.batch, 1), expected - received));
            natsMsgList list{nullptr, 0};
            jsErrCode code = static_cast<jsErrCode>(0);
            const auto fetch_start = clock_type::now();
            const natsStatus st = natsSubscription_Fetch(&list, sub.get(), batch, wait, &code);
            const std::uint64_t took = since_ns(fetch_start);
            if (st != NATS_OK && st != NATS_TIMEOUT) {
                natsMsgList_Destroy(&list);
                throw cli_error("fetching from the consumer '" + js.consumer + "': " + status_text(st));
            }
            for (int k = 0; k < list.Count; ++k) {
                natsMsg* m = list.Msgs[k];
                list.Msgs[k] = nullptr;
                handle(m);
            }
            natsMsgList_Destroy(&list);
            if (js.kind == js_bench_kind::fetch && st == NATS_OK) latencies.push_back(took);
        }
        // natscli waits for ever; here a client that gets nothing for the
        // connection timeout ends the run with what it got.
        if (received < expected && clock_type::now() - last_progress >= settings.timeout) {
            throw cli_error("client " + std::to_string(client + 1) + " received " + comma(received) + " of " +
                            comma(expected) + " messages");
        }
    }
    if (run.stop.load()) return;
    std::sort(latencies.begin(), latencies.end());
    result = {.job_msgs = expected,
              .msg_bytes = static_cast<std::uint64_t>(expected) * size,
              .io_msgs = connection_io_messages(nc),
              .start = first,
              .end = last,
              .latencies_ns = std::move(latencies)};
    if (progress.active()) progress.set_state(bar, "Finished  ");
}

// One message by sequence: a direct get (the reply is the message, a status
// header when missing) or the API's STREAM.MSG.GET.
void get_one(natsConnection* nc, const std::string& stream, bool direct, std::uint64_t seq, std::int64_t timeout) {
    const std::string body = "{\"seq\":" + std::to_string(seq) + "}";
    const std::string subject = (direct ? "$JS.API.DIRECT.GET." : "$JS.API.STREAM.MSG.GET.") + stream;
    natsMsg* raw = nullptr;
    const natsStatus st = natsConnection_Request(&raw, nc, subject.c_str(), body.data(), static_cast<int>(body.size()), timeout);
    if (st != NATS_OK) throw cli_error("getting message sequence number " + std::to_string(seq) + " from the stream: " + status_text(st));
    message_ptr msg(raw);
    const char* status = nullptr;
    const bool failed = direct ? natsMsgHeader_Get(msg.get(), "Status", &status) == NATS_OK
                               : std::string_view(natsMsg_GetData(msg.get()) != nullptr ? natsMsg_GetData(msg.get()) : "")
                                         .find("\"error\"") != std::string_view::npos;
    if (failed) {
        throw cli_error("getting message sequence number " + std::to_string(seq) + " from the stream: nats: message not found");
    }
}

const char* kind_label(js_bench_kind k) {
    switch (k) {
    case js_bench_kind::pub_sync: return "JetStream synchronous publisher";
    case js_bench_kind::pub_async: return "JetStream asynchronous publisher";
    case js_bench_kind::consume: return "JetStream durable consumer (callback)";
    case js_bench_kind::fetch: return "JetStream durable consumer (fetch)";
    case js_bench_kind::ordered: return "JetStream ordered ephemeral consumer";
    case js_bench_kind::get_sync: return "JetStream synchronous getter";
    }
    return "Unknown benchmark";
}

// Runs `clients` threads of `work` and throws the first failure.
template <typename Work>
void run_clients(std::int64_t clients, shared_run& run, progress_display& progress, Work work) {
    progress.start();
    std::vector<std::thread> threads;
    for (std::int64_t i = 0; i < clients; ++i) {
        threads.emplace_back([&, i] {
            try {
                work(static_cast<std::size_t>(i));
            } catch (const std::exception& e) {
                run.fail(e.what());
            }
        });
    }
    for (auto& t : threads) t.join();
    progress.stop();
    if (run.failure) throw cli_error(*run.failure);
}

} // namespace

std::string js_bench_label(js_bench_kind k) { return kind_label(k); }

std::vector<bench_sample> run_js_publish(const connection_settings& settings, const core_bench_options& core,
                                         const js_bench_options& js) {
    {
        connection_ptr admin = connect(settings, {.reconnect = false});
        const jetstream_api api(admin.get(), settings.timeout);
        if (js.create) create_stream(api, core, js);
        stream_info(api, js.stream, "could not access stream " + js.stream + ": ");
        log_line("Using stream: " + js.stream);
        if (js.purge) {
            log_line("Purging the stream");
            purge_stream(api, js.stream);
        }
    }
    const auto counts = messages_per_client(core.msgs, core.pubs);
    // natscli's message ids: the run (ms since the epoch, hex), the client, the number.
    char run_id[32];
    std::snprintf(run_id, sizeof run_id, "%llx",
                  static_cast<unsigned long long>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                                      std::chrono::system_clock::now().time_since_epoch()).count()));
    progress_display progress(core.progress);
    std::vector<connection_ptr> conns;
    std::vector<std::size_t> bars(counts.size(), 0);
    for (std::size_t i = 0; i < counts.size(); ++i) {
        conns.push_back(connect(settings, {.reconnect = false, .send_asap = false}));
        log_line("[" + std::to_string(i + 1) + "] Starting " + kind_label(js.kind) + ", publishing " + comma(counts[i]) +
                 " messages");
        if (progress.active()) bars[i] = progress.add_bar(counts[i], "Publishing");
    }
    std::vector<bench_sample> samples(counts.size());
    shared_run run;
    run_clients(static_cast<std::int64_t>(counts.size()), run, progress, [&](std::size_t i) {
        std::int64_t offset = 0;
        for (std::size_t k = 0; k < i; ++k) offset += counts[k];
        js_publisher(settings, core, js, conns[i].get(), counts[i], offset,
                     std::string(run_id) + "-" + std::to_string(i) + "-", progress, bars[i], run, samples[i]);
    });
    return samples;
}

std::vector<bench_sample> run_js_consume(const connection_settings& settings, const js_bench_options& js,
                                         std::int64_t clients, std::int64_t msgs, std::size_t message_size,
                                         bool show_progress) {
    std::string ordered_subject;
    {
        connection_ptr admin = connect(settings, {.reconnect = false});
        const jetstream_api api(admin.get(), settings.timeout);
        if (js.purge) {
            stream_info(api, js.stream, "getting stream '" + js.stream + "': ");
            purge_stream(api, js.stream);
        }
        const ordered_json info = stream_info(api, js.stream, "getting stream '" + js.stream + "': ");
        if (js.kind == js_bench_kind::ordered) {
            // libnats' ordered consumer needs a subject: the filter, else the stream's own.
            if (!js.filters.empty()) ordered_subject = js.filters[0];
            else if (const auto& subjects = info["config"].value("subjects", ordered_json::array()); subjects.size() == 1)
                ordered_subject = subjects[0].get<std::string>();
            else ordered_subject = ">";
        } else if (js.consumer == "nats-bench") {
            create_consumer(api, js, clients);
        }
    }
    std::vector<std::int64_t> counts = js.kind == js_bench_kind::ordered
                                           ? std::vector<std::int64_t>(static_cast<std::size_t>(clients), msgs)
                                           : messages_per_client(msgs, clients);
    progress_display progress(show_progress);
    std::vector<connection_ptr> conns;
    std::vector<std::size_t> bars(counts.size(), 0);
    for (std::size_t i = 0; i < counts.size(); ++i) {
        conns.push_back(connect(settings, {.reconnect = false}));
        log_line("[" + std::to_string(i + 1) + "] Starting " + kind_label(js.kind) + ", expecting " + comma(counts[i]) +
                 " messages");
        if (progress.active()) bars[i] = progress.add_bar(counts[i], "Receiving ");
    }
    std::vector<bench_sample> samples(counts.size());
    shared_run run;
    run_clients(static_cast<std::int64_t>(counts.size()), run, progress, [&](std::size_t i) {
        js_reader(settings, js, conns[i].get(), ordered_subject, counts[i], message_size, i, progress, bars[i], run,
                  samples[i]);
    });
    return samples;
}

std::vector<bench_sample> run_js_get(const connection_settings& settings, const js_bench_options& js,
                                     std::int64_t clients, std::int64_t msgs, std::size_t message_size, bool show_progress) {
    std::uint64_t first = 1;
    bool direct = false;
    {
        connection_ptr admin = connect(settings, {.reconnect = false});
        const jetstream_api api(admin.get(), settings.timeout);
        if (js.purge) {
            stream_info(api, js.stream, "getting stream '" + js.stream + "': ");
            purge_stream(api, js.stream);
        }
        const ordered_json info = stream_info(api, js.stream, "getting stream '" + js.stream + "': ");
        first = static_cast<std::uint64_t>(std::max<std::int64_t>(1, info["state"].value("first_seq", std::int64_t{1})));
        direct = info["config"].value("allow_direct", false);
    }
    progress_display progress(show_progress);
    std::vector<connection_ptr> conns;
    std::vector<std::size_t> bars(static_cast<std::size_t>(clients), 0);
    for (std::int64_t i = 0; i < clients; ++i) {
        conns.push_back(connect(settings, {.reconnect = false}));
        log_line("[" + std::to_string(i + 1) + "] Starting " + kind_label(js.kind) + ", expecting " + comma(msgs) + " messages");
        if (progress.active()) bars[static_cast<std::size_t>(i)] = progress.add_bar(msgs, "Getting   ");
    }
    std::vector<bench_sample> samples(static_cast<std::size_t>(clients));
    shared_run run;
    run_clients(clients, run, progress, [&](std::size_t i) {
        std::vector<std::uint64_t> latencies;
        latencies.reserve(static_cast<std::size_t>(msgs));
        const auto start = clock_type::now();
        for (std::int64_t n = 0; n < msgs && !run.stop.load(); ++n) {
            const auto t = clock_type::now();
            get_one(conns[i].get(), js.stream, direct, first + static_cast<std::uint64_t>(n), timeout_ms(settings));
            latencies.push_back(since_ns(t));
            if (progress.active()) progress.increment(bars[i]);
            if (js.sleep.count() > 0) std::this_thread::sleep_for(js.sleep);
        }
        std::sort(latencies.begin(), latencies.end());
        samples[i] = {.job_msgs = msgs,
                      .msg_bytes = static_cast<std::uint64_t>(msgs) * message_size,
                      .io_msgs = connection_io_messages(conns[i].get()),
                      .start = start,
                      .end = clock_type::now(),
                      .latencies_ns = std::move(latencies)};
        if (progress.active()) progress.set_state(bars[i], "Finished  ");
    });
    return samples;
}

} // namespace nats::cli
