#pragma once
// JetStream consumers through libnats for the js-pull, js-push, js-ordered and
// js-consumers modes: filling the stream they read, and checking from the server's
// consumer info that every delivered message was acknowledged.

#include "clock.hpp"
#include "config.hpp"
#include "js_stream.hpp"
#include "run_result.hpp"

#include <nats/nats.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace nats::bench {

struct js_consumer_deleter {
    void operator()(jsConsumerInfo* ci) const noexcept { jsConsumerInfo_Destroy(ci); }
};
using js_consumer_info_ptr = std::unique_ptr<jsConsumerInfo, js_consumer_deleter>;

// Creates a stream on cfg.storage capturing `subject` and stores cfg.msgs messages of
// cfg.size bytes in it with async publishes (a window of 1,024 acks), untimed. Throws
// setup_error if the stream does not then hold exactly cfg.msgs messages.
void fill_stream(natsConnection* nc, const config& cfg, const std::string& stream, const std::string& subject,
                 clock::time_point deadline);

// The consumer's info, or null with the reason in *why.
js_consumer_info_ptr consumer_info(jsCtx* js, const std::string& stream, const std::string& consumer,
                                   std::string* why);

// Asks for the consumer's info until it has delivered up to stream sequence `last_seq`
// with nothing pending, waiting for acks or redelivered (acks are fire-and-forget, so
// the server may still be reading the last ones), for at most 5 s or to the deadline.
// With `acked` false (an ordered consumer: no acks) only the delivered sequence counts.
// Fails r if that is never reached; adds the last info's counts to r either way.
// `ask` fetches the info (by name, or through the subscription for an ephemeral consumer).
using consumer_info_source = std::function<js_consumer_info_ptr(std::string* why)>;
void expect_consumed(const consumer_info_source& ask, std::uint64_t last_seq, bool acked,
                     clock::time_point deadline, run_result& r);

// The info of the consumer behind a JetStream subscription, or null with the reason.
js_consumer_info_ptr subscription_consumer_info(natsSubscription* sub, std::string* why);

// msgs/s, the client's and server's CPU and the server's CPU per message.
void report_consume_rate(std::uint64_t received, double seconds, const class cpu_meter& cpu, run_result& r);

}  // namespace nats::bench
