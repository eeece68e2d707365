#include "stream_report.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <limits>

#include "durations.hpp"
#include "format.hpp"
#include "json_fields.hpp"
#include "tables.hpp"

namespace nats::cli {
namespace {

using std::chrono::nanoseconds;

std::string yes(bool v) { return v ? "true" : "false"; }

std::string join(const ordered_json& list, const char* separator) {
    std::string out;
    if (!list.is_array()) return out;
    for (const auto& item : list) {
        if (!out.empty()) out += separator;
        out += item.is_string() ? item.get<std::string>() : item.dump();
    }
    return out;
}

// "%21s: value" lines, the fixed label width of natscli's stream reports.
std::string line(const std::string& label, const std::string& value) {
    const std::size_t width = 21;
    const std::size_t used = display_width(label);
    return std::string(used < width ? width - used : 0, ' ') + label + ": " + value + "\n";
}

std::string render_source(const ordered_json& s) {
    std::string out = str_of(s, "name");
    if (const auto seq = int_of(s, "opt_start_seq"); seq > 0) out += ", Start Seq: " + comma(seq);
    if (const auto start = parse_rfc3339(str_of(s, "opt_start_time"))) {
        out += ", Start Time: " + go_time_string_utc(*start);
    }
    if (const auto filter = str_of(s, "filter_subject"); !filter.empty()) out += ", Subject: " + filter;
    if (s.contains("external") && s["external"].is_object()) {
        const auto& e = s["external"];
        if (const auto api = str_of(e, "api"); !api.empty()) out += ", API Prefix: " + api;
        if (const auto deliver = str_of(e, "deliver"); !deliver.empty()) out += ", Delivery Prefix: " + deliver;
    }
    return out;
}

bool active_recently(std::int64_t active) { return active > 0 && active < std::numeric_limits<std::int64_t>::max(); }

std::string render_source_info(const ordered_json& s) {
    std::string out = line("Stream Name", str_of(s, "name"));
    out += line("Lag", comma(int_of(s, "lag")));
    const auto active = int_of(s, "active");
    out += line("Last Seen", active_recently(active) ? humanize_duration_classic(nanoseconds(active)) : "never");
    if (s.contains("external") && s["external"].is_object()) {
        out += line("Ext. API Prefix", str_of(s["external"], "api"));
        if (const auto d = str_of(s["external"], "deliver"); !d.empty()) out += line("Ext. Delivery Prefix", d);
    }
    if (s.contains("error") && s["error"].is_object()) out += line("Error", str_of(s["error"], "description"));
    return out;
}

std::string render_cluster(const ordered_json& cluster) {
    std::string out = "Cluster Information:\n\n";
    out += line("Name", str_of(cluster, "name"));
    out += line("Leader", str_of(cluster, "leader"));
    for (const auto& r : cluster.value("replicas", ordered_json::array())) {
        std::string state = str_of(r, "name");
        state += bool_of(r, "current") ? ", current" : ", outdated";
        if (bool_of(r, "offline")) state += ", OFFLINE";
        const auto active = int_of(r, "active");
        state += active_recently(active) ? ", seen " + humanize_duration_classic(nanoseconds(active)) + " ago"
                                         : ", not seen";
        const auto lag = int_of(r, "lag");
        if (lag > 1) state += ", " + comma(lag) + " operations behind";
        else if (lag == 1) state += ", 1 operation behind";
        out += line("Replica", state);
    }
    return out + "\n";
}

std::string sequence_line(const char* label, std::int64_t seq, bool plain, timestamp at) {
    if (plain) return line(label, comma(seq));
    return line(label, comma(seq) + " @ " + format_utc(at, "%Y-%m-%dT%H:%M:%S") + " UTC");
}

} // namespace

std::string storage_name(const std::string& v) {
    if (v == "file") return "File";
    if (v == "memory") return "Memory";
    return "Unknown Storage Type";
}

std::string retention_name(const std::string& v) {
    if (v == "limits") return "Limits";
    if (v == "interest") return "Interest";
    if (v == "workqueue") return "WorkQueue";
    return "Unknown Retention Policy";
}

std::string discard_name(const std::string& v) {
    if (v == "old") return "Old";
    if (v == "new") return "New";
    return "Unknown Discard Policy";
}

std::string render_stream_config(const ordered_json& cfg) {
    std::string out;
    if (const auto d = str_of(cfg, "description"); !d.empty()) out += line("Description", d);
    if (cfg.contains("subjects") && !cfg["subjects"].empty()) out += line("Subjects", join(cfg["subjects"], ", "));
    out += line("Replicas", std::to_string(int_of(cfg, "num_replicas")));
    if (bool_of(cfg, "sealed")) out += line("Sealed", "true");
    out += line("Storage", storage_name(str_of(cfg, "storage")));
    if (cfg.contains("placement") && cfg["placement"].is_object()) {
        const auto& p = cfg["placement"];
        if (const auto c = str_of(p, "cluster"); !c.empty()) out += line("Placement Cluster", c);
        if (p.contains("tags") && !p["tags"].empty()) out += line("Placement Tags", join(p["tags"], ", "));
    }
    if (cfg.contains("republish") && cfg["republish"].is_object()) {
        // natscli prints these without a newline; the blank line below ends them.
        const auto& r = cfg["republish"];
        const std::string what = str_of(r, "src") + " to " + str_of(r, "dest");
        out += bool_of(r, "headers_only") ? " Republishing Headers: " + what : "         Republishing: " + what;
    }
    out += "\nOptions:\n\n";
    out += line("Retention", retention_name(str_of(cfg, "retention")));
    out += line("Acknowledgements", yes(!bool_of(cfg, "no_ack")));
    out += line("Discard Policy",
                bool_of(cfg, "discard_new_per_subject") ? "New Per Subject" : discard_name(str_of(cfg, "discard")));
    out += line("Duplicate Window", format_duration(nanoseconds(int_of(cfg, "duplicate_window"))));
    if (bool_of(cfg, "allow_direct")) out += line("Direct Get", "true");
    if (bool_of(cfg, "mirror_direct")) out += line("Mirror Direct Get", "true");
    out += line("Allows Msg Delete", yes(!bool_of(cfg, "deny_delete")));
    out += line("Allows Purge", yes(!bool_of(cfg, "deny_purge")));
    out += line("Allows Rollups", yes(bool_of(cfg, "allow_rollup_hdrs")));

    out += "\nLimits:\n\n";
    const auto max_msgs = int_of(cfg, "max_msgs");
    out += line("Maximum Messages", max_msgs == -1 ? "unlimited" : comma(max_msgs));
    const auto per_subject = int_of(cfg, "max_msgs_per_subject");
    out += line("Maximum Per Subject", per_subject <= 0 ? "unlimited" : comma(per_subject));
    const auto max_bytes = int_of(cfg, "max_bytes");
    out += line("Maximum Bytes", max_bytes == -1 ? "unlimited" : ibytes(static_cast<std::uint64_t>(max_bytes)));
    const auto max_age = int_of(cfg, "max_age");
    out += line("Maximum Age", max_age <= 0 ? "unlimited" : humanize_duration_classic(nanoseconds(max_age)));
    const auto max_msg_size = int_of(cfg, "max_msg_size");
    out += line("Maximum Message Size",
                max_msg_size == -1 ? "unlimited" : ibytes(static_cast<std::uint32_t>(max_msg_size)));
    const auto max_consumers = int_of(cfg, "max_consumers");
    out += line("Maximum Consumers", max_consumers == -1 ? "unlimited" : comma(max_consumers));
    if (const auto t = str_of(cfg, "template_owner"); !t.empty()) out += line("Managed by Template", t);

    const bool has_mirror = cfg.contains("mirror") && cfg["mirror"].is_object();
    const auto sources = cfg.value("sources", ordered_json::array());
    if (has_mirror || (sources.is_array() && !sources.empty())) out += "\nReplication:\n\n";
    if (has_mirror) out += line("Mirror", render_source(cfg["mirror"]));
    if (sources.is_array() && !sources.empty()) {
        std::vector<ordered_json> sorted(sources.begin(), sources.end());
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const auto& a, const auto& b) { return str_of(a, "name") < str_of(b, "name"); });
        for (std::size_t i = 0; i < sorted.size(); ++i) {
            out += i == 0 ? line("Sources", render_source(sorted[i]))
                          : std::string(23, ' ') + render_source(sorted[i]) + "\n";
        }
    }
    return out + "\n";
}

std::string render_stream_info(const std::string& name, const ordered_json& info, bool state_only) {
    const std::string created = format_local(time_of(info, "created"), "%Y-%m-%d %H:%M:%S");
    std::string out;
    if (!state_only) {
        out += "Information for Stream " + name + " created " + created + "\n\n";
        out += render_stream_config(info.value("config", ordered_json::object()));
        out += "\n";
    } else {
        out += "State for Stream " + name + " created " + created + "\n\n";
    }
    if (info.contains("cluster") && info["cluster"].is_object() && !str_of(info["cluster"], "name").empty()) {
        out += render_cluster(info["cluster"]);
    }
    if (info.contains("mirror") && info["mirror"].is_object()) {
        out += "Mirror Information:\n\n" + render_source_info(info["mirror"]) + "\n";
    }
    if (info.contains("sources") && info["sources"].is_array() && !info["sources"].empty()) {
        out += "Source Information:\n\n";
        for (const auto& s : info["sources"]) out += render_source_info(s) + "\n";
    }

    const ordered_json state = info.value("state", ordered_json::object());
    out += "State:\n\n";
    out += line("Messages", comma(int_of(state, "messages")));
    out += line("Bytes", ibytes(uint_of(state, "bytes")));
    if (state.contains("lost") && state["lost"].is_object()) {
        const auto lost = state["lost"].value("msgs", ordered_json::array());
        if (lost.is_array() && !lost.empty()) {
            out += line("Lost Messages", comma(static_cast<std::int64_t>(lost.size())) + " (" +
                                             ibytes(uint_of(state["lost"], "bytes")) + ")");
        }
    }
    const timestamp first = time_of(state, "first_ts");
    const timestamp last = time_of(state, "last_ts");
    const bool last_zero = is_go_zero_time(last);
    out += sequence_line("FirstSeq", int_of(state, "first_seq"), first == timestamp{0, 0} || last_zero, first);
    out += sequence_line("LastSeq", int_of(state, "last_seq"), last == timestamp{0, 0} || last_zero, last);
    const auto deleted = state.value("deleted", ordered_json::array());
    if (deleted.is_array() && !deleted.empty()) {
        out += line("Deleted Messages", comma(static_cast<std::int64_t>(deleted.size())));
    } else if (int_of(state, "num_deleted") > 0) {
        out += line("Deleted Messages", comma(int_of(state, "num_deleted")));
    }
    out += line("Active Consumers", comma(int_of(state, "consumer_count")));
    if (int_of(state, "num_subjects") > 0) out += line("Number of Subjects", comma(int_of(state, "num_subjects")));

    const auto alternates = info.value("alternates", ordered_json::array());
    if (alternates.is_array() && !alternates.empty()) {
        std::size_t name_width = 0, cluster_width = 0;
        for (const auto& a : alternates) {
            name_width = std::max(name_width, str_of(a, "name").size());
            cluster_width = std::max(cluster_width, str_of(a, "cluster").size());
        }
        for (std::size_t i = 0; i < alternates.size(); ++i) {
            const auto& a = alternates[i];
            const std::string n = str_of(a, "name"), c = str_of(a, "cluster"), d = str_of(a, "domain");
            std::string text = std::string(name_width - n.size(), ' ') + n + ": Cluster: " +
                               std::string(cluster_width - c.size(), ' ') + c;
            if (!d.empty()) text += " Domain: " + d;
            out += i == 0 ? line("Alternates", text) : std::string(23, ' ') + text + "\n";
        }
    }
    return out;
}

std::string render_stream_table(std::vector<ordered_json> infos, const std::string& filter, timestamp now) {
    std::stable_sort(infos.begin(), infos.end(), [](const auto& a, const auto& b) {
        return uint_of(a.value("state", ordered_json::object()), "bytes") <
               uint_of(b.value("state", ordered_json::object()), "bytes");
    });
    table t(filter.empty() ? "Streams" : "Streams matching " + filter);
    t.headers({"Name", "Description", "Created", "Messages", "Size", "Last Message"});
    for (const auto& info : infos) {
        const auto cfg = info.value("config", ordered_json::object());
        const auto state = info.value("state", ordered_json::object());
        t.row({str_of(cfg, "name"), str_of(cfg, "description"),
               format_local(time_of(info, "created"), "%Y-%m-%d %H:%M:%S"), comma(int_of(state, "messages")),
               ibytes(uint_of(state, "bytes")), humanize_duration_classic(since(time_of(state, "last_ts"), now))});
    }
    return t.render();
}

std::string decode_base64(const std::string& text) {
    if (text.empty()) return {};
    if (text.size() % 4 != 0) throw cli_error("invalid base64 data in the JetStream API reply");
    std::string out(text.size() / 4 * 3, '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(text.data()), static_cast<int>(text.size()));
    if (n < 0) throw cli_error("invalid base64 data in the JetStream API reply");
    // EVP_DecodeBlock counts the padding as data.
    std::size_t size = static_cast<std::size_t>(n);
    if (text.ends_with("==")) size -= 2;
    else if (text.ends_with("=")) size -= 1;
    out.resize(size);
    return out;
}

std::vector<std::pair<std::string, std::string>> parse_header_block(const std::string& block) {
    std::vector<std::pair<std::string, std::string>> headers;
    std::size_t at = block.find("\r\n");
    while (at != std::string::npos && at + 2 < block.size()) {
        const std::size_t start = at + 2;
        const std::size_t end = block.find("\r\n", start);
        const std::string text = block.substr(start, end == std::string::npos ? std::string::npos : end - start);
        at = end;
        if (text.empty()) break;
        const auto colon = text.find(':');
        if (colon == std::string::npos) continue;
        std::string value = text.substr(colon + 1);
        const auto first = value.find_first_not_of(" \t");
        value = first == std::string::npos ? std::string() : value.substr(first);
        while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
        headers.emplace_back(text.substr(0, colon), value);
    }
    std::stable_sort(headers.begin(), headers.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    return headers;
}

std::string render_stored_message(const std::string& stream, const ordered_json& message) {
    const auto at = parse_rfc3339(str_of(message, "time"));
    std::string out = "Item: " + stream + "#" + std::to_string(uint_of(message, "seq")) + " received " +
                      (at ? go_time_string_utc(*at) : str_of(message, "time")) + " on Subject " +
                      str_of(message, "subject") + "\n\n";
    const std::string headers = decode_base64(str_of(message, "hdrs"));
    if (!headers.empty()) {
        out += "Headers:\n";
        for (const auto& [key, value] : parse_header_block(headers)) out += "  " + key + ": " + value + "\n";
        out += "\n";
    }
    return out + decode_base64(str_of(message, "data")) + "\n\n";
}

} // namespace nats::cli
