// STREAM.MSG.GET, STREAM.MSG.DELETE and DIRECT.GET, as nats-server 2.9.10 answers them
// (jsMsgGetRequest, jsMsgDeleteRequest, processDirectGetRequest / getDirectRequest).

#include <openssl/evp.h>

#include <nats_sdk/headers.hpp>

#include "api/api_router.hpp"
#include "api/go_decode.hpp"
#include "jetstream_core.hpp"
#include "source/source_link.hpp"
#include "stream/stream_json.hpp"

namespace nmk::jetstream {

namespace {

using nlohmann::ordered_json;
using nats_sdk::store::LoadResult;
using nats_sdk::store::StoredMessage;

// Go's []byte in JSON: standard base64 with padding.
std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(bytes.data()), static_cast<int>(bytes.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

struct GetRequest {
    std::uint64_t sequence = 0;
    std::string last_for;
    std::string next_for;
};

GetRequest read_get_request(const ordered_json& doc) {
    GetRequest req;
    go_decode::members(doc, "request", [&](std::string_view key, const ordered_json& v) {
        if (key == "seq") req.sequence = go_decode::unsigned_int(v, key);
        else if (key == "last_by_subj") req.last_for = go_decode::text(v, key);
        else if (key == "next_by_subj") req.next_for = go_decode::text(v, key);
    });
    return req;
}

// LoadMsg / LoadNextMsg / LoadLastMsg as the request asks.
std::optional<StoredMessage> load(Stream& stream, const GetRequest& req) {
    std::optional<StoredMessage> found;
    const auto keep = [&](const nats_sdk::store::MessageView& m) { found = StoredMessage::copy_of(m); };
    if (req.sequence > 0 && req.next_for.empty()) stream.store().load(req.sequence, keep);
    else if (!req.next_for.empty()) stream.store().load_next(req.sequence, req.next_for, keep);
    else stream.store().load_last(req.last_for, keep);
    return found;
}

}  // namespace

void handle_msg_get(const ApiRequest& r) {
    if (is_empty_request(r.payload)) return r.send_error(ApiError::of(ErrorId::JSBadRequest));
    auto doc = ordered_json::parse(r.payload, nullptr, false);
    GetRequest req;
    try {
        if (doc.is_discarded()) throw std::invalid_argument("bad json");
        req = read_get_request(doc);
    } catch (const std::exception&) {
        return r.send_error(ApiError::of(ErrorId::JSInvalidJSON));
    }
    if ((req.sequence > 0 && !req.last_for.empty()) ||
        (req.sequence == 0 && req.last_for.empty() && req.next_for.empty()) ||
        (!req.last_for.empty() && !req.next_for.empty()))
        return r.send_error(ApiError::of(ErrorId::JSBadRequest));
    Stream* stream = r.account.find(std::string(r.last_token()));
    if (stream == nullptr) return r.send_error(ApiError::of(ErrorId::JSStreamNotFound));
    const auto m = load(*stream, req);
    if (!m) return r.send_error(ApiError::of(ErrorId::JSNoMessageFound));
    auto w = r.begin_response();
    w.key("message").begin_object().field("subject", m->subject).field("seq", m->sequence);
    if (!m->headers.empty()) w.field("hdrs", base64(m->headers));
    if (!m->payload.empty()) w.field("data", base64(m->payload));
    w.field("time", go_time_text(m->time_ns)).end_object().end_object();
    r.send(w.take(), false);
}

void handle_msg_delete(const ApiRequest& r) {
    if (is_empty_request(r.payload)) return r.send_error(ApiError::of(ErrorId::JSBadRequest));
    auto doc = ordered_json::parse(r.payload, nullptr, false);
    std::uint64_t sequence = 0;
    try {
        if (doc.is_discarded()) throw std::invalid_argument("bad json");
        go_decode::members(doc, "request", [&](std::string_view key, const ordered_json& v) {
            if (key == "seq") sequence = go_decode::unsigned_int(v, key);
            else if (key == "no_erase") go_decode::boolean(v, key);  // every removal here is final
        });
    } catch (const std::exception&) {
        return r.send_error(ApiError::of(ErrorId::JSInvalidJSON));
    }
    Stream* stream = r.account.find(std::string(r.last_token()));
    if (stream == nullptr) return r.send_error(ApiError::of(ErrorId::JSStreamNotFound));
    if (stream->config().sealed) return r.send_error(ApiError::of(ErrorId::JSStreamSealed));
    if (stream->config().deny_delete)
        return r.send_error(ApiError::with(ErrorId::JSStreamMsgDeleteFailed, "message delete not permitted"));
    bool removed = false;
    try {
        removed = stream->remove_message(sequence);
    } catch (const std::exception& e) {
        return r.send_error(ApiError::with(ErrorId::JSStreamMsgDeleteFailed, e.what()));
    }
    if (!removed) return r.send_error(ApiError::with(ErrorId::JSSequenceNotFound, std::to_string(sequence)));
    auto w = r.begin_response();
    w.field("success", true).end_object();
    r.send(w.take(), false);
}

namespace {

// mirror_direct: a mirror answers direct gets for its origin's name once it has
// (nearly) caught up with it, as nats-server's subscribeToMirrorDirect (fewer than
// dgetCaughtUpThresh messages behind).
Stream* direct_mirror_of(JsAccount& account, const std::string& origin) {
    constexpr std::uint64_t caught_up_below = 10;
    for (auto& [name, stream] : account.streams()) {
        const StreamConfig& cfg = stream->config();
        if (!cfg.mirror_direct || !cfg.mirror || cfg.mirror->name != origin || stream->source_links().empty()) continue;
        const SourceLink& link = *stream->source_links().front();
        if (!link.consumer.empty() && link.lag < caught_up_below) return stream.get();
    }
    return nullptr;
}

}  // namespace

void handle_direct_get(const ApiRequest& r) {
    // $JS.API.DIRECT.GET.<stream> with a JSON body, or $JS.API.DIRECT.GET.<stream>.<subject>
    // with none. Only streams with allow_direct answer; the others stay silent as a
    // stream that has no direct subscription does.
    constexpr std::string_view prefix = "$JS.API.DIRECT.GET.";
    const std::string_view rest = r.subject.substr(prefix.size());
    const auto dot = rest.find('.');
    const std::string name(rest.substr(0, dot));
    Stream* stream = r.account.find(name);
    if (stream == nullptr || !stream->config().allow_direct) stream = direct_mirror_of(r.account, name);
    if (stream == nullptr || r.reply.empty()) return;
    const auto status = [&](std::string_view block) { r.core.bus().publish(r.account.name(), r.reply, block, {}); };

    GetRequest req;
    if (dot != std::string_view::npos) {
        if (!r.payload.empty()) return status("NATS/1.0 408 Bad Request\r\n\r\n");
        req.last_for = std::string(rest.substr(dot + 1));
        if (req.last_for.empty()) return status("NATS/1.0 408 Bad Request\r\n\r\n");
    } else {
        // processDirectGetRequest's three answers: nothing asked, not JSON of the request's
        // shape, two ways of asking at once.
        if (r.payload.empty()) return status("NATS/1.0 408 Empty Request\r\n\r\n");
        auto doc = ordered_json::parse(r.payload, nullptr, false);
        try {
            if (doc.is_discarded()) throw std::invalid_argument("bad");
            req = read_get_request(doc);
        } catch (const std::exception&) {
            return status("NATS/1.0 408 Malformed Request\r\n\r\n");
        }
        if (req.sequence == 0 && req.last_for.empty() && req.next_for.empty())
            return status("NATS/1.0 408 Empty Request\r\n\r\n");
        if ((req.sequence > 0 && !req.last_for.empty()) || (!req.last_for.empty() && !req.next_for.empty()))
            return status("NATS/1.0 408 Bad Request\r\n\r\n");
    }
    const auto m = load(*stream, req);
    if (!m) return status("NATS/1.0 404 Message Not Found\r\n\r\n");
    std::string headers;
    const std::string stamp = go_time_text(m->time_ns);
    if (m->headers.empty()) {
        headers = "NATS/1.0\r\nNats-Stream: " + stream->name() + "\r\nNats-Subject: " + m->subject +
                  "\r\nNats-Sequence: " + std::to_string(m->sequence) + "\r\nNats-Time-Stamp: " + stamp + "\r\n\r\n";
    } else {
        namespace hn = nats_sdk::header_names;
        headers = nats_sdk::set_header(m->headers, hn::stream, stream->name());
        headers = nats_sdk::set_header(headers, hn::subject, m->subject);
        headers = nats_sdk::set_header(headers, hn::sequence, std::to_string(m->sequence));
        headers = nats_sdk::set_header(headers, hn::time_stamp, stamp);
    }
    r.core.bus().publish(r.account.name(), r.reply, headers, m->payload);
}

}  // namespace nmk::jetstream
