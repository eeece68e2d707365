#include "stream_report_table.hpp"

#include <algorithm>

#include "consumer_report.hpp"
#include "durations.hpp"
#include "format.hpp"
#include "json_fields.hpp"
#include "stream_report.hpp"
#include "tables.hpp"

namespace nats::cli {
namespace {

std::string placement_text(const ordered_json& config) {
    const ordered_json& p = object_of(config, "placement");
    std::string text;
    if (const auto c = str_of(p, "cluster"); !c.empty()) text = "cluster: " + c + " ";
    if (p.contains("tags") && p["tags"].is_array() && !p["tags"].empty()) {
        std::string tags;
        for (const auto& t : p["tags"]) tags += (tags.empty() ? "" : ", ") + (t.is_string() ? t.get<std::string>() : "");
        text += "tags: " + tags;
    }
    return text;
}

std::int64_t deleted_of(const ordered_json& state) {
    if (state.contains("deleted") && state["deleted"].is_array() && !state["deleted"].empty()) {
        return static_cast<std::int64_t>(state["deleted"].size());
    }
    return int_of(state, "num_deleted");
}

void replication_row(table& t, const std::string& stream, const char* kind, const ordered_json& s, bool raw) {
    const std::string error = s.contains("error") && s["error"].is_object() ? str_of(s["error"], "description") : "";
    const std::string api = str_of(object_of(s, "external"), "api");
    const auto active = int_of(s, "active");
    const auto lag = int_of(s, "lag");
    if (raw) {
        t.row({stream, kind, api, str_of(s, "name"), std::to_string(active), std::to_string(lag), error});
    } else {
        t.row({stream, kind, api, str_of(s, "name"), humanize_duration_classic(std::chrono::nanoseconds(active)),
               comma(lag), error});
    }
}

} // namespace

std::string render_stream_report(std::vector<ordered_json> infos, stream_report_order order, bool raw) {
    auto key = [order](const ordered_json& i) -> std::pair<std::int64_t, std::string> {
        const ordered_json& state = object_of(i, "state");
        const ordered_json& config = object_of(i, "config");
        switch (order) {
        case stream_report_order::consumers: return {int_of(state, "consumer_count"), {}};
        case stream_report_order::messages: return {int_of(state, "messages"), {}};
        case stream_report_order::name: return {0, str_of(config, "name")};
        case stream_report_order::storage: return {0, storage_name(str_of(config, "storage"))};
        case stream_report_order::bytes: break;
        }
        return {int_of(state, "bytes"), {}};
    };
    std::stable_sort(infos.begin(), infos.end(), [&](const ordered_json& a, const ordered_json& b) { return key(a) < key(b); });
    table t("Stream Report");
    t.headers({"Stream", "Storage", "Placement", "Consumers", "Messages", "Bytes", "Lost", "Deleted", "Replicas"});
    for (const auto& i : infos) {
        const ordered_json& state = object_of(i, "state");
        const ordered_json& config = object_of(i, "config");
        const ordered_json& lost = object_of(state, "lost");
        const auto lost_msgs = lost.contains("msgs") && lost["msgs"].is_array() ? lost["msgs"].size() : 0;
        std::string lost_text = "0";
        const std::string cluster = i.contains("cluster") ? render_cluster_peers(i["cluster"]) : "";
        if (raw) {
            if (lost_msgs > 0) lost_text = std::to_string(lost_msgs) + " (" + std::to_string(int_of(lost, "bytes")) + ")";
            t.row({str_of(config, "name"), storage_name(str_of(config, "storage")), placement_text(config),
                   std::to_string(int_of(state, "consumer_count")), std::to_string(int_of(state, "messages")),
                   std::to_string(int_of(state, "bytes")), lost_text, std::to_string(deleted_of(state)), cluster});
        } else {
            if (lost_msgs > 0) lost_text = comma(static_cast<std::int64_t>(lost_msgs)) + " (" + ibytes(uint_of(lost, "bytes")) + ")";
            t.row({str_of(config, "name"), storage_name(str_of(config, "storage")), placement_text(config),
                   std::to_string(int_of(state, "consumer_count")), comma(int_of(state, "messages")),
                   ibytes(uint_of(state, "bytes")), lost_text, std::to_string(deleted_of(state)), cluster});
        }
    }
    return t.render();
}

std::string render_replication_report(const std::vector<ordered_json>& infos, bool raw) {
    bool any = false;
    table t("Replication Report");
    t.headers({"Stream", "Kind", "API Prefix", "Source Stream", "Active", "Lag", "Error"});
    for (const auto& i : infos) {
        const std::string name = str_of(object_of(i, "config"), "name");
        if (i.contains("mirror") && i["mirror"].is_object()) {
            replication_row(t, name, "Mirror", i["mirror"], raw);
            any = true;
        }
        if (i.contains("sources") && i["sources"].is_array()) {
            for (const auto& s : i["sources"]) {
                replication_row(t, name, "Source", s, raw);
                any = true;
            }
        }
    }
    return any ? t.render() : std::string();
}

} // namespace nats::cli
