#include "js_stream.hpp"

#include <unistd.h>

#include <algorithm>
#include <thread>

namespace nats::bench {

js_ctx_ptr jetstream_context(natsConnection* nc, jsOptions* opts) {
    jsCtx* js = nullptr;
    check(natsConnection_JetStream(&js, nc, opts), "natsConnection_JetStream");
    return js_ctx_ptr(js);
}

void wait_for_jetstream(jsCtx* js, clock::time_point deadline) {
    std::string last;
    do {
        jsOptions o;
        jsOptions_Init(&o);
        o.Wait = std::min<std::int64_t>(1000, ms_until(deadline));
        jsAccountInfo* raw = nullptr;
        jsErrCode code{};
        const natsStatus s = js_GetAccountInfo(&raw, js, &o, &code);
        std::unique_ptr<jsAccountInfo, js_deleter> info(raw);
        if (s == NATS_OK) return;
        last = js_failure(s, code);
        if (s == NATS_CONNECTION_CLOSED) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    } while (clock::now() < deadline);
    throw setup_error("JetStream did not answer: " + last);
}

std::string default_stream_name(const config& cfg) {
    return std::string("bench-") + mode_name(cfg.mode) + "-" + std::to_string(::getpid());
}

std::string js_failure(natsStatus s, jsErrCode code) {
    std::string text = natsStatus_GetText(s);
    if (code != 0) text += " (JetStream error " + std::to_string(static_cast<int>(code)) + ")";
    if (const char* last = nats_GetLastError(nullptr); last != nullptr && *last != '\0')
        text += ": " + std::string(last);
    return text;
}

void add_stream(jsCtx* js, const std::string& name, const std::string& subject, storage where) {
    jsStreamConfig sc;
    jsStreamConfig_Init(&sc);
    const char* subjects[] = {subject.c_str()};
    sc.Name = name.c_str();
    sc.Subjects = subjects;
    sc.SubjectsLen = 1;
    sc.Storage = where == storage::memory ? js_MemoryStorage : js_FileStorage;
    jsStreamInfo* raw = nullptr;
    jsErrCode code{};
    const natsStatus s = js_AddStream(&raw, js, &sc, nullptr, &code);
    js_stream_info_ptr info(raw);
    if (s != NATS_OK) throw setup_error("creating stream " + name + ": " + js_failure(s, code));
}

std::optional<std::uint64_t> stream_messages(jsCtx* js, const std::string& name, std::int64_t wait_ms,
                                             std::string* why) {
    jsOptions o;
    jsOptions_Init(&o);
    o.Wait = wait_ms;
    jsStreamInfo* raw = nullptr;
    jsErrCode code{};
    const natsStatus s = js_GetStreamInfo(&raw, js, name.c_str(), &o, &code);
    js_stream_info_ptr info(raw);
    if (s != NATS_OK || !info) {
        if (why != nullptr) *why = js_failure(s, code);
        return std::nullopt;
    }
    return info->State.Msgs;
}

void delete_stream(jsCtx* js, const std::string& name) { (void)js_DeleteStream(js, name.c_str(), nullptr, nullptr); }

}  // namespace nats::bench
