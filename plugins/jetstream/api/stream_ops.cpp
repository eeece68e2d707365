#include "api/stream_ops.hpp"

#include <chrono>

#include <nats_sdk/subject.hpp>

#include "account/js_account.hpp"
#include "api/api_router.hpp"
#include "jetstream_core.hpp"

namespace nmk::jetstream {

namespace {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

bool subjects_overlap(JsAccount& account, const StreamConfig& cfg, const Stream* self) {
    for (const auto& [name, stream] : account.streams()) {
        if (stream.get() == self) continue;
        for (const auto& mine : cfg.subjects) {
            for (const auto& theirs : stream->config().subjects) {
                if (nats_sdk::subject::subjects_collide(mine, theirs)) return true;
            }
        }
    }
    return false;
}

// Account limits a new stream must fit (jsNonClusteredStreamLimitsCheck, checkAllLimits).
std::optional<ApiError> check_new_stream_limits(const JsAccount& account, const StreamConfig& cfg) {
    const auto& limits = account.limits();
    if (limits.max_streams > 0 && static_cast<std::int64_t>(account.streams().size()) >= limits.max_streams)
        return ApiError::of(ErrorId::JSMaximumStreamsLimit);
    const bool memory = cfg.storage == Storage::memory;
    const std::int64_t per_stream = memory ? limits.memory_max_stream_bytes : limits.store_max_stream_bytes;
    if (per_stream > 0 && cfg.max_bytes > per_stream) return ApiError::of(ErrorId::JSStreamMaxStreamBytesExceeded);
    const std::int64_t account_max = memory ? limits.max_memory : limits.max_store;
    if (account_max >= 0 && cfg.max_bytes > account_max)
        return ApiError::with(ErrorId::JSStreamLimits, memory ? "insufficient memory resources available"
                                                              : "insufficient storage resources available");
    return std::nullopt;
}

StreamCheckContext check_context(const ApiRequest& r) { return stream_check_context(r.core, r.account); }

StreamCheckContext stream_check_context(JetStreamCore& core, JsAccount& account) {
    StreamCheckContext ctx;
    JsAccount* a = &account;
    ctx.find_stream = [a](std::string_view name) -> std::optional<StreamConfig> {
        if (Stream* s = a->find(std::string(name))) return s->config();
        return std::nullopt;
    };
    ctx.max_duplicate_window_ns = core.settings().max_duplicate_window_ns;
    ctx.max_bytes_required = account.limits().max_bytes_required;
    return ctx;
}

namespace {

// checkStreamCfg's defaulted config, or the error (in `out`) a single server answers.
std::optional<StreamConfig> checked_config(JetStreamCore& core, JsAccount& account, const StreamConfig& requested,
                                           StreamOpResult& out) {
    auto checked = check_stream_config(requested, stream_check_context(core, account));
    if (auto* e = std::get_if<ApiError>(&checked)) {
        out.error = *e;
        return std::nullopt;
    }
    if (std::get<StreamConfig>(checked).replicas > 1) {
        out.error = ApiError::of(ErrorId::JSStreamReplicasNotSupported);
        return std::nullopt;
    }
    return std::move(std::get<StreamConfig>(checked));
}

}  // namespace

StreamOpResult create_stream(JetStreamCore& core, JsAccount& account, const StreamConfig& requested) {
    StreamOpResult out;
    auto checked = checked_config(core, account, requested, out);
    if (!checked) return out;
    StreamConfig& cfg = *checked;
    if (Stream* existing = account.find(cfg.name)) {
        if (existing->config() == cfg) out.stream = existing;
        else out.error = ApiError::of(ErrorId::JSStreamNameExist);
        return out;
    }
    if (auto e = check_new_stream_limits(account, cfg)) {
        out.error = *e;
        return out;
    }
    if (subjects_overlap(account, cfg, nullptr)) {
        out.error = ApiError::of(ErrorId::JSStreamSubjectOverlap);
        return out;
    }
    try {
        out.stream = &core.add_stream(account, cfg, now_ns());
        out.changed = true;
    } catch (const nats_sdk::store::StoreError& e) {
        core.bus().log(3, "Stream create failed for '" + account.name() + " > " + cfg.name + "': " + e.what());
        out.error = ApiError::with(ErrorId::JSStreamCreate, "error creating store for stream");
    }
    return out;
}

StreamOpResult update_stream(JetStreamCore& core, JsAccount& account, const StreamConfig& requested) {
    StreamOpResult out;
    auto checked = checked_config(core, account, requested, out);
    if (!checked) return out;
    StreamConfig& cfg = *checked;
    Stream* stream = account.find(cfg.name);
    if (stream == nullptr) {
        out.error = ApiError::of(ErrorId::JSStreamNotFound);
        return out;
    }
    if (auto e = check_stream_update(stream->config(), cfg)) {
        out.error = *e;
        return out;
    }
    if (cfg.sealed) {
        // configUpdateCheck's adjustments for a sealed stream.
        cfg.max_age_ns = 0;
        cfg.discard = Discard::new_messages;
        cfg.deny_delete = cfg.deny_purge = true;
        cfg.allow_rollup = false;
    }
    if (subjects_overlap(account, cfg, stream)) {
        out.error = ApiError::of(ErrorId::JSStreamSubjectOverlap);
        return out;
    }
    out.stream = stream;
    if (stream->config() == cfg) return out;
    try {
        core.update_stream(account, *stream, std::move(cfg));
        out.changed = true;
    } catch (const std::exception& e) {
        out.error = ApiError::with(ErrorId::JSStreamUpdate, e.what());
    }
    return out;
}

}  // namespace nmk::jetstream
