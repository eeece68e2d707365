#include "kv_report.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <limits>

#include "durations.hpp"
#include "format.hpp"
#include "json_fields.hpp"
#include "stream_report.hpp"
#include "tables.hpp"

namespace nats::cli {
namespace {

std::string bucket_of(const std::string& stream) { return stream.starts_with("KV_") ? stream.substr(3) : stream; }

} // namespace

std::string base64_if_not_printable(const std::string& value) {
    const bool printable = std::all_of(value.begin(), value.end(), [](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u >= 0x20 && u < 0x7f;
    });
    if (printable) return value;
    std::string out(4 * ((value.size() + 2) / 3), '\0');
    const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(value.data()), static_cast<int>(value.size()));
    out.resize(static_cast<std::size_t>(std::max(n, 0)));
    return out;
}

std::string abbreviate_value(const std::string& value) {
    if (value.size() <= 40) return value;
    return value.substr(0, 15) + "..." + value.substr(value.size() - 15);
}

std::string render_kv_status(const std::string& bucket, const ordered_json& info) {
    const ordered_json cfg = info.value("config", ordered_json::object());
    const ordered_json state = info.value("state", ordered_json::object());
    std::string out = "Information for Key-Value Store Bucket " + bucket + " created " +
                      rfc3339_local(time_of(info, "created")) + "\n\n";
    out += "Configuration:\n\n";
    out += "          Bucket Name: " + bucket + "\n";
    out += "         History Kept: " + comma(int_of(cfg, "max_msgs_per_subject")) + "\n";
    out += "        Values Stored: " + comma(int_of(state, "messages")) + "\n";
    out += "   Backing Store Kind: JetStream\n";
    if (const auto d = str_of(cfg, "description"); !d.empty()) out += "          Description: " + d + "\n";
    out += "          Bucket Size: " + ibytes(static_cast<std::uint64_t>(std::max<std::int64_t>(0, int_of(state, "bytes")))) + "\n";
    const auto max_bytes = int_of(cfg, "max_bytes");
    out += "  Maximum Bucket Size: " + (max_bytes == -1 ? std::string("unlimited") : ibytes(static_cast<std::uint64_t>(max_bytes))) + "\n";
    const auto max_value = int_of(cfg, "max_msg_size");
    out += "   Maximum Value Size: " + (max_value == -1 ? std::string("unlimited") : ibytes(static_cast<std::uint32_t>(max_value))) + "\n";
    out += "     JetStream Stream: " + str_of(cfg, "name") + "\n";
    out += "              Storage: " + storage_name(str_of(cfg, "storage")) + "\n";
    if (cfg.contains("republish") && cfg["republish"].is_object()) {
        // natscli ends these without a newline.
        const auto& r = cfg["republish"];
        const std::string what = str_of(r, "src") + " to " + str_of(r, "dest");
        out += r.value("headers_only", false) ? " Republishing Headers: " + what : "         Republishing: " + what;
    }
    if (info.contains("mirror") && info["mirror"].is_object()) {
        const auto& m = info["mirror"];
        out += "\n  Mirror Information:\n\n";
        out += "        Origin Bucket: " + bucket_of(str_of(m, "name")) + "\n";
        if (m.contains("external") && m["external"].is_object()) {
            out += "         External API: " + str_of(m["external"], "api") + "\n";
        }
        const auto active = int_of(m, "active");
        if (active > 0 && active < std::numeric_limits<std::int64_t>::max()) {
            out += "            Last Seen: " + humanize_duration_classic(std::chrono::nanoseconds(active)) + "\n";
        } else {
            out += "     \t   Last Seen: never\n";
        }
        out += "                  Lag: " + comma(int_of(m, "lag")) + "\n\n";
    }
    if (info.contains("cluster") && info["cluster"].is_object()) {
        const auto& c = info["cluster"];
        out += "\n  Cluster Information:\n\n";
        out += "                Name: " + str_of(c, "name") + "\n";
        out += "              Leader: " + str_of(c, "leader") + "\n";
        for (const auto& r : c.value("replicas", ordered_json::array())) {
            std::string s = str_of(r, "name");
            s += r.value("current", false) ? ", current" : ", outdated";
            if (r.value("offline", false)) s += ", OFFLINE";
            const auto active = int_of(r, "active");
            s += active > 0 && active < std::numeric_limits<std::int64_t>::max()
                     ? ", seen " + humanize_duration_classic(std::chrono::nanoseconds(active)) + " ago"
                     : ", not seen";
            const auto lag = int_of(r, "lag");
            if (lag > 1) s += ", " + comma(lag) + " operations behind";
            else if (lag == 1) s += ", 1 operation behind";
            out += "             Replica: " + s + "\n";
        }
        out += "\n";
    }
    if (!cfg.value("allow_rollup_hdrs", false) || str_of(cfg, "discard") != "new") {
        out += "Warning the bucket if not compatible with the latest\n"
               "configuration format and needs a configuration upgrade.\n\n"
               "Please run: nats kv upgrade " + bucket + "\n\n";
    }
    return out;
}

std::string render_kv_entry(const kv_entry_view& e) {
    std::string out = e.bucket + " > " + e.key + " created @ " + rfc822_utc(e.created) + "\n\n";
    const std::string shown = base64_if_not_printable(e.value);
    if (shown.size() > 120) {
        out += "Showing first 120 bytes of " + comma(static_cast<std::int64_t>(shown.size())) +
               ", use --raw for full data\n\n" + shown.substr(0, 120) + "\n";
    } else {
        out += shown + "\n";
    }
    return out + "\n";
}

std::string render_kv_history(const std::string& bucket, const std::string& key,
                              const std::vector<kv_entry_view>& history) {
    table t("History for " + bucket + " > " + key);
    t.headers({"Key", "Revision", "Op", "Created", "Length", "Value"});
    for (const auto& e : history) {
        t.row({e.key, std::to_string(e.revision), e.operation, rfc822_utc(e.created),
               comma(static_cast<std::int64_t>(e.value.size())), abbreviate_value(base64_if_not_printable(e.value))});
    }
    return t.render();
}

std::string render_kv_buckets(std::vector<ordered_json> infos, timestamp now) {
    std::stable_sort(infos.begin(), infos.end(), [](const auto& a, const auto& b) {
        return int_of(a.value("state", ordered_json::object()), "bytes") <
               int_of(b.value("state", ordered_json::object()), "bytes");
    });
    table t("Key-Value Buckets");
    t.headers({"Bucket", "Description", "Created", "Size", "Values", "Last Update"});
    for (const auto& info : infos) {
        const auto cfg = info.value("config", ordered_json::object());
        const auto state = info.value("state", ordered_json::object());
        // natscli prints this creation time as the server sent it (UTC), not local.
        t.row({bucket_of(str_of(cfg, "name")), str_of(cfg, "description"),
               format_utc(time_of(info, "created"), "%Y-%m-%d %H:%M:%S"),
               ibytes(static_cast<std::uint64_t>(std::max<std::int64_t>(0, int_of(state, "bytes")))),
               comma(int_of(state, "messages")), humanize_duration_classic(since(time_of(state, "last_ts"), now))});
    }
    return t.render();
}

} // namespace nats::cli
