#include "consumer_report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "durations.hpp"
#include "format.hpp"
#include "json_fields.hpp"
#include "tables.hpp"

namespace nats::cli {
namespace {

using std::chrono::nanoseconds;

// "%20s: value": the label width of natscli's consumer report.
std::string consumer_line(const std::string& label, const std::string& value) {
    const std::size_t width = 20;
    return std::string(label.size() < width ? width - label.size() : 0, ' ') + label + ": " + value + "\n";
}

std::string consumer_state_line(const std::string& label, const std::string& value) {
    const std::size_t width = 25;
    return std::string(label.size() < width ? width - label.size() : 0, ' ') + label + ": " + value + "\n";
}

std::vector<nanoseconds> consumer_backoff_of(const ordered_json& config) {
    std::vector<nanoseconds> steps;
    const auto it = config.find("backoff");
    if (it == config.end() || !it->is_array()) return steps;
    for (const auto& v : *it) {
        if (v.is_number()) steps.emplace_back(v.get<std::int64_t>());
    }
    return steps;
}

std::string consumer_deliver_policy(const ordered_json& config) {
    const std::string policy = str_of(config, "deliver_policy");
    if (policy == "all" || policy.empty()) return "All";
    if (policy == "last") return "Last";
    if (policy == "new") return "New";
    if (policy == "last_per_subject") return "Last Per Subject";
    if (policy == "by_start_time") return "Since " + go_time_string_utc(time_of(config, "opt_start_time"));
    if (policy == "by_start_sequence") return "From Sequence " + std::to_string(int_of(config, "opt_start_seq"));
    return policy;
}

// A sequence pair with its optional time: "Consumer sequence: 1 Stream sequence: 2[ <suffix>]".
std::string consumer_sequence_pair(const ordered_json& pair, const char* last_label, timestamp now) {
    std::string text = "Consumer sequence: " + comma(int_of(pair, "consumer_seq")) +
                       " Stream sequence: " + comma(int_of(pair, "stream_seq"));
    if (pair.contains("last_active") && pair["last_active"].is_string()) {
        text += std::string(" ") + last_label + ": " +
                humanize_duration_classic(since(time_of(pair, "last_active"), now)) + " ago";
    }
    return text;
}

} // namespace

std::string ack_policy_name(const std::string& v) {
    if (v == "none") return "None";
    if (v == "all") return "All";
    if (v == "explicit") return "Explicit";
    return "Unknown Acknowledgement Policy";
}

std::string replay_policy_name(const std::string& v) {
    if (v == "instant") return "Instant";
    if (v == "original") return "Original";
    return "Unknown Replay Policy";
}

std::string render_backoff(const std::vector<nanoseconds>& steps) {
    if (steps.empty()) return "unset";
    std::vector<std::string> shown;
    if (steps.size() > 15) {
        for (std::size_t i = 0; i < 5; ++i) shown.push_back(format_duration(steps[i]));
        shown.emplace_back("...");
        for (std::size_t i = steps.size() - 5; i < steps.size(); ++i) shown.push_back(format_duration(steps[i]));
    } else {
        for (const auto& d : steps) shown.push_back(format_duration(d));
    }
    std::string text;
    for (const auto& s : shown) text += (text.empty() ? "" : ", ") + s;
    if (steps.size() > 15) text += " (" + std::to_string(steps.size()) + " total)";
    return text;
}

std::string render_consumer_info(const ordered_json& info, timestamp now) {
    const ordered_json& config = object_of(info, "config");
    const std::string deliver_subject = str_of(config, "deliver_subject");
    const std::string ack = str_of(config, "ack_policy");
    std::string out = "Information for Consumer " + str_of(info, "stream_name") + " > " + str_of(info, "name") +
                      " created " + rfc3339_local(time_of(info, "created")) + "\n\nConfiguration:\n\n";
    const std::string name = str_of(config, "name");
    const std::string durable = str_of(config, "durable_name");
    if (!name.empty()) out += consumer_line("Name", name);
    if (!durable.empty() && durable != name) out += consumer_line("Durable Name", durable);
    if (const auto d = str_of(config, "description"); !d.empty()) out += consumer_line("Description", d);
    if (!deliver_subject.empty()) out += consumer_line("Delivery Subject", deliver_subject);
    else out += consumer_line("Pull Mode", "true");
    if (const auto f = str_of(config, "filter_subject"); !f.empty()) out += consumer_line("Filter Subject", f);
    out += consumer_line("Deliver Policy", consumer_deliver_policy(config));
    const std::string group = str_of(config, "deliver_group");
    if (!group.empty() && !deliver_subject.empty()) out += consumer_line("Deliver Queue Group", group);
    out += consumer_line("Ack Policy", ack_policy_name(ack));
    if (ack != "none") out += consumer_line("Ack Wait", format_duration(nanoseconds(int_of(config, "ack_wait"))));
    out += consumer_line("Replay Policy", replay_policy_name(str_of(config, "replay_policy")));
    if (const auto md = int_of(config, "max_deliver"); md != -1) out += consumer_line("Maximum Deliveries", std::to_string(md));
    if (const auto s = str_of(config, "sample_freq"); !s.empty()) out += consumer_line("Sampling Rate", s);
    if (const auto rate = uint_of(config, "rate_limit_bps"); rate > 0) out += consumer_line("Rate Limit", ibytes(rate / 8) + " / second");
    if (const auto m = int_of(config, "max_ack_pending"); m > 0) out += consumer_line("Max Ack Pending", comma(m));
    if (const auto m = int_of(config, "max_waiting"); m > 0) out += consumer_line("Max Waiting Pulls", comma(m));
    if (const auto hb = int_of(config, "idle_heartbeat"); hb > 0) {
        out += consumer_line("Idle Heartbeat", humanize_duration_classic(nanoseconds(hb)));
    }
    if (!deliver_subject.empty()) out += consumer_line("Flow Control", bool_of(config, "flow_control") ? "true" : "false");
    if (bool_of(config, "headers_only")) out += consumer_line("Headers Only", "true");
    if (const auto t = int_of(config, "inactive_threshold"); t > 0 && deliver_subject.empty()) {
        out += consumer_line("Inactive Threshold", humanize_duration_classic(nanoseconds(t)));
    }
    if (const auto e = int_of(config, "max_expires"); e > 0) out += consumer_line("Max Pull Expire", humanize_duration_classic(nanoseconds(e)));
    if (const auto b = int_of(config, "max_batch"); b > 0) out += consumer_line("Max Pull Batch", comma(b));
    if (const auto b = int_of(config, "max_bytes"); b > 0) out += consumer_line("Max Pull MaxBytes", comma(b));
    if (const auto steps = consumer_backoff_of(config); !steps.empty()) out += consumer_line("Backoff", render_backoff(steps));
    if (const auto r = int_of(config, "num_replicas"); r > 0) out += consumer_line("Replicas", std::to_string(r));
    if (bool_of(config, "mem_storage")) out += consumer_line("Memory Storage", "yes");
    out += "\n";

    const ordered_json& cluster = object_of(info, "cluster");
    if (!str_of(cluster, "name").empty()) {
        out += "Cluster Information:\n\n";
        out += consumer_line("Name", str_of(cluster, "name"));
        out += consumer_line("Leader", str_of(cluster, "leader"));
        for (const auto& r : cluster.value("replicas", ordered_json::array())) {
            const auto active = int_of(r, "active");
            const std::string seen = active == 0 || active == std::numeric_limits<std::int64_t>::max()
                                         ? "not seen"
                                         : "seen " + humanize_duration_classic(nanoseconds(active)) + " ago";
            out += consumer_line("Replica", str_of(r, "name") + (bool_of(r, "current") ? ", current, " : ", outdated, ") + seen);
        }
        out += "\n";
    }

    out += "State:\n\n";
    out += consumer_state_line("Last Delivered Message", consumer_sequence_pair(object_of(info, "delivered"), "Last delivery", now));
    if (ack != "none") {
        out += consumer_state_line("Acknowledgment floor", consumer_sequence_pair(object_of(info, "ack_floor"), "Last Ack", now));
        const auto pending = int_of(info, "num_ack_pending");
        if (const auto max = int_of(config, "max_ack_pending"); max > 0) {
            out += consumer_state_line("Outstanding Acks", comma(pending) + " out of maximum " + comma(max));
        } else {
            out += consumer_state_line("Outstanding Acks", comma(pending));
        }
        out += consumer_state_line("Redelivered Messages", comma(int_of(info, "num_redelivered")));
    }
    out += consumer_state_line("Unprocessed Messages", comma(int_of(info, "num_pending")));
    if (deliver_subject.empty()) {
        const auto waiting = int_of(info, "num_waiting");
        if (const auto max = int_of(config, "max_waiting"); max > 0) {
            out += consumer_state_line("Waiting Pulls", comma(waiting) + " of maximum " + comma(max));
        } else {
            out += consumer_state_line("Waiting Pulls", comma(waiting) + " of unlimited");
        }
    } else if (bool_of(info, "push_bound")) {
        // natscli prints these three without a newline, then one empty consumer_line.
        out += std::string(26 - 16, ' ') + "Active Interest: Active" +
               (group.empty() ? std::string() : " using Queue Group " + group);
    } else {
        out += std::string(26 - 16, ' ') + "Active Interest: No interest";
    }
    return out + "\n";
}

ordered_json as_jsm_consumer_info(const ordered_json& info) {
    ordered_json shown = ordered_json::object();
    for (const char* key : {"stream_name", "name", "config", "created", "delivered", "ack_floor", "num_ack_pending",
                            "num_redelivered", "num_waiting", "num_pending", "cluster", "push_bound"}) {
        if (!info.contains(key) || info[key].is_null()) continue;
        if (std::string_view(key) == "push_bound" && !bool_of(info, key)) continue;  // omitempty
        shown[key] = info[key];
    }
    return shown;
}

std::string render_cluster_peers(const ordered_json& cluster) {
    if (!cluster.is_object()) return {};
    std::vector<std::string> peers;
    std::vector<std::size_t> warn;
    const std::string leader = str_of(cluster, "leader");
    if (!leader.empty()) peers.push_back(leader);
    for (const auto& r : cluster.value("replicas", ordered_json::array())) {
        if (bool_of(r, "offline") || !bool_of(r, "current")) warn.push_back(peers.size());
        peers.push_back(str_of(r, "name"));
    }
    if (peers.empty()) return {};
    // Drop the domain suffix every peer shares (never the first label).
    std::vector<std::vector<std::string>> parts;
    std::size_t shortest = std::numeric_limits<std::size_t>::max();
    for (const auto& p : peers) {
        std::vector<std::string> labels;
        std::size_t start = 0;
        for (auto dot = p.find('.'); ; dot = p.find('.', start)) {
            labels.push_back(p.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
            if (dot == std::string::npos) break;
            start = dot + 1;
        }
        shortest = std::min(shortest, labels.size());
        parts.push_back(std::move(labels));
    }
    std::string suffix;
    for (std::size_t i = shortest - 1; i > 0; --i) {
        const bool shared = std::all_of(parts.begin(), parts.end(), [&](const auto& l) { return l[i] == parts[0][i]; });
        if (!shared) break;
        suffix = "." + parts[0][i] + suffix;
    }
    for (auto& p : peers) {
        if (!suffix.empty() && p.ends_with(suffix)) p.erase(p.size() - suffix.size());
    }
    if (!leader.empty()) peers[0] += "*";
    for (const auto i : warn) peers[i] += "!";
    std::sort(peers.begin(), peers.end());
    std::string text;
    for (const auto& p : peers) text += (text.empty() ? "" : ", ") + p;
    return text;
}

std::string render_consumer_report(const ordered_json& stream_info, const std::vector<ordered_json>& consumers, bool raw) {
    const ordered_json& state = object_of(stream_info, "state");
    table t("Consumer report for " + str_of(object_of(stream_info, "config"), "name") + " with " +
            comma(int_of(state, "consumer_count")) + " consumers");
    t.headers({"Consumer", "Mode", "Ack Policy", "Ack Wait", "Ack Pending", "Redelivered", "Unprocessed", "Ack Floor",
               "Cluster"});
    const auto stream_msgs = int_of(state, "messages");
    for (const auto& c : consumers) {
        const ordered_json& config = object_of(c, "config");
        const std::string mode = str_of(config, "deliver_subject").empty() ? "Pull" : "Push";
        const nanoseconds ack_wait(int_of(config, "ack_wait"));
        const auto pending = int_of(c, "num_pending");
        const auto floor = int_of(object_of(c, "ack_floor"), "stream_seq");
        const std::string cluster = c.contains("cluster") ? render_cluster_peers(c["cluster"]) : "";
        if (raw) {
            t.row({str_of(c, "name"), mode, ack_policy_name(str_of(config, "ack_policy")), format_duration(ack_wait),
                   std::to_string(int_of(c, "num_ack_pending")), std::to_string(int_of(c, "num_redelivered")),
                   std::to_string(pending), std::to_string(floor), cluster});
            continue;
        }
        std::string unprocessed = "0";
        if (pending > 0) {
            double pct = stream_msgs > 0 ? std::floor(static_cast<double>(pending) / static_cast<double>(stream_msgs) * 100)
                                         : std::numeric_limits<double>::infinity();
            if (pct > 100) pct = 100;
            unprocessed = comma(pending) + " / " + std::to_string(static_cast<int>(pct)) + "%";
        }
        t.row({str_of(c, "name"), mode, ack_policy_name(str_of(config, "ack_policy")), humanize_duration_classic(ack_wait),
               comma(int_of(c, "num_ack_pending")), comma(int_of(c, "num_redelivered")), unprocessed, comma(floor),
               cluster});
    }
    return t.render();
}

bool parse_ack_subject(const std::string& reply, delivery_metadata& out) {
    std::vector<std::string> tokens;
    std::size_t start = 0;
    for (auto dot = reply.find('.'); ; dot = reply.find('.', start)) {
        tokens.push_back(reply.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    if (tokens.size() < 9 || tokens[0] != "$JS" || tokens[1] != "ACK") return false;
    std::size_t at = 2;
    if (tokens.size() >= 11) at = 4;  // $JS.ACK.<domain>.<account hash>.<stream>...
    else if (tokens.size() != 9) return false;
    try {
        out.stream = tokens[at];
        out.consumer = tokens[at + 1];
        out.delivered = std::stoull(tokens[at + 2]);
        out.stream_sequence = std::stoull(tokens[at + 3]);
        out.consumer_sequence = std::stoull(tokens[at + 4]);
        out.timestamp_nanos = std::stoll(tokens[at + 5]);
        out.pending = std::stoull(tokens[at + 6]);
    } catch (const std::exception&) {
        return false;
    }
    return true;
}

std::string delivery_line(const std::string& clock, const std::string& subject, const delivery_metadata& m) {
    return "[" + clock + "] subj: " + subject + " / tries: " + std::to_string(m.delivered) +
           " / cons seq: " + std::to_string(m.consumer_sequence) + " / str seq: " + std::to_string(m.stream_sequence) +
           " / pending: " + comma(static_cast<std::int64_t>(m.pending)) + "\n";
}

} // namespace nats::cli
