// nats bench <subject>: natscli 0.1's form (--pub, --sub, --msgs, --size,
// --request, --reply) with its banner and the nats.go bench summary. The
// engine is src/bench_core; natscli 0.2+'s verbs (bench pub|sub|service|js)
// are in bench_verbs.cpp and bench_js_verbs.cpp, registered under the same command.
#include <fstream>
#include <memory>

#include "bench_core.hpp"
#include "bench_report.hpp"
#include "commands.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "templates.hpp"

namespace nats::cli {
namespace {

struct bench_options {
    std::string subject;
    std::int64_t pubs = 0;
    std::int64_t subs = 0;
    bool request = false;
    bool reply = false;
    std::int64_t msgs = 100000;
    std::string size = "128";
    bool no_progress = false;
    std::string csv;
    std::chrono::nanoseconds pub_sleep{0};
    std::chrono::nanoseconds sub_sleep{0};
    bool multi_subject = false;
    std::int64_t multi_subject_max = 100000;
};

void validate(const bench_options& o, std::int64_t size) {
    if (o.msgs <= 0) throw cli_error("number of messages should be greater than 0");
    if (size < 0) throw cli_error("Can not parse or invalid the value specified for the message size: " + o.size);
    if (o.pubs < 0 || o.subs < 0) throw cli_error("the number of publishers and subscribers can not be negative");
    if (o.pubs == 0 && o.subs == 0) {
        throw cli_error("You must have at least one publisher or at least one subscriber... try adding --pub 1 and/or "
                        "--sub 1 to the arguments");
    }
    if (o.request && o.reply) {
        throw cli_error("Request-reply mode error: can not be both a requester and a replier at the same time, please "
                        "use at least two instances of nats bench to benchmark request/reply");
    }
    if (o.reply && o.pubs > 0 && o.subs > 0) {
        throw cli_error("Request-reply mode error: can not have a publisher while in --reply mode");
    }
}

std::string banner(const bench_options& o, std::int64_t size) {
    const std::string common = "subject=" + bench_subscribe_subject(o.subject, o.multi_subject) + ", multisubject=" + (o.multi_subject ? "true" : "false") +
                               ", multisubjectmax=" + std::to_string(o.multi_subject_max);
    const std::string tail = ", msgs=" + comma(o.msgs) + ", msgsize=" + ibytes(static_cast<std::uint64_t>(size)) +
                             ", pubs=" + std::to_string(o.pubs) + ", subs=" + std::to_string(o.subs) +
                             ", pubsleep=" + format_duration(o.pub_sleep) + ", subsleep=" + format_duration(o.sub_sleep) + "]";
    if (o.request || o.reply) {
        return "Starting request-reply benchmark [" + common + ", request=" + (o.request ? "true" : "false") +
               ", reply=" + (o.reply ? "true" : "false") + tail;
    }
    return "Starting Core NATS pub/sub benchmark [" + common + tail;
}

int run_bench(const app_state& state, const bench_options& o, const command& cmd) {
    // `nats bench` alone: natscli 0.2+ wants one of its verbs.
    if (o.subject.empty()) throw command_line_error("a subcommand from the list below is required", &cmd);
    const std::int64_t size = parse_size(o.size);
    validate(o, size);
    const auto settings = state.settings();
    if (o.request || o.reply) log_line("Benchmark in request-reply mode");
    log_line(banner(o, size));

    core_bench_options core;
    core.subject = o.subject;
    core.pubs = o.pubs;
    core.subs = o.subs;
    core.request = o.request;
    core.reply = o.reply;
    core.msgs = o.msgs;
    core.message_size = static_cast<std::size_t>(size);
    core.progress = !o.no_progress;
    core.pub_sleep = o.pub_sleep;
    core.sub_sleep = o.sub_sleep;
    core.multi_subject = o.multi_subject;
    core.multi_subject_max = o.multi_subject_max;
    const core_bench_result result = run_core_bench(settings, core);
    if (result.interrupted) {
        if (!o.reply) return 130;
        log_line("Replied to " + comma(result.replied) + " requests");
        return 0;
    }
    out("\n" + bench_report("NATS", result.pubs, result.subs) + "\n");
    if (!o.csv.empty()) {
        std::ofstream file(o.csv, std::ios::trunc);
        file << bench_csv(unique_id(), result.pubs, result.subs);
        if (!file.flush()) log_line("error writing file " + o.csv);
        else out("Saved metric data in csv file " + o.csv + "\n");
    }
    return 0;
}

} // namespace

void add_bench_command(command& app, app_state& state) {
    auto o = std::make_shared<bench_options>();
    auto& cmd = app.add_command("bench", "Benchmark utility");
    // Not required: without it a natscli 0.2+ verb must follow (bench_verbs.cpp).
    cmd.string_arg("subject", "Subject to use for the benchmark (natscli 0.1 form)", &o->subject, false);
    cmd.int_flag("pub", "Number of concurrent publishers", &o->pubs);
    cmd.int_flag("sub", "Number of concurrent subscribers", &o->subs);
    cmd.bool_flag("request", "Request-Reply mode: publishers send requests waits for a reply", &o->request);
    cmd.bool_flag("reply", "Request-Reply mode: subscribers send replies", &o->reply);
    cmd.int_flag("msgs", "Number of messages to publish", &o->msgs);
    cmd.string_flag("size", "Size of the test messages", &o->size);
    cmd.bool_flag("no-progress", "Disable progress bar while publishing", &o->no_progress);
    cmd.string_flag("csv", "Save benchmark data to CSV file", &o->csv);
    cmd.duration_flag("pubsleep", "Sleep for the specified interval after publishing each message", &o->pub_sleep);
    cmd.duration_flag("subsleep", "Sleep for the specified interval before sending the reply back in --reply mode",
                      &o->sub_sleep);
    cmd.bool_flag("multisubject",
                  "Multi-subject mode, each message is published on a subject that includes the publisher's message "
                  "sequence number as a token",
                  &o->multi_subject);
    cmd.int_flag("multisubjectmax", "The maximum number of subjects to use in multi-subject mode (0 means no max)",
                 &o->multi_subject_max);
    cmd.long_help("Two forms: natscli 0.2+'s verbs (bench pub|sub|service|js|kv ...), and natscli 0.1's\n"
                  "`bench <subject> --pub N --sub N [--request|--reply]` (a subject named like a verb is the verb).");
    const command* self = &cmd;
    cmd.action([&state, o, self] { return run_bench(state, *o, *self); });
    add_bench_verbs(cmd, state);
}

} // namespace nats::cli
