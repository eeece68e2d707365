// STREAM.SNAPSHOT.<stream>: nats-server 2.9.10's jsStreamSnapshotRequest and
// streamSnapshot (server/jetstream_api.go) on the wire, our own bytes inside
// (api/snapshot_format.hpp).
//
// The request is answered with the stream's config and state; then the snapshot goes to
// `deliver_subject` in chunks of `chunk_size` bytes, each with the reply subject
// $JS.SNAPSHOT.ACK.<stream>.<id>.<chunk bytes>.<chunk index>, and ends with an empty
// message without reply. The client acks a chunk by publishing to its reply; as in
// nats-server, when more than 8 MiB are unacked the next chunk waits for an ack, but at
// most 10 ms (so a client that never acks slows the snapshot down, never stalls it).
//
// Consistency while the stream takes publishes: the last sequence is fixed when the
// request is answered and nothing above it is sent; each chunk is read with the core
// held (one worker task per chunk), never the whole stream at once. A message removed
// (by a limit, a delete, a purge) before its chunk is read is simply not in the
// snapshot: its sequence becomes a gap, as if it had gone before the snapshot began. A
// stream deleted meanwhile ends the snapshot without its end record, which a restore
// refuses as truncated.

#include <algorithm>
#include <chrono>

#include <nats_sdk/subject.hpp>

#include "api/api_router.hpp"
#include "api/advisories.hpp"
#include "api/go_decode.hpp"
#include "api/snapshot_format.hpp"
#include "jetstream_core.hpp"
#include "stream/stream_json.hpp"

namespace nmk::jetstream {

namespace {

constexpr std::int64_t default_chunk_size = 128 * 1024;  // defaultSnapshotChunkSize
// nats-server 2.9.10 takes any chunk_size (a negative one panics it); later releases
// clamp it to 1 KiB .. 1 MiB, which is what we do.
constexpr std::int64_t min_chunk_size = 1024;
constexpr std::int64_t max_chunk_size = 1024 * 1024;
constexpr std::int64_t window_bytes = 8 * 1024 * 1024;  // defaultSnapshotWindowSize
constexpr auto ack_wait = std::chrono::milliseconds(10);
// streamSnapshot waits up to 2 s for a subscriber on the deliver subject before the first
// chunk (a client may subscribe just after asking); we look every 20 ms.
constexpr auto interest_wait = std::chrono::seconds(2);
constexpr auto interest_poll = std::chrono::milliseconds(20);

class SnapshotSession final : public ApiSession {
public:
    std::string account;
    std::string stream;
    const Stream* source = nullptr;  // the stream as it was at the request (identity check)
    std::int64_t created_ns = 0;
    std::string deliver;
    std::string ack_prefix;  // $JS.SNAPSHOT.ACK.<stream>.<id>
    std::uint64_t ack_subscription = 0;
    std::size_t chunk_size = 0;
    std::uint64_t next_sequence = 0;
    std::uint64_t end_sequence = 0;  // nothing above it is sent
    snapshot::Encoder encoder;
    std::string pending;  // encoded, not yet sent
    bool encoded_all = false;
    std::int64_t unacked = 0;
    bool waiting = false;            // a delayed pump is scheduled
    std::uint64_t generation = 0;    // only the pump of this generation may send
    std::uint64_t index = 0;
    std::uint64_t bytes_sent = 0;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
    std::int64_t started_ns = 0;  // wall clock, for the advisories
    std::uint64_t client_id = 0;

    void close(JetStreamCore& core) override {
        if (ack_subscription != 0) core.bus().unsubscribe(ack_subscription);
        ack_subscription = 0;
    }
};

std::int64_t unix_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// $JS.EVENT.ADVISORY.STREAM.SNAPSHOT_CREATE|SNAPSHOT_COMPLETE.<stream> (JSSnapshotCreateAdvisory,
// JSSnapshotCompleteAdvisory); `stream` is set for the first, null for the second.
void send_advisory(JetStreamCore& core, const SnapshotSession& s, Stream* stream) {
    nats_sdk::GoJsonWriter w(false);
    typed_event(w, stream ? "io.nats.jetstream.advisory.v1.snapshot_create" : "io.nats.jetstream.advisory.v1.snapshot_complete");
    w.field("stream", s.stream);
    if (stream != nullptr) {
        w.key("state");
        write_stream_state(w, *stream, StreamInfoOptions{});
    } else {
        w.field("start", go_time_text(s.started_ns)).field("end", go_time_text(unix_now_ns()));
    }
    w.key("client");
    write_client_info(w, core, s.account, s.client_id);
    if (!core.settings().domain.empty()) w.field("domain", core.settings().domain);
    w.end_object();
    core.bus().publish(s.account,
                       std::string(stream ? "$JS.EVENT.ADVISORY.STREAM.SNAPSHOT_CREATE." : "$JS.EVENT.ADVISORY.STREAM.SNAPSHOT_COMPLETE.") +
                           s.stream,
                       {}, w.take());
}

SnapshotSession* find_session(JetStreamCore& core, std::uint64_t id) {
    return dynamic_cast<SnapshotSession*>(core.session(id));
}

std::string where(const SnapshotSession& s) { return "'" + s.account + " > " + s.stream + "'"; }

// Encodes messages until a chunk's worth is pending or the end record is written.
// false: the stream is gone (deleted, or deleted and created again).
bool fill(JetStreamCore& core, SnapshotSession& s) {
    JsAccount* account = core.account(s.account);
    Stream* stream = account ? account->find(s.stream) : nullptr;
    if (stream == nullptr || stream != s.source || stream->created_ns() != s.created_ns) return false;
    // The store checks every record it reads and skips a corrupt one (jsck asks for no
    // more): it becomes a gap in the snapshot, and is reported here.
    const std::uint64_t corrupt_before = stream->store().state().corrupt;
    while (s.pending.size() < s.chunk_size && !s.encoded_all) {
        bool found = false;
        if (s.next_sequence <= s.end_sequence) {
            stream->store().load_next(s.next_sequence, {}, [&](const nats_sdk::store::MessageView& m) {
                if (m.sequence > s.end_sequence) return;
                s.encoder.message(s.pending, m);
                s.next_sequence = m.sequence + 1;
                found = true;
            });
        }
        if (!found) {
            // Consumer records go here once consumers exist (issue 14).
            s.encoder.end(s.pending);
            s.encoded_all = true;
        }
    }
    if (const std::uint64_t corrupt = stream->store().state().corrupt - corrupt_before; corrupt > 0) {
        core.bus().log(3, "Snapshot of stream " + where(s) + " skipped " + std::to_string(corrupt) +
                              " corrupt record(s): they are not in the snapshot");
    }
    return true;
}

void finish(JetStreamCore& core, std::uint64_t id, bool complete) {
    SnapshotSession* s = find_session(core, id);
    if (s == nullptr) return;
    // The end-of-snapshot marker: an empty message without reply.
    core.bus().publish(s->account, s->deliver, {}, {});
    send_advisory(core, *s, nullptr);
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - s->started).count();
    if (complete) {
        core.bus().log(2, "Completed snapshot of " + std::to_string(s->bytes_sent) + " bytes for stream " + where(*s) +
                              " in " + std::to_string(ms) + "ms");
    } else {
        core.bus().log(3, "Snapshot of stream " + where(*s) + " ended early: the stream is gone or could not be read");
    }
    core.end_session(id);
}

void pump(JetStreamCore& core, std::uint64_t id, std::uint64_t generation) {
    SnapshotSession* s = find_session(core, id);
    if (s == nullptr || s->generation != generation) return;
    if (s->index == 0 && std::chrono::steady_clock::now() - s->started < interest_wait &&
        !core.bus().has_interest(s->account, s->deliver)) {
        core.bus().post(interest_poll, [id, generation](JetStreamCore& c) { pump(c, id, generation); });
        return;
    }
    s->waiting = false;
    bool ok = false;
    try {
        ok = fill(core, *s);
    } catch (const std::exception& e) {
        core.bus().log(3, "Snapshot of stream " + where(*s) + " failed: " + e.what());
    }
    if (!ok) return finish(core, id, false);
    if (!s->pending.empty()) {
        const std::size_t n = std::min(s->chunk_size, s->pending.size());
        ++s->index;
        const std::string reply = s->ack_prefix + "." + std::to_string(n) + "." + std::to_string(s->index);
        core.bus().publish_with_reply(s->account, s->deliver, reply, std::string_view(s->pending).substr(0, n));
        s->pending.erase(0, n);
        s->unacked += static_cast<std::int64_t>(n);
        s->bytes_sent += n;
    }
    if (s->pending.empty() && s->encoded_all) return finish(core, id, true);
    if (s->unacked > window_bytes) {
        s->waiting = true;
        core.bus().post(ack_wait, [id, generation](JetStreamCore& c) { pump(c, id, generation); });
    } else {
        core.bus().post(std::chrono::milliseconds(0), [id, generation](JetStreamCore& c) { pump(c, id, generation); });
    }
}

// An ack: $JS.SNAPSHOT.ACK.<stream>.<id>.<bytes>.<index> (the bytes are token 6).
void on_ack(JetStreamCore& core, std::uint64_t id, std::string_view subject) {
    SnapshotSession* s = find_session(core, id);
    if (s == nullptr) return;
    std::int64_t bytes = 0;
    for (const char c : nats_sdk::subject::token_at(subject, 6)) {
        if (c < '0' || c > '9' || bytes > max_chunk_size) break;
        bytes = bytes * 10 + (c - '0');
    }
    s->unacked -= bytes;
    if (s->waiting && s->unacked < window_bytes) {
        // Send now instead of at the end of the 10 ms wait: the waiting pump is retired.
        s->waiting = false;
        const std::uint64_t generation = ++s->generation;
        core.bus().post(std::chrono::milliseconds(0), [id, generation](JetStreamCore& c) { pump(c, id, generation); });
    }
}

struct SnapshotRequest {
    std::string deliver_subject;
    bool no_consumers = false;
    std::int64_t chunk_size = 0;
    bool check_messages = false;
};

}  // namespace

void handle_stream_snapshot(const ApiRequest& r) {
    // jsStreamSnapshotRequest's order: empty body, the stream, the JSON, the subject.
    if (is_empty_request(r.payload)) return r.send_error(ApiError::of(ErrorId::JSBadRequest));
    Stream* stream = r.account.find(std::string(r.last_token()));
    if (stream == nullptr) return r.send_error(ApiError::of(ErrorId::JSStreamNotFound));
    SnapshotRequest request;
    try {
        const auto body = nlohmann::ordered_json::parse(r.payload);
        go_decode::members(body, "request", [&](std::string_view key, const nlohmann::ordered_json& v) {
            if (key == "deliver_subject") request.deliver_subject = go_decode::text(v, key);
            else if (key == "no_consumers") request.no_consumers = go_decode::boolean(v, key);
            else if (key == "chunk_size") request.chunk_size = go_decode::signed_int(v, key, 64);
            else if (key == "jsck") request.check_messages = go_decode::boolean(v, key);
        });
    } catch (const std::exception&) {
        return r.send_error(ApiError::of(ErrorId::JSInvalidJSON));
    }
    if (!nats_sdk::subject::is_valid_subject(request.deliver_subject))
        return r.send_error(ApiError::of(ErrorId::JSSnapshotDeliverSubjectInvalid));

    const auto state = stream->store().state();
    auto w = r.begin_response();
    w.key("config");
    write_stream_config(w, stream->config());
    w.key("state");
    write_stream_state(w, *stream, StreamInfoOptions{});
    w.end_object();
    r.send(w.take(), false);

    auto session = std::make_unique<SnapshotSession>();
    SnapshotSession& s = *session;
    s.account = r.account.name();
    s.stream = stream->name();
    s.source = stream;
    s.created_ns = stream->created_ns();
    s.started_ns = unix_now_ns();
    s.client_id = r.client_id;
    s.deliver = request.deliver_subject;
    s.ack_prefix = "$JS.SNAPSHOT.ACK." + s.stream + "." + next_event_id();
    s.chunk_size = static_cast<std::size_t>(
        std::clamp(request.chunk_size == 0 ? default_chunk_size : request.chunk_size, min_chunk_size, max_chunk_size));
    s.end_sequence = state.last_sequence;
    s.next_sequence = std::max<std::uint64_t>(state.first_sequence, 1);
    snapshot::StreamRecord record;
    {
        nats_sdk::GoJsonWriter config(false);
        write_stream_config(config, stream->config());
        record.config = nlohmann::ordered_json::parse(config.take());
    }
    record.created_ns = stream->created_ns();
    record.first_sequence = state.first_sequence;
    record.last_sequence = state.last_sequence;
    record.last_time_ns = state.last_time_ns;
    s.encoder.begin(s.pending, record);

    send_advisory(r.core, s, stream);
    const std::uint64_t id = r.core.add_session(std::move(session));
    s.ack_subscription = r.core.bus().subscribe(
        s.account, s.ack_prefix + ".>",
        [id](JetStreamCore& core, std::string_view subject, std::string_view, std::string_view) { on_ack(core, id, subject); });
    r.core.bus().log(2, std::string(request.check_messages ? "Starting health check and snapshot" : "Starting snapshot") +
                            " for stream " + where(s));
    r.core.bus().post(std::chrono::milliseconds(0), [id](JetStreamCore& core) { pump(core, id, 0); });
}

}  // namespace nmk::jetstream
