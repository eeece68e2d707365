#include "consumer_settings.hpp"

#include <fstream>
#include <iterator>
#include <regex>

#include "durations.hpp"
#include "json_fields.hpp"

namespace nats::cli {
namespace {

using std::chrono::nanoseconds;

std::int64_t ns_of(nanoseconds d) { return d.count(); }

std::string lowercase_ascii(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

std::string consumer_ack_value(const std::string& policy) {
    const std::string p = lowercase_ascii(policy);
    if (p == "none" || p == "all" || p == "explicit") return p;
    throw cli_error("invalid ack policy '" + policy + "'");
}

std::string consumer_replay_value(const std::string& policy) {
    const std::string p = lowercase_ascii(policy);
    if (p == "instant" || p == "original") return p;
    throw cli_error("invalid replay policy '" + policy + "'");
}

std::string consumer_sample(std::int64_t pct) {
    if (pct > 100 || pct < 0) throw cli_error("sample percent is not between 0 and 100");
    return pct > 0 ? std::to_string(pct) : std::string();
}

// natscli's setStartPolicy: all, last, new/next, subject/last_per_subject, a
// sequence, or a duration back from now.
void set_consumer_start_policy(ordered_json& cfg, const std::string& policy) {
    if (policy.empty()) return;
    cfg.erase("opt_start_seq");
    cfg.erase("opt_start_time");
    if (policy == "all") cfg["deliver_policy"] = "all";
    else if (policy == "last") cfg["deliver_policy"] = "last";
    else if (policy == "new" || policy == "next") cfg["deliver_policy"] = "new";
    else if (policy == "subject" || policy == "last_per_subject") cfg["deliver_policy"] = "last_per_subject";
    else if (std::regex_match(policy, std::regex(R"(\d+)"))) {
        cfg["deliver_policy"] = "by_start_sequence";
        cfg["opt_start_seq"] = std::stoull(policy);
    } else {
        const auto d = parse_long_duration(policy);
        if (!d) throw cli_error("could not parse starting delta: invalid duration " + policy);
        const auto start = std::chrono::system_clock::now() - *d;
        const auto t = to_timestamp(std::chrono::time_point_cast<std::chrono::system_clock::duration>(start));
        char fraction[16];
        std::snprintf(fraction, sizeof fraction, ".%09d", t.nanos);
        cfg["deliver_policy"] = "by_start_time";
        cfg["opt_start_time"] = format_utc(t, "%Y-%m-%dT%H:%M:%S") + fraction + "Z";
    }
}

ordered_json consumer_backoff(const consumer_settings& s) {
    if (s.backoff_mode == "none") return nullptr;
    if (s.backoff_mode.empty() || s.backoff_steps == 0 || s.backoff_min.count() == 0 || s.backoff_max.count() == 0) {
        throw cli_error("could not determine backoff policy: required policy properties not supplied");
    }
    ordered_json list = ordered_json::array();
    for (const auto& d : linear_backoff(s.backoff_steps, s.backoff_min, s.backoff_max)) list.push_back(ns_of(d));
    return list;
}

nanoseconds consumer_heartbeat(const std::string& text) {
    const auto d = parse_long_duration(text);
    if (!d) throw cli_error("invalid heartbeat duration: invalid duration " + text);
    return *d;
}

ordered_json read_consumer_config_file(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw cli_error("open " + path + ": no such file or directory");
    const std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    ordered_json cfg = ordered_json::parse(text, nullptr, false);
    if (!cfg.is_object()) throw cli_error("invalid consumer configuration in " + path);
    // A `consumer info --json` output holds the config under "config".
    if (cfg.contains("config") && cfg["config"].is_object()) return cfg["config"];
    return cfg;
}

void set_or_erase_key(ordered_json& cfg, const char* key, const ordered_json& value, bool keep) {
    if (keep) cfg[key] = value;
    else cfg.erase(key);
}

} // namespace

void add_consumer_settings_flags(command& cmd, consumer_settings& s, bool edit) {
    if (!edit) {
        cmd.string_flag("ack", "Acknowledgement policy (none, all, explicit)", &s.ack_policy);
        cmd.int_flag("bps", "Restrict message delivery to a certain bit per second", &s.bps);
    }
    cmd.enum_flag("backoff", "Creates a consumer backoff policy using a specific pre-written algorithm (none, linear)",
                  &s.backoff_mode, {"linear", "none"})
        .with_placeholder("MODE");
    cmd.int_flag("backoff-steps", "Number of steps to use when creating the backoff policy", &s.backoff_steps)
        .with_placeholder("STEPS");
    cmd.duration_flag("backoff-min", "The shortest backoff period that will be generated", &s.backoff_min)
        .with_placeholder("MIN");
    cmd.duration_flag("backoff-max", "The longest backoff period that will be generated", &s.backoff_max)
        .with_placeholder("MAX");
    if (!edit) {
        cmd.string_flag("deliver", "Start policy (all, new, last, subject, 1h, msg sequence)", &s.start_policy)
            .with_placeholder("POLICY");
        cmd.string_flag("deliver-group", "Delivers push messages only to subscriptions matching this group",
                        &s.deliver_group)
            .with_placeholder("GROUP");
    }
    cmd.string_flag("description", "Sets a contextual description for the consumer", &s.description);
    if (!edit) cmd.bool_flag("ephemeral", "Create an ephemeral Consumer", &s.ephemeral);
    cmd.string_flag("filter", "Filter Stream by subjects", &s.filter);
    if (!edit) {
        auto& fc = cmd.bool_flag("flow-control", "Enable Push consumer flow control", &s.flow_control);
        auto inner = fc.set;
        fc.set = [inner, &s](const std::string& v) {
            inner(v);
            s.flow_control_set = true;
        };
        cmd.string_flag("heartbeat", "Enable idle Push consumer heartbeats (-1 disable)", &s.heartbeat);
    }
    auto& hdrs = cmd.bool_flag("headers-only", "Deliver only headers and no bodies", &s.headers_only);
    auto inner = hdrs.set;
    hdrs.set = [inner, &s](const std::string& v) {
        inner(v);
        s.headers_only_set = true;
    };
    cmd.int_flag("max-deliver", "Maximum amount of times a message will be delivered", &s.max_deliver)
        .with_placeholder("TRIES");
    cmd.int_flag("max-outstanding", "Maximum pending Acks before consumers are paused", &s.max_ack_pending).make_hidden();
    cmd.int_flag("max-pending", "Maximum pending Acks before consumers are paused", &s.max_ack_pending);
    cmd.int_flag("max-waiting", "Maximum number of outstanding pulls allowed", &s.max_waiting).with_placeholder("PULLS");
    cmd.int_flag("max-pull-batch", "Maximum size batch size for a pull request to accept", &s.max_pull_batch)
        .with_placeholder("BATCH_SIZE");
    cmd.duration_flag("max-pull-expire", "Maximum expire duration for a pull request to accept", &s.max_pull_expire)
        .with_placeholder("EXPIRES");
    cmd.int_flag("max-pull-bytes", "Maximum max bytes for a pull request to accept", &s.max_pull_bytes)
        .with_placeholder("BYTES");
    if (!edit) {
        cmd.bool_flag("pull", "Deliver messages in 'pull' mode", &s.pull);
        cmd.enum_flag("replay", "Replay Policy (instant, original)", &s.replay_policy, {"instant", "original"})
            .with_placeholder("POLICY");
    }
    cmd.int_flag("sample", "Percentage of requests to sample for monitoring purposes", &s.sample);
    cmd.string_flag("target", "Push based delivery target subject", &s.target).with_placeholder("SUBJECT");
    cmd.duration_flag("wait", "Acknowledgement waiting time", &s.ack_wait);
    if (!edit) {
        cmd.duration_flag("inactive-threshold", "How long to allow an ephemeral consumer to be idle before removing it",
                          &s.inactive_threshold)
            .with_placeholder("THRESHOLD");
        cmd.int_flag("replicas", "Sets a custom replica count rather than inherit from the stream", &s.replicas);
        cmd.bool_flag("memory", "Force the consumer state to be stored in memory rather than inherit from the stream",
                      &s.memory);
        cmd.bool_flag("defaults", "Accept default values for all prompts", &s.defaults);
    }
}

std::vector<nanoseconds> linear_backoff(std::int64_t steps, nanoseconds min, nanoseconds max) {
    if (steps <= 0) throw cli_error("could not determine backoff policy: steps must be more than 0");
    if (min.count() == 0) throw cli_error("could not determine backoff policy: minimum retry can not be 0");
    if (max.count() == 0) throw cli_error("could not determine backoff policy: maximum retry can not be 0");
    if (max < min) std::swap(min, max);
    const auto step = static_cast<std::uint64_t>((max - min).count()) / static_cast<std::uint64_t>(steps);
    std::vector<nanoseconds> periods;
    for (std::int64_t i = 0; i < steps; ++i) {
        // Go's Duration.Round(time.Millisecond): halves away from zero.
        const auto raw = static_cast<std::int64_t>(static_cast<std::uint64_t>(i) * step);
        const auto rounded = (raw + 500'000) / 1'000'000 * 1'000'000;
        periods.push_back(min + nanoseconds(rounded));
    }
    return periods;
}

ordered_json build_consumer_config(const std::string& name, const consumer_settings& s) {
    if (!s.config_file.empty()) {
        ordered_json cfg = read_consumer_config_file(s.config_file);
        if (!str_of(cfg, "durable_name").empty() && !name.empty()) cfg["durable_name"] = name;
        if (!str_of(cfg, "deliver_subject").empty() && !s.target.empty()) cfg["deliver_subject"] = s.target;
        return canonical_consumer_config(cfg);
    }
    ordered_json cfg = {{"ack_policy", "explicit"}, {"deliver_policy", "all"}, {"replay_policy", "instant"}};
    if (!s.description.empty()) cfg["description"] = s.description;
    if (name.empty() && !s.ephemeral) {
        throw cli_error("could not request durable name: cannot prompt for user input without a terminal");
    }
    const std::string durable = s.ephemeral ? std::string() : name;
    if (durable.find_first_of(".*>") != std::string::npos) throw cli_error("durable name can not contain '.', '*', '>'");
    if (!durable.empty()) cfg["durable_name"] = durable;
    const std::string target = s.pull ? std::string() : s.target;
    if (!target.empty()) cfg["deliver_subject"] = target;
    if (!target.empty() && s.deliver_group != "_unset_" && !s.deliver_group.empty()) cfg["deliver_group"] = s.deliver_group;
    set_consumer_start_policy(cfg, s.start_policy.empty() ? std::string("all") : s.start_policy);
    const std::string ack = consumer_ack_value(s.ack_policy.empty() ? (target.empty() ? "explicit" : "none") : s.ack_policy);
    if (ack == "none" && target.empty()) throw cli_error("pull consumers can only be explicit or all acknowledgement modes");
    cfg["ack_policy"] = ack;
    std::int64_t max_deliver = s.max_deliver == 0 ? -1 : s.max_deliver;  // the prompt's default
    if (ack == "none") max_deliver = -1;
    if (s.ack_wait.count() > 0) cfg["ack_wait"] = ns_of(s.ack_wait);
    if (s.sample > 0) cfg["sample_freq"] = consumer_sample(s.sample);
    if (!s.replay_policy.empty()) cfg["replay_policy"] = consumer_replay_value(s.replay_policy);
    const std::string filter = s.filter == "_unset_" ? std::string() : s.filter;
    if (!filter.empty()) cfg["filter_subject"] = filter;
    else if (str_of(cfg, "deliver_policy") == "last_per_subject") cfg["filter_subject"] = ">";
    if (!target.empty()) {
        if (!s.heartbeat.empty() && s.heartbeat != "-1") cfg["idle_heartbeat"] = ns_of(consumer_heartbeat(s.heartbeat));
        if (s.flow_control) cfg["flow_control"] = true;
    }
    if (s.headers_only) cfg["headers_only"] = true;
    if (!s.backoff_mode.empty()) {
        const ordered_json backoff = consumer_backoff(s);
        if (!backoff.is_null()) {
            cfg["backoff"] = backoff;
            if (max_deliver == -1 && !backoff.empty()) max_deliver = static_cast<std::int64_t>(backoff.size()) + 1;
        }
    }
    const std::int64_t max_ack_pending = s.max_ack_pending == -1 ? 0 : s.max_ack_pending;
    if (max_ack_pending != 0) cfg["max_ack_pending"] = max_ack_pending;
    if (s.inactive_threshold.count() > 0) cfg["inactive_threshold"] = ns_of(s.inactive_threshold);
    if (s.max_pull_batch > 0) cfg["max_batch"] = s.max_pull_batch;
    if (s.max_pull_expire.count() > 0) cfg["max_expires"] = ns_of(s.max_pull_expire);
    if (s.max_pull_bytes > 0) cfg["max_bytes"] = s.max_pull_bytes;
    if (target.empty() && s.max_waiting != 0) cfg["max_waiting"] = s.max_waiting;
    if (s.max_deliver != 0 && ack != "none") max_deliver = s.max_deliver;
    cfg["max_deliver"] = max_deliver;
    if (s.bps > 0 && target.empty()) throw cli_error("rate limits are only possible on Push consumers");
    if (s.bps > 0) cfg["rate_limit_bps"] = s.bps;
    cfg["num_replicas"] = s.replicas;
    if (s.memory) cfg["mem_storage"] = true;
    return canonical_consumer_config(cfg);
}

ordered_json edit_consumer_config(const ordered_json& current, const consumer_settings& s) {
    if (!s.config_file.empty()) return canonical_consumer_config(read_consumer_config_file(s.config_file));
    ordered_json cfg = current;
    if (!s.description.empty()) cfg["description"] = s.description;
    if (s.max_deliver != 0) cfg["max_deliver"] = s.max_deliver;
    if (s.max_ack_pending != -1) cfg["max_ack_pending"] = s.max_ack_pending;
    if (s.ack_wait != -std::chrono::seconds(1)) cfg["ack_wait"] = ns_of(s.ack_wait);
    if (s.max_waiting != 0) cfg["max_waiting"] = s.max_waiting;
    if (s.sample != -1) set_or_erase_key(cfg, "sample_freq", consumer_sample(s.sample), s.sample > 0);
    if (s.max_pull_batch > 0) cfg["max_batch"] = s.max_pull_batch;
    if (s.max_pull_expire.count() > 0) cfg["max_expires"] = ns_of(s.max_pull_expire);
    if (s.max_pull_bytes > 0) cfg["max_bytes"] = s.max_pull_bytes;
    if (!s.backoff_mode.empty()) {
        const ordered_json backoff = consumer_backoff(s);
        set_or_erase_key(cfg, "backoff", backoff, !backoff.is_null());
    }
    if (!s.target.empty()) cfg["deliver_subject"] = s.target;
    if (s.headers_only_set) cfg["headers_only"] = s.headers_only;
    if (s.filter != "_unset_") cfg["filter_subject"] = s.filter;
    return canonical_consumer_config(cfg);
}

ordered_json copy_consumer_config(const ordered_json& source, const std::string& destination, const consumer_settings& s) {
    ordered_json cfg = source;
    cfg.erase("name");
    if (s.ack_wait.count() > 0) cfg["ack_wait"] = ns_of(s.ack_wait);
    if (s.sample != -1) set_or_erase_key(cfg, "sample_freq", consumer_sample(s.sample), s.sample > 0);
    if (!s.start_policy.empty()) set_consumer_start_policy(cfg, s.start_policy);
    if (s.ephemeral) cfg.erase("durable_name");
    else cfg["durable_name"] = destination;
    if (!s.target.empty()) cfg["deliver_subject"] = s.target;
    if (s.pull) {
        cfg.erase("deliver_subject");
        cfg["max_waiting"] = s.max_waiting;
    }
    if (!s.ack_policy.empty()) cfg["ack_policy"] = consumer_ack_value(s.ack_policy);
    if (s.filter != "_unset_") cfg["filter_subject"] = s.filter;
    if (!s.replay_policy.empty()) cfg["replay_policy"] = consumer_replay_value(s.replay_policy);
    if (s.max_deliver != 0) cfg["max_deliver"] = s.max_deliver;
    if (s.bps != 0) cfg["rate_limit_bps"] = s.bps;
    if (s.max_ack_pending != -1) cfg["max_ack_pending"] = s.max_ack_pending;
    if (!s.heartbeat.empty() && s.heartbeat != "-") cfg["idle_heartbeat"] = ns_of(consumer_heartbeat(s.heartbeat));
    if (!s.description.empty()) cfg["description"] = s.description;
    if (s.flow_control_set) cfg["flow_control"] = s.flow_control;
    if (str_of(cfg, "deliver_subject").empty()) {
        cfg.erase("idle_heartbeat");
        cfg.erase("flow_control");
    }
    // natscli keeps a deliver group only when both --target and --deliver-group are given.
    if (s.deliver_group != "_unset_" && !s.target.empty()) cfg["deliver_group"] = s.deliver_group;
    else cfg.erase("deliver_group");
    if (s.inactive_threshold.count() > 0) cfg["inactive_threshold"] = ns_of(s.inactive_threshold);
    if (s.max_pull_expire.count() > 0) cfg["max_expires"] = ns_of(s.max_pull_expire);
    if (s.max_pull_batch > 0) cfg["max_batch"] = s.max_pull_batch;
    if (s.max_pull_bytes > 0) cfg["max_bytes"] = s.max_pull_bytes;
    if (!s.backoff_mode.empty()) {
        const ordered_json backoff = consumer_backoff(s);
        set_or_erase_key(cfg, "backoff", backoff, !backoff.is_null());
    }
    if (s.headers_only_set) cfg["headers_only"] = s.headers_only;
    return canonical_consumer_config(cfg);
}

ordered_json canonical_consumer_config(const ordered_json& config) {
    struct field {
        const char* key;
        bool omit_empty;
    };
    static const field order[] = {
        {"ack_policy", false},     {"ack_wait", true},         {"deliver_policy", false},  {"deliver_subject", true},
        {"deliver_group", true},   {"durable_name", true},     {"name", true},             {"description", true},
        {"filter_subject", true},  {"flow_control", true},     {"idle_heartbeat", true},   {"max_ack_pending", true},
        {"max_deliver", true},     {"max_waiting", true},      {"opt_start_seq", true},    {"opt_start_time", true},
        {"rate_limit_bps", true},  {"replay_policy", false},   {"sample_freq", true},      {"headers_only", true},
        {"max_batch", true},       {"max_expires", true},      {"max_bytes", true},        {"inactive_threshold", true},
        {"backoff", true},         {"num_replicas", false},    {"mem_storage", true},
    };
    auto empty = [](const ordered_json& v) {
        return v.is_null() || (v.is_boolean() && !v.get<bool>()) || (v.is_number() && v.get<double>() == 0) ||
               (v.is_string() && v.get<std::string>().empty()) || (v.is_array() && v.empty());
    };
    ordered_json out = ordered_json::object();
    for (const auto& f : order) {
        const auto it = config.find(f.key);
        if (it == config.end()) {
            if (!f.omit_empty) out[f.key] = std::string_view(f.key) == "num_replicas" ? ordered_json(0) : ordered_json("");
            continue;
        }
        if (f.omit_empty && empty(*it)) continue;
        out[f.key] = *it;
    }
    // Fields newer than jsm.go's struct are kept, after the known ones.
    for (auto it = config.begin(); it != config.end(); ++it) {
        if (!out.contains(it.key()) && std::none_of(std::begin(order), std::end(order),
                                                      [&](const field& f) { return it.key() == f.key; })) {
            out[it.key()] = it.value();
        }
    }
    return out;
}

} // namespace nats::cli
