// natscli 0.2+'s bench verbs, under the same `bench` command as the 0.1 form
// (bench.cpp): `bench pub|sub <subject>`, `bench service request|serve
// <subject>` (also `bench request|reply <subject>`), `bench js pub
// sync|async <subject>` (and 0.2.0's `bench js pub <subject> --batch N`),
// `bench js consume|fetch|ordered`, `bench js get sync`, `bench kv put|get`. Flags, banner ("Starting Core NATS
// publisher benchmark [clients=1, ...]"), report and CSV are natscli's; the
// work is done by src/bench_core (core NATS), src/bench_js (JetStream) and
// src/bench_kv (Key/Value).
#include <cmath>
#include <fstream>
#include <iterator>
#include <memory>

#include "bench_core.hpp"
#include "bench_js.hpp"
#include "bench_kv.hpp"
#include "bench_report.hpp"
#include "commands.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "headers.hpp"
#include "templates.hpp"

namespace nats::cli {
// Named, not anonymous: the unity build puts several command files in one unit.
namespace bench_verbs_impl {

enum class verb { pub, sub, request, serve, js_pub_sync, js_pub_async, js_pub_v020, js_consume, js_fetch, js_ordered, js_get_sync, kv_put, kv_get };

// One set of values for every verb, as natscli's benchCmd: each verb registers the flags it takes.
struct verb_options {
    std::string subject;
    std::int64_t clients = 1;
    std::int64_t msgs = 100000;
    bool progress = true;
    std::string csv;
    std::string size = "128B";
    std::chrono::nanoseconds sleep{0};
    bool multi_subject = false;
    std::int64_t multi_subject_max = 100000;
    bool multi_subject_random = false;
    std::string payload_file;
    std::vector<std::string> headers;
    std::int64_t throughput = 0;
    std::chrono::nanoseconds duration{0};
    std::string max_bytes = "1GB";
    js_bench_options js;
    kv_bench_options kv;
};

bool is_js_pub(verb v) { return v == verb::js_pub_sync || v == verb::js_pub_async || v == verb::js_pub_v020; }
bool publishes(verb v) { return v == verb::pub || v == verb::request || v == verb::kv_put || is_js_pub(v); }

std::string label(verb v, const verb_options& o) {
    switch (v) {
    case verb::pub: return "Core NATS publisher";
    case verb::sub: return "Core NATS subscriber";
    case verb::request: return "Core NATS service requester";
    case verb::serve: return "Core NATS service server";
    case verb::kv_put: return "JetStream KV putter";
    case verb::kv_get: return "JetStream KV getter";
    default: return js_bench_label(o.js.kind);
    }
}

// natscli's processActionArgs: --duration and --throughput give the count; sizes parse.
std::int64_t check_arguments(verb_options& o) {
    if (o.duration.count() != 0) {
        if (o.duration.count() < 0) throw cli_error("--duration cannot be negative");
        if (o.throughput <= 0) throw cli_error("--duration requires --throughput to be set");
        const auto msgs = static_cast<std::int64_t>(
            std::llround(static_cast<double>(o.throughput) * std::chrono::duration<double>(o.duration).count()));
        if (msgs <= 0) {
            throw cli_error("the combination of --throughput=" + std::to_string(o.throughput) + " and --duration=" +
                            format_duration(o.duration) + " results in zero messages");
        }
        o.msgs = msgs;
    }
    if (o.msgs <= 0) throw cli_error("number of messages should be greater than 0");
    const std::int64_t size = parse_size(o.size);
    if (size <= 0 || size > INT32_MAX) {
        throw cli_error("can not parse or invalid the value specified for the message size: " + o.size);
    }
    const std::int64_t max_bytes = parse_size(o.max_bytes);
    if (max_bytes <= 0) {
        throw cli_error("can not parse or invalid the value specified for the max stream/bucket size: " + o.max_bytes);
    }
    o.js.max_bytes = max_bytes;
    o.kv.max_bytes = max_bytes;
    if (o.clients <= 0) throw cli_error("the number of clients should be greater than 0");
    return size;
}

std::string yes_no(bool b) { return b ? "true" : "false"; }

std::string banner(verb v, const verb_options& o, std::int64_t size) {
    std::vector<std::pair<std::string, std::string>> a;
    const std::string subject = bench_subscribe_subject(o.subject, o.multi_subject);
    auto multi = [&] {
        a.emplace_back("subject", subject);
        a.emplace_back("multi-subject", yes_no(o.multi_subject));
        a.emplace_back("multi-subject-max", comma(o.multi_subject_max));
        a.emplace_back("multi-subject-randomize", yes_no(o.multi_subject_random));
    };
    auto js_common = [&] {
        a.emplace_back("stream", o.js.stream);
        a.emplace_back("sleep", humanize_duration(o.js.sleep));
        a.emplace_back("purge", yes_no(o.js.purge));
        if (o.js.create) {
            a.emplace_back("storage", o.js.storage);
            a.emplace_back("max-bytes", comma(o.js.max_bytes));
            a.emplace_back("replicas", comma(o.js.replicas));
            a.emplace_back("deduplication", yes_no(o.js.dedup));
            a.emplace_back("dedup-window", humanize_duration(o.js.dedup_window));
        }
    };
    auto filter = [&] {
        std::string joined;
        for (const auto& f : o.js.filters) joined += (joined.empty() ? "" : ",") + f;
        if (!joined.empty()) a.emplace_back("filter", joined);
    };
    switch (v) {
    case verb::pub:
        multi();
        a.emplace_back("sleep", humanize_duration(o.sleep));
        break;
    case verb::sub:
        a.emplace_back("subject", subject);
        a.emplace_back("multi-subject", yes_no(o.multi_subject));
        break;
    case verb::request:
    case verb::serve:
        a.emplace_back("subject", o.subject);
        a.emplace_back("sleep", humanize_duration(o.sleep));
        break;
    case verb::js_pub_sync:
    case verb::js_pub_async:
    case verb::js_pub_v020:
        multi();
        a.emplace_back("batch", comma(o.js.batch));
        js_common();
        break;
    case verb::js_ordered:
        filter();
        js_common();
        break;
    case verb::js_get_sync:
        a.emplace_back("stream", o.js.stream);
        a.emplace_back("sleep", humanize_duration(o.js.sleep));
        break;
    case verb::js_consume:
    case verb::js_fetch:
        a.emplace_back("consumer", o.js.consumer);
        a.emplace_back("acks", o.js.acks);
        a.emplace_back("double-acked", yes_no(o.js.double_ack));
        a.emplace_back("batch", comma(o.js.batch));
        filter();
        js_common();
        break;
    case verb::kv_put:
        a.emplace_back("bucket", o.kv.bucket);
        a.emplace_back("sleep", humanize_duration(o.kv.sleep));
        a.emplace_back("purge", yes_no(o.kv.purge));
        break;
    case verb::kv_get:
        a.emplace_back("bucket", o.kv.bucket);
        a.emplace_back("sleep", humanize_duration(o.kv.sleep));
        a.emplace_back("randomize", comma(o.kv.randomize));
        break;
    }
    a.emplace_back("msgs", comma(o.msgs));
    a.emplace_back("msg-size", ibytes(static_cast<std::uint64_t>(size)));
    a.emplace_back("clients", comma(o.clients));
    if (o.throughput > 0 && publishes(v)) {
        a.emplace_back("throughput", comma(o.throughput));
        if (o.duration.count() > 0) a.emplace_back("duration", humanize_duration(o.duration));
    }
    std::stable_sort(a.begin(), a.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
    std::string text = "Starting " + label(v, o) + " benchmark [";
    for (std::size_t i = 0; i < a.size(); ++i) text += (i ? ", " : "") + a[i].first + "=" + a[i].second;
    return text + "]";
}

core_bench_options core_options(verb v, const verb_options& o, std::int64_t size) {
    core_bench_options c;
    c.subject = o.subject;
    c.msgs = o.msgs;
    c.message_size = static_cast<std::size_t>(size);
    c.progress = o.progress;
    c.multi_subject = o.multi_subject;
    c.multi_subject_max = o.multi_subject_max;
    c.multi_subject_random = o.multi_subject_random;
    c.pad_multi_subject = true;
    c.numbered_log = true;
    c.publish_latency = true;
    c.reply_body = "ok";
    c.reply_queue = "q";  // the queue group of a nats.go micro service endpoint
    c.throughput_per_client = o.throughput > 0 ? static_cast<double>(o.throughput) / static_cast<double>(o.clients) : 0;
    if (!o.payload_file.empty()) {
        std::ifstream file(o.payload_file, std::ios::binary);
        if (!file) throw cli_error("reading the payload file: open " + o.payload_file + ": no such file or directory");
        c.payload.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
    }
    c.headers = parse_header_flags(o.headers, 0);
    const std::int64_t clients = publishes(v) ? std::min(o.clients, o.msgs) : o.clients;
    if (v == verb::pub || v == verb::request || is_js_pub(v)) c.pubs = clients;
    if (v == verb::sub || v == verb::serve) c.subs = clients;
    c.request = v == verb::request;
    c.reply = v == verb::serve;
    if (v == verb::request) c.pub_sleep = o.sleep;
    if (v == verb::pub) c.pub_sleep = o.sleep;
    if (v == verb::serve) c.sub_sleep = o.sleep;
    return c;
}

int print_results(const std::vector<bench_sample>& samples, verb v, const verb_options& o) {
    out("\n" + bench_type_report("NATS", label(v, o), samples) + "\n");
    if (!o.csv.empty()) {
        std::ofstream file(o.csv, std::ios::trunc);
        file << bench_type_csv(unique_id(), publishes(v) ? 'P' : 'S', samples);
        if (!file.flush()) throw cli_error("writing file " + o.csv + ": could not write");
        out("Saved metric data in csv file " + o.csv + "\n");
    }
    return 0;
}

int run_verb(const app_state& state, verb v, verb_options o) {
    const std::int64_t size = check_arguments(o);
    switch (v) {
    case verb::js_pub_sync: o.js.kind = js_bench_kind::pub_sync; break;
    case verb::js_pub_async: o.js.kind = js_bench_kind::pub_async; break;
    case verb::js_pub_v020: o.js.kind = o.js.batch <= 1 ? js_bench_kind::pub_sync : js_bench_kind::pub_async; break;
    case verb::js_consume: o.js.kind = js_bench_kind::consume; break;
    case verb::js_fetch: o.js.kind = js_bench_kind::fetch; break;
    case verb::js_ordered: o.js.kind = js_bench_kind::ordered; break;
    case verb::js_get_sync: o.js.kind = js_bench_kind::get_sync; break;
    default: break;
    }
    if (publishes(v)) o.clients = std::min(o.clients, o.msgs);
    const auto settings = state.settings();
    log_line(banner(v, o, size));
    if (v == verb::js_get_sync) {
        return print_results(run_js_get(settings, o.js, o.clients, o.msgs, static_cast<std::size_t>(size), o.progress), v, o);
    }
    if (v == verb::js_consume || v == verb::js_fetch || v == verb::js_ordered) {
        return print_results(run_js_consume(settings, o.js, o.clients, o.msgs, static_cast<std::size_t>(size), o.progress),
                             v, o);
    }
    core_bench_options core = core_options(v, o, size);
    if (v == verb::request) {
        core.request_timeout_ms =
            std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(settings.timeout).count());
    }
    if (is_js_pub(v)) return print_results(run_js_publish(settings, core, o.js), v, o);
    if (v == verb::kv_put || v == verb::kv_get) {
        o.kv.clients = o.clients;
        o.kv.msgs = o.msgs;
        o.kv.value_size = static_cast<std::size_t>(size);
        o.kv.progress = o.progress;
        o.kv.throughput_per_client = core.throughput_per_client;
        return print_results(v == verb::kv_put ? run_kv_put(settings, o.kv) : run_kv_get(settings, o.kv), v, o);
    }
    const core_bench_result result = run_core_bench(settings, core);
    if (result.interrupted) {
        if (v != verb::serve) return 130;
        log_line("Replied to " + comma(result.replied) + " requests");
        return 0;
    }
    return print_results(v == verb::sub ? result.subs : result.pubs, v, o);
}

void common_flags(command& c, verb_options& o) {
    c.int_flag("clients", "Number of concurrent clients", &o.clients);
    c.int_flag("msgs", "Number of messages to publish or subscribe to", &o.msgs);
    c.bool_flag("progress", "Enable or disable the progress bar", &o.progress);
    c.string_flag("csv", "Save benchmark data to CSV file", &o.csv);
    c.string_flag("size", "Size of the test messages", &o.size);
}

void pub_flags(command& c, verb_options& o) {
    c.bool_flag("multisubject",
                "Multi-subject mode, each message is published on a subject that includes the publisher's message "
                "sequence number as a token",
                &o.multi_subject);
    c.int_flag("multisubjectmax", "The maximum number of subjects to use in multi-subject mode (0 means no max)",
               &o.multi_subject_max);
    c.bool_flag("multisubjectrandomize", "Randomize which subjects are being used when in multisubject mode",
                &o.multi_subject_random);
    c.string_flag("payload", "File containing a message payload to send", &o.payload_file);
    c.strings_flag("header", "Adds headers to the message using K:V format", &o.headers).with_short('H');
}

void throughput_flags(command& c, verb_options& o) {
    c.int_flag("throughput",
               "If set > 0, throttle aggregate message send throughput to approximately THROUGHPUT messages/second "
               "across all clients (0 disables)",
               &o.throughput)
        .with_placeholder("THROUGHPUT");
    c.duration_flag("duration",
                    "Run for approximately this long instead of a fixed message count, deriving the number of "
                    "messages from --throughput (requires --throughput)",
                    &o.duration)
        .with_placeholder("DURATION");
}

void js_pub_flags(command& c, verb_options& o) {
    c.bool_flag("create", "Create or update the stream first", &o.js.create);
    c.enum_flag("storage", "JetStream storage (memory/file) for the \"benchstream\" stream", &o.js.storage,
                {"memory", "file"});
    c.int_flag("replicas", "Number of replicas for the \"benchstream\" stream", &o.js.replicas);
    c.string_flag("maxbytes", "The maximum size of the stream or KV bucket in bytes", &o.max_bytes);
    c.bool_flag("dedup", "Sets a message id in the header to use JS Publish de-duplication", &o.js.dedup);
    c.duration_flag("dedupwindow", "Sets the duration of the stream's deduplication functionality", &o.js.dedup_window);
    c.bool_flag("purge", "Purge the stream before running", &o.js.purge);
    c.bool_flag("persistasync", "Set the persistence mode for the steam to asynchronous (only for R1 streams)",
                &o.js.persist_async);
}

void js_consumer_flags(command& c, verb_options& o) {
    c.string_flag("consumer", "Specify the durable consumer name to use", &o.js.consumer);
    c.int_flag("batch", "Sets the max number of messages that can be buffered in the client", &o.js.batch);
    c.enum_flag("acks", "Acknowledgement mode for the consumer", &o.js.acks, {"explicit", "none", "all"});
    c.bool_flag("doubleack", "Synchronously acknowledge messages, waiting for a reply from the server", &o.js.double_ack);
    c.strings_flag("filter", "Filter Stream by subjects", &o.js.filters).with_placeholder("SUBJECTS");
    c.bool_flag("purge", "Purge the stream before running", &o.js.purge);
}

command& leaf(command& parent, const std::string& name, const std::string& help, const app_state& state, verb v,
              const std::shared_ptr<verb_options>& o, bool subject) {
    auto& c = parent.add_command(name, help);
    if (subject) c.string_arg("subject", "Subject to use for the benchmark", &o->subject, true);
    c.action([&state, v, o] { return run_verb(state, v, *o); });
    return c;
}

// natscli's verbs this build cannot run: they say so in one line, exit 1.
void refuse(command& parent, const std::string& name, const std::string& help, const std::string& why) {
    auto& c = parent.add_command(name, help);
    c.pass_through();
    c.action([why] {
        err("nats: error: " + why + "\n");
        return exit_failure;
    });
}

} // namespace

void add_bench_verbs(command& bench, const app_state& state) {
    using namespace bench_verbs_impl;
    auto o = std::make_shared<verb_options>();

    auto& pub = leaf(bench, "pub", "Publish Core NATS messages", state, verb::pub, o, true);
    pub.duration_flag("sleep", "Sleep for the specified interval between publications", &o->sleep).with_placeholder("DURATION");
    common_flags(pub, *o);
    pub_flags(pub, *o);
    throughput_flags(pub, *o);

    auto& sub = leaf(bench, "sub", "Subscribe to Core NATS messages", state, verb::sub, o, true);
    sub.bool_flag("multisubject",
                  "Multi-subject mode, each message is published on a subject that includes the publisher's message "
                  "sequence number as a token",
                  &o->multi_subject);
    common_flags(sub, *o);

    auto& service = bench.add_command("service", "Micro-service mode");
    service.duration_flag("sleep", "Sleep for the specified interval between requests or before replying to the request",
                          &o->sleep).with_placeholder("DURATION");
    common_flags(service, *o);
    // `bench request|reply <subject>`: the same verbs without the `service` level.
    for (command* parent : {&service, &bench}) {
        const bool top = parent == &bench;
        auto& request = leaf(*parent, "request", "Send a request and wait for its reply", state, verb::request, o, true);
        request.string_flag("payload", "File containing the payload to send", &o->payload_file);
        request.strings_flag("header", "Adds headers to the message using K:V format", &o->headers).with_short('H');
        throughput_flags(request, *o);
        auto& serve = leaf(*parent, top ? "reply" : "serve", "Service requests", state, verb::serve, o, true);
        if (top) {
            serve.alias("serve");
            for (command* c : {&request, &serve}) {
                c->duration_flag("sleep", "Sleep for the specified interval between requests or before replying to the request",
                                 &o->sleep).with_placeholder("DURATION");
                common_flags(*c, *o);
            }
        }
    }

    auto& js = bench.add_command("js", "JetStream benchmark commands");
    common_flags(js, *o);
    js.string_flag("stream", "The name of the stream to create or use", &o->js.stream);
    js.duration_flag("sleep", "Sleep for the specified interval between publications", &o->js.sleep).with_placeholder("DURATION");

    // natscli 0.2.0: `js pub <subject> --batch N` (1: synchronous); later releases: `js pub sync|async <subject>`.
    auto& jspub = leaf(js, "pub", "Publish JetStream messages", state, verb::js_pub_v020, o, false);
    jspub.string_arg("subject", "Subject to use for the benchmark", &o->subject, true);
    jspub.int_flag("batch", "The number of asynchronous JS publish calls before waiting for all the publish "
                            "acknowledgements (set to 1 for synchronous)", &o->js.batch);
    pub_flags(jspub, *o);
    js_pub_flags(jspub, *o);
    throughput_flags(jspub, *o);
    auto& sync = leaf(jspub, "sync", "Use synchronous JetStream publish", state, verb::js_pub_sync, o, true);
    auto& async = leaf(jspub, "async", "Use asynchronous JetStream publish", state, verb::js_pub_async, o, true);
    async.int_flag("batch", "Sets the number of asynchronous operations per batch", &o->js.batch);
    for (command* c : {&sync, &async}) {
        pub_flags(*c, *o);
        js_pub_flags(*c, *o);
        throughput_flags(*c, *o);
    }
    refuse(jspub, "atomic", "Use atomic batch JetStream publish",
           "Atomic Batch Publishing requires NATS Server 2.12, specify --async for async publishing instead");
    refuse(jspub, "fast", "Use fast batch JetStream publish",
           "Fast Batch Publishing requires NATS Server 2.14, specify --async for async publishing instead");

    auto& ordered = leaf(js, "ordered", "Consume JetStream messages from a consumer using an ephemeral ordered consumer",
                         state, verb::js_ordered, o, false);
    ordered.int_flag("batch", "Sets the max number of messages that can be buffered in the client", &o->js.batch);
    ordered.bool_flag("purge", "Purge the stream before running", &o->js.purge);
    ordered.strings_flag("filter", "Filter Stream by subjects", &o->js.filters).with_placeholder("SUBJECTS");
    js_consumer_flags(leaf(js, "consume", "Consume JetStream messages from a durable consumer using a callback", state,
                           verb::js_consume, o, false), *o);
    js_consumer_flags(leaf(js, "fetch", "Consume JetStream messages from a durable consumer using fetch", state,
                           verb::js_fetch, o, false), *o);
    auto& get = js.add_command("get", "Retrieve messages from JetStream using gets");
    leaf(get, "sync", "Use synchronous JetStream get", state, verb::js_get_sync, o, false);
    // Batched direct gets are nats-server 2.11's.
    add_unsupported_commands(get, {{"batch", "Use batched JetStream direct get"}});

    auto& kv = bench.add_command("kv", "KV benchmark operations");
    common_flags(kv, *o);
    kv.string_flag("bucket", "The bucket to use for the benchmark", &o->kv.bucket);
    kv.duration_flag("sleep", "Sleep for the specified interval after putting each message", &o->kv.sleep)
        .with_placeholder("DURATION");
    auto& put = leaf(kv, "put", "Put messages in a KV bucket", state, verb::kv_put, o, false);
    put.enum_flag("storage", "JetStream storage (memory/file) for the \"benchstream\" bucket", &o->kv.storage,
                  {"memory", "file"});
    put.int_flag("replicas", "Number of replicas for the \"benchstream\" bucket", &o->kv.replicas);
    put.string_flag("maxbytes", "The maximum size of the stream or KV bucket in bytes", &o->max_bytes);
    put.int_flag("history", "History depth for the bucket in KV mode", &o->kv.history);
    put.bool_flag("purge", "Purge the stream before running", &o->kv.purge);
    put.int_flag("randomize", "Randomly put messages using keys between 0 and this number (set to 0 for sequential access)",
                 &o->kv.randomize);
    throughput_flags(put, *o);
    auto& kvget = leaf(kv, "get", "Get messages from a KV bucket", state, verb::kv_get, o, false);
    kvget.int_flag("randomize", "Randomly get messages using keys between 0 and this number (set to 0 for sequential access)",
                 &o->kv.randomize);
}

} // namespace nats::cli
