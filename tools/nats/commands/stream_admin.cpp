// nats stream report | edit | copy: natscli 0.0.35's stream maintenance verbs.
// Registered on the `stream` command by stream.cpp.
#include <memory>

#include "commands.hpp"
#include "config_diff.hpp"
#include "console.hpp"
#include "errors.hpp"
#include "jetstream_session.hpp"
#include "json_fields.hpp"
#include "stream_report.hpp"
#include "stream_report_table.hpp"
#include "stream_settings.hpp"

namespace nats::cli {
namespace {

struct stream_admin_options {
    std::string stream;
    std::string destination;
    std::string subject;
    std::string cluster;
    bool by_consumers = false;
    bool by_messages = false;
    bool by_name = false;
    bool by_storage = false;
    bool raw = false;
    bool leaders = false;
    std::string dot_file;
    bool force = false;
    bool dry_run = false;
    bool interactive = false;
    stream_settings settings;
};

int run_report(const app_state& state, const stream_admin_options& o) {
    jetstream_session js(state.settings());
    out("Obtaining Stream stats\n\n");
    std::vector<ordered_json> infos;
    for (auto& info : js.api.stream_infos(o.subject)) {
        if (!o.cluster.empty() && str_of(object_of(info, "cluster"), "name") != o.cluster && info.contains("cluster")) continue;
        infos.push_back(std::move(info));
    }
    if (infos.empty()) {
        out("No Streams defined\n");
        return 0;
    }
    stream_report_order order = stream_report_order::bytes;
    if (o.by_consumers) order = stream_report_order::consumers;
    else if (o.by_messages) order = stream_report_order::messages;
    else if (o.by_name) order = stream_report_order::name;
    else if (o.by_storage) order = stream_report_order::storage;
    out(render_stream_report(infos, order, o.raw) + "\n");
    if (const auto replication = render_replication_report(infos, o.raw); !replication.empty()) out(replication + "\n");
    return 0;
}

ordered_json load_stream_config(const jetstream_api& api, const std::string& name) {
    try {
        return object_of(api.request("STREAM.INFO." + name), "config");
    } catch (const cli_error& e) {
        throw cli_error("could not request Stream " + name + " configuration: " + e.what());
    }
}

int run_edit(const app_state& state, stream_admin_options& o, const bool* all) {
    jetstream_session js(state.settings());
    if (o.interactive) throw cli_error("'stream edit --interactive' is not supported by this build (it never starts an editor)");
    o.stream = select_stream(js.api, o.stream, o.force, *all);
    const ordered_json current = load_stream_config(js.api, o.stream);
    ordered_json changed;
    try {
        changed = edit_stream_config(current, o.stream, o.settings);
    } catch (const cli_error& e) {
        throw cli_error("could not create new configuration for Stream " + o.stream + ": " + e.what());
    }
    const std::string diff = config_diff(current, changed);
    if (diff.empty()) {
        if (!o.dry_run) out("No difference in configuration\n");
        return 0;
    }
    out("Differences (-old +new):\n" + diff);
    if (o.dry_run) return exit_failure;
    if (!o.force) confirmation_needed();
    ordered_json info;
    try {
        info = js.api.request("STREAM.UPDATE." + o.stream, changed);
    } catch (const cli_error& e) {
        throw cli_error("could not edit Stream " + o.stream + ": " + e.what());
    }
    out("Stream " + o.stream + " was updated\n\n" + render_stream_info(o.stream, info, false));
    return 0;
}

int run_copy(const app_state& state, stream_admin_options& o, const bool* all) {
    if (o.stream == o.destination) throw cli_error("source and destination Stream names cannot be the same");
    jetstream_session js(state.settings());
    o.stream = select_stream(js.api, o.stream, false, *all);
    const ordered_json current = load_stream_config(js.api, o.stream);
    ordered_json config;
    try {
        config = edit_stream_config(current, o.stream, o.settings);
    } catch (const cli_error& e) {
        throw cli_error("could not copy Stream " + o.stream + ": " + e.what());
    }
    config["name"] = o.destination;
    ordered_json info;
    try {
        info = js.api.request("STREAM.CREATE." + o.destination, config);
    } catch (const cli_error& e) {
        throw cli_error(std::string("could not create Stream: ") + e.what());
    }
    // natscli names the source stream here.
    out("Stream " + o.stream + " was created\n\n" + render_stream_info(o.destination, info, false));
    return 0;
}

} // namespace

void add_stream_admin_commands(command& str, app_state& state, const bool* all) {
    auto o = std::make_shared<stream_admin_options>();

    auto& report = str.add_command("report", "Reports on Stream statistics");
    report.string_flag("subject", "Limit the report to streams with matching subjects", &o->subject);
    report.string_flag("cluster", "Limit report to streams within a specific cluster", &o->cluster);
    report.bool_flag("consumers", "Sort by number of Consumers", &o->by_consumers).with_short('o');
    report.bool_flag("messages", "Sort by number of Messages", &o->by_messages).with_short('m');
    report.bool_flag("name", "Sort by Stream name", &o->by_name).with_short('n');
    report.bool_flag("storage", "Sort by Storage type", &o->by_storage).with_short('t');
    report.bool_flag("raw", "Show un-formatted numbers", &o->raw).with_short('r');
    report.string_flag("dot", "Produce a GraphViz graph of replication topology", &o->dot_file);
    report.bool_flag("leaders", "Show details about RAFT leaders", &o->leaders).with_short('l');
    report.action([&state, o] { return run_report(state, *o); });

    auto& edit = str.add_command("edit", "Edits an existing stream").alias("update");
    edit.string_arg("stream", "Stream to retrieve edit", &o->stream, false);
    edit.bool_flag("force", "Force edit without prompting", &o->force).with_short('f');
    edit.bool_flag("interactive", "Edit the configuring using your editor", &o->interactive).with_short('i');
    edit.bool_flag("dry-run", "Only shows differences, do not edit the stream", &o->dry_run);
    add_stream_settings_flags(edit, o->settings);
    edit.action([&state, o, all] { return run_edit(state, *o, all); });

    auto& copy = str.add_command("copy", "Creates a new Stream based on the configuration of another, does not copy data").alias("cp");
    copy.string_arg("source", "Source Stream to copy", &o->stream, true);
    copy.string_arg("destination", "New Stream to create", &o->destination, true);
    add_stream_settings_flags(copy, o->settings);
    copy.action([&state, o, all] { return run_copy(state, *o, all); });
}

} // namespace nats::cli
