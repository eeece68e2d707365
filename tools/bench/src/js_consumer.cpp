#include "js_consumer.hpp"

#include "cpu_meter.hpp"
#include "js_publisher.hpp"

#include <algorithm>
#include <cmath>
#include <thread>

namespace nats::bench {

void fill_stream(natsConnection* nc, const config& cfg, const std::string& stream, const std::string& subject,
                 clock::time_point deadline) {
    async_publisher publisher(nc, 1024);
    wait_for_jetstream(publisher.context(), deadline);
    add_stream(publisher.context(), stream, subject, cfg.storage);
    const js_publish_outcome out = publisher.publish(subject, std::string(cfg.size, 'x'), cfg.msgs, deadline);
    if (out.failures > 0 || out.out_of_time)
        throw setup_error("filling the stream: " + std::to_string(out.published) + " of " +
                          std::to_string(cfg.msgs) + " published" +
                          (out.last_failure.empty() ? std::string() : ", last failure: " + out.last_failure));
    std::string why;
    const auto stored = stream_messages(publisher.context(), stream, 5000, &why);
    if (!stored) throw setup_error("stream info after filling: " + why);
    if (*stored != cfg.msgs)
        throw setup_error("the stream holds " + std::to_string(*stored) + " messages after filling, not " +
                          std::to_string(cfg.msgs));
}

js_consumer_info_ptr consumer_info(jsCtx* js, const std::string& stream, const std::string& consumer,
                                   std::string* why) {
    jsOptions o;
    jsOptions_Init(&o);
    o.Wait = 2000;
    jsConsumerInfo* raw = nullptr;
    jsErrCode code{};
    const natsStatus s = js_GetConsumerInfo(&raw, js, stream.c_str(), consumer.c_str(), &o, &code);
    js_consumer_info_ptr info(raw);
    if (s != NATS_OK || !info) {
        if (why != nullptr) *why = js_failure(s, code);
        return nullptr;
    }
    return info;
}

js_consumer_info_ptr subscription_consumer_info(natsSubscription* sub, std::string* why) {
    jsOptions o;
    jsOptions_Init(&o);
    o.Wait = 2000;
    jsConsumerInfo* raw = nullptr;
    jsErrCode code{};
    const natsStatus s = natsSubscription_GetConsumerInfo(&raw, sub, &o, &code);
    js_consumer_info_ptr info(raw);
    if (s != NATS_OK || !info) {
        if (why != nullptr) *why = js_failure(s, code);
        return nullptr;
    }
    return info;
}

void expect_consumed(const consumer_info_source& ask, std::uint64_t last_seq, bool acked,
                     clock::time_point deadline, run_result& r) {
    const auto until = std::min(deadline, clock::now() + std::chrono::seconds(5));
    js_consumer_info_ptr info;
    std::string why;
    auto done = [&] {
        if (!info) return false;
        const bool delivered = info->Delivered.Stream >= last_seq && info->NumPending == 0;
        return acked ? delivered && info->NumAckPending == 0 && info->AckFloor.Stream >= last_seq : delivered;
    };
    do {
        info = ask(&why);
        if (done()) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (clock::now() < until);
    if (!info) {
        r.fail("consumer info after the run: " + why);
        return;
    }
    r.fields["delivered_stream_seq"] = info->Delivered.Stream;
    r.fields["ack_floor_stream_seq"] = info->AckFloor.Stream;
    r.fields["num_pending"] = info->NumPending;
    r.fields["num_ack_pending"] = info->NumAckPending;
    r.fields["num_redelivered"] = info->NumRedelivered;
    if (!done())
        r.fail("the consumer did not account for all " + std::to_string(last_seq) + " messages: delivered up to " +
               std::to_string(info->Delivered.Stream) + ", ack floor " + std::to_string(info->AckFloor.Stream) +
               ", " + std::to_string(info->NumAckPending) + " awaiting ack, " + std::to_string(info->NumPending) +
               " pending");
    if (acked && info->NumRedelivered > 0)
        r.fail(std::to_string(info->NumRedelivered) + " message(s) were redelivered (an ack was lost or late)");
}

void report_consume_rate(std::uint64_t received, double seconds, const cpu_meter& cpu, run_result& r) {
    r.fields["received"] = received;
    r.fields["rate"] = std::llround(seconds > 0 ? static_cast<double>(received) / seconds : 0);
    cpu.report(r);
    if (r.fields.contains("server_cpu_s") && received > 0)
        r.fields["server_cpu_us_per_msg"] =
            round_to(r.fields["server_cpu_s"].get<double>() * 1e6 / static_cast<double>(received), 2);
    if (received > 0)
        r.fields["client_cpu_us_per_msg"] =
            round_to(r.fields["client_cpu_s"].get<double>() * 1e6 / static_cast<double>(received), 2);
}

}  // namespace nats::bench
