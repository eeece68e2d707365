// js-pull, js-push and js-ordered: how fast a consumer drains a stream filled
// beforehand, and the server's CPU per delivered message.
#include "connect.hpp"
#include "cpu_meter.hpp"
#include "js_consumer.hpp"
#include "runners.hpp"

#include <atomic>
#include <condition_variable>
#include <mutex>

namespace nats::bench {
namespace {

struct consume_setup {
    std::string stream;
    std::string subject;
};

// A buffered connection (acks go out many per write, as the publishers' messages do)
// and a stream holding cfg.msgs messages.
consume_setup fill(natsConnection* nc, const config& cfg, clock::time_point deadline) {
    consume_setup s{cfg.stream.empty() ? default_stream_name(cfg) : cfg.stream,
                    cfg.subject.empty() ? default_subject(cfg) : cfg.subject};
    fill_stream(nc, cfg, s.stream, s.subject, deadline);
    return s;
}

void finish(const config& cfg, run_result& r) {
    r.fields["storage"] = storage_name(cfg.storage);
    r.fields["msgs"] = cfg.msgs;
    r.fields["size"] = cfg.size;
    const connection_events ev = events_snapshot();
    if (ev.disconnects > 0) r.fail("server closed " + std::to_string(ev.disconnects) + " connection(s)");
    if (ev.async_errors > 0) r.fail(std::to_string(ev.async_errors) + " asynchronous error(s) (slow consumer?)");
    stop_counting_disconnects();
}

// Counts what an async subscription's callback receives; the waiter wakes at the target.
class arrival_counter {
public:
    explicit arrival_counter(std::uint64_t target) : target_(target) {}

    static void on_msg(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
        natsMsg_Destroy(msg);  // with auto-ack the library acks before it frees the message
        auto* c = static_cast<arrival_counter*>(self);
        if (c->count_.fetch_add(1, std::memory_order_relaxed) + 1 == c->target_) {
            std::lock_guard lock(c->mu_);
            c->cv_.notify_all();
        }
    }

    // True once every expected message arrived; false at the deadline.
    bool wait(clock::time_point deadline) {
        std::unique_lock lock(mu_);
        return cv_.wait_until(lock, deadline, [this] { return count_.load() >= target_; });
    }
    std::uint64_t count() const { return count_.load(); }

private:
    const std::uint64_t target_;
    std::atomic<std::uint64_t> count_{0};
    std::mutex mu_;
    std::condition_variable cv_;
};

// js-push and js-ordered: an async js_Subscribe on the whole stream.
run_result run_push(const config& cfg, clock::time_point deadline, bool ordered) {
    connection_ptr nc = connect(cfg, {.send_asap = false, .name = ordered ? "nats-bench-js-ordered"
                                                                              : "nats-bench-js-push"});
    const consume_setup s = fill(nc.get(), cfg, deadline);
    js_ctx_ptr js = jetstream_context(nc.get(), nullptr);

    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = s.stream.c_str();
    if (ordered) so.Ordered = true;
    else so.Config.AckPolicy = js_AckExplicit;  // the library acks each message after the callback
    arrival_counter counter(cfg.msgs);
    cpu_meter cpu(cfg.pid);
    const std::int64_t t0 = now_ns();
    natsSubscription* raw = nullptr;
    jsErrCode code{};
    const natsStatus st =
        js_Subscribe(&raw, js.get(), s.subject.c_str(), &arrival_counter::on_msg, &counter, nullptr, &so, &code);
    subscription_ptr sub(raw);
    if (st != NATS_OK) throw setup_error("js_Subscribe: " + js_failure(st, code));
    // The window is the consumer's (max ack pending, flow control), not the library's.
    check(natsSubscription_SetPendingLimits(sub.get(), -1, -1), "natsSubscription_SetPendingLimits");
    const bool complete = counter.wait(deadline);
    if (!ordered) (void)natsConnection_FlushTimeout(nc.get(), 5000);  // the last acks are out
    const double seconds = static_cast<double>(now_ns() - t0) / 1e9;
    cpu.stop();

    run_result r;
    report_consume_rate(counter.count(), seconds, cpu, r);
    if (!complete)
        r.fail("deadline reached after " + std::to_string(counter.count()) + " of " + std::to_string(cfg.msgs) +
               " messages");
    expect_consumed([&](std::string* why) { return subscription_consumer_info(sub.get(), why); }, cfg.msgs,
                    !ordered, deadline, r);
    (void)natsSubscription_Unsubscribe(sub.get());
    delete_stream(js.get(), s.stream);
    finish(cfg, r);
    return r;
}

}  // namespace

run_result run_js_pull(const config& cfg, clock::time_point deadline) {
    connection_ptr nc = connect(cfg, {.send_asap = false, .name = "nats-bench-js-pull"});
    const consume_setup s = fill(nc.get(), cfg, deadline);
    js_ctx_ptr js = jetstream_context(nc.get(), nullptr);
    const std::string durable = "bench-pull";

    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Stream = s.stream.c_str();
    so.Config.AckPolicy = js_AckExplicit;
    natsSubscription* raw = nullptr;
    jsErrCode code{};
    const natsStatus st = js_PullSubscribe(&raw, js.get(), s.subject.c_str(), durable.c_str(), nullptr, &so, &code);
    subscription_ptr sub(raw);
    if (st != NATS_OK) throw setup_error("js_PullSubscribe: " + js_failure(st, code));

    run_result r;
    std::uint64_t received = 0, fetches = 0;
    cpu_meter cpu(cfg.pid);
    const std::int64_t t0 = now_ns();
    while (received < cfg.msgs) {
        const std::int64_t left = ms_until(deadline);
        if (left <= 0) {
            r.fail("deadline reached after " + std::to_string(received) + " messages");
            break;
        }
        natsMsgList list{};
        const natsStatus fs =
            natsSubscription_Fetch(&list, sub.get(), static_cast<int>(cfg.batch), std::min<std::int64_t>(left, 5000),
                                   &code);
        ++fetches;
        for (int i = 0; i < list.Count; ++i) (void)natsMsg_Ack(list.Msgs[i], nullptr);
        received += static_cast<std::uint64_t>(list.Count);
        const bool got_some = list.Count > 0;
        natsMsgList_Destroy(&list);
        // A short last batch may come back with the status that ended it.
        if (fs != NATS_OK && !got_some) {
            r.fail("fetch " + std::to_string(fetches) + " after " + std::to_string(received) +
                   " messages: " + js_failure(fs, code));
            break;
        }
    }
    (void)natsConnection_FlushTimeout(nc.get(), 5000);  // the server has read every ack
    const double seconds = static_cast<double>(now_ns() - t0) / 1e9;
    cpu.stop();

    r.fields["batch"] = cfg.batch;
    r.fields["fetches"] = fetches;
    report_consume_rate(received, seconds, cpu, r);
    expect_consumed([&](std::string* why) { return consumer_info(js.get(), s.stream, durable, why); }, cfg.msgs,
                    true, deadline, r);
    delete_stream(js.get(), s.stream);
    finish(cfg, r);
    return r;
}

run_result run_js_push(const config& cfg, clock::time_point deadline) { return run_push(cfg, deadline, false); }

run_result run_js_ordered(const config& cfg, clock::time_point deadline) { return run_push(cfg, deadline, true); }

}  // namespace nats::bench
