#include "object_report.hpp"

#include <algorithm>
#include <limits>

#include "durations.hpp"
#include "format.hpp"
#include "json_fields.hpp"
#include "tables.hpp"

namespace nats::cli {
namespace {

using std::chrono::nanoseconds;

// "%20s: value" lines of the bucket report; an object's are one narrower.
std::string object_line(const std::string& label, const std::string& value, std::size_t width = 20) {
    return std::string(label.size() < width ? width - label.size() : 0, ' ') + label + ": " + value + "\n";
}

// renderNatsGoClusterInfo (cli/kv_command.go).
std::string render_bucket_cluster(const ordered_json& cluster) {
    std::string out = object_line("Name", str_of(cluster, "name")) + object_line("Leader", str_of(cluster, "leader"));
    for (const auto& r : cluster.value("replicas", ordered_json::array())) {
        std::string state = str_of(r, "name") + (bool_of(r, "current") ? ", current" : ", outdated");
        if (bool_of(r, "offline")) state += ", OFFLINE";
        const auto active = int_of(r, "active");
        state += active > 0 && active < std::numeric_limits<std::int64_t>::max()
                     ? ", seen " + humanize_duration_classic(nanoseconds(active)) + " ago"
                     : ", not seen";
        const auto lag = int_of(r, "lag");
        if (lag > 1) state += ", " + comma(lag) + " operations behind";
        else if (lag == 1) state += ", 1 operation behind";
        out += object_line("Replica", state);
    }
    return out;
}

} // namespace

std::string render_object_bucket_info(const std::string& bucket, const ordered_json& info) {
    const ordered_json& config = object_of(info, "config");
    std::string out = "Information for Object Store Bucket " + bucket + " created " +
                      rfc3339_local(time_of(info, "created")) + "\n\nConfiguration:\n\n";
    out += object_line("Bucket Name", bucket);
    if (const auto d = str_of(config, "description"); !d.empty()) out += object_line("Description", d);
    out += object_line("Replicas", std::to_string(int_of(config, "num_replicas")));
    const auto ttl = int_of(config, "max_age");
    out += object_line("TTL", ttl == 0 ? "unlimited" : humanize_duration_classic(nanoseconds(ttl)));
    out += object_line("Sealed", bool_of(config, "sealed") ? "true" : "false");
    out += object_line("Size", ibytes(uint_of(object_of(info, "state"), "bytes")));
    const auto max_bytes = int_of(config, "max_bytes", -1);
    out += object_line("Maximum Bucket Size", max_bytes == -1 ? "unlimited" : ibytes(static_cast<std::uint64_t>(max_bytes)));
    out += object_line("Backing Store Kind", "JetStream");
    out += object_line("JetStream Stream", str_of(config, "name"));
    if (info.contains("cluster") && info["cluster"].is_object()) {
        out += "\nCluster Information:\n\n" + render_bucket_cluster(info["cluster"]) + "\n";
    }
    return out;
}

std::string render_object_info(const object_info& i) {
    std::string out = "Object information for " + i.bucket + " > " + i.name + "\n\n";
    if (!i.description.empty()) out += "      Description: " + i.description + "\n";
    out += object_line("Size", ibytes(i.size), 19);
    out += object_line("Modification Time", format_utc(i.mtime, "%d %b %y %H:%M +0000"), 19);
    out += object_line("Chunks", comma(i.chunks), 19);
    out += object_line("Digest", digest_display(i.digest), 19);
    if (i.deleted) out += object_line("Deleted", "true", 19);
    bool first = true;
    for (const auto& [key, values] : i.headers) {
        for (const auto& v : values) {
            out += (first ? object_line("Headers", key + ": " + v, 19) : std::string(21, ' ') + key + ": " + v + "\n");
            first = false;
        }
    }
    return out;
}

std::string render_object_buckets(std::vector<ordered_json> infos, timestamp now) {
    std::stable_sort(infos.begin(), infos.end(), [](const ordered_json& a, const ordered_json& b) {
        return uint_of(object_of(a, "state"), "bytes") < uint_of(object_of(b, "state"), "bytes");
    });
    table t("Object Store Buckets");
    t.headers({"Bucket", "Description", "Created", "Size", "Last Update"});
    for (const auto& info : infos) {
        const ordered_json& config = object_of(info, "config");
        std::string name = str_of(config, "name");
        if (name.starts_with("OBJ_")) name.erase(0, 4);
        const ordered_json& state = object_of(info, "state");
        // natscli's layout is "2006-01-02 15:01:05": the month where the minutes belong.
        t.row({name, str_of(config, "description"), format_utc(time_of(info, "created"), "%Y-%m-%d %H:%m:%S"),
               ibytes(uint_of(state, "bytes")), humanize_duration_classic(since(time_of(state, "last_ts"), now))});
    }
    return t.render();
}

std::string render_object_list(const std::vector<object_info>& objects) {
    table t("Bucket Contents");
    t.headers({"Name", "Size", "Time"});
    for (const auto& o : objects) t.row({o.name, ibytes(o.size), rfc3339_local(o.mtime)});
    return t.render();
}

std::string render_object_update(const object_info& i) {
    const std::string when = "[" + format_local(i.mtime, "%Y-%m-%d %H:%M:%S") + "] ";
    if (i.deleted) return when + "DEL " + i.bucket + " > " + i.name + "\n";
    return when + "PUT " + i.bucket + " > " + i.name + ": " + ibytes(i.size) + " bytes in " + comma(i.chunks) +
           " chunks\n";
}

} // namespace nats::cli
