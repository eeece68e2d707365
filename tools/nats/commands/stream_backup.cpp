// nats stream view | backup | restore: natscli 0.0.35's verbs that move a
// stream's messages: paging through them, and snapshots over the JetStream
// API (STREAM.SNAPSHOT to a directory holding backup.json and stream.tar.s2,
// as jsm.go's SnapshotToDirectory writes it; STREAM.RESTORE from one).
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "headers.hpp"
#include "jetstream_session.hpp"
#include "json_fields.hpp"
#include "stream_report.hpp"
#include "subscriptions.hpp"
#include "waiter.hpp"

namespace nats::cli {
namespace {

using std::chrono::nanoseconds;

constexpr std::size_t snapshot_chunk_size = 512 * 1024;  // jsm.go's chunkSz

struct stream_backup_options {
    std::string stream;
    std::int64_t page_size = 10;
    std::int64_t start_id = 0;
    nanoseconds since{0};
    bool raw = false;
    std::string subject;
    std::string directory;
    bool progress = true;
    bool health_check = false;
    bool consumers = true;
    std::string config_file;
    std::string cluster;
    std::vector<std::string> tags;
};

struct metadata_deleter {
    void operator()(jsMsgMetaData* m) const noexcept { jsMsgMetaData_Destroy(m); }
};

std::int64_t timeout_ms(const jetstream_session& js) {
    return std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(js.settings.timeout).count());
}

int run_view(const app_state& state, stream_backup_options& o, const bool* all) {
    const std::int64_t page = std::min<std::int64_t>(o.page_size, 25);
    jetstream_session js(state.settings());
    o.stream = select_stream(js.api, o.stream, false, *all);
    const ordered_json info = js.api.request("STREAM.INFO." + o.stream);
    if (str_of(object_of(info, "config"), "retention") == "workqueue") {
        throw cli_error("work queue stream contents can not be viewed");
    }
    // An ephemeral push consumer without acks delivers the page (jsm.go's pager
    // uses one too); it goes away by itself once nobody listens.
    const std::string inbox = new_inbox(js.settings);
    natsSubscription* raw_sub = nullptr;
    check(natsConnection_SubscribeSync(&raw_sub, js.nc.get(), inbox.c_str()));
    const subscription_ptr sub(raw_sub);
    natsSubscription_SetPendingLimits(sub.get(), -1, -1);
    ordered_json config = {{"deliver_subject", inbox}, {"ack_policy", "none"}, {"replay_policy", "instant"},
                           {"deliver_policy", "all"}};
    if (o.since.count() > 0) {
        const auto start = to_timestamp(std::chrono::time_point_cast<std::chrono::system_clock::duration>(
            std::chrono::system_clock::now() - o.since));
        config["deliver_policy"] = "by_start_time";
        config["opt_start_time"] = format_utc(start, "%Y-%m-%dT%H:%M:%SZ");
    } else if (o.start_id > 0) {
        config["deliver_policy"] = "by_start_sequence";
        config["opt_start_seq"] = o.start_id;
    }
    if (!o.subject.empty()) config["filter_subject"] = o.subject;
    js.api.request("CONSUMER.CREATE." + o.stream, ordered_json{{"stream_name", o.stream}, {"config", config}});
    for (std::int64_t seen = 1;; ++seen) {
        natsMsg* raw_msg = nullptr;
        const natsStatus s = natsSubscription_NextMsg(&raw_msg, sub.get(), timeout_ms(js));
        if (s == NATS_TIMEOUT) {
            log_line("Reached apparent end of data");
            return 0;
        }
        check(s);
        const message_ptr msg(raw_msg);
        jsMsgMetaData* raw_meta = nullptr;
        std::uint64_t pending = 1;
        std::string text;
        const std::string data = libnats::data_of(msg.get());
        if (o.raw) {
            text = data + "\n";
        } else {
            if (natsMsg_GetMetaData(&raw_meta, msg.get()) == NATS_OK) {
                const std::unique_ptr<jsMsgMetaData, metadata_deleter> meta(raw_meta);
                pending = meta->NumPending;
                const timestamp at{meta->Timestamp / 1'000'000'000, static_cast<std::int32_t>(meta->Timestamp % 1'000'000'000)};
                text = "[" + std::to_string(meta->Sequence.Stream) + "] Subject: " + natsMsg_GetSubject(msg.get()) +
                       " Received: " + rfc3339_local(at) + "\n";
            }
            const header_list headers = message_headers(msg.get());
            if (!headers.empty()) {
                text += "\n";
                for (const auto& [k, v] : headers) text += "  " + k + ": " + v + "\n";
            }
            text += "\n";
            text += data.empty() ? "nil body\n" : data + "\n" + (data.ends_with("\n") ? "" : "\n");
        }
        if (o.raw && natsMsg_GetMetaData(&raw_meta, msg.get()) == NATS_OK) {
            const std::unique_ptr<jsMsgMetaData, metadata_deleter> meta(raw_meta);
            pending = meta->NumPending;
        }
        out(text);
        // natscli asks "Next Page?" after a full page; without a terminal that ends the view.
        if (seen == page) return 0;
        if (pending == 0) {
            log_line("Reached apparent end of data");
            return 0;
        }
    }
}

// Shared with libnats' delivery thread while a snapshot arrives.
struct snapshot_receiver {
    std::ofstream* file = nullptr;
    natsConnection* nc = nullptr;
    waiter* wake = nullptr;
    std::uint64_t bytes = 0;
    std::uint32_t chunks = 0;
    bool done = false;
    std::string error;
};

void on_snapshot_chunk(natsConnection* nc, natsSubscription*, natsMsg* raw, void* closure) {
    const message_ptr msg(raw);
    auto* r = static_cast<snapshot_receiver*>(closure);
    const int len = natsMsg_GetDataLength(msg.get());
    const std::lock_guard lock(r->wake->mutex());
    if (len == 0) {
        const char* status = nullptr;
        const char* description = nullptr;
        if (natsMsgHeader_Get(msg.get(), "Status", &status) == NATS_OK && status != nullptr) {
            natsMsgHeader_Get(msg.get(), "Description", &description);
            r->error = std::string("snapshot failed: ") + (description != nullptr ? description : status);
        }
        r->done = true;
        r->wake->notify_locked();
        return;
    }
    r->file->write(natsMsg_GetData(msg.get()), len);
    r->bytes += static_cast<std::uint64_t>(len);
    ++r->chunks;
    if (const char* reply = natsMsg_GetReply(msg.get()); reply != nullptr && *reply != '\0') {
        natsConnection_Publish(nc, reply, nullptr, 0);
    }
    r->wake->notify_locked();
}

int run_backup(const app_state& state, const stream_backup_options& o) {
    jetstream_session js(state.settings());
    js.api.request("STREAM.INFO." + o.stream);
    std::filesystem::create_directories(o.directory);
    const auto data_path = std::filesystem::path(o.directory) / "stream.tar.s2";
    std::ofstream data(data_path, std::ios::binary | std::ios::trunc);
    if (!data) throw cli_error("snapshot failed: open " + data_path.string() + ": permission denied");
    const std::string inbox = new_inbox(js.settings);
    waiter wait;
    snapshot_receiver receiver{&data, js.nc.get(), &wait, 0, 0, false, {}};
    async_subscriptions subs;
    subs.subscribe(js.nc.get(), inbox, {}, on_snapshot_chunk, &receiver);
    const auto started = std::chrono::steady_clock::now();
    ordered_json reply;
    try {
        reply = js.api.request("STREAM.SNAPSHOT." + o.stream,
                               ordered_json{{"deliver_subject", inbox}, {"no_consumers", !o.consumers},
                                            {"chunk_size", snapshot_chunk_size}, {"jsck", o.health_check}});
    } catch (const cli_error& e) {
        throw cli_error(std::string("snapshot failed: ") + e.what());
    }
    const ordered_json& st = object_of(reply, "state");
    out("Starting backup of Stream \"" + o.stream + "\" with " + ibytes(uint_of(st, "bytes")) + "\n" +
        (o.progress ? "\n" : "") +
        (o.health_check ? "Health Check was requested, this can take a long time without progress reports\n\n" : ""));
    // As jsm.go: give up after 5 s without a chunk.
    std::uint32_t last_chunks = 0;
    bool timed_out = false;
    for (;;) {
        const auto r = wait.wait([&] { return receiver.done || receiver.chunks != last_chunks; }, std::chrono::seconds(5));
        std::lock_guard lock(wait.mutex());
        if (receiver.done) break;
        if (r == wait_result::interrupted) throw cli_error("snapshot failed: interrupted");
        if (r == wait_result::timed_out && receiver.chunks == last_chunks) {
            timed_out = true;
            break;
        }
        last_chunks = receiver.chunks;
    }
    subs.close();
    data.close();
    const auto elapsed = std::chrono::steady_clock::now() - started;
    out("\n");
    if (timed_out) throw cli_error("snapshot failed: backup timed out after receiving no data for a long period");
    if (!receiver.error.empty()) throw cli_error(receiver.error);
    ordered_json meta = ordered_json::object();
    meta["config"] = object_of(reply, "config");
    meta["state"] = st;
    std::ofstream meta_file(std::filesystem::path(o.directory) / "backup.json", std::ios::binary | std::ios::trunc);
    meta_file << go_json_indent(meta);
    if (!meta_file) throw cli_error("snapshot failed: could not write backup.json");
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(elapsed);
    // natscli also shows the uncompressed size, which needs an s2 decoder; the
    // stream's stored bytes stand in for it.
    out("Received " + ibytes(receiver.bytes) + " compressed data in " + comma(receiver.chunks) + " chunks for stream \"" +
        o.stream + "\" in " + format_duration(ms) + ", " + ibytes(uint_of(st, "bytes")) + " uncompressed \n");
    return 0;
}

ordered_json read_json_file(const std::filesystem::path& path, const std::string& prefix) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw cli_error(prefix + ": open " + path.string() + ": no such file or directory");
    std::stringstream text;
    text << file.rdbuf();
    ordered_json parsed = ordered_json::parse(text.str(), nullptr, false);
    if (!parsed.is_object()) throw cli_error(prefix + ": " + path.string() + " is not a JSON object");
    return parsed;
}

int run_restore(const app_state& state, const stream_backup_options& o) {
    if (!std::filesystem::is_directory(o.directory)) throw usage_error("path '" + o.directory + "' does not exist");
    jetstream_session js(state.settings());
    const auto dir = std::filesystem::path(o.directory);
    ordered_json backup = read_json_file(dir / "backup.json", "restore failed");
    const std::string name = str_of(object_of(backup, "config"), "name");
    bool known = false;
    for (const auto& n : stream_names(js.api)) known = known || n == name;
    if (known) throw cli_error("Stream \"" + name + "\" already exist");
    ordered_json config = object_of(backup, "config");
    if (!o.config_file.empty()) {
        ordered_json loaded = read_json_file(o.config_file, "restore failed");
        if (loaded.contains("config") && loaded["config"].is_object()) loaded = loaded["config"];
        if (str_of(loaded, "name") != name) throw cli_error("stream names may not be changed during restore");
        config = loaded;
    }
    if (!o.cluster.empty() || !o.tags.empty()) config["placement"] = {{"cluster", o.cluster}, {"tags", o.tags}};
    out("Starting restore of Stream \"" + name + "\" from file \"" + o.directory + "\"\n\n");
    const auto started = std::chrono::steady_clock::now();
    std::ifstream data(dir / "stream.tar.s2", std::ios::binary);
    if (!data) throw cli_error("restore failed: open " + (dir / "stream.tar.s2").string() + ": no such file or directory");
    ordered_json reply;
    try {
        reply = js.api.request("STREAM.RESTORE." + name, ordered_json{{"config", config}, {"state", object_of(backup, "state")}});
    } catch (const cli_error& e) {
        throw cli_error(std::string("restore failed: ") + e.what());
    }
    const std::string deliver = str_of(reply, "deliver_subject");
    std::string chunk(snapshot_chunk_size, '\0');
    auto send = [&](const char* bytes, std::size_t n, std::int64_t limit_ms) {
        natsMsg* raw = nullptr;
        check(natsConnection_Request(&raw, js.nc.get(), deliver.c_str(), bytes, static_cast<int>(n), limit_ms));
        const message_ptr answer(raw);
        const std::string text = libnats::data_of(answer.get());
        const ordered_json parsed = ordered_json::parse(text, nullptr, false);
        if (parsed.is_object() && parsed.contains("error")) throw cli_error("restore failed: " + go_quote(text));
        return parsed;
    };
    for (;;) {
        data.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        const auto n = static_cast<std::size_t>(data.gcount());
        if (n == 0) break;
        send(chunk.data(), n, timeout_ms(js));
    }
    const ordered_json created = send(nullptr, 0, 3600 * 1000);
    if (str_of(created, "type") != "io.nats.jetstream.api.v1.stream_create_response") {
        throw cli_error("restore failed: invalid final response, expected a "
                        "io.nats.jetstream.api.v1.stream_create_response message but got " + go_quote(str_of(created, "type")));
    }
    const auto elapsed = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now() - started +
                                                                          std::chrono::milliseconds(500));
    out("\nRestored stream \"" + name + "\" in " + format_duration(elapsed) + "\n\n");
    const ordered_json info = js.api.request("STREAM.INFO." + name);
    out(render_stream_info(name, info, false));
    return 0;
}

} // namespace

void add_stream_backup_commands(command& str, app_state& state, const bool* all) {
    auto o = std::make_shared<stream_backup_options>();

    auto& view = str.add_command("view", "View messages in a stream");
    view.string_arg("stream", "Stream name", &o->stream, false);
    view.int_arg("size", "Page size", &o->page_size);
    view.int_flag("id", "Start at a specific message Sequence", &o->start_id);
    view.duration_flag("since", "Delivers messages received since a duration like 1d3h5m2s", &o->since);
    view.bool_flag("raw", "Show the raw data received", &o->raw);
    view.string_flag("subject", "Filter the stream using a subject", &o->subject);
    view.action([&state, o, all] { return run_view(state, *o, all); });

    auto& backup = str.add_command("backup", "Creates a backup of a Stream over the NATS network").alias("snapshot");
    backup.string_arg("stream", "Stream to backup", &o->stream, true);
    backup.string_arg("target", "Directory to create the backup in", &o->directory, true);
    backup.bool_flag("progress", "Enables or disables progress reporting using a progress bar", &o->progress);
    backup.bool_flag("check", "Checks the Stream for health prior to backup", &o->health_check);
    backup.bool_flag("consumers", "Enable or disable consumer backups", &o->consumers);
    backup.action([&state, o] { return run_backup(state, *o); });

    auto& restore = str.add_command("restore", "Restore a Stream over the NATS network");
    restore.string_arg("file", "The directory holding the backup to restore", &o->directory, true);
    restore.bool_flag("progress", "Enables or disables progress reporting using a progress bar", &o->progress);
    restore.string_flag("config", "Load a different configuration when restoring the stream", &o->config_file);
    restore.string_flag("cluster", "Place the stream in a specific cluster", &o->cluster);
    restore.strings_flag("tag", "Place the stream on servers that has specific tags (pass multiple times)", &o->tags);
    restore.action([&state, o] { return run_restore(state, *o); });
}

} // namespace nats::cli
