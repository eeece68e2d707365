// nats server check consumer|meta|server|kv: natscli's checks (jsm.go's
// monitor package: CheckConsumerHealth, CheckJetstreamMeta, CheckServer,
// CheckKVBucketAndKey) with their flags, messages and performance data, in
// every `server check --format`. meta and server ask the system account
// ($SYS.REQ.SERVER.PING.JSZ / .VARZ).
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>

#include "check_result.hpp"
#include "commands.hpp"
#include "connection.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "jetstream_session.hpp"
#include "json_fields.hpp"
#include "sys_request.hpp"
#include "timestamps.hpp"

namespace nats::cli {
// Named, not anonymous: the unity build puts several command files in one unit.
namespace server_checks_impl {

using std::chrono::nanoseconds;

constexpr std::int64_t unset = INT64_MIN;

struct srv_checks_options {
    const std::string* format = nullptr;
    const std::string* prometheus_namespace = nullptr;
    // consumer
    std::string stream, consumer;
    std::int64_t ack_outstanding_crit = -1, waiting_crit = -1, unprocessed_crit = -1, redelivery_crit = -1;
    nanoseconds last_delivery_crit{0}, last_ack_crit{0};
    // meta
    std::int64_t expect = unset, lag_crit = unset;
    nanoseconds seen_crit{unset};
    // server
    std::string name;
    std::int64_t cpu_warn = 0, cpu_crit = 0, mem_warn = 0, mem_crit = 0, conn_warn = 0, conn_crit = 0;
    std::int64_t subs_warn = 0, subs_crit = 0;
    nanoseconds uptime_warn{0}, uptime_crit{0};
    bool auth_required = false, tls_required = false, js_required = false;
    // kv
    std::string bucket, key;
    std::int64_t values_warn = -1, values_crit = -1;
};

int finish(const check_result& r, const srv_checks_options& o) {
    out(r.render(*o.format, *o.prometheus_namespace) + "\n");
    return r.exit_code_for(*o.format);
}

// natscli leaves a threshold not given at 0 in the performance data (the flags default to -1).
double threshold(std::int64_t v) { return v > 0 ? static_cast<double>(v) : 0; }

double seconds_of(nanoseconds d) { return std::chrono::duration<double>(d).count(); }

double seconds_since(const timestamp& t) {
    const auto now = to_timestamp(std::chrono::system_clock::now());
    return static_cast<double>(now.seconds - t.seconds) + static_cast<double>(now.nanos - t.nanos) / 1e9;
}

std::string go_seconds(double s) { return format_duration(nanoseconds(static_cast<std::int64_t>(s * 1e9))); }

// ---- consumer ------------------------------------------------------------------

void check_consumer(const app_state& state, const srv_checks_options& o, check_result& r) {
    jetstream_session js(state.settings());
    ordered_json info;
    try {
        info = js.api.request("CONSUMER.INFO." + o.stream + "." + o.consumer);
    } catch (const cli_error& e) {
        r.critical(std::string("could not load info: ") + e.what());
        return;
    }
    const auto ack_pending = int_of(info, "num_ack_pending");
    const auto waiting = int_of(info, "num_waiting");
    const auto pending = int_of(info, "num_pending");
    const auto redelivered = int_of(info, "num_redelivered");
    r.perf({"ack_pending", static_cast<double>(ack_pending), 0, threshold(o.ack_outstanding_crit), "",
            "The number of messages waiting to be Acknowledged"});
    r.perf({"pull_waiting", static_cast<double>(waiting), 0, threshold(o.waiting_crit), "",
            "The number of waiting Pull requests"});
    r.perf({"pending", static_cast<double>(pending), 0, threshold(o.unprocessed_crit), "",
            "The number of messages that have not yet been consumed"});
    r.perf({"redelivered", static_cast<double>(redelivered), 0, threshold(o.redelivery_crit), "",
            "The number of messages currently being redelivered"});
    const ordered_json& delivered = object_of(info, "delivered");
    const ordered_json& ack_floor = object_of(info, "ack_floor");
    const bool has_delivery = delivered.contains("last_active");
    const bool has_ack = ack_floor.contains("last_active");
    const double since_delivery = has_delivery ? seconds_since(time_of(delivered, "last_active")) : 0;
    const double since_ack = has_ack ? seconds_since(time_of(ack_floor, "last_active")) : 0;
    if (has_delivery) {
        r.perf({"last_delivery", since_delivery, 0, seconds_of(o.last_delivery_crit), "s",
                "Seconds since the last message was delivered"});
    }
    if (has_ack) {
        r.perf({"last_ack", since_ack, 0, seconds_of(o.last_ack_crit), "s", "Seconds since the last message was acknowledged"});
    }
    if (o.ack_outstanding_crit > 0) {
        if (ack_pending >= o.ack_outstanding_crit) r.critical("Ack Pending: " + std::to_string(ack_pending));
        else r.ok("Ack Pending: " + std::to_string(ack_pending));
    }
    if (o.waiting_crit > 0) {
        if (waiting >= o.waiting_crit) r.critical("Waiting Pulls: " + std::to_string(waiting));
        else r.ok("Waiting Pulls: " + std::to_string(waiting));
    }
    if (o.unprocessed_crit > 0) {
        if (pending >= o.unprocessed_crit) r.critical("Unprocessed Messages: " + std::to_string(pending));
        else r.ok("Unprocessed Messages: " + std::to_string(pending));
    }
    if (o.redelivery_crit > 0) {
        if (redelivered >= o.redelivery_crit) r.critical("Redelivered: " + std::to_string(redelivered));
        else r.ok("Redelivered: " + std::to_string(redelivered));
    }
    if (o.last_delivery_crit.count() > 0) {
        if (!has_delivery) r.critical("No deliveries");
        else if (since_delivery >= seconds_of(o.last_delivery_crit)) r.critical("Last delivery " + go_seconds(since_delivery) + " ago");
        else r.ok("Last delivery " + go_time_string_utc(time_of(delivered, "last_active")));
    }
    if (o.last_ack_crit.count() > 0) {
        if (!has_ack) r.critical("No acks");
        else if (since_ack >= seconds_of(o.last_ack_crit)) r.critical("Last ack " + go_seconds(since_ack) + " ago");
        else r.ok("Last ack " + go_time_string_utc(time_of(ack_floor, "last_active")));
    }
}

// ---- meta ----------------------------------------------------------------------

void check_meta(const app_state& state, const srv_checks_options& o, check_result& r) {
    const auto settings = state.settings();
    auto nc = connect(settings, {.reconnect = false});
    ordered_json reply;
    try {
        const auto replies = sys_request(nc.get(), settings, "$SYS.REQ.SERVER.PING.JSZ", R"({"leader_only":true})", 1);
        reply = ordered_json::parse(replies.front());
    } catch (const std::exception& e) {
        r.critical(std::string("JSZ API request failed: ") + e.what());
        return;
    }
    if (reply.contains("error")) {
        r.critical("invalid result received: " + str_of(object_of(reply, "error"), "description"));
        return;
    }
    if (!reply.contains("data")) {
        r.critical("no JSZ response received");
        return;
    }
    const ordered_json& data = object_of(reply, "data");
    if (!data.contains("meta_cluster")) {
        r.critical("no cluster information");
        return;
    }
    const ordered_json& meta = object_of(data, "meta_cluster");
    if (str_of(meta, "leader").empty()) {
        r.critical("No leader");
        return;
    }
    const auto replicas = meta.value("replicas", ordered_json::array());
    const auto peers = static_cast<std::int64_t>(replicas.size()) + 1;
    r.perf({"peers", static_cast<double>(peers), static_cast<double>(o.expect), static_cast<double>(o.expect), "",
            "Configured RAFT peers"});
    if (o.expect > 0 && peers != o.expect) {
        r.critical(std::to_string(peers) + " peers of expected " + std::to_string(o.expect));
    }
    int not_current = 0, inactive = 0, offline = 0, lagged = 0;
    for (const auto& p : replicas) {
        if (!bool_of(p, "current")) ++not_current;
        if (bool_of(p, "offline")) ++offline;
        if (o.seen_crit.count() > 0 && int_of(p, "active") > o.seen_crit.count()) ++inactive;
        if (o.lag_crit > 0 && int_of(p, "lag") > o.lag_crit) ++lagged;
    }
    r.perf({"peer_offline", static_cast<double>(offline), 0, 0, "", "Offline RAFT peers"});
    r.perf({"peer_not_current", static_cast<double>(not_current), 0, 0, "", "RAFT peers that are not current"});
    r.perf({"peer_inactive", static_cast<double>(inactive), 0, 0, "", "Inactive RAFT peers"});
    r.perf({"peer_lagged", static_cast<double>(lagged), 0, 0, "", "RAFT peers that are lagged more than configured threshold"});
    if (not_current > 0) r.critical(std::to_string(not_current) + " not current");
    if (inactive > 0) r.critical(std::to_string(inactive) + " inactive more than " + format_duration(o.seen_crit));
    if (offline > 0) r.critical(std::to_string(offline) + " offline");
    if (lagged > 0) r.critical(std::to_string(lagged) + " lagged more than " + std::to_string(o.lag_crit) + " ops");
    if (r.status() == "OK") r.ok(std::to_string(peers) + " peers led by " + str_of(meta, "leader"));
}

// ---- server --------------------------------------------------------------------

std::string two_decimals(double v) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return buf;
}

void check_value(check_result& r, const std::string& name, double crit, double warn, double value, bool invertible) {
    if (crit == 0 && warn == 0) return;
    if (!invertible && crit < warn) {
        r.critical(name + " invalid thresholds");
        return;
    }
    const std::string text = name + " " + two_decimals(value);
    if (invertible && crit < warn) {
        if (value <= crit) r.critical(text);
        else if (value <= warn) r.warning(text);
        else r.ok(text);
    } else {
        if (value >= crit) r.critical(text);
        else if (value >= warn) r.warning(text);
        else r.ok(text);
    }
}

void check_server(const app_state& state, const srv_checks_options& o, check_result& r) {
    const auto settings = state.settings();
    auto nc = connect(settings, {.reconnect = false});
    ordered_json varz;
    try {
        const ordered_json filter{{"server_name", o.name}, {"exact_match", true}};
        const auto replies = sys_request(nc.get(), settings, "$SYS.REQ.SERVER.PING.VARZ", filter.dump(), 1);
        const auto reply = ordered_json::parse(replies.front());
        if (reply.contains("error")) throw cli_error("invalid response received: " + reply["error"].dump());
        if (!reply.contains("data")) throw cli_error("no data received for " + o.name);
        varz = reply["data"];
    } catch (const std::exception& e) {
        r.critical(std::string("varz failed: ") + e.what());
        return;
    }
    if (str_of(varz, "server_name") != o.name) {
        r.critical("result from wrong server " + go_quote(str_of(varz, "server_name")));
        return;
    }
    if (o.js_required) {
        if (object_of(varz, "jetstream").contains("config")) r.ok("JetStream enabled");
        else r.critical("JetStream not enabled");
    }
    if (o.tls_required) {
        if (bool_of(varz, "tls_required")) r.ok("TLS required");
        else r.critical("TLS not required");
    }
    if (o.auth_required) {
        if (bool_of(varz, "auth_required")) r.ok("Authentication required");
        else r.critical("Authentication not required");
    }
    const timestamp now = time_of(varz, "now");
    const timestamp start = time_of(varz, "start");
    const nanoseconds up((now.seconds - start.seconds) * 1'000'000'000LL + (now.nanos - start.nanos));
    if (o.uptime_warn.count() > 0 || o.uptime_crit.count() > 0) {
        if (o.uptime_crit > o.uptime_warn) {
            r.critical("Up invalid thresholds");
            return;
        }
        const std::string text = "Up " + humanize_duration(up);
        if (up <= o.uptime_crit) r.critical(text);
        else if (up <= o.uptime_warn) r.warning(text);
        else r.ok(text);
    }
    const double cpu = varz.value("cpu", 0.0);
    const auto mem = static_cast<double>(int_of(varz, "mem"));
    const auto conns = static_cast<double>(int_of(varz, "connections"));
    const auto subs = static_cast<double>(int_of(varz, "subscriptions"));
    r.perf({"uptime", seconds_of(up), seconds_of(o.uptime_warn), seconds_of(o.uptime_crit), "s", "NATS Server uptime in seconds"});
    r.perf({"cpu", cpu, static_cast<double>(o.cpu_warn), static_cast<double>(o.cpu_crit), "%", "NATS Server CPU usage in percentage"});
    r.perf({"mem", mem, static_cast<double>(o.mem_warn), static_cast<double>(o.mem_crit), "", "NATS Server memory usage in bytes"});
    r.perf({"connections", conns, static_cast<double>(o.conn_warn), static_cast<double>(o.conn_crit), "", "Active connections"});
    r.perf({"subscriptions", subs, static_cast<double>(o.subs_warn), static_cast<double>(o.subs_crit), "", "Active subscriptions"});
    check_value(r, "CPU", static_cast<double>(o.cpu_crit), static_cast<double>(o.cpu_warn), cpu, false);
    check_value(r, "Memory", static_cast<double>(o.mem_crit), static_cast<double>(o.mem_warn), mem, false);
    check_value(r, "Connections", static_cast<double>(o.conn_crit), static_cast<double>(o.conn_warn), conns, true);
    check_value(r, "Subscriptions", static_cast<double>(o.subs_crit), static_cast<double>(o.subs_warn), subs, true);
}

// ---- kv ------------------------------------------------------------------------

void check_kv(const app_state& state, const srv_checks_options& o, check_result& r) {
    jetstream_session js(state.settings());
    ordered_json info;
    try {
        info = js.api.request("STREAM.INFO.KV_" + o.bucket);
    } catch (const api_error& e) {
        if (e.err_code == 10059) r.critical("bucket " + o.bucket + " not found");
        else r.critical(std::string("could not load bucket: ") + e.what());
        return;
    }
    r.ok("bucket " + o.bucket);
    const auto values = int_of(object_of(info, "state"), "messages");
    r.perf({"values", static_cast<double>(values), static_cast<double>(std::max<std::int64_t>(o.values_warn, 0)),
            static_cast<double>(std::max<std::int64_t>(o.values_crit, 0)), "", "How many values are stored in the bucket"});
    if (!o.key.empty()) {
        try {
            // The last message on the key's subject; a delete or purge marker counts as missing, as in nats.go.
            const auto msg = js.api.request("STREAM.MSG.GET.KV_" + o.bucket,
                                            ordered_json{{"last_by_subj", "$KV." + o.bucket + "." + o.key}});
            const std::string hdrs = str_of(object_of(msg, "message"), "hdrs");
            // "KV-Operation: DEL" / "PURGE" is in the base64 headers; any marker has headers and no data.
            if (!hdrs.empty() && str_of(object_of(msg, "message"), "data").empty()) r.critical("key " + o.key + " not found");
            else r.ok("key " + o.key + " found");
        } catch (const api_error& e) {
            if (e.err_code == 10037) r.critical("key " + o.key + " not found");
            else r.critical("key " + o.key + " not loaded: " + e.what());
        }
    }
    if (o.values_warn > -1 || o.values_crit > -1) {
        const std::string text = std::to_string(values) + " values";
        if (o.values_crit < o.values_warn) {
            if (o.values_crit > -1 && values <= o.values_crit) r.critical(text);
            else if (o.values_warn > -1 && values <= o.values_warn) r.warning(text);
            else r.ok(text);
        } else {
            if (o.values_crit > -1 && values >= o.values_crit) r.critical(text);
            else if (o.values_warn > -1 && values >= o.values_warn) r.warning(text);
            else r.ok(text);
        }
    }
    r.perf({"bytes", static_cast<double>(int_of(object_of(info, "state"), "bytes")), 0, 0, "B", "Bytes stored in the bucket"});
    r.perf({"replicas", static_cast<double>(int_of(object_of(info, "config"), "num_replicas")), 0, 0, "", ""});
}

template <typename Check>
int run_check(const std::string& name, const std::string& suite, const srv_checks_options& o, Check check) {
    check_result r(name, suite);
    try {
        check(r);
    } catch (const std::exception& e) {
        r.critical(std::string("connection failed: ") + e.what());
    }
    return finish(r, o);
}

[[noreturn]] void missing(const std::string& flag) { throw usage_error("required flag --" + flag + " not provided"); }

} // namespace

void add_server_checks(command& check, app_state& state, const std::string* format, const std::string* prometheus_namespace) {
    using namespace server_checks_impl;
    auto o = std::make_shared<srv_checks_options>();
    o->format = format;
    o->prometheus_namespace = prometheus_namespace;

    auto& consumer = check.add_command("consumer", "Checks the health of a consumer");
    consumer.string_flag("stream", "The streams to check", &o->stream);
    consumer.string_flag("consumer", "The consumer to check", &o->consumer);
    consumer.int_flag("outstanding-ack-critical", "Maximum number of outstanding acks to allow", &o->ack_outstanding_crit);
    consumer.int_flag("waiting-critical", "Maximum number of waiting pulls to allow", &o->waiting_crit);
    consumer.int_flag("unprocessed-critical", "Maximum number of unprocessed messages to allow", &o->unprocessed_crit);
    consumer.duration_flag("last-delivery-critical", "Time to allow since the last delivery", &o->last_delivery_crit);
    consumer.duration_flag("last-ack-critical", "Time to allow since the last ack", &o->last_ack_crit);
    consumer.int_flag("redelivery-critical", "Maximum number of redeliveries to allow", &o->redelivery_crit);
    consumer.action([&state, o] {
        if (o->stream.empty()) missing("stream");
        if (o->consumer.empty()) missing("consumer");
        return run_check(o->consumer, "consumer", *o, [&](check_result& r) { check_consumer(state, *o, r); });
    });

    auto& meta = check.add_command("meta", "Check JetStream cluster state").alias("raft");
    // Required flags: the sentinels say whether they were given.
    meta.int_flag("expect", "Number of servers to expect", &o->expect).with_placeholder("SERVERS");
    meta.int_flag("lag-critical", "Critical threshold to allow for lag", &o->lag_crit).with_placeholder("OPS");
    meta.duration_flag("seen-critical", "Critical threshold for how long ago a peer should have been seen", &o->seen_crit)
        .with_placeholder("DURATION");
    meta.action([&state, o] {
        if (o->expect == unset) missing("expect");
        if (o->lag_crit == unset) missing("lag-critical");
        if (o->seen_crit.count() == unset) missing("seen-critical");
        return run_check("JetStream Meta Cluster", "meta", *o, [&](check_result& r) { check_meta(state, *o, r); });
    });

    auto& server = check.add_command("server", "Checks a NATS Server health");
    server.string_flag("name", "Server name to require in the result", &o->name);
    server.int_flag("cpu-warn", "Warning threshold for CPU usage, in percent", &o->cpu_warn);
    server.int_flag("cpu-critical", "Critical threshold for CPU usage, in percent", &o->cpu_crit);
    server.int_flag("mem-warn", "Warning threshold for Memory usage, in bytes", &o->mem_warn);
    server.int_flag("mem-critical", "Critical threshold Memory CPU usage, in bytes", &o->mem_crit);
    server.int_flag("conn-warn", "Warning threshold for connections, supports inversion", &o->conn_warn);
    server.int_flag("conn-critical", "Critical threshold for connections, supports inversion", &o->conn_crit);
    server.int_flag("subs-warn", "Warning threshold for number of active subscriptions, supports inversion", &o->subs_warn);
    server.int_flag("subs-critical", "Critical threshold for number of active subscriptions, supports inversion", &o->subs_crit);
    server.duration_flag("uptime-warn", "Warning threshold for server uptime as duration", &o->uptime_warn);
    server.duration_flag("uptime-critical", "Critical threshold for server uptime as duration", &o->uptime_crit);
    server.bool_flag("auth-required", "Checks that authentication is enabled", &o->auth_required);
    server.bool_flag("tls-required", "Checks that TLS is required", &o->tls_required);
    server.bool_flag("js-required", "Checks that JetStream is enabled", &o->js_required);
    server.action([&state, o] {
        if (o->name.empty()) missing("name");
        return run_check(o->name, "server", *o, [&](check_result& r) { check_server(state, *o, r); });
    });

    auto& kv = check.add_command("kv", "Checks a NATS KV Bucket");
    kv.string_flag("bucket", "Checks a specific bucket", &o->bucket);
    kv.int_flag("values-critical", "Critical threshold for number of values in the bucket", &o->values_crit);
    kv.int_flag("values-warn", "Warning threshold for number of values in the bucket", &o->values_warn);
    kv.string_flag("key", "Requires a key to have any non-delete value set", &o->key);
    kv.action([&state, o] {
        if (o->bucket.empty()) missing("bucket");
        return run_check(o->bucket, "kv", *o, [&](check_result& r) { check_kv(state, *o, r); });
    });
}

} // namespace nats::cli
