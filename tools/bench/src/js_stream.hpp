#pragma once
// JetStream through libnats for the js-* modes: the context, and creating, counting and
// deleting the stream a run publishes to.

#include "clock.hpp"
#include "config.hpp"
#include "nats_handles.hpp"

#include <nats/nats.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace nats::bench {

struct js_deleter {
    void operator()(jsCtx* js) const noexcept { jsCtx_Destroy(js); }
    void operator()(jsStreamInfo* si) const noexcept { jsStreamInfo_Destroy(si); }
    void operator()(jsPubAck* ack) const noexcept { jsPubAck_Destroy(ack); }
    void operator()(jsAccountInfo* ai) const noexcept { jsAccountInfo_Destroy(ai); }
};
using js_ctx_ptr = std::unique_ptr<jsCtx, js_deleter>;
using js_stream_info_ptr = std::unique_ptr<jsStreamInfo, js_deleter>;
using js_pub_ack_ptr = std::unique_ptr<jsPubAck, js_deleter>;

// A JetStream context on nc; opts may be null (libnats' defaults). Throws setup_error.
js_ctx_ptr jetstream_context(natsConnection* nc, jsOptions* opts);

// Waits until the server's JetStream API answers (a server may open its client port
// before JetStream has finished starting). Throws setup_error at the deadline.
void wait_for_jetstream(jsCtx* js, clock::time_point deadline);

// The stream a run uses unless --stream was given: bench-<mode>-<pid>.
std::string default_stream_name(const config& cfg);

// Creates a stream capturing `subject` on the given storage, with nats-server's
// defaults otherwise (limits retention, no limits). Throws setup_error with the
// server's JetStream error code if it refuses.
void add_stream(jsCtx* js, const std::string& name, const std::string& subject, storage where);

// The stream's message count, or nullopt with the reason in *why (no answer in
// wait_ms, not found, not JetStream).
std::optional<std::uint64_t> stream_messages(jsCtx* js, const std::string& name, std::int64_t wait_ms,
                                             std::string* why);

// Deletes the stream; failures are ignored (the run's figures are already taken).
void delete_stream(jsCtx* js, const std::string& name);

// "<libnats status text> (JetStream error <code>)" for a failed js_* call.
std::string js_failure(natsStatus s, jsErrCode code);

}  // namespace nats::bench
