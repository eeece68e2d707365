// STREAM.CREATE|UPDATE|INFO|DELETE|NAMES|LIST|PURGE, as nats-server 2.9.10's
// jsStream*Request handlers answer them on a single server (server/jetstream_api.go).

#include <chrono>
#include <map>

#include <nats_sdk/subject.hpp>

#include "api/advisories.hpp"
#include "api/api_router.hpp"
#include "api/go_decode.hpp"
#include "jetstream_core.hpp"
#include "stream/stream_check.hpp"
#include "stream/stream_json.hpp"

namespace nmk::jetstream {

namespace {

using nlohmann::ordered_json;

constexpr int names_limit = 1024;         // JSApiNamesLimit
constexpr int list_limit = 256;           // JSApiListLimit
constexpr int max_subject_details = 100'000;  // JSMaxSubjectDetails

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The body parsed as JSON, or nullopt after answering "invalid JSON".
std::optional<ordered_json> parse_body(const ApiRequest& r, void (*more)(nats_sdk::GoJsonWriter&) = nullptr) {
    auto doc = ordered_json::parse(r.payload, nullptr, false);
    if (doc.is_discarded()) {
        r.send_error(ApiError::of(ErrorId::JSInvalidJSON), more);
        return std::nullopt;
    }
    return doc;
}

void paged_zero(nats_sdk::GoJsonWriter& w) { w.field("total", 0).field("offset", 0).field("limit", 0); }
void purged_zero(nats_sdk::GoJsonWriter& w) { w.field("purged", 0); }

}  // namespace

StreamCheckContext check_context(const ApiRequest& r) {
    StreamCheckContext ctx;
    JsAccount* account = &r.account;
    ctx.find_stream = [account](std::string_view name) -> std::optional<StreamConfig> {
        if (Stream* s = account->find(std::string(name))) return s->config();
        return std::nullopt;
    };
    ctx.max_duplicate_window_ns = r.core.settings().max_duplicate_window_ns;
    ctx.max_bytes_required = r.account.limits().max_bytes_required;
    return ctx;
}

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

namespace {

void write_create_response(const ApiRequest& r, Stream& stream, bool did_create) {
    auto w = r.begin_response();
    write_stream_info_members(w, stream, StreamInfoOptions{});
    if (did_create) w.field("did_create", true);
    w.end_object();
    r.send(w.take(), false);
}

// The request body as a StreamConfig, or nullopt after answering "invalid JSON".
std::optional<StreamConfig> read_stream_config(const ApiRequest& r) {
    auto body = parse_body(r);
    if (!body) return std::nullopt;
    try {
        return stream_config_from_json(*body);
    } catch (const std::exception&) {
        r.send_error(ApiError::of(ErrorId::JSInvalidJSON));
        return std::nullopt;
    }
}

}  // namespace

void handle_stream_create(const ApiRequest& r) {
    auto parsed = read_stream_config(r);
    if (!parsed) return;
    StreamConfig& requested = *parsed;
    if (r.last_token() != requested.name) return r.send_error(ApiError::of(ErrorId::JSStreamMismatch));
    if (requested.name.find_first_of("\\/") != std::string::npos)
        return r.send_error(ApiError::of(ErrorId::JSStreamNameContainsPathSeparators));
    if (requested.sealed)
        return r.send_error(ApiError::with(ErrorId::JSStreamInvalidConfig, "stream configuration for create can not be sealed"));
    if (requested.mirror_direct && !requested.mirror)
        return r.send_error(ApiError::with(ErrorId::JSStreamInvalidConfig, "stream has no mirror but does have mirror direct"));

    auto checked = check_stream_config(requested, check_context(r));
    if (auto* e = std::get_if<ApiError>(&checked)) return r.send_error(*e);
    StreamConfig& cfg = std::get<StreamConfig>(checked);
    if (cfg.replicas > 1) return r.send_error(ApiError::of(ErrorId::JSStreamReplicasNotSupported));

    if (Stream* existing = r.account.find(cfg.name)) {
        if (existing->config() == cfg) return write_create_response(r, *existing, true);  // 2.9.10 says did_create here too
        return r.send_error(ApiError::of(ErrorId::JSStreamNameExist));
    }
    if (auto e = check_new_stream_limits(r.account, cfg)) return r.send_error(*e);
    if (subjects_overlap(r.account, cfg, nullptr)) return r.send_error(ApiError::of(ErrorId::JSStreamSubjectOverlap));
    try {
        Stream& stream = r.core.add_stream(r.account, cfg, now_ns());
        write_create_response(r, stream, true);
        send_stream_action(r.core, r.account.name(), cfg.name, StreamAction::create);
    } catch (const nats_sdk::store::StoreError& e) {
        r.core.bus().log(3, "Stream create failed for '" + r.account.name() + " > " + cfg.name + "': " + e.what());
        r.send_error(ApiError::with(ErrorId::JSStreamCreate, "error creating store for stream"));
    }
}

void handle_stream_update(const ApiRequest& r) {
    auto parsed = read_stream_config(r);
    if (!parsed) return;
    StreamConfig& requested = *parsed;
    auto checked = check_stream_config(requested, check_context(r));
    if (auto* e = std::get_if<ApiError>(&checked)) return r.send_error(*e);
    StreamConfig& cfg = std::get<StreamConfig>(checked);
    if (r.last_token() != cfg.name) return r.send_error(ApiError::of(ErrorId::JSStreamMismatch));
    Stream* stream = r.account.find(cfg.name);
    if (stream == nullptr) return r.send_error(ApiError::of(ErrorId::JSStreamNotFound));
    if (cfg.replicas > 1) return r.send_error(ApiError::of(ErrorId::JSStreamReplicasNotSupported));
    if (auto e = check_stream_update(stream->config(), cfg)) return r.send_error(*e);
    if (cfg.sealed) {
        // configUpdateCheck's adjustments for a sealed stream.
        cfg.max_age_ns = 0;
        cfg.discard = Discard::new_messages;
        cfg.deny_delete = cfg.deny_purge = true;
        cfg.allow_rollup = false;
    }
    if (subjects_overlap(r.account, cfg, stream)) return r.send_error(ApiError::of(ErrorId::JSStreamSubjectOverlap));
    try {
        r.core.update_stream(r.account, *stream, std::move(cfg));
    } catch (const std::exception& e) {
        return r.send_error(ApiError::with(ErrorId::JSStreamUpdate, e.what()));
    }
    auto w = r.begin_response();
    write_stream_info_members(w, *stream, StreamInfoOptions{});
    w.end_object();
    r.send(w.take(), false);
    send_stream_action(r.core, r.account.name(), stream->name(), StreamAction::modify);
}

void handle_stream_info(const ApiRequest& r) {
    StreamInfoOptions options;
    int offset = 0;
    if (!is_empty_request(r.payload)) {
        auto body = parse_body(r, paged_zero);
        if (!body) return;
        try {
            go_decode::members(*body, "request", [&](std::string_view key, const ordered_json& v) {
                if (key == "deleted_details") options.deleted_details = go_decode::boolean(v, key);
                else if (key == "subjects_filter") options.subjects_filter = go_decode::text(v, key);
                else if (key == "offset") offset = static_cast<int>(go_decode::signed_int(v, key, 64));
            });
        } catch (const std::exception&) {
            return r.send_error(ApiError::of(ErrorId::JSInvalidJSON), paged_zero);
        }
    }
    Stream* stream = r.account.find(std::string(r.last_token()));
    if (stream == nullptr) return r.send_error(ApiError::of(ErrorId::JSStreamNotFound), paged_zero);

    int total = 0;
    if (!options.subjects_filter.empty()) {
        stream->store().subjects_state(options.subjects_filter, [&](std::string_view, const auto&) { ++total; });
    }
    auto w = r.begin_response();
    if (total > 0) {
        w.field("total", total).field("offset", std::min(offset, total)).field("limit", max_subject_details);
    } else {
        paged_zero(w);
    }
    write_stream_info_members(w, *stream, options);
    w.end_object();
    r.send(w.take(), false);
}

void handle_stream_delete(const ApiRequest& r) {
    const std::string name(r.last_token());
    if (r.account.find(name) == nullptr) return r.send_error(ApiError::of(ErrorId::JSStreamNotFound));
    try {
        r.core.delete_stream(r.account, name);
    } catch (const std::exception& e) {
        return r.send_error(ApiError::with(ErrorId::JSStreamDelete, e.what()));
    }
    auto w = r.begin_response();
    w.field("success", true).end_object();
    r.send(w.take(), false);
    send_stream_action(r.core, r.account.name(), name, StreamAction::remove);
}

namespace {

// The offset and subject filter of a NAMES or LIST request; false after answering an error.
bool read_paged_filter(const ApiRequest& r, int& offset, std::string& filter) {
    if (is_empty_request(r.payload)) return true;
    auto body = parse_body(r);
    if (!body) return false;
    try {
        go_decode::members(*body, "request", [&](std::string_view key, const ordered_json& v) {
            if (key == "offset") offset = static_cast<int>(go_decode::signed_int(v, key, 64));
            else if (key == "subject") filter = go_decode::text(v, key);
        });
    } catch (const std::exception&) {
        r.send_error(ApiError::of(ErrorId::JSInvalidJSON));
        return false;
    }
    return true;
}

std::vector<Stream*> filtered_streams(JsAccount& account, const std::string& filter) {
    std::vector<Stream*> out;  // sorted by name: the account's map is
    for (auto& [name, stream] : account.streams()) {
        bool keep = filter.empty();
        for (const auto& s : stream->config().subjects) keep = keep || nats_sdk::subject::subjects_collide(filter, s);
        if (keep) out.push_back(stream.get());
    }
    return out;
}

}  // namespace

void handle_stream_names(const ApiRequest& r) {
    int offset = 0;
    std::string filter;
    if (!read_paged_filter(r, offset, filter)) return;
    const auto streams = filtered_streams(r.account, filter);
    const int total = static_cast<int>(streams.size());
    offset = std::clamp(offset, 0, total);
    auto w = r.begin_response();
    w.field("total", total).field("offset", offset).field("limit", names_limit).key("streams");
    if (offset >= total) {
        w.null();  // Go's nil slice
    } else {
        w.begin_array();
        for (int i = offset; i < total && i - offset < names_limit; ++i) w.value(streams[i]->name());
        w.end_array();
    }
    w.end_object();
    r.send(w.take(), false);
}

void handle_stream_list(const ApiRequest& r) {
    int offset = 0;
    std::string filter;
    if (!read_paged_filter(r, offset, filter)) return;
    const auto streams = filtered_streams(r.account, filter);
    const int total = static_cast<int>(streams.size());
    offset = std::clamp(offset, 0, total);
    auto w = r.begin_response();
    w.field("total", total).field("offset", offset).field("limit", list_limit).key("streams").begin_array();
    for (int i = offset; i < total && i - offset < list_limit; ++i) write_stream_info(w, *streams[i], StreamInfoOptions{});
    w.end_array().end_object();
    r.send(w.take(), false);
}

void handle_stream_purge(const ApiRequest& r) {
    std::string filter;
    std::uint64_t sequence = 0;
    std::uint64_t keep = 0;
    if (!is_empty_request(r.payload)) {
        auto body = parse_body(r, purged_zero);
        if (!body) return;
        try {
            go_decode::members(*body, "request", [&](std::string_view key, const ordered_json& v) {
                if (key == "filter") filter = go_decode::text(v, key);
                else if (key == "seq") sequence = go_decode::unsigned_int(v, key);
                else if (key == "keep") keep = go_decode::unsigned_int(v, key);
            });
        } catch (const std::exception&) {
            return r.send_error(ApiError::of(ErrorId::JSInvalidJSON), purged_zero);
        }
        if (sequence > 0 && keep > 0) return r.send_error(ApiError::of(ErrorId::JSBadRequest), purged_zero);
    }
    Stream* stream = r.account.find(std::string(r.last_token()));
    if (stream == nullptr) return r.send_error(ApiError::of(ErrorId::JSStreamNotFound), purged_zero);
    if (stream->config().sealed) return r.send_error(ApiError::of(ErrorId::JSStreamSealed), purged_zero);
    if (stream->config().deny_purge)
        return r.send_error(ApiError::with(ErrorId::JSStreamPurgeFailed, "stream purge not permitted"), purged_zero);
    std::uint64_t purged = 0;
    try {
        purged = stream->purge(filter, sequence, keep);
    } catch (const std::exception& e) {
        return r.send_error(ApiError::with(ErrorId::JSStreamGeneralError, e.what()), purged_zero);
    }
    auto w = r.begin_response();
    w.field("success", true).field("purged", purged).end_object();
    r.send(w.take(), false);
}

}  // namespace nmk::jetstream
