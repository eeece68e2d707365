#pragma once
// Publishing to a stream the two ways an application does: one js_Publish at a time
// (each waits for its ack), or js_PublishAsync with a bounded window of acks
// outstanding, then js_PublishAsyncComplete.

#include "clock.hpp"
#include "js_stream.hpp"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace nats::bench {

struct js_publish_outcome {
    std::uint64_t published = 0;  // accepted by the library (sync: acknowledged)
    std::uint64_t failures = 0;   // refused, timed out, or acknowledged with an error
    std::string last_failure;
    bool out_of_time = false;
};

// js_Publish `count` times, each waiting for its ack. Stops at the deadline or after
// 10 failures in a row. Appends each publish's round trip (ns) to samples if given.
js_publish_outcome publish_sync(jsCtx* js, const std::string& subject, std::string_view payload, std::uint64_t count,
                                clock::time_point deadline, std::vector<std::uint64_t>* samples);

// A JetStream context whose async publishes keep at most `window` acks outstanding.
// The library blocks a publish while the window is full (up to the stall wait).
class async_publisher {
public:
    async_publisher(natsConnection* nc, std::uint64_t window);
    async_publisher(const async_publisher&) = delete;
    async_publisher& operator=(const async_publisher&) = delete;

    jsCtx* context() const { return js_.get(); }

    // Publishes `count` messages and waits until every ack arrived (or the deadline).
    js_publish_outcome publish(const std::string& subject, std::string_view payload, std::uint64_t count,
                               clock::time_point deadline);

private:
    static void on_error(jsCtx* js, jsPubAckErr* pae, void* self);

    std::atomic<std::uint64_t> ack_errors_{0};
    std::mutex mu_;
    std::string last_ack_error_;  // guarded by mu_
    js_ctx_ptr js_;               // last: its callbacks use the members above
};

}  // namespace nats::bench
