// STREAM.RESTORE.<stream>: nats-server 2.9.10's jsStreamRestoreRequest and
// processStreamRestore (server/jetstream_api.go) on the wire; the content is our
// snapshot format (api/snapshot_format.hpp).
//
// The request (config and state) is checked as a create would be and answered with
// `deliver_subject` ($JS.SNAPSHOT.RESTORE.<stream>.<id>). The client sends the snapshot
// there in chunks, each with a reply subject, answered by an empty message once the
// chunk is staged; an empty chunk ends the upload and its reply gets the result: the
// StreamInfo (type stream_create_response) or an error. Chunks are staged in a file
// under <store_dir>/.snap-staging (nats-server's folder), so memory does not grow with
// the snapshot. A restore idle for 5 s is dropped without an answer, as nats-server's
// "is stalled"; so is one whose chunk comes without a reply subject.
//
// Nothing is half-created: the staged snapshot is first read whole (every checksum,
// the end record) and only then is the stream created and filled, all in one worker
// task with the core held, so no request or publish sees it before it is complete; a
// failure while filling deletes it again.

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>

#include "api/advisories.hpp"
#include "api/api_router.hpp"
#include "api/go_decode.hpp"
#include "api/snapshot_format.hpp"
#include "jetstream_core.hpp"
#include "stream/stream_json.hpp"

namespace nmk::jetstream {

namespace {

constexpr auto idle_limit = std::chrono::seconds(5);  // processStreamRestore's activityInterval
constexpr std::string_view create_type = "io.nats.jetstream.api.v1.stream_create_response";

std::int64_t unix_now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

class RestoreSession final : public ApiSession {
public:
    std::string account;
    StreamConfig config;
    std::string path;  // the staging file
    std::FILE* file = nullptr;
    std::uint64_t subscription = 0;
    std::uint64_t total = 0;
    std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point started = last_activity;
    std::int64_t started_ns = unix_now_ns();  // wall clock, for the advisories
    std::uint64_t client_id = 0;

    void close(JetStreamCore& core) override {
        if (subscription != 0) core.bus().unsubscribe(subscription);
        subscription = 0;
        if (file != nullptr) std::fclose(file);
        file = nullptr;
        if (!path.empty()) ::unlink(path.c_str());
        path.clear();
    }
};

RestoreSession* find_session(JetStreamCore& core, std::uint64_t id) {
    return dynamic_cast<RestoreSession*>(core.session(id));
}

// $JS.EVENT.ADVISORY.STREAM.RESTORE_CREATE|RESTORE_COMPLETE.<stream> (JSRestoreCreateAdvisory,
// JSRestoreCompleteAdvisory), sent when the restore starts and when it gets its result.
void send_advisory(JetStreamCore& core, const RestoreSession& s, bool complete) {
    nats_sdk::GoJsonWriter w(false);
    typed_event(w, complete ? "io.nats.jetstream.advisory.v1.restore_complete" : "io.nats.jetstream.advisory.v1.restore_create");
    w.field("stream", s.config.name);
    if (complete)
        w.field("start", go_time_text(s.started_ns)).field("end", go_time_text(unix_now_ns())).field("bytes", s.total);
    w.key("client");
    write_client_info(w, core, s.account, s.client_id);
    if (!core.settings().domain.empty()) w.field("domain", core.settings().domain);
    w.end_object();
    core.bus().publish(s.account,
                       std::string(complete ? "$JS.EVENT.ADVISORY.STREAM.RESTORE_COMPLETE." : "$JS.EVENT.ADVISORY.STREAM.RESTORE_CREATE.") +
                           s.config.name,
                       {}, w.take());
}

std::string where(const RestoreSession& s) { return "'" + s.account + " > " + s.config.name + "'"; }

// The answer to the last chunk: an error, as NewJSStreamRestoreError(err, Unless(err)).
void answer_error(JetStreamCore& core, const std::string& account, std::string_view reply, const ApiError& error) {
    nats_sdk::GoJsonWriter w(false);
    w.begin_object().field("type", create_type).key("error");
    error.write(w);
    w.end_object();
    core.bus().publish(account, reply, {}, w.take());
}

// Makes every append so far durable before the stream is announced.
void sync_and_wait(Stream& stream) {
    auto done = std::make_shared<std::promise<std::string>>();
    auto result = done->get_future();
    stream.store().sync([done](nmk_store_status status, std::string_view error) {
        done->set_value(status == NMK_STORE_OK ? std::string() : std::string(error.empty() ? "sync failed" : error));
    });
    const std::string error = result.get();
    if (!error.empty()) throw nats_sdk::store::StoreError(NMK_STORE_IO_ERROR, error);
}

snapshot::Decoder decoder_for(std::FILE* file) {
    std::rewind(file);
    return snapshot::Decoder([file](char* into, std::size_t n) { return std::fread(into, 1, n, file); });
}

// Writes the staged messages into the new stream at their own sequences (the store
// takes a first append above 1, and gaps), and restores a last sequence whose message
// is gone (or an emptied stream's) through a placeholder removed again: remove keeps
// last_sequence and last_time_ns, and leaves first_sequence at last + 1 when empty.
void fill(Stream& stream, std::FILE* file) {
    auto decoder = decoder_for(file);
    const snapshot::StreamRecord record = decoder.begin();
    auto& store = stream.store();
    std::uint64_t last = 0;
    nats_sdk::store::StoredMessage m;
    std::string consumer;
    while (decoder.next(m, consumer) != snapshot::Decoder::Item::end) {
        store.append(m.sequence, m.time_ns, m.subject, m.headers, m.payload);
        last = m.sequence;
    }
    if (record.last_sequence > last) {
        store.append(record.last_sequence, record.last_time_ns, "_", {}, {});
        store.remove(record.last_sequence);
    }
    sync_and_wait(stream);
    // Consumers may deliver all of it now: it is on disk.
    stream.durable_marker()->store(store.state().last_sequence);
}

void finalize(JetStreamCore& core, std::uint64_t id, std::string_view reply) {
    RestoreSession* s = find_session(core, id);
    if (s == nullptr) return;
    const std::string account_name = s->account;
    const StreamConfig cfg = s->config;
    try {
        send_advisory(core, *s, true);
        if (std::fflush(s->file) != 0) throw snapshot::FormatError("could not stage the snapshot");
        // Read it all once before anything is created: a corrupt or truncated snapshot
        // is refused here.
        auto decoder = decoder_for(s->file);
        const snapshot::StreamRecord record = decoder.begin();
        if (record.config.value("name", std::string()) != cfg.name) throw snapshot::FormatError("stream names do not match");
        nats_sdk::store::StoredMessage m;
        std::string consumer;
        for (;;) {
            const auto item = decoder.next(m, consumer);
            if (item == snapshot::Decoder::Item::end) break;
            if (item == snapshot::Decoder::Item::consumer)
                throw snapshot::FormatError("the snapshot holds consumers, which this server cannot restore yet");
        }
        JsAccount* account = core.account(account_name);
        if (account == nullptr) throw ApiError::of(ErrorId::JSNotEnabledForAccount);
        if (account->find(cfg.name) != nullptr) throw ApiError::of(ErrorId::JSStreamNameExistRestoreFailed);
        if (auto e = check_new_stream_limits(*account, cfg)) throw *e;
        if (subjects_overlap(*account, cfg, nullptr)) throw ApiError::of(ErrorId::JSStreamSubjectOverlap);
        if (auto e = core.check_storage(*account, cfg.storage, decoder.message_bytes())) throw *e;

        Stream& stream = core.add_stream(*account, cfg, record.created_ns);
        try {
            fill(stream, s->file);
        } catch (...) {
            core.delete_stream(*account, cfg.name);
            throw;
        }
        stream.rebuild_dedup(unix_now_ns());
        nats_sdk::GoJsonWriter w(false);
        w.begin_object().field("type", create_type);
        write_stream_info_members(w, stream, StreamInfoOptions{});
        w.end_object();
        core.bus().publish(account_name, reply, {}, w.take());
        send_stream_action(core, account_name, cfg.name, StreamAction::create);  // as addStream does
        const auto ms =
            std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - s->started).count();
        core.bus().log(2, "Completed restore of " + std::to_string(s->total) + " bytes for stream " + where(*s) + " in " +
                              std::to_string(ms) + "ms");
    } catch (const ApiError& e) {
        core.bus().log(3, "Restore failed for stream " + where(*s) + ": " + e.description);
        answer_error(core, account_name, reply, e);
    } catch (const std::exception& e) {
        core.bus().log(3, "Restore failed for stream " + where(*s) + ": " + e.what());
        answer_error(core, account_name, reply, ApiError::with(ErrorId::JSStreamRestore, e.what()));
    }
    core.end_session(id);
}

void on_chunk(JetStreamCore& core, std::uint64_t id, std::string_view reply, std::string_view chunk) {
    RestoreSession* s = find_session(core, id);
    if (s == nullptr) return;
    s->last_activity = std::chrono::steady_clock::now();
    if (reply.empty()) {
        core.bus().log(3, "restore for stream " + where(*s) + " requires reply subject for each chunk");
        return core.end_session(id);
    }
    if (chunk.empty()) return finalize(core, id, reply);
    s->total += chunk.size();
    // processChunk's js.wouldExceedLimits(FileStorage, total), done right: 2.9.10 compares
    // used > max + total, which never fires; here the chunks must fit what is left.
    const std::int64_t max_store = core.server_max_store();
    if (max_store >= 0 && core.total_store_bytes() + s->total > static_cast<std::uint64_t>(max_store)) {
        core.bus().log(3, "JetStream resource limits exceeded for server (restore of stream " + where(*s) + ")");
        answer_error(core, s->account, reply, ApiError::of(ErrorId::JSInsufficientResources));
        return core.end_session(id);
    }
    // Written through to the file before the ack (as nats-server's tfile.Write), so a
    // full disk is reported on the chunk that met it.
    if (std::fwrite(chunk.data(), 1, chunk.size(), s->file) != chunk.size() || std::fflush(s->file) != 0) {
        answer_error(core, s->account, reply, ApiError::with(ErrorId::JSStreamRestore, "storage failure during restore"));
        return core.end_session(id);
    }
    core.bus().publish(s->account, reply, {}, {});
}

// Drops the restore once it has been idle for idle_limit.
void watch_idle(JetStreamCore& core, std::uint64_t id) {
    RestoreSession* s = find_session(core, id);
    if (s == nullptr) return;
    const auto idle = std::chrono::steady_clock::now() - s->last_activity;
    if (idle >= idle_limit) {
        core.bus().log(3, "restore for stream " + where(*s) + " is stalled");
        return core.end_session(id);
    }
    core.bus().post(std::chrono::duration_cast<std::chrono::milliseconds>(idle_limit - idle) + std::chrono::milliseconds(1),
                    [id](JetStreamCore& c) { watch_idle(c, id); });
}

void write_empty_deliver_subject(nats_sdk::GoJsonWriter& w) { w.field("deliver_subject", ""); }

// A staging file under <store_dir>/.snap-staging; empty when it cannot be made.
std::pair<std::string, std::FILE*> staging_file(const std::string& store_dir) {
    std::error_code ec;
    const std::filesystem::path dir = std::filesystem::path(store_dir) / ".snap-staging";
    std::filesystem::create_directories(dir, ec);
    std::string path = (dir / "js-restore-XXXXXX").string();
    const int fd = ::mkstemp(path.data());
    if (fd < 0) return {};
    std::FILE* file = ::fdopen(fd, "w+b");
    if (file == nullptr) {
        ::close(fd);
        ::unlink(path.c_str());
        return {};
    }
    return {path, file};
}

}  // namespace

void handle_stream_restore(const ApiRequest& r) {
    const auto fail = [&](const ApiError& e) { r.send_error(e, write_empty_deliver_subject); };
    if (is_empty_request(r.payload)) return fail(ApiError::of(ErrorId::JSBadRequest));
    StreamConfig requested;
    try {
        const auto body = nlohmann::ordered_json::parse(r.payload);
        go_decode::members(body, "request", [&](std::string_view key, const nlohmann::ordered_json& v) {
            if (key == "config") requested = stream_config_from_json(v);
            else if (key == "state") go_decode::members(v, key, [](std::string_view, const auto&) {});
        });
    } catch (const std::exception&) {
        return fail(ApiError::of(ErrorId::JSInvalidJSON));
    }
    // As nats-server: the subject's name fills an empty config name, but a config name
    // that differs wins (and the existence check below still looks at the subject's).
    const std::string subject_name(r.last_token());
    if (requested.name.empty()) requested.name = subject_name;
    auto checked = check_stream_config(requested, check_context(r));
    if (auto* e = std::get_if<ApiError>(&checked)) return fail(*e);
    StreamConfig& cfg = std::get<StreamConfig>(checked);
    if (cfg.replicas > 1) return fail(ApiError::of(ErrorId::JSStreamReplicasNotSupported));
    if (cfg.mirror || !cfg.sources.empty())
        return fail(ApiError::with(ErrorId::JSStreamCreate, "stream mirrors and sources are not supported yet"));
    if (auto e = check_new_stream_limits(r.account, cfg)) return fail(*e);
    if (r.account.find(subject_name) != nullptr) return fail(ApiError::of(ErrorId::JSStreamNameExistRestoreFailed));

    auto [path, file] = staging_file(r.core.settings().store_dir);
    if (file == nullptr) return fail(ApiError::of(ErrorId::JSTempStorageFailed));
    auto session = std::make_unique<RestoreSession>();
    RestoreSession& s = *session;
    s.account = r.account.name();
    s.config = cfg;
    s.path = path;
    s.file = file;
    s.client_id = r.client_id;
    const std::string deliver = "$JS.SNAPSHOT.RESTORE." + cfg.name + "." + next_event_id();
    const std::uint64_t id = r.core.add_session(std::move(session));
    s.subscription = r.core.bus().subscribe(
        s.account, deliver, [id](JetStreamCore& core, std::string_view, std::string_view reply, std::string_view payload) {
            on_chunk(core, id, reply, payload);
        });
    r.core.bus().log(2, "Starting restore for stream " + where(s));
    send_advisory(r.core, s, false);

    auto w = r.begin_response();
    w.field("deliver_subject", deliver).end_object();
    r.send(w.take(), false);
    r.core.bus().post(std::chrono::duration_cast<std::chrono::milliseconds>(idle_limit),
                      [id](JetStreamCore& core) { watch_idle(core, id); });
}

}  // namespace nmk::jetstream
