#include "js_publisher.hpp"

#include <algorithm>

namespace nats::bench {

js_publish_outcome publish_sync(jsCtx* js, const std::string& subject, std::string_view payload, std::uint64_t count,
                                clock::time_point deadline, std::vector<std::uint64_t>* samples) {
    js_publish_outcome out;
    unsigned consecutive_failures = 0;
    jsPubOptions po;
    jsPubOptions_Init(&po);
    for (std::uint64_t i = 0; i < count; ++i) {
        if (clock::now() >= deadline) {
            out.out_of_time = true;
            break;
        }
        po.MaxWait = std::min<std::int64_t>(5000, ms_until(deadline));
        jsErrCode code{};
        const std::int64_t t0 = now_ns();
        // No ack object wanted: the library still waits for it and checks it for an error.
        const natsStatus s = js_Publish(nullptr, js, subject.c_str(), payload.data(), static_cast<int>(payload.size()),
                                        &po, &code);
        const std::int64_t t1 = now_ns();
        if (s != NATS_OK) {
            ++out.failures;
            out.last_failure = js_failure(s, code);
            if (s == NATS_CONNECTION_CLOSED || ++consecutive_failures == 10) break;
            continue;
        }
        consecutive_failures = 0;
        ++out.published;
        if (samples != nullptr) samples->push_back(static_cast<std::uint64_t>(t1 - t0));
    }
    return out;
}

async_publisher::async_publisher(natsConnection* nc, std::uint64_t window) {
    jsOptions o;
    jsOptions_Init(&o);
    o.PublishAsync.MaxPending = static_cast<std::int64_t>(window);
    o.PublishAsync.ErrHandler = &async_publisher::on_error;
    o.PublishAsync.ErrHandlerClosure = this;
    // A full window waits for acks; on a busy machine a group commit can take a while,
    // so only a server that stopped answering should turn that wait into a failure.
    o.PublishAsync.StallWait = 10'000;
    js_ = jetstream_context(nc, &o);
}

void async_publisher::on_error(jsCtx*, jsPubAckErr* pae, void* self) {
    auto* p = static_cast<async_publisher*>(self);
    p->ack_errors_.fetch_add(1, std::memory_order_relaxed);
    std::lock_guard lock(p->mu_);
    p->last_ack_error_ = js_failure(pae->Err, pae->ErrCode);
    if (pae->ErrText != nullptr) p->last_ack_error_ += std::string(" ") + pae->ErrText;
}

js_publish_outcome async_publisher::publish(const std::string& subject, std::string_view payload,
                                            std::uint64_t count, clock::time_point deadline) {
    js_publish_outcome out;
    const std::uint64_t errors_before = ack_errors_.load();
    for (std::uint64_t i = 0; i < count; ++i) {
        if (clock::now() >= deadline) {
            out.out_of_time = true;
            break;
        }
        const natsStatus s =
            js_PublishAsync(js_.get(), subject.c_str(), payload.data(), static_cast<int>(payload.size()), nullptr);
        if (s != NATS_OK) {
            ++out.failures;
            out.last_failure = js_failure(s, jsErrCode{});
            break;  // a stalled window or a closed connection: the rest would fail the same way
        }
        ++out.published;
    }
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = ms_until(deadline);
    if (const natsStatus s = js_PublishAsyncComplete(js_.get(), &po); s != NATS_OK) {
        out.out_of_time = out.out_of_time || s == NATS_TIMEOUT;
        ++out.failures;
        out.last_failure = std::string("waiting for the last acks: ") + natsStatus_GetText(s);
    }
    const std::uint64_t ack_errors = ack_errors_.load() - errors_before;
    if (ack_errors > 0) {
        out.failures += ack_errors;
        std::lock_guard lock(mu_);
        out.last_failure = last_ack_error_;
    }
    return out;
}

}  // namespace nats::bench
