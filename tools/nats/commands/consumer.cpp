// nats consumer ls | info | add | edit | rm | copy | next | sub | report:
// natscli 0.0.35's consumer verbs over the JetStream API, with its flags,
// layouts and error texts. Nothing here prompts (see consumer_settings.hpp).
#include <algorithm>
#include <ctime>
#include <thread>
#include <fstream>
#include <memory>

#include "commands.hpp"
#include "config_diff.hpp"
#include "console.hpp"
#include "consumer_report.hpp"
#include "consumer_settings.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "headers.hpp"
#include "json_fields.hpp"
#include "jetstream_session.hpp"
#include "subscriptions.hpp"
#include "waiter.hpp"

namespace nats::cli {
namespace {

using std::chrono::nanoseconds;

struct consumer_options {
    std::string stream;
    std::string consumer;
    std::string destination;
    bool all = false;
    bool json = false;
    bool names = false;
    bool force = false;
    bool raw = false;
    bool leaders = false;
    bool ack = true;
    bool dry_run = false;
    bool validate = false;
    std::int64_t count = 1;
    nanoseconds ack_delay{0};
    std::string sub_group;
    consumer_settings settings;
};

// An empty reply to a message (an acknowledgement, or an answer to flow control).
natsStatus respond(natsConnection* nc, natsMsg* msg) {
    const char* reply = natsMsg_GetReply(msg);
    if (reply == nullptr || *reply == '\0') return NATS_OK;
    return natsConnection_Publish(nc, reply, nullptr, 0);
}

std::string clock_now() {
    const std::time_t t = std::time(nullptr);
    std::tm local{};
    localtime_r(&t, &local);
    char buf[16];
    std::strftime(buf, sizeof buf, "%H:%M:%S", &local);
    return buf;
}

// natscli wraps the stream selection's error as "could not select Stream: ...".
std::string pick_stream(const jetstream_api& api, const consumer_options& o) {
    try {
        return select_stream(api, o.stream, o.force, o.all);
    } catch (const cli_error& e) {
        std::string text = e.what();
        const std::string inner = "could not pick a Stream to operate on: ";
        if (text.rfind(inner, 0) == 0) text.erase(0, inner.size());
        throw cli_error("could not select Stream: " + text);
    }
}

std::vector<std::string> consumer_names(const jetstream_api& api, const std::string& stream) {
    std::vector<std::string> names;
    for (int page = 0; page < 100000; ++page) {
        const ordered_json reply = api.request("CONSUMER.NAMES." + stream, ordered_json{{"offset", names.size()}});
        const auto list = reply.value("consumers", ordered_json::array());
        if (!list.is_array() || list.empty()) break;
        for (const auto& n : list) {
            if (n.is_string()) names.push_back(n.get<std::string>());
        }
        if (names.size() >= reply.value("total", std::size_t{0})) break;
    }
    std::sort(names.begin(), names.end());
    return names;
}

// natscli's connectAndSetup: the consumer's info when stream and consumer
// exist; otherwise the stream is selected and (with `need_consumer`) the
// consumer, failing as natscli's selection does without a terminal.
ordered_json select_consumer(const jetstream_api& api, consumer_options& o, bool need_consumer) {
    if (!o.stream.empty() && !o.consumer.empty()) {
        try {
            return api.request("CONSUMER.INFO." + o.stream + "." + o.consumer);
        } catch (const api_error&) {
            // natscli then selects as below.
        }
    }
    o.stream = pick_stream(api, o);
    if (!need_consumer) return nullptr;
    const std::string prefix = "could not select Consumer: ";
    if (o.force) throw cli_error(prefix + "unknown consumer \"" + o.stream + "\" > \"" + o.consumer + "\"");
    std::vector<std::string> names;
    try {
        names = consumer_names(api, o.stream);
    } catch (const cli_error& e) {
        throw cli_error(prefix + e.what());
    }
    if (names.empty()) throw cli_error(prefix + "no Consumers are defined for Stream " + o.stream);
    throw cli_error(prefix + "cannot prompt for user input without a terminal");
}

ordered_json load_consumer(const jetstream_api& api, const std::string& stream, const std::string& consumer,
                           const std::string& prefix) {
    try {
        return api.request("CONSUMER.INFO." + stream + "." + consumer);
    } catch (const cli_error& e) {
        throw cli_error(prefix + ": " + e.what());
    }
}

void show_consumer(const ordered_json& info, const consumer_options& o) {
    if (o.json) {
        out(go_json_indent(as_jsm_consumer_info(info)) + "\n");
        return;
    }
    out(render_consumer_info(info, to_timestamp(std::chrono::system_clock::now())));
}

ordered_json create_consumer(const jetstream_api& api, const std::string& stream, const ordered_json& config) {
    const std::string durable = str_of(config, "durable_name");
    const ordered_json request = {{"stream_name", stream}, {"config", config}};
    const std::string endpoint =
        durable.empty() ? "CONSUMER.CREATE." + stream : "CONSUMER.DURABLE.CREATE." + stream + "." + durable;
    return api.request(endpoint, request);
}

int run_ls(const app_state& state, consumer_options& o) {
    jetstream_session js(state.settings());
    select_consumer(js.api, o, false);
    std::vector<std::string> names;
    try {
        js.api.request("STREAM.INFO." + o.stream);
        names = consumer_names(js.api, o.stream);
    } catch (const cli_error& e) {
        throw cli_error(std::string("could not load Consumers: ") + e.what());
    }
    if (o.json) {
        out(names.empty() ? "null\n" : go_json_indent(ordered_json(names)) + "\n");
        return 0;
    }
    if (o.names) {
        std::string text;
        for (const auto& n : names) text += n + "\n";
        out(text);
        return 0;
    }
    if (names.empty()) {
        out("No Consumers defined\n");
        return 0;
    }
    std::string text = "Consumers for Stream " + o.stream + ":\n\n";
    for (const auto& n : names) text += "\t" + n + "\n";
    out(text + "\n");
    return 0;
}

int run_info(const app_state& state, consumer_options& o) {
    jetstream_session js(state.settings());
    ordered_json info = select_consumer(js.api, o, true);
    if (info.is_null()) info = load_consumer(js.api, o.stream, o.consumer, "could not load Consumer " + o.stream + " > " + o.consumer);
    show_consumer(info, o);
    return 0;
}

int run_add(const app_state& state, consumer_options& o) {
    const ordered_json config = build_consumer_config(o.consumer, o.settings);
    if (o.validate) throw cli_error("--validate is not supported by this build (it has no JSON schema validator)");
    if (!o.settings.output_file.empty()) {
        std::ofstream file(o.settings.output_file, std::ios::binary | std::ios::trunc);
        file << go_json_indent(config);
        if (!file) throw cli_error("could not write " + o.settings.output_file);
        return 0;
    }
    jetstream_session js(state.settings());
    o.stream = pick_stream(js.api, o);
    ordered_json created;
    try {
        created = create_consumer(js.api, o.stream, config);
    } catch (const cli_error& e) {
        throw cli_error(std::string("Consumer creation failed: ") + e.what());
    }
    o.consumer = str_of(created, "name");
    show_consumer(created, o);
    return 0;
}

int run_edit(const app_state& state, consumer_options& o) {
    jetstream_session js(state.settings());
    ordered_json info = select_consumer(js.api, o, true);
    if (info.is_null()) info = load_consumer(js.api, o.stream, o.consumer, "could not load Consumer");
    const ordered_json current = canonical_consumer_config(object_of(info, "config"));
    if (str_of(current, "durable_name").empty()) throw cli_error("only durable consumers can be edited");
    const ordered_json changed = edit_consumer_config(current, o.settings);
    const std::string diff = config_diff(current, changed);
    if (diff.empty()) {
        if (!o.dry_run) out("No difference in configuration\n");
        return 0;
    }
    out("Differences (-old +new):\n" + diff);
    if (o.dry_run) return exit_failure;
    if (!o.force) confirmation_needed();
    show_consumer(create_consumer(js.api, o.stream, changed), o);
    return 0;
}

int run_rm(const app_state& state, consumer_options& o) {
    if (o.force) {
        if (o.stream.empty() || o.consumer.empty()) throw cli_error("--force requires a stream and consumer name");
        jetstream_session js(state.settings());
        js.api.request("CONSUMER.DELETE." + o.stream + "." + o.consumer);
        return 0;
    }
    jetstream_session js(state.settings());
    select_consumer(js.api, o, true);
    confirmation_needed();
}

int run_copy(const app_state& state, consumer_options& o) {
    jetstream_session js(state.settings());
    select_consumer(js.api, o, false);
    const ordered_json source = load_consumer(js.api, o.stream, o.consumer, "could not load source Consumer");
    const ordered_json config = copy_consumer_config(object_of(source, "config"), o.destination, o.settings);
    ordered_json created;
    try {
        created = create_consumer(js.api, o.stream, config);
    } catch (const cli_error& e) {
        throw cli_error(std::string("Consumer creation failed: ") + e.what());
    }
    if (str_of(config, "durable_name").empty()) return 0;
    show_consumer(created, o);
    return 0;
}

// The line (or lines) natscli prints before a delivered message's body. `pull`
// is natscli's layout for pulled messages (two-space header indent and an empty
// line after "Data:"), otherwise its push layout.
void print_delivery(natsMsg* msg, bool pull, bool raw) {
    const std::string header_indent = pull ? "  " : "   ";
    const std::string data = libnats::data_of(msg);
    if (raw) {
        out(data + "\n");
        return;
    }
    const char* reply = natsMsg_GetReply(msg);
    delivery_metadata meta;
    std::string text;
    if (reply != nullptr && parse_ack_subject(reply, meta)) {
        text = delivery_line(clock_now(), natsMsg_GetSubject(msg), meta);
    } else if (reply == nullptr || *reply == '\0') {
        text = "--- subject: " + std::string(natsMsg_GetSubject(msg)) + "\n";
    } else {
        text = "--- subject: " + std::string(natsMsg_GetSubject(msg)) + " reply: " + reply + "\n";
    }
    const header_list headers = message_headers(msg);
    if (!headers.empty()) {
        text += "\nHeaders:\n\n";
        for (const auto& [k, v] : headers) text += header_indent + k + ": " + v + "\n";
        text += pull ? "\nData:\n\n" : "\nData:\n";
    }
    out(text);
}

// natscli's getNextMsgDirect: one pull request for one message, printed and acknowledged.
void next_message(jetstream_session& js, const consumer_options& o) {
    const std::string inbox = new_inbox(js.settings);
    natsSubscription* raw_sub = nullptr;
    check(natsConnection_SubscribeSync(&raw_sub, js.nc.get(), inbox.c_str()));
    const subscription_ptr sub(raw_sub);
    natsSubscription_AutoUnsubscribe(sub.get(), 1);
    const ordered_json request = {{"expires", js.settings.timeout.count()}, {"batch", 1}};
    const std::string body = request.dump();
    const std::string subject = "$JS.API.CONSUMER.MSG.NEXT." + o.stream + "." + o.consumer;
    check(natsConnection_PublishRequest(js.nc.get(), subject.c_str(), inbox.c_str(), body.data(),
                                        static_cast<int>(body.size())));
    auto not_pull_check = [&] {
        const ordered_json info = load_consumer(js.api, o.stream, o.consumer, "could not load consumer \"" + o.consumer + "\"");
        if (!str_of(object_of(info, "config"), "deliver_subject").empty()) {
            throw cli_error("consumer \"" + o.consumer + "\" is not a Pull consumer");
        }
    };
    natsMsg* raw_msg = nullptr;
    const auto timeout_ms = std::max<std::int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(js.settings.timeout).count());
    const natsStatus s = natsSubscription_NextMsg(&raw_msg, sub.get(), timeout_ms);
    if (s != NATS_OK) {
        not_pull_check();
        throw cli_error("no message received: " + status_text(s));
    }
    const message_ptr msg(raw_msg);
    const char* status = nullptr;
    if (natsMsgHeader_Get(msg.get(), "Status", &status) == NATS_OK && status != nullptr) {
        const std::string code(status);
        if (code == "503") not_pull_check();
        // 404 (no messages) and 408 (request expired): nothing arrived in time.
        if (code == "404" || code == "408" || code == "503") throw cli_error("no message received: nats: timeout");
    }
    print_delivery(msg.get(), true, o.raw);
    if (!o.raw) out("\n" + libnats::data_of(msg.get()) + "\n");
    if (!o.ack) return;
    nanoseconds delay{0};
    if (o.ack_delay.count() > 0) delay = nanoseconds(static_cast<std::int64_t>(std::rand()) % o.ack_delay.count());
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    const char* reply = natsMsg_GetReply(msg.get());
    if (reply == nullptr || *reply == '\0') {
        throw cli_error("could not Acknowledge message: nats: message does not have a reply");
    }
    check(respond(js.nc.get(), msg.get()));
    natsConnection_FlushTimeout(js.nc.get(), timeout_ms);
    if (!o.raw) out(delay.count() > 0 ? "\nAcknowledged message after " + format_duration(delay) + " delay\n\n"
                                      : "\nAcknowledged message\n\n");
}

// Shared with libnats' delivery thread for `consumer sub` on a push consumer.
struct push_state {
    natsConnection* nc = nullptr;
    bool ack = true;
    bool raw = false;
};

void on_push_message(natsConnection* nc, natsSubscription*, natsMsg* raw_msg, void* closure) {
    const message_ptr msg(raw_msg);
    const auto* st = static_cast<push_state*>(closure);
    const std::string data = libnats::data_of(msg.get());
    const char* status = nullptr;
    if (data.empty() && natsMsgHeader_Get(msg.get(), "Status", &status) == NATS_OK && std::string(status) == "100") {
        // Heartbeats and flow control: answer flow control, ignore the rest.
        const char* stalled = nullptr;
        if (natsMsgHeader_Get(msg.get(), "Nats-Consumer-Stalled", &stalled) == NATS_OK && stalled != nullptr) {
            natsConnection_Publish(nc, stalled, nullptr, 0);
        } else if (natsMsg_GetReply(msg.get()) != nullptr) {
            respond(nc, msg.get());
        }
        return;
    }
    if (st->raw) {
        out(data + "\n");
    } else {
        print_delivery(msg.get(), false, false);
        out(data + "\n" + (data.ends_with("\n") ? "" : "\n"));
    }
    if (st->ack && natsMsg_GetReply(msg.get()) != nullptr) {
        if (respond(nc, msg.get()) != NATS_OK) {
            out("Acknowledging message via subject " + std::string(natsMsg_GetReply(msg.get())) + " failed\n");
        }
    }
}

int run_sub(const app_state& state, consumer_options& o) {
    jetstream_session js(state.settings());
    ordered_json info = select_consumer(js.api, o, true);
    if (info.is_null()) info = load_consumer(js.api, o.stream, o.consumer, "could not load Consumer");
    const ordered_json& config = object_of(info, "config");
    const std::string ack_policy = str_of(config, "ack_policy");
    if (ack_policy == "none") o.ack = false;
    const std::string deliver = str_of(config, "deliver_subject");
    if (deliver.empty()) {
        o.stream = str_of(info, "stream_name");
        o.consumer = str_of(info, "name");
        next_message(js, o);
        return 0;
    }
    if (!o.raw) {
        std::string text = "Subscribing to topic " + deliver + " auto acknowlegement: " + (o.ack ? "true" : "false") +
                           "\n\nConsumer Info:\n  Ack Policy: " + ack_policy_name(ack_policy) + "\n";
        if (ack_policy != "none") text += "    Ack Wait: " + format_duration(nanoseconds(int_of(config, "ack_wait"))) + "\n";
        out(text + "\n");
    }
    push_state st{js.nc.get(), o.ack, o.raw};
    waiter wait;
    async_subscriptions subs;
    subs.subscribe(js.nc.get(), deliver, str_of(config, "deliver_group"), on_push_message, &st);
    wait.wait([] { return false; });
    stop_reporting_disconnects();
    subs.close();
    return 0;
}

int run_next(const app_state& state, consumer_options& o) {
    jetstream_session js(state.settings());
    for (std::int64_t i = 0; i < o.count; ++i) next_message(js, o);
    return 0;
}

int run_report(const app_state& state, consumer_options& o) {
    jetstream_session js(state.settings());
    select_consumer(js.api, o, false);
    const ordered_json stream = js.api.request("STREAM.INFO." + o.stream);
    std::vector<ordered_json> infos;
    for (const auto& name : consumer_names(js.api, o.stream)) {
        try {
            infos.push_back(js.api.request("CONSUMER.INFO." + o.stream + "." + name));
        } catch (const cli_error& e) {
            log_line("Could not obtain consumer state for " + name + ": " + e.what());
        }
    }
    out(render_consumer_report(stream, infos, o.raw) + "\n");
    return 0;
}

void stream_and_consumer_args(command& cmd, consumer_options& o) {
    cmd.string_arg("stream", "Stream name", &o.stream, false);
    cmd.string_arg("consumer", "Consumer name", &o.consumer, false);
}

} // namespace

void add_consumer_command(command& app, app_state& state) {
    auto o = std::make_shared<consumer_options>();
    auto& cons = app.add_command("consumer", "JetStream Consumer management").alias("con").alias("obs").alias("c");
    cons.bool_flag("all", "Operate on all streams including system ones", &o->all).with_short('a');

    auto& ls = cons.add_command("ls", "List known Consumers").alias("list");
    ls.string_arg("stream", "Stream name", &o->stream, false);
    ls.bool_flag("json", "Produce JSON output", &o->json).with_short('j');
    ls.bool_flag("names", "Show just the consumer names", &o->names).with_short('n');
    ls.action([&state, o] { return run_ls(state, *o); });

    auto& report = cons.add_command("report", "Reports on Consumer statistics");
    report.string_arg("stream", "Stream name", &o->stream, false);
    report.bool_flag("raw", "Show un-formatted numbers", &o->raw).with_short('r');
    report.bool_flag("leaders", "Show details about the leaders", &o->leaders).with_short('l');
    report.action([&state, o] { return run_report(state, *o); });

    auto& info = cons.add_command("info", "Consumer information").alias("nfo");
    stream_and_consumer_args(info, *o);
    info.bool_flag("json", "Produce JSON output", &o->json).with_short('j');
    info.action([&state, o] { return run_info(state, *o); });

    auto& add = cons.add_command("add", "Creates a new Consumer").alias("create").alias("new");
    stream_and_consumer_args(add, *o);
    add.string_flag("config", "JSON file to read configuration from", &o->settings.config_file);
    add.bool_flag("validate", "Only validates the configuration against the official Schema", &o->validate);
    add.string_flag("output", "Save configuration instead of creating", &o->settings.output_file).with_placeholder("FILE");
    add_consumer_settings_flags(add, o->settings, false);
    add.action([&state, o] { return run_add(state, *o); });

    auto& edit = cons.add_command("edit", "Edits the configuration of a consumer");
    stream_and_consumer_args(edit, *o);
    edit.string_flag("config", "JSON file to read configuration from", &o->settings.config_file);
    edit.bool_flag("force", "Force removal without prompting", &o->force).with_short('f');
    edit.bool_flag("dry-run", "Only shows differences, do not edit the stream", &o->dry_run);
    add_consumer_settings_flags(edit, o->settings, true);
    edit.action([&state, o] { return run_edit(state, *o); });

    auto& rm = cons.add_command("rm", "Removes a Consumer").alias("delete").alias("del");
    stream_and_consumer_args(rm, *o);
    rm.bool_flag("force", "Force removal without prompting", &o->force).with_short('f');
    rm.action([&state, o] { return run_rm(state, *o); });

    auto& cp = cons.add_command("copy", "Creates a new Consumer based on the configuration of another").alias("cp");
    cp.string_arg("stream", "Stream name", &o->stream, true);
    cp.string_arg("source", "Source Consumer name", &o->consumer, true);
    cp.string_arg("destination", "Destination Consumer name", &o->destination, true);
    add_consumer_settings_flags(cp, o->settings, false);
    cp.action([&state, o] { return run_copy(state, *o); });

    auto& next = cons.add_command("next", "Retrieves messages from Pull Consumers without interactive prompts");
    next.string_arg("stream", "Stream name", &o->stream, true);
    next.string_arg("consumer", "Consumer name", &o->consumer, true);
    next.bool_flag("ack", "Acknowledge received message", &o->ack);
    next.bool_flag("raw", "Show only the message", &o->raw).with_short('r');
    next.duration_flag("wait", "Wait up to this period to acknowledge messages", &o->ack_delay);
    next.int_flag("count", "Number of messages to try to fetch from the pull consumer", &o->count);
    next.action([&state, o] { return run_next(state, *o); });

    auto& sub = cons.add_command("sub", "Retrieves messages from Consumers");
    stream_and_consumer_args(sub, *o);
    sub.bool_flag("ack", "Acknowledge received message", &o->ack);
    sub.bool_flag("raw", "Show only the message", &o->raw).with_short('r');
    sub.string_flag("deliver-group", "Deliver group of the consumer", &o->sub_group);
    sub.action([&state, o] { return run_sub(state, *o); });

    add_unsupported_commands(cons, {{"cluster", "Manages a clustered Consumer"}});
}

} // namespace nats::cli
