// /metrics: the series prometheus-nats-exporter makes from /varz, /connz,
// /subsz, /routez, /leafz, /healthz, /accstatz and /jsz (same names, types
// and labels, so its Grafana dashboards work against this page directly),
// then every counter and gauge plugins registered.
#include "plugins/monitoring/pages.hpp"
#include "plugins/monitoring/prometheus_text.hpp"

namespace nats::monitoring {

namespace {

using nlohmann::ordered_json;

double number(const ordered_json& v, std::string_view key) {
    const auto it = v.find(key);
    return it != v.end() && it->is_number() ? it->get<double>() : 0.0;
}

std::string text(const ordered_json& v, std::string_view key) {
    const auto it = v.find(key);
    return it != v.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The exporter's generic collector: a gauge per numeric top-level field, and
// a gauge of 1 labelled with the value for the identifying strings.
void generic(PrometheusText& out, const ordered_json& v, std::string_view endpoint, const std::string& server_id) {
    const Labels id{{"server_id", server_id}};
    for (auto it = v.begin(); it != v.end(); ++it) {
        const std::string name = "gnatsd_" + std::string(endpoint) + "_" + metric_name(it.key());
        if (it->is_number()) {
            out.family(name, it.key(), "gauge");
            out.sample(name, id, it->get<double>());
        } else if (it->is_string() && (it.key() == "server_id" || it.key() == "server_name" || it.key() == "version")) {
            out.family(name, it.key(), "gauge");
            out.sample(name, {{"server_id", server_id}, {"value", it->get<std::string>()}}, 1);
        }
    }
}

void connz_totals(PrometheusText& out, const ordered_json& v, const std::string& server_id) {
    const Labels id{{"server_id", server_id}};
    for (const char* key : {"num_connections", "total", "offset", "limit"}) {
        const std::string name = std::string("gnatsd_connz_") + key;
        out.family(name, key, "gauge");
        out.sample(name, id, number(v, key));
    }
    struct Sum {
        const char* key;
        const char* type;
        double total = 0;
    };
    Sum sums[] = {{"pending_bytes", "gauge"}, {"subscriptions", "gauge"}, {"in_bytes", "counter"},
                  {"out_bytes", "counter"},   {"in_msgs", "counter"},      {"out_msgs", "counter"}};
    if (auto it = v.find("connections"); it != v.end() && it->is_array())
        for (const auto& c : *it)
            for (auto& s : sums) s.total += number(c, s.key);
    for (const auto& s : sums) {
        const std::string name = std::string("gnatsd_connz_") + s.key;
        out.family(name, s.key, s.type);
        out.sample(name, id, s.total);
    }
}

void accstatz(PrometheusText& out, const ordered_json& v, const std::string& server_id) {
    struct Series {
        const char* name;
        double (*read)(const ordered_json&);
    };
    static const Series series[] = {
        {"current_connections", [](const ordered_json& a) { return number(a, "conns"); }},
        {"total_connections", [](const ordered_json& a) { return number(a, "total_conns"); }},
        {"subscriptions", [](const ordered_json& a) { return number(a, "num_subscriptions"); }},
        {"leaf_nodes", [](const ordered_json& a) { return number(a, "leafnodes"); }},
        {"sent_messages", [](const ordered_json& a) { return a.contains("sent") ? number(a["sent"], "msgs") : 0; }},
        {"sent_bytes", [](const ordered_json& a) { return a.contains("sent") ? number(a["sent"], "bytes") : 0; }},
        {"received_messages",
         [](const ordered_json& a) { return a.contains("received") ? number(a["received"], "msgs") : 0; }},
        {"received_bytes",
         [](const ordered_json& a) { return a.contains("received") ? number(a["received"], "bytes") : 0; }},
        {"slow_consumers", [](const ordered_json& a) { return number(a, "slow_consumers"); }},
    };
    const auto list = v.find("account_statz");
    if (list == v.end() || !list->is_array()) return;
    for (const auto& s : series) {
        const std::string name = std::string("gnatsd_accstatz_") + s.name;
        out.family(name, s.name, "gauge");
        for (const auto& a : *list) {
            const std::string account = text(a, "acc");
            out.sample(name, {{"server_id", server_id}, {"account", account}, {"account_id", account},
                              {"account_name", account}},
                       s.read(a));
        }
    }
}

// The exporter's JetStream collector, from /jsz?consumers=true&config=true.
void jetstream(PrometheusText& out, const ordered_json& jsz, const ordered_json& varz, const std::string& server_id) {
    const std::string server_name = text(varz, "server_name");
    std::string cluster, leader, is_leader = "true";
    if (auto meta = jsz.find("meta_cluster"); meta != jsz.end() && meta->is_object()) {
        cluster = text(*meta, "name");
        leader = text(*meta, "leader");
        is_leader = leader == server_name ? "true" : "false";
    }
    const ordered_json config = jsz.value("config", ordered_json::object());
    const Labels server{{"server_id", server_id},     {"server_name", server_name}, {"cluster", cluster},
                        {"domain", text(config, "domain")}, {"meta_leader", leader}, {"is_meta_leader", is_leader}};
    auto put = [&](const char* name, const char* help, const Labels& labels, double value) {
        out.family(name, help, "gauge");
        out.sample(name, labels, value);
    };
    put("jetstream_server_jetstream_disabled", "JetStream disabled or not", server,
        jsz.value("disabled", false) ? 1 : 0);
    put("jetstream_server_max_memory", "JetStream Max Memory", server, number(config, "max_memory"));
    put("jetstream_server_max_storage", "JetStream Max Storage", server, number(config, "max_storage"));
    put("jetstream_server_total_streams", "Total number of streams in JetStream", server, number(jsz, "streams"));
    put("jetstream_server_total_consumers", "Total number of consumers in JetStream", server,
        number(jsz, "consumers"));
    put("jetstream_server_total_messages", "Total number of stored messages in JetStream", server,
        number(jsz, "messages"));
    put("jetstream_server_total_message_bytes", "Total number of bytes stored in JetStream", server,
        number(jsz, "bytes"));

    // Streams, then consumers, each family whole.
    struct StreamRow {
        Labels labels;
        const ordered_json* stream;
    };
    struct ConsumerRow {
        Labels labels;
        const ordered_json* consumer;
    };
    std::vector<StreamRow> streams;
    std::vector<ConsumerRow> consumers;
    if (auto accounts = jsz.find("account_details"); accounts != jsz.end() && accounts->is_array()) {
        for (const auto& account : *accounts) {
            if (!account.contains("stream_detail") || !account["stream_detail"].is_array()) continue;
            for (const auto& stream : account["stream_detail"]) {
                std::string stream_leader, is_stream_leader = "true";
                if (auto c = stream.find("cluster"); c != stream.end() && c->is_object()) {
                    stream_leader = text(*c, "leader");
                    is_stream_leader = stream_leader == server_name ? "true" : "false";
                }
                Labels labels = server;
                labels.insert(labels.end(), {{"account", text(account, "name")},
                                             {"account_id", text(account, "id")},
                                             {"stream_name", text(stream, "name")},
                                             {"stream_leader", stream_leader},
                                             {"is_stream_leader", is_stream_leader}});
                streams.push_back({labels, &stream});
                if (!stream.contains("consumer_detail") || !stream["consumer_detail"].is_array()) continue;
                for (const auto& consumer : stream["consumer_detail"]) {
                    std::string consumer_leader, is_consumer_leader = "true";
                    if (auto c = consumer.find("cluster"); c != consumer.end() && c->is_object()) {
                        consumer_leader = text(*c, "leader");
                        is_consumer_leader = consumer_leader == server_name ? "true" : "false";
                    }
                    Labels clabels = labels;
                    const ordered_json cconfig = consumer.value("config", ordered_json::object());
                    clabels.insert(clabels.end(), {{"consumer_name", text(consumer, "name")},
                                                   {"consumer_leader", consumer_leader},
                                                   {"is_consumer_leader", is_consumer_leader},
                                                   {"consumer_desc", text(cconfig, "description")},
                                                   {"consumer_created", text(consumer, "created")}});
                    consumers.push_back({clabels, &consumer});
                }
            }
        }
    }
    auto state = [](const ordered_json& s, const char* key) {
        return s.contains("state") ? number(s["state"], key) : 0.0;
    };
    const std::pair<const char*, const char*> stream_series[] = {
        {"jetstream_stream_total_messages", "messages"}, {"jetstream_stream_total_bytes", "bytes"},
        {"jetstream_stream_first_seq", "first_seq"},     {"jetstream_stream_last_seq", "last_seq"},
        {"jetstream_stream_consumer_count", "consumer_count"}};
    for (const auto& [name, key] : stream_series) {
        if (streams.empty()) break;
        out.family(name, name, "gauge");
        for (const auto& row : streams) out.sample(name, row.labels, state(*row.stream, key));
    }
    struct ConsumerSeries {
        const char* name;
        const char* object;  // nested object, or nullptr for a top-level field
        const char* key;
    };
    static constexpr ConsumerSeries consumer_series[] = {
        {"jetstream_consumer_delivered_consumer_seq", "delivered", "consumer_seq"},
        {"jetstream_consumer_delivered_stream_seq", "delivered", "stream_seq"},
        {"jetstream_consumer_num_ack_pending", nullptr, "num_ack_pending"},
        {"jetstream_consumer_num_redelivered", nullptr, "num_redelivered"},
        {"jetstream_consumer_num_waiting", nullptr, "num_waiting"},
        {"jetstream_consumer_num_pending", nullptr, "num_pending"},
        {"jetstream_consumer_ack_floor_stream_seq", "ack_floor", "stream_seq"},
        {"jetstream_consumer_ack_floor_consumer_seq", "ack_floor", "consumer_seq"},
    };
    auto read = [](const ordered_json& c, const ConsumerSeries& s) {
        if (!s.object) return number(c, s.key);
        const auto it = c.find(s.object);
        return it != c.end() && it->is_object() ? number(*it, s.key) : 0.0;
    };
    for (const auto& s : consumer_series) {
        if (consumers.empty()) break;
        out.family(s.name, s.name, "gauge");
        for (const auto& row : consumers) out.sample(s.name, row.labels, read(*row.consumer, s));
    }
}

// A feature page's JSON: the plugin's when it serves the path, else `fallback`.
ordered_json feature_json(const PageContext& page, std::string_view path, std::string_view query,
                          ordered_json fallback) {
    if (auto served = page.plugin_page(path, query); served && served->status == 200) {
        auto parsed = ordered_json::parse(served->body, nullptr, false);
        if (parsed.is_object()) return parsed;
    }
    return fallback;
}

}  // namespace

HttpResponse metrics_page(const PageContext& page) {
    const auto varz = page.ask_json("varz");
    if (!varz) return kernel_failure("varz");
    const std::string server_id = text(*varz, "server_id");
    PrometheusText out;

    generic(out, *varz, "varz", server_id);
    if (const auto connz = page.ask_json("connz", "limit=1024")) connz_totals(out, *connz, server_id);
    if (const auto subsz = page.ask_json("subsz")) generic(out, *subsz, "subsz", server_id);
    generic(out, feature_json(page, "/routez", "", {{"num_routes", 0}}), "routez", server_id);
    generic(out, feature_json(page, "/leafz", "", {{"leafnodes", 0}}), "leafz", server_id);

    const auto health = page.plugin_page("/healthz", "");
    const auto health_json = health ? ordered_json::parse(health->body, nullptr, false) : ordered_json();
    const bool healthy = !health || (health->status == 200 && health_json.is_object() &&
                                     health_json.value("status", "") == "ok");
    out.family("gnatsd_healthz_status", "status", "gauge");
    out.sample("gnatsd_healthz_status", {{"server_id", server_id}}, healthy ? 0 : 1);

    if (const auto statz = page.ask_json("accstatz", "unused=1&subs=1")) accstatz(out, *statz, server_id);
    jetstream(out, feature_json(page, "/jsz", "consumers=true&config=true", {{"disabled", true}}), *varz, server_id);

    // Plugin counters and gauges under their own names (skipped if one would
    // collide with a family above, which would make the page invalid).
    if (const auto metricz = page.ask_json("metricz"); metricz && metricz->contains("metrics")) {
        for (const auto& m : (*metricz)["metrics"]) {
            const std::string name = metric_name(text(m, "name"));
            if (out.text().find("# TYPE " + name + " ") != std::string::npos) continue;
            out.family(name, text(m, "help"), text(m, "type") == "counter" ? "counter" : "gauge");
            out.sample(name, {{"server_id", server_id}, {"plugin", text(m, "plugin")}}, number(m, "value"));
        }
    }
    return HttpResponse{200, std::string(prometheus_content_type), {}, out.text()};
}

}  // namespace nats::monitoring
