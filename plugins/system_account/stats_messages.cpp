#include "plugins/system_account/stats_messages.hpp"

#include "plugins/monitoring/go_json.hpp"

namespace nats::system_account {

namespace {

using nlohmann::ordered_json;

ordered_json parse_answer(const monitoring::KernelAnswer& answer) {
    if (!answer.found || answer.status != 200) return ordered_json();
    auto v = ordered_json::parse(answer.body, nullptr, false);
    return v.is_discarded() ? ordered_json() : v;
}

void write_data_stats(nats_sdk::GoJsonWriter& w, std::string_view key, const ordered_json& msgs,
                      const ordered_json& bytes) {
    w.key(key).begin_object();
    w.field("msgs", msgs.is_number() ? msgs.get<std::int64_t>() : 0);
    w.field("bytes", bytes.is_number() ? bytes.get<std::int64_t>() : 0);
    w.end_object();
}

// A JSON value (already in Go's shape) written into the writer as it is.
void write_value(nats_sdk::GoJsonWriter& w, const ordered_json& v) { nats_sdk::write_go_json(w, v); }

}  // namespace

std::string statsz_message(ServerInfoSource& info, monitoring::KernelSource& kernel) {
    const ordered_json varz = parse_answer(kernel.query("varz", ""));
    const auto stats = account_stats(kernel);
    int active_accounts = 0;
    for (const auto& [name, stat] : stats)
        if (stat.value("conns", 0) > 0) ++active_accounts;
    ordered_json jetstream;
    const ordered_json section = parse_answer(kernel.query("http", "GET /varz/jetstream"));
    if (section.is_object() && section.contains("jetstream") && section["jetstream"].contains("config")) {
        jetstream = section["jetstream"];
        jetstream["config"].erase("store_dir");  // as nats-server's statsz: the directory stays private
    }
    auto num = [&](const char* key) { return varz.is_object() && varz.contains(key) ? varz[key] : ordered_json(0); };

    nats_sdk::GoJsonWriter w(false);
    w.begin_object();
    info.write_member(w);
    w.key("statsz").begin_object();
    w.field("start", varz.is_object() ? varz.value("start", "") : std::string());
    w.key("mem");
    write_value(w, num("mem"));
    w.key("cores");
    write_value(w, num("cores"));
    w.key("cpu");
    write_value(w, num("cpu"));
    w.key("connections");
    write_value(w, num("connections"));
    w.key("total_connections");
    write_value(w, num("total_connections"));
    w.field("active_accounts", active_accounts);
    w.key("subscriptions");
    write_value(w, num("subscriptions"));
    write_data_stats(w, "sent", num("out_msgs"), num("out_bytes"));
    write_data_stats(w, "received", num("in_msgs"), num("in_bytes"));
    w.key("slow_consumers");
    write_value(w, num("slow_consumers"));
    w.field("active_servers", 1);
    if (jetstream.is_object()) {
        w.key("jetstream");
        write_value(w, jetstream);
    }
    w.end_object();
    w.end_object();
    return w.take();
}

std::map<std::string, ordered_json> account_stats(monitoring::KernelSource& kernel) {
    std::map<std::string, ordered_json> out;
    const ordered_json v = parse_answer(kernel.query("accstatz", "unused=1"));
    if (!v.is_object() || !v.contains("account_statz")) return out;
    for (const auto& stat : v["account_statz"])
        if (stat.is_object() && stat.contains("acc")) out[stat["acc"].get<std::string>()] = stat;
    return out;
}

std::string account_conns_message(ServerInfoSource& info, const ordered_json& stat) {
    nats_sdk::GoJsonWriter w(false);
    w.begin_object();
    w.field("type", "io.nats.server.advisory.v1.account_connections");
    w.field("id", next_event_id()).field("timestamp", now_text());
    info.write_member(w);
    for (auto it = stat.begin(); it != stat.end(); ++it) {
        if (it.key() == "num_subscriptions") continue;
        w.key(it.key());
        write_value(w, it.value());
    }
    w.end_object();
    return w.take();
}

}  // namespace nats::system_account
