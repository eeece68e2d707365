// nats object add | put | get | del/rm | info/show/status | ls | seal | watch:
// natscli 0.0.35's Object Store verbs, storing objects exactly as nats.go does
// (src/object_store.hpp), with its layouts (src/object_report.hpp). Nothing
// prompts: where natscli would ask, -f is needed (natscli's no-terminal error).
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "headers.hpp"
#include "jetstream_session.hpp"
#include "json_fields.hpp"
#include "object_report.hpp"
#include "object_store.hpp"
#include "progress.hpp"
#include "waiter.hpp"

namespace nats::cli {
namespace {

using std::chrono::nanoseconds;

struct object_options {
    std::string bucket;
    std::string file;
    std::string override_name;
    std::string description;
    std::vector<std::string> headers;
    bool force = false;
    bool progress = true;
    bool names = false;
    std::string storage;
    std::vector<std::string> tags;
    std::string cluster;
    std::string max_bucket_size;
    std::int64_t replicas = 1;
    nanoseconds ttl{0};
};

// Bars only for objects over 20 KiB, as natscli, and only on a terminal.
constexpr std::uint64_t progress_threshold = 20480;

std::string go_clean_path(const std::string& name) {
    if (name.empty()) return ".";
    std::string clean = std::filesystem::path(name).lexically_normal().string();
    while (clean.size() > 1 && clean.back() == '/') clean.pop_back();
    return clean.empty() ? "." : clean;
}

// natscli's loadBucket: the named bucket, or (without a name) the one it
// would ask for.
std::unique_ptr<object_store> load_bucket(jetstream_session& js, const std::string& bucket) {
    if (bucket.empty()) {
        bool any = false;
        for (const auto& name : stream_names(js.api)) any = any || name.starts_with("OBJ_");
        if (!any) throw cli_error("no Object buckets found");
        throw cli_error("cannot prompt for user input without a terminal");
    }
    return std::make_unique<object_store>(js, bucket);
}

int show_bucket(object_store& store) {
    out(render_object_bucket_info(store.bucket(), store.refresh_stream_info()));
    return 0;
}

int run_add(const app_state& state, const object_options& o) {
    jetstream_session js(state.settings());
    if (!valid_bucket_name(o.bucket)) throw cli_error("nats: invalid object-store name");
    object_bucket_config cfg;
    cfg.bucket = o.bucket;
    cfg.description = o.description;
    cfg.ttl = o.ttl;
    cfg.memory = !o.storage.empty() && o.storage[0] == 'm';
    cfg.replicas = o.replicas;
    cfg.placement_cluster = o.cluster;
    cfg.placement_tags = o.tags;
    if (!o.max_bucket_size.empty()) {
        cfg.max_bytes = parse_size(o.max_bucket_size);
        if (cfg.max_bytes < 0) throw cli_error("invalid size " + go_quote(o.max_bucket_size));
    }
    try {
        js.api.request("STREAM.CREATE.OBJ_" + o.bucket, object_stream_config(cfg));
    } catch (const api_error& e) {
        std::string text = e.what();
        const std::string suffix = " (" + std::to_string(e.err_code) + ")";
        if (text.ends_with(suffix)) text.erase(text.size() - suffix.size());
        throw cli_error("nats: " + text);
    }
    object_store store(js, o.bucket);
    return show_bucket(store);
}

int run_put(const app_state& state, const object_options& o) {
    jetstream_session js(state.settings());
    auto store = load_bucket(js, o.bucket);
    const std::string name = o.override_name.empty() ? o.file : o.override_name;
    if (o.file.empty() && name.empty()) throw cli_error("--name is required when reading from stdin");
    if (const auto existing = store->info(name); existing && !o.force) {
        out(render_object_info(*existing) + "\n");
        throw cli_error("could not obtain confirmation: cannot ask for confirmation without a terminal");
    }
    object_info meta;
    meta.name = go_clean_path(name);
    meta.description = o.description;
    for (const auto& [k, v] : parse_header_flags(o.headers, 0)) {
        auto it = std::find_if(meta.headers.begin(), meta.headers.end(), [&](const auto& h) { return h.first == k; });
        if (it == meta.headers.end()) meta.headers.push_back({k, {v}});
        else it->second.push_back(v);
    }
    std::sort(meta.headers.begin(), meta.headers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

    std::ifstream file;
    std::istream* in = &std::cin;
    std::uint64_t size = 0;
    if (!o.file.empty()) {
        file.open(o.file, std::ios::binary);
        if (!file) throw cli_error("open " + o.file + ": no such file or directory");
        size = std::filesystem::file_size(o.file);
        in = &file;
    }
    progress_display bar(o.progress && size > progress_threshold);
    if (bar.active()) {
        bar.add_bar(static_cast<std::int64_t>(size), ibytes(size));
        bar.start();
    }
    const object_info stored = store->put(meta, *in, [&](std::size_t n) {
        if (bar.active()) bar.increment(0, static_cast<std::int64_t>(n));
    });
    bar.stop();
    out(render_object_info(stored));
    return 0;
}

int run_get(const app_state& state, const object_options& o) {
    jetstream_session js(state.settings());
    auto store = load_bucket(js, o.bucket);
    const auto found = store->info(o.file);
    if (!found) throw cli_error("nats: object not found");
    std::string target = o.override_name.empty() ? std::filesystem::path(found->name).filename().string() : o.override_name;
    target = std::filesystem::absolute(target).lexically_normal().string();
    if (!o.force && std::filesystem::exists(target)) {
        throw cli_error("could not obtain confirmation: cannot ask for confirmation without a terminal");
    }
    std::ofstream file(target, std::ios::binary | std::ios::trunc);
    if (!file) throw cli_error("open " + target + ": permission denied");
    progress_display bar(o.progress && found->size > progress_threshold);
    if (bar.active()) {
        bar.add_bar(static_cast<std::int64_t>(found->size), ibytes(found->size));
        bar.start();
    }
    const auto started = std::chrono::steady_clock::now();
    std::uint64_t written = 0;
    try {
        store->get(o.file, file, [&](std::size_t n) {
            written += n;
            if (bar.active()) bar.increment(0, static_cast<std::int64_t>(n));
        });
    } catch (...) {
        bar.stop();
        file.close();
        std::filesystem::remove(target);
        throw;
    }
    bar.stop();
    file.close();
    const auto elapsed = std::chrono::steady_clock::now() - started;
    if (written > 0 && written != found->size) {
        throw cli_error("wrote " + ibytes(written) + ", expected " + ibytes(found->size));
    }
    std::string text = "Wrote: " + ibytes(written) + " to " + target + " in " +
                       humanize_duration_classic(std::chrono::duration_cast<nanoseconds>(elapsed));
    if (elapsed > std::chrono::seconds(2)) {
        const double seconds = std::chrono::duration<double>(elapsed).count();
        text += " average " + ibytes(static_cast<std::uint64_t>(static_cast<double>(found->size) / seconds)) + "/s";
    }
    out(text + "\n");
    return 0;
}

int run_del(const app_state& state, const object_options& o) {
    jetstream_session js(state.settings());
    auto store = load_bucket(js, o.bucket);
    if (!o.file.empty()) {
        if (!o.force) {
            if (!store->info(o.file)) throw cli_error("nats: object not found");
            throw cli_error("cannot ask for confirmation without a terminal");
        }
        store->remove(o.file);
        out("Removed " + o.bucket + " > " + o.file + "\n");
        return show_bucket(*store);
    }
    if (!o.force) throw cli_error("cannot ask for confirmation without a terminal");
    try {
        js.api.request("STREAM.DELETE.OBJ_" + o.bucket);
    } catch (const api_error&) {
        throw cli_error("nats: stream not found");
    }
    return 0;
}

int run_info(const app_state& state, const object_options& o) {
    jetstream_session js(state.settings());
    auto store = load_bucket(js, o.bucket);
    if (o.file.empty()) return show_bucket(*store);
    const auto found = store->info(o.file);
    if (!found) throw cli_error("nats: object not found");
    out(render_object_info(*found));
    return 0;
}

int run_ls(const app_state& state, const object_options& o) {
    jetstream_session js(state.settings());
    if (o.bucket.empty()) {
        std::vector<ordered_json> buckets;
        for (auto& info : js.api.stream_infos()) {
            if (str_of(object_of(info, "config"), "name").starts_with("OBJ_")) buckets.push_back(std::move(info));
        }
        if (buckets.empty()) {
            out("No Object Store buckets found\n");
            return 0;
        }
        if (o.names) {
            std::string text;
            for (const auto& b : buckets) text += str_of(object_of(b, "config"), "name").substr(4) + "\n";
            out(text);
            return 0;
        }
        out(render_object_buckets(std::move(buckets), to_timestamp(std::chrono::system_clock::now())) + "\n");
        return 0;
    }
    auto store = load_bucket(js, o.bucket);
    const auto objects = store->list();
    if (objects.empty()) throw cli_error("nats: no objects found");
    out(render_object_list(objects) + "\n");
    return 0;
}

int run_seal(const app_state& state, const object_options& o) {
    if (!o.force) throw cli_error("could not obtain confirmation: cannot ask for confirmation without a terminal");
    jetstream_session js(state.settings());
    auto store = load_bucket(js, o.bucket);
    store->seal();
    out(o.bucket + " has been sealed\n");
    return show_bucket(*store);
}

int run_watch(const app_state& state, const object_options& o) {
    jetstream_session js(state.settings());
    auto store = load_bucket(js, o.bucket);
    waiter wait;
    store->watch([](const object_info& i) { out(render_object_update(i)); }, [&] { return !wait.interrupted(); });
    return 0;
}

} // namespace

void add_object_command(command& app, app_state& state) {
    auto o = std::make_shared<object_options>();
    auto& obj = app.add_command("object", "Interacts with a JetStream based Object store").alias("obj");

    auto& add = obj.add_command("add", "Adds a new Object Store Bucket");
    add.string_arg("bucket", "The bucket to act on", &o->bucket, true);
    add.duration_flag("ttl", "How long to keep objects for", &o->ttl);
    add.int_flag("replicas", "How many replicas of the data to store", &o->replicas);
    add.string_flag("max-bucket-size", "Maximum size for the bucket", &o->max_bucket_size);
    add.string_flag("description", "A description for the bucket", &o->description);
    add.enum_flag("storage", "Storage backend to use (file, memory)", &o->storage, {"file", "f", "memory", "m"});
    add.strings_flag("tags", "Place the store on servers that has specific tags", &o->tags);
    add.string_flag("cluster", "Place the store on a specific cluster", &o->cluster);
    add.action([&state, o] { return run_add(state, *o); });

    auto& put = obj.add_command("put", "Puts a file into the store");
    put.string_arg("bucket", "The bucket to act on", &o->bucket, true);
    put.string_arg("file", "The file to put", &o->file, false);
    put.string_flag("name", "Override the name supplied to the object store", &o->override_name);
    put.string_flag("description", "Sets an optional description for the object", &o->description);
    put.strings_flag("header", "Adds headers to the object", &o->headers).with_short('H');
    put.bool_flag("progress", "Disable progress bars", &o->progress);
    put.bool_flag("force", "Act without confirmation", &o->force).with_short('f');
    put.action([&state, o] {
        if (!o->file.empty() && !std::filesystem::exists(o->file)) {
            throw usage_error("path '" + o->file + "' does not exist");
        }
        return run_put(state, *o);
    });

    auto& del = obj.add_command("del", "Deletes a file or bucket from the store").alias("rm");
    del.string_arg("bucket", "The bucket to act on", &o->bucket, true);
    del.string_arg("file", "The file to retrieve", &o->file, false);
    del.bool_flag("force", "Act without confirmation", &o->force).with_short('f');
    del.action([&state, o] { return run_del(state, *o); });

    auto& get = obj.add_command("get", "Retrieves a file from the store");
    get.string_arg("bucket", "The bucket to act on", &o->bucket, true);
    get.string_arg("file", "The file to retrieve", &o->file, true);
    get.string_flag("output", "Override the output file name", &o->override_name).with_short('O');
    get.bool_flag("progress", "Disable progress bars", &o->progress);
    get.bool_flag("force", "Act without confirmation", &o->force).with_short('f');
    get.action([&state, o] { return run_get(state, *o); });

    auto& info = obj.add_command("info", "Get information about a bucket or object").alias("show").alias("i").alias("status");
    info.string_arg("bucket", "The bucket to act on", &o->bucket, false);
    info.string_arg("file", "The file to retrieve", &o->file, false);
    info.action([&state, o] { return run_info(state, *o); });

    auto& ls = obj.add_command("ls", "List buckets or contents of a specific bucket");
    ls.string_arg("bucket", "The bucket to act on", &o->bucket, false);
    ls.bool_flag("names", "When listing buckets, show just the bucket names", &o->names).with_short('n');
    ls.action([&state, o] { return run_ls(state, *o); });

    auto& seal = obj.add_command("seal", "Seals a bucket preventing further updates");
    seal.string_arg("bucket", "The bucket to act on", &o->bucket, true);
    seal.bool_flag("force", "Force sealing without prompting", &o->force).with_short('f');
    seal.action([&state, o] { return run_seal(state, *o); });

    auto& watch = obj.add_command("watch", "Watch a bucket for changes");
    watch.string_arg("bucket", "The bucket to act on", &o->bucket, true);
    watch.action([&state, o] { return run_watch(state, *o); });
}

} // namespace nats::cli
