// js-streams and js-fill: how much the server's resident memory grows per stream and
// per stored message.
#include "connect.hpp"
#include "cpu_meter.hpp"
#include "js_consumer.hpp"
#include "js_publisher.hpp"
#include "proc_status.hpp"
#include "runners.hpp"

#include <cmath>
#include <thread>

namespace nats::bench {
namespace {

std::uint64_t rss_kib(long pid) {
    const auto rss = read_vm_rss_kib(pid);
    if (!rss) throw setup_error("cannot read VmRSS of pid " + std::to_string(pid) + " (is the server running?)");
    return *rss;
}

void settle(const config& cfg) { std::this_thread::sleep_for(std::chrono::milliseconds(cfg.settle_ms)); }

double growth_bytes(std::uint64_t before_kib, std::uint64_t after_kib) {
    return (static_cast<double>(after_kib) - static_cast<double>(before_kib)) * 1024.0;
}

}  // namespace

run_result run_js_streams(const config& cfg, clock::time_point deadline) {
    connection_ptr nc = connect(cfg, {.send_asap = true, .name = "nats-bench-js-streams"});
    js_ctx_ptr js = jetstream_context(nc.get(), nullptr);
    wait_for_jetstream(js.get(), deadline);
    const std::string prefix = cfg.stream.empty() ? default_stream_name(cfg) : cfg.stream;
    const std::string subject = cfg.subject.empty() ? default_subject(cfg) : cfg.subject;
    // One stream first, so what JetStream sets up once per account is not counted per stream.
    add_stream(js.get(), prefix + "-first", subject + ".first", cfg.storage);
    settle(cfg);
    const std::uint64_t before = rss_kib(cfg.pid);

    run_result r;
    std::uint32_t created = 0;
    const std::int64_t t0 = now_ns();
    try {
        for (; created < cfg.streams; ++created) {
            if (clock::now() >= deadline) {
                r.fail("deadline reached after " + std::to_string(created) + " streams");
                break;
            }
            add_stream(js.get(), prefix + "-" + std::to_string(created), subject + "." + std::to_string(created),
                       cfg.storage);
        }
    } catch (const setup_error& e) {
        r.fail(e.what());
    }
    const double create_s = static_cast<double>(now_ns() - t0) / 1e9;
    settle(cfg);
    const std::uint64_t after = rss_kib(cfg.pid);

    r.fields["storage"] = storage_name(cfg.storage);
    r.fields["streams"] = created;
    r.fields["create_s"] = round_to(create_s, 3);
    r.fields["rss_before_kib"] = before;
    r.fields["rss_after_kib"] = after;
    if (created > 0) r.fields["rss_per_stream_bytes"] = std::llround(growth_bytes(before, after) / created);
    for (std::uint32_t i = 0; i < created && clock::now() < deadline; ++i)
        delete_stream(js.get(), prefix + "-" + std::to_string(i));
    delete_stream(js.get(), prefix + "-first");
    stop_counting_disconnects();
    return r;
}

run_result run_js_fill(const config& cfg, clock::time_point deadline) {
    connection_ptr nc = connect(cfg, {.send_asap = false, .name = "nats-bench-js-fill"});
    async_publisher publisher(nc.get(), cfg.window);
    wait_for_jetstream(publisher.context(), deadline);
    const std::string stream = cfg.stream.empty() ? default_stream_name(cfg) : cfg.stream;
    const std::string subject = cfg.subject.empty() ? default_subject(cfg) : cfg.subject;
    add_stream(publisher.context(), stream, subject, cfg.storage);
    settle(cfg);
    const std::uint64_t before = rss_kib(cfg.pid);

    cpu_meter cpu(cfg.pid);
    const std::int64_t t0 = now_ns();
    const js_publish_outcome out = publisher.publish(subject, std::string(cfg.size, 'x'), cfg.msgs, deadline);
    const double seconds = static_cast<double>(now_ns() - t0) / 1e9;
    cpu.stop();
    settle(cfg);
    const std::uint64_t after = rss_kib(cfg.pid);

    run_result r;
    r.fields["storage"] = storage_name(cfg.storage);
    r.fields["stream"] = stream;
    r.fields["msgs"] = cfg.msgs;
    r.fields["size"] = cfg.size;
    r.fields["window"] = cfg.window;
    r.fields["published"] = out.published;
    r.fields["rate"] = std::llround(seconds > 0 ? static_cast<double>(out.published) / seconds : 0);
    cpu.report(r);
    r.fields["rss_before_kib"] = before;
    r.fields["rss_after_kib"] = after;
    if (out.published > 0)
        r.fields["rss_per_million_bytes"] =
            std::llround(growth_bytes(before, after) * 1e6 / static_cast<double>(out.published));
    std::string why;
    const auto stored = stream_messages(publisher.context(), stream, 5000, &why);
    if (stored) r.fields["stored"] = *stored;
    if (!stored) r.fail("stream info after the run: " + why);
    else if (*stored != out.published)
        r.fail("the stream holds " + std::to_string(*stored) + " messages, " + std::to_string(out.published) +
               " were published");
    if (out.failures > 0)
        r.fail(std::to_string(out.failures) + " publish(es) failed, last: " + out.last_failure);
    if (out.out_of_time) r.fail("deadline reached after " + std::to_string(out.published) + " publishes");
    // The stream stays: js-restart reads it back after the server restarts.
    stop_counting_disconnects();
    return r;
}

}  // namespace nats::bench

namespace nats::bench {

run_result run_js_consumers(const config& cfg, clock::time_point deadline) {
    connection_ptr nc = connect(cfg, {.send_asap = true, .name = "nats-bench-js-consumers"});
    js_ctx_ptr js = jetstream_context(nc.get(), nullptr);
    wait_for_jetstream(js.get(), deadline);
    const std::string stream = cfg.stream.empty() ? default_stream_name(cfg) : cfg.stream;
    const std::string subject = cfg.subject.empty() ? default_subject(cfg) : cfg.subject;
    add_stream(js.get(), stream, subject, cfg.storage);
    // A durable pull consumer with explicit acks, as a worker pool would use.
    auto add = [&](const std::string& name) {
        jsConsumerConfig cc;
        jsConsumerConfig_Init(&cc);
        cc.Durable = name.c_str();
        cc.AckPolicy = js_AckExplicit;
        jsConsumerInfo* raw = nullptr;
        jsErrCode code{};
        const natsStatus s = js_AddConsumer(&raw, js.get(), stream.c_str(), &cc, nullptr, &code);
        js_consumer_info_ptr info(raw);
        if (s != NATS_OK) throw setup_error("creating consumer " + name + ": " + js_failure(s, code));
    };
    // One consumer first, so what the stream sets up once for consumers is not counted per consumer.
    add("first");
    settle(cfg);
    const std::uint64_t before = rss_kib(cfg.pid);

    run_result r;
    std::uint32_t created = 0;
    const std::int64_t t0 = now_ns();
    try {
        for (; created < cfg.consumers; ++created) {
            if (clock::now() >= deadline) {
                r.fail("deadline reached after " + std::to_string(created) + " consumers");
                break;
            }
            add("c" + std::to_string(created));
        }
    } catch (const setup_error& e) {
        r.fail(e.what());
    }
    const double create_s = static_cast<double>(now_ns() - t0) / 1e9;
    settle(cfg);
    const std::uint64_t after = rss_kib(cfg.pid);

    r.fields["storage"] = storage_name(cfg.storage);
    r.fields["consumers"] = created;
    r.fields["create_s"] = round_to(create_s, 3);
    r.fields["rss_before_kib"] = before;
    r.fields["rss_after_kib"] = after;
    if (created > 0) r.fields["rss_per_consumer_bytes"] = std::llround(growth_bytes(before, after) / created);
    delete_stream(js.get(), stream);
    stop_counting_disconnects();
    return r;
}

}  // namespace nats::bench
