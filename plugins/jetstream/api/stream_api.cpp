// STREAM.CREATE|UPDATE|INFO|DELETE|NAMES|LIST|PURGE, as nats-server 2.9.10's
// jsStream*Request handlers answer them on a single server (server/jetstream_api.go).

#include <chrono>
#include <map>

#include <nats_sdk/subject.hpp>

#include "api/advisories.hpp"
#include "api/api_router.hpp"
#include "api/go_decode.hpp"
#include "api/stream_ops.hpp"
#include "jetstream_core.hpp"
#include "stream/stream_check.hpp"
#include "stream/stream_json.hpp"

namespace nmk::jetstream {

namespace {

using nlohmann::ordered_json;

constexpr int names_limit = 1024;         // JSApiNamesLimit
constexpr int list_limit = 256;           // JSApiListLimit
constexpr int max_subject_details = 100'000;  // JSMaxSubjectDetails

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
    const StreamOpResult result = create_stream(r.core, r.account, requested);
    if (result.error) return r.send_error(*result.error);
    write_create_response(r, *result.stream, true);  // 2.9.10 says did_create for an identical existing one too
    if (result.changed) send_stream_action(r.core, r.account.name(), result.stream->name(), StreamAction::create);
}

void handle_stream_update(const ApiRequest& r) {
    auto parsed = read_stream_config(r);
    if (!parsed) return;
    StreamConfig& requested = *parsed;
    if (r.last_token() != requested.name) {
        // Checked after the config checks, as nats-server does.
        auto checked = check_stream_config(requested, stream_check_context(r.core, r.account));
        if (auto* e = std::get_if<ApiError>(&checked)) return r.send_error(*e);
        return r.send_error(ApiError::of(ErrorId::JSStreamMismatch));
    }
    const StreamOpResult result = update_stream(r.core, r.account, requested);
    if (result.error) return r.send_error(*result.error);
    auto w = r.begin_response();
    write_stream_info_members(w, *result.stream, StreamInfoOptions{});
    w.end_object();
    r.send(w.take(), false);
    send_stream_action(r.core, r.account.name(), result.stream->name(), StreamAction::modify);
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
