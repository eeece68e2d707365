// nats kv add | put | get | create | update | del (rm) | purge | history |
// ls | keys | status (info, view) | compact: natscli 0.0.35's key-value verbs
// on libnats' KV API, with its flags and layouts. Like natscli, destructive
// verbs need -f when there is no terminal to ask on.
#include <iostream>
#include <iterator>
#include <memory>

#include "commands.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "jetstream_session.hpp"
#include "kv_report.hpp"
#include "waiter.hpp"
#include "tables.hpp"

namespace nats::cli {
namespace {

struct kv_options {
    std::string bucket;
    std::string key;
    std::string value;
    bool value_given = false;
    bool raw = false;
    std::int64_t history = 1;
    std::string ttl;
    std::int64_t replicas = 1;
    std::string max_value_size;
    std::string max_bucket_size;
    std::string description;
    std::string storage;
    std::int64_t revision = 0;
    bool force = false;
    bool names = false;
    bool verbose = false;
    bool display_value = false;
};

// libnats reports a missing bucket or key as plain NATS_NOT_FOUND ("Not
// Found"); nats.go, and so natscli, words them as below.
void check_found(natsStatus status, const char* what) {
    if (status == NATS_NOT_FOUND) throw cli_error(std::string("nats: ") + what + " not found");
    check(status);
}

struct js_deleter {
    void operator()(jsCtx* js) const noexcept { jsCtx_Destroy(js); }
    void operator()(kvStore* kv) const noexcept { kvStore_Destroy(kv); }
    void operator()(kvEntry* e) const noexcept { kvEntry_Destroy(e); }
};

// A bucket opened through libnats, on the session's connection.
struct kv_bucket {
    jetstream_session session;
    std::unique_ptr<jsCtx, js_deleter> js;
    std::unique_ptr<kvStore, js_deleter> store;

    kv_bucket(const connection_settings& settings, const std::string& bucket, bool open) : session(settings) {
        jsOptions options;
        jsOptions_Init(&options);
        options.Wait = std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(settings.timeout).count());
        jsCtx* raw = nullptr;
        check(natsConnection_JetStream(&raw, session.nc.get(), &options));
        js.reset(raw);
        if (open) {
            kvStore* kv = nullptr;
            check_found(js_KeyValue(&kv, js.get(), bucket.c_str()), "bucket");
            store.reset(kv);
        }
    }
};

std::string op_name(kvOperation op) {
    switch (op) {
    case kvOp_Put: return "PUT";
    case kvOp_Delete: return "DELETE";
    case kvOp_Purge: return "PURGE";
    default: return "UNKNOWN";
    }
}

kv_entry_view view_of(kvEntry* e) {
    kv_entry_view v;
    v.bucket = kvEntry_Bucket(e) != nullptr ? kvEntry_Bucket(e) : "";
    v.key = kvEntry_Key(e) != nullptr ? kvEntry_Key(e) : "";
    const auto* data = static_cast<const char*>(kvEntry_Value(e));
    v.value = data != nullptr ? std::string(data, static_cast<std::size_t>(kvEntry_ValueLen(e))) : std::string();
    v.revision = kvEntry_Revision(e);
    const std::int64_t created = kvEntry_Created(e);
    v.created = timestamp{created / 1000000000, static_cast<std::int32_t>(created % 1000000000)};
    v.operation = op_name(kvEntry_Operation(e));
    return v;
}

// The value argument, or all of stdin when none was given (natscli's valOrReadVal).
std::string value_or_stdin(const kv_options& o) {
    if (!o.value.empty()) return o.value;
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
}

int show_status(const jetstream_session& session, const std::string& bucket) {
    const ordered_json info = session.api.request("STREAM.INFO.KV_" + bucket);
    out(render_kv_status(bucket, info));
    return 0;
}

std::int64_t size_flag(const std::string& text) {
    if (text.empty()) return 0;
    const auto n = parse_size(text);
    if (n < 0) throw cli_error("invalid size " + go_quote(text));
    return n;
}

int run_add(const app_state& state, const kv_options& o) {
    kv_bucket b(state.settings(), o.bucket, false);
    kvConfig cfg;
    kvConfig_Init(&cfg);
    cfg.Bucket = o.bucket.c_str();
    if (!o.description.empty()) cfg.Description = o.description.c_str();
    if (o.history < 1 || o.history > 64) throw cli_error("nats: history must be between 1 and 64");
    cfg.History = static_cast<std::uint8_t>(o.history);
    if (!o.ttl.empty()) {
        const auto ttl = parse_long_duration(o.ttl);
        if (!ttl) throw usage_error("invalid duration " + go_quote(o.ttl) + " for flag '--ttl'");
        cfg.TTL = ttl->count();  // libnats passes it on as the stream's max_age, in nanoseconds
    }
    cfg.MaxValueSize = static_cast<std::int32_t>(size_flag(o.max_value_size));
    cfg.MaxBytes = size_flag(o.max_bucket_size);
    cfg.StorageType = !o.storage.empty() && o.storage[0] == 'm' ? js_MemoryStorage : js_FileStorage;
    cfg.Replicas = static_cast<int>(o.replicas);
    kvStore* kv = nullptr;
    check(js_CreateKeyValue(&kv, b.js.get(), &cfg));
    b.store.reset(kv);
    return show_status(b.session, o.bucket);
}

int run_put(const app_state& state, const kv_options& o, bool create, bool update) {
    kv_bucket b(state.settings(), o.bucket, true);
    const std::string value = value_or_stdin(o);
    std::uint64_t revision = 0;
    const auto len = static_cast<int>(value.size());
    if (create) check(kvStore_Create(&revision, b.store.get(), o.key.c_str(), value.data(), len));
    else if (update) {
        check(kvStore_Update(&revision, b.store.get(), o.key.c_str(), value.data(), len,
                             static_cast<std::uint64_t>(o.revision)));
    } else {
        check(kvStore_Put(&revision, b.store.get(), o.key.c_str(), value.data(), len));
    }
    // natscli echoes the value argument (empty when the value came from stdin).
    out(o.value + "\n");
    return 0;
}

int run_get(const app_state& state, const kv_options& o) {
    kv_bucket b(state.settings(), o.bucket, true);
    kvEntry* raw = nullptr;
    if (o.revision > 0) {
        check_found(kvStore_GetRevision(&raw, b.store.get(), o.key.c_str(), static_cast<std::uint64_t>(o.revision)),
                    "key");
    } else {
        check_found(kvStore_Get(&raw, b.store.get(), o.key.c_str()), "key");
    }
    std::unique_ptr<kvEntry, js_deleter> entry(raw);
    const kv_entry_view view = view_of(entry.get());
    if (o.raw) {
        out(view.value);
        return 0;
    }
    out(render_kv_entry(view));
    return 0;
}

int run_del(const app_state& state, const kv_options& o) {
    if (o.key.empty()) {
        if (!o.force) throw cli_error("cannot ask for confirmation without a terminal");
        kv_bucket b(state.settings(), o.bucket, false);
        check(js_DeleteKeyValue(b.js.get(), o.bucket.c_str()));
        return 0;
    }
    kv_bucket b(state.settings(), o.bucket, true);
    if (!o.force) throw cli_error("cannot ask for confirmation without a terminal");
    check(kvStore_Delete(b.store.get(), o.key.c_str()));
    return 0;
}

int run_purge(const app_state& state, const kv_options& o) {
    kv_bucket b(state.settings(), o.bucket, true);
    if (!o.force) throw cli_error("cannot ask for confirmation without a terminal");
    check(kvStore_Purge(b.store.get(), o.key.c_str(), nullptr));
    return 0;
}

int run_compact(const app_state& state, const kv_options& o) {
    kv_bucket b(state.settings(), o.bucket, true);
    if (!o.force) throw cli_error("cannot ask for confirmation without a terminal");
    check(kvStore_PurgeDeletes(b.store.get(), nullptr));
    return 0;
}

int run_history(const app_state& state, const kv_options& o) {
    kv_bucket b(state.settings(), o.bucket, true);
    kvEntryList list{};
    check_found(kvStore_History(&list, b.store.get(), o.key.c_str(), nullptr), "key");
    std::vector<kv_entry_view> history;
    for (int i = 0; i < list.Count; ++i) history.push_back(view_of(list.Entries[i]));
    kvEntryList_Destroy(&list);
    out(render_kv_history(o.bucket, o.key, history) + "\n");
    return 0;
}

// The bucket's keys; natscli prints "No keys found in bucket" for none.
int list_keys(kv_bucket& b, const kv_options& o) {
    kvKeysList list{};
    const natsStatus status = kvStore_Keys(&list, b.store.get(), nullptr);
    if (status == NATS_NOT_FOUND || (status == NATS_OK && list.Count == 0)) {
        kvKeysList_Destroy(&list);
        out("No keys found in bucket\n");
        return 0;
    }
    check(status);
    std::vector<std::string> keys;
    for (int i = 0; i < list.Count; ++i) keys.emplace_back(list.Keys[i]);
    kvKeysList_Destroy(&list);
    if (!o.verbose) {
        std::string text;
        for (const auto& k : keys) text += k + "\n";
        out(text);
        return 0;
    }
    table t("Contents for bucket '" + o.bucket + "'");
    if (o.display_value) t.headers({"Key", "Created", "Delta", "Revision", "Value"});
    else t.headers({"Key", "Created", "Delta", "Revision"});
    for (const auto& k : keys) {
        kvEntry* raw = nullptr;
        check(kvStore_Get(&raw, b.store.get(), k.c_str()));
        std::unique_ptr<kvEntry, js_deleter> entry(raw);
        const auto v = view_of(entry.get());
        std::vector<std::string> row{v.key, format_utc(v.created, "%Y-%m-%d %H:%M:%S"),
                                     std::to_string(kvEntry_Delta(entry.get())), std::to_string(v.revision)};
        if (o.display_value) row.push_back(v.value);
        t.row(std::move(row));
    }
    out(t.render() + "\n");
    return 0;
}

int run_ls(const app_state& state, const kv_options& o) {
    if (!o.bucket.empty()) {
        kv_bucket b(state.settings(), o.bucket, true);
        return list_keys(b, o);
    }
    jetstream_session js(state.settings());
    std::vector<ordered_json> found;
    for (auto& info : js.api.stream_infos()) {
        if (info.value("config", ordered_json::object()).value("name", "").starts_with("KV_")) {
            found.push_back(std::move(info));
        }
    }
    if (found.empty()) {
        out("No Key-Value buckets found\n");
        return 0;
    }
    if (o.names) {
        std::string text;
        for (const auto& info : found) text += info["config"].value("name", "").substr(3) + "\n";
        out(text);
        return 0;
    }
    out(render_kv_buckets(std::move(found), to_timestamp(std::chrono::system_clock::now())) + "\n");
    return 0;
}

// Prints each change until Ctrl-C, as natscli's watchAction (without colours
// when stdout is not a terminal, as fatih/color does).
int run_watch(const app_state& state, const kv_options& o) {
    kv_bucket b(state.settings(), o.bucket, true);
    waiter stop;  // Ctrl-C and SIGTERM end the watch
    kvWatcher* raw = nullptr;
    check(kvStore_Watch(&raw, b.store.get(), o.key.empty() ? ">" : o.key.c_str(), nullptr));
    const std::unique_ptr<kvWatcher, decltype(&kvWatcher_Destroy)> watcher(raw, &kvWatcher_Destroy);
    const bool colour = is_terminal(1);
    const auto paint = [colour](const std::string& text, const char* code) {
        return colour ? std::string("\x1b[") + code + "m" + text + "\x1b[0m" : text;
    };
    while (!stop.interrupted()) {
        kvEntry* next = nullptr;
        const natsStatus status = kvWatcher_Next(&next, watcher.get(), 200);
        if (status == NATS_TIMEOUT) continue;
        check(status);
        if (next == nullptr) continue;  // the end of the initial values
        std::unique_ptr<kvEntry, js_deleter> entry(next);
        const auto v = view_of(entry.get());
        const std::string when = "[" + format_utc(v.created, "%Y-%m-%d %H:%M:%S") + "] ";
        if (v.operation == "PUT") {
            out(when + paint(v.operation, "32") + " " + v.bucket + " > " + v.key + ": " + v.value + "\n");
        } else {
            out(when + paint(v.operation, "31") + " " + v.bucket + " > " + v.key + "\n");
        }
    }
    return 0;
}

// Puts an earlier revision's value back, then shows the history (natscli's revertAction).
int run_revert(const app_state& state, const kv_options& o) {
    kv_bucket b(state.settings(), o.bucket, true);
    kvEntry* raw = nullptr;
    check_found(kvStore_GetRevision(&raw, b.store.get(), o.key.c_str(), static_cast<std::uint64_t>(o.revision)), "key");
    std::unique_ptr<kvEntry, js_deleter> entry(raw);
    const auto v = view_of(entry.get());
    if (!o.force) {
        out("Revision: " + std::to_string(v.revision) + "\n\n" + abbreviate_value(base64_if_not_printable(v.value)) +
            "\n\n");
        throw cli_error("could not obtain confirmation: cannot ask for confirmation without a terminal");
    }
    std::uint64_t revision = 0;
    check(kvStore_Put(&revision, b.store.get(), o.key.c_str(), v.value.data(), static_cast<int>(v.value.size())));
    return run_history(state, o);
}

int run_status(const app_state& state, const kv_options& o) {
    kv_bucket b(state.settings(), o.bucket, true);
    return show_status(b.session, o.bucket);
}

void bucket_arg(command& cmd, kv_options& o, bool required = true) {
    cmd.string_arg("bucket", "The bucket to act on", &o.bucket, required);
}

void key_arg(command& cmd, kv_options& o, bool required = true) {
    cmd.string_arg("key", "The key to act on", &o.key, required);
}

void force_flag(command& cmd, kv_options& o) {
    cmd.bool_flag("force", "Act without confirmation", &o.force).with_short('f');
}

} // namespace

void add_kv_command(command& app, app_state& state) {
    auto o = std::make_shared<kv_options>();
    auto& kv = app.add_command("kv", "Interacts with a JetStream based Key-Value store");
    kv.long_help("The JetStream Key-Value store uses streams to store key-value pairs\n"
                 "for an indefinite period or a per-bucket configured TTL.");

    auto& add = kv.add_command("add", "Adds a new KV Store Bucket").alias("new");
    bucket_arg(add, *o);
    add.int_flag("history", "How many historic values to keep per key", &o->history);
    add.string_flag("ttl", "How long to keep values for", &o->ttl);
    add.int_flag("replicas", "How many replicas of the data to store", &o->replicas);
    add.string_flag("max-value-size", "Maximum size for any single value", &o->max_value_size).with_placeholder("BYTES");
    add.string_flag("max-bucket-size", "Maximum size for the bucket", &o->max_bucket_size).with_placeholder("BYTES");
    add.string_flag("description", "A description for the bucket", &o->description);
    add.enum_flag("storage", "Storage backend to use (file, memory)", &o->storage, {"file", "f", "memory", "m"});
    add.action([&state, o] { return run_add(state, *o); });

    auto value_arg = [&](command& cmd) {
        cmd.string_arg("value", "The value to store, when empty reads STDIN", &o->value, false, &o->value_given);
    };
    auto& put = kv.add_command("put", "Puts a value into a key");
    bucket_arg(put, *o);
    key_arg(put, *o);
    value_arg(put);
    put.action([&state, o] { return run_put(state, *o, false, false); });

    auto& get = kv.add_command("get", "Gets a value for a key");
    bucket_arg(get, *o);
    key_arg(get, *o);
    get.int_flag("revision", "Gets a specific revision", &o->revision);
    get.bool_flag("raw", "Show only the value string", &o->raw);
    get.action([&state, o] { return run_get(state, *o); });

    auto& create = kv.add_command("create", "Puts a value into a key only if the key is new or it's last operation was a delete");
    bucket_arg(create, *o);
    key_arg(create, *o);
    value_arg(create);
    create.action([&state, o] { return run_put(state, *o, true, false); });

    auto& update = kv.add_command("update", "Updates a key with a new value if the previous value matches the given revision");
    bucket_arg(update, *o);
    key_arg(update, *o);
    value_arg(update);
    update.int_arg("revision", "The revision of the previous value in the bucket", &o->revision);
    update.action([&state, o] { return run_put(state, *o, false, true); });

    auto& del = kv.add_command("del", "Deletes a key or the entire bucket").alias("rm");
    bucket_arg(del, *o);
    key_arg(del, *o, false);
    force_flag(del, *o);
    del.action([&state, o] { return run_del(state, *o); });

    auto& purge = kv.add_command("purge", "Deletes a key from the bucket, clearing history before creating a delete marker");
    bucket_arg(purge, *o);
    key_arg(purge, *o);
    force_flag(purge, *o);
    purge.action([&state, o] { return run_purge(state, *o); });

    auto& history = kv.add_command("history", "Shows the full history for a key");
    bucket_arg(history, *o);
    key_arg(history, *o);
    history.action([&state, o] { return run_history(state, *o); });

    auto& status = kv.add_command("info", "View the status of a KV store").alias("view").alias("status");
    bucket_arg(status, *o);
    status.action([&state, o] { return run_status(state, *o); });

    auto& ls = kv.add_command("ls", "List available buckets or the keys in a bucket").alias("list");
    bucket_arg(ls, *o, false);
    ls.bool_flag("names", "Show just the bucket names", &o->names).with_short('n');
    ls.bool_flag("verbose", "Show detailed info about the key", &o->verbose).with_short('v');
    ls.bool_flag("display-value", "Display value in verbose output (has no effect without 'verbose')", &o->display_value);
    ls.action([&state, o] { return run_ls(state, *o); });

    auto& keys = kv.add_command("keys", "List the keys in a bucket");
    bucket_arg(keys, *o);
    keys.action([&state, o] {
        kv_bucket b(state.settings(), o->bucket, true);
        return list_keys(b, *o);
    });

    auto& compact = kv.add_command("compact", "Removes all historic values from the store where the last value is a delete");
    bucket_arg(compact, *o);
    force_flag(compact, *o);
    compact.action([&state, o] { return run_compact(state, *o); });

    auto& revert = kv.add_command("revert", "Reverts a value to a previous revision using put");
    bucket_arg(revert, *o);
    key_arg(revert, *o);
    revert.int_arg("revision", "The revision to revert to", &o->revision);
    revert.bool_flag("force", "Force reverting without prompting", &o->force);
    revert.action([&state, o] { return run_revert(state, *o); });

    auto& watch = kv.add_command("watch", "Watch the bucket or a specific key for updated");
    bucket_arg(watch, *o);
    key_arg(watch, *o, false);
    watch.action([&state, o] { return run_watch(state, *o); });

    add_unsupported_commands(kv, {{"upgrade", "Upgrade a bucket to the latest configuration format"}});
}

} // namespace nats::cli
