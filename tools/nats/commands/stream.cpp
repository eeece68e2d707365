// nats stream ls | info | state | add | rm | purge | get | rmm: natscli 0.0.35's
// stream verbs over the JetStream API, with its flags and layouts. Nothing
// here prompts: where natscli would ask, a flag gives the value, --defaults
// takes the prompt's default, or the command fails saying what is missing.
#include <fstream>
#include <memory>
#include <algorithm>

#include "commands.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "jetstream_session.hpp"
#include "stream_report.hpp"
#include "stream_settings.hpp"

namespace nats::cli {
namespace {

struct stream_options {
    std::string stream;
    bool all = false;
    bool json = false;
    bool force = false;
    bool names = false;
    bool state_only = false;
    std::string subject;  // ls --subject, get --last-for
    std::int64_t sequence = -1;
    std::string purge_subject;
    std::int64_t purge_sequence = 0;
    std::int64_t purge_keep = 0;
    stream_settings settings;
};

// Wraps failures the way natscli's fisk.FatalIfError(err, prefix) does.
template <typename Fn>
auto with_prefix(const std::string& prefix, Fn&& fn) {
    try {
        return fn();
    } catch (const cli_error& e) {
        throw cli_error(prefix + ": " + e.what());
    }
}

// The reply as jsm.go's StreamInfo marshals it: its fields in its order, without
// the envelope's type, paging or did_create.
ordered_json as_jsm_stream_info(const ordered_json& info) {
    ordered_json shown = ordered_json::object();
    for (const char* key : {"config", "created", "state", "cluster", "mirror", "sources", "alternates"}) {
        if (!info.contains(key) || info[key].is_null()) continue;
        if (info[key].is_array() && info[key].empty()) continue;  // omitempty
        shown[key] = info[key];
    }
    return shown;
}

void show_info(const std::string& name, const ordered_json& info, const stream_options& o) {
    if (o.json) {
        out(go_json_indent(as_jsm_stream_info(info)) + "\n");
        return;
    }
    out(render_stream_info(name, info, o.state_only));
}

int run_ls(const app_state& state, const stream_options& o) {
    jetstream_session js(state.settings());
    std::vector<ordered_json> infos;
    bool skipped = false;
    try {
        for (auto& info : js.api.stream_infos(o.subject)) {
            const std::string name = info.value("config", ordered_json::object()).value("name", "");
            if (!o.all && is_internal_stream(name)) {
                skipped = true;
                continue;
            }
            infos.push_back(std::move(info));
        }
    } catch (const cli_error& e) {
        throw cli_error(std::string("could not list streams: ") + e.what());
    }
    std::vector<std::string> names;
    for (const auto& info : infos) names.push_back(info["config"].value("name", ""));
    if (o.json) {
        // natscli marshals a nil slice when there is nothing: "null".
        out(names.empty() ? "null\n" : go_json_indent(ordered_json(names)) + "\n");
        return 0;
    }
    if (o.names) {
        std::sort(names.begin(), names.end());
        std::string text;
        for (const auto& n : names) text += (text.empty() ? "" : "\n") + n;
        out(text + "\n");
        return 0;
    }
    if (infos.empty()) {
        out(skipped ? "No Streams defined, pass -a to include system streams\n" : "No Streams defined\n");
        return 0;
    }
    out(render_stream_table(std::move(infos), o.subject, to_timestamp(std::chrono::system_clock::now())) + "\n");
    return 0;
}

int run_info(const app_state& state, const stream_options& o) {
    jetstream_session js(state.settings());
    const std::string name = select_stream(js.api, o.stream, o.force, o.all);
    const ordered_json info = with_prefix("could not request Stream info", [&] { return js.api.request("STREAM.INFO." + name); });
    show_info(name, info, o);
    out("\n");
    return 0;
}

int run_add(const app_state& state, stream_options& o) {
    jetstream_session js(state.settings());
    ordered_json config = build_stream_config(o.stream, o.settings);
    const std::string name = config.value("name", "");
    if (!o.settings.output_file.empty()) {
        std::ofstream file(o.settings.output_file, std::ios::binary | std::ios::trunc);
        file << go_json_indent(config);
        if (!file) throw cli_error("could not write " + o.settings.output_file);
        return 0;
    }
    const ordered_json info =
        with_prefix("could not create Stream", [&] { return js.api.request("STREAM.CREATE." + name, config); });
    out("Stream " + name + " was created\n\n");
    show_info(name, info, o);
    return 0;
}

int run_rm(const app_state& state, const stream_options& o) {
    if (o.force) {
        if (o.stream.empty()) throw cli_error("--force requires a stream name");
        jetstream_session js(state.settings());
        js.api.request("STREAM.DELETE." + o.stream);
        return 0;
    }
    jetstream_session js(state.settings());
    select_stream(js.api, o.stream, o.force, o.all);
    confirmation_needed();
}

int run_purge(const app_state& state, const stream_options& o) {
    jetstream_session js(state.settings());
    const std::string name = select_stream(js.api, o.stream, o.force, o.all);
    if (!o.force) confirmation_needed();
    with_prefix("could not purge Stream", [&] { return js.api.request("STREAM.INFO." + name); });
    ordered_json body = nullptr;
    if (o.purge_keep > 0 || !o.purge_subject.empty() || o.purge_sequence > 0) {
        if (o.purge_sequence > 0 && o.purge_keep > 0) throw cli_error("sequence and keep cannot be combined when purghing");
        body = ordered_json::object();
        if (o.purge_sequence > 0) body["seq"] = o.purge_sequence;
        if (!o.purge_subject.empty()) body["filter"] = o.purge_subject;
        if (o.purge_keep > 0) body["keep"] = o.purge_keep;
    }
    with_prefix("could not purge Stream", [&] { return js.api.request("STREAM.PURGE." + name, body); });
    const ordered_json info = js.api.request("STREAM.INFO." + name);
    show_info(name, info, o);
    return 0;
}

int run_get(const app_state& state, const stream_options& o) {
    jetstream_session js(state.settings());
    const std::string name = select_stream(js.api, o.stream, o.force, o.all);
    if (o.sequence == -1 && o.subject.empty()) {
        throw cli_error("invalid input: cannot prompt for user input without a terminal");
    }
    with_prefix("could not load Stream " + name, [&] { return js.api.request("STREAM.INFO." + name); });
    ordered_json body;
    if (o.sequence > -1) body["seq"] = o.sequence;
    else body["last_by_subj"] = o.subject;
    const ordered_json reply = with_prefix("could not retrieve " + name + "#" + std::to_string(o.sequence),
                                           [&] { return js.api.request("STREAM.MSG.GET." + name, body); });
    const ordered_json message = reply.value("message", ordered_json::object());
    if (o.json) {
        out(go_json_indent(message) + "\n");
        return 0;
    }
    out(render_stored_message(name, message));
    return 0;
}

int run_rmm(const app_state& state, const stream_options& o) {
    jetstream_session js(state.settings());
    const std::string name = select_stream(js.api, o.stream, o.force, o.all);
    if (o.sequence == -1) throw cli_error("invalid input: cannot prompt for user input without a terminal");
    with_prefix("could not load Stream " + name, [&] { return js.api.request("STREAM.INFO." + name); });
    if (!o.force) confirmation_needed();
    js.api.request("STREAM.MSG.DELETE." + name, ordered_json{{"seq", o.sequence}});
    return 0;
}

// natscli ignores a failed update here and shows the stream as it is; this
// build reports the failure.
int run_seal(const app_state& state, const stream_options& o) {
    jetstream_session js(state.settings());
    const std::string name = select_stream(js.api, o.stream, o.force, o.all);
    if (!o.force) confirmation_needed();
    const ordered_json info = with_prefix("could not seal Stream", [&] { return js.api.request("STREAM.INFO." + name); });
    ordered_json config = info.value("config", ordered_json::object());
    config["sealed"] = true;
    const ordered_json sealed =
        with_prefix("could not seal Stream", [&] { return js.api.request("STREAM.UPDATE." + name, config); });
    show_info(name, sealed, o);
    return 0;
}

void stream_arg(command& cmd, const std::string& help, stream_options& o) {
    cmd.string_arg("stream", help, &o.stream, false);
}

void json_flag(command& cmd, stream_options& o) {
    cmd.bool_flag("json", "Produce JSON output", &o.json).with_short('j');
}

void force_flag(command& cmd, const std::string& help, stream_options& o) {
    cmd.bool_flag("force", help, &o.force).with_short('f');
}

} // namespace

void add_stream_command(command& app, app_state& state) {
    auto o = std::make_shared<stream_options>();
    auto& str = app.add_command("stream", "JetStream Stream management").alias("str").alias("st").alias("ms").alias("s");
    str.bool_flag("all", "When listing or selecting streams show all streams including system ones", &o->all).with_short('a');

    auto& add = str.add_command("add", "Create a new Stream").alias("create").alias("new");
    stream_arg(add, "Stream name", *o);
    add_stream_settings_flags(add, o->settings);
    json_flag(add, *o);
    add.action([&state, o] { return run_add(state, *o); });

    auto& ls = str.add_command("ls", "List all known Streams").alias("list").alias("l");
    ls.string_flag("subject", "Limit the list to streams with matching subjects", &o->subject);
    ls.bool_flag("names", "Show just the stream names", &o->names).with_short('n');
    json_flag(ls, *o);
    ls.action([&state, o] { return run_ls(state, *o); });

    auto& info = str.add_command("info", "Stream information").alias("nfo").alias("i");
    stream_arg(info, "Stream to retrieve information for", *o);
    json_flag(info, *o);
    info.bool_flag("state", "Shows only the stream state", &o->state_only);
    info.action([&state, o] { return run_info(state, *o); });

    auto& st = str.add_command("state", "Stream state");
    stream_arg(st, "Stream to retrieve state information for", *o);
    json_flag(st, *o);
    st.action([&state, o] {
        o->state_only = true;
        return run_info(state, *o);
    });

    auto& rm = str.add_command("rm", "Removes a Stream").alias("delete").alias("del");
    stream_arg(rm, "Stream name", *o);
    force_flag(rm, "Force removal without prompting", *o);
    rm.action([&state, o] { return run_rm(state, *o); });

    auto& purge = str.add_command("purge", "Purge a Stream without deleting it");
    stream_arg(purge, "Stream name", *o);
    json_flag(purge, *o);
    force_flag(purge, "Force removal without prompting", *o);
    purge.string_flag("subject", "Limits the purge to a specific subject", &o->purge_subject).with_placeholder("SUBJECT");
    purge.int_flag("seq", "Purge up to but not including a specific message sequence", &o->purge_sequence)
        .with_placeholder("SEQUENCE");
    purge.int_flag("keep", "Keeps a certain number of messages after the purge", &o->purge_keep)
        .with_placeholder("MESSAGES");
    purge.action([&state, o] { return run_purge(state, *o); });

    auto& rmm = str.add_command("rmm", "Securely removes an individual message from a Stream");
    stream_arg(rmm, "Stream name", *o);
    rmm.int_arg("id", "Message Sequence to remove", &o->sequence);
    force_flag(rmm, "Force removal without prompting", *o);
    rmm.action([&state, o] { return run_rmm(state, *o); });

    auto& get = str.add_command("get", "Retrieves a specific message from a Stream");
    stream_arg(get, "Stream name", *o);
    get.int_arg("id", "Message Sequence to retrieve", &o->sequence);
    get.string_flag("last-for", "Retrieves the message for a specific subject", &o->subject)
        .with_short('S')
        .with_placeholder("SUBJECT");
    json_flag(get, *o);
    get.action([&state, o] { return run_get(state, *o); });

    auto& seal = str.add_command("seal", "Seals a stream preventing further updates");
    seal.string_arg("stream", "The name of the Stream to seal", &o->stream, true);
    force_flag(seal, "Force sealing without prompting", *o);
    seal.action([&state, o] { return run_seal(state, *o); });

    add_stream_admin_commands(str, state, &o->all);
    add_stream_backup_commands(str, state, &o->all);
    add_unsupported_commands(str, {{"find", "Finds streams matching certain criteria"},
                                   {"subjects", "Query subjects held in a stream"},
                                   {"cluster", "Manages a clustered Stream"}});
}

} // namespace nats::cli
