// nats server passwd, server check jetstream|stream, rtt: natscli 0.0.35's
// (cli/server_mkpasswd_command.go, server_check_command.go, rtt_command.go).
// `server check consumer|meta|server|kv` are in server_checks.cpp, `server
// request|list|report` in server_request.cpp.
#include <netdb.h>

#include <chrono>
#include <cstdlib>
#include <memory>

#include "check_result.hpp"
#include "commands.hpp"
#include "connection.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "jetstream_session.hpp"
#include "json_fields.hpp"
#include "password_hash.hpp"

namespace nats::cli {
namespace {

using std::chrono::nanoseconds;

struct passwd_options {
    std::string pass;
    std::int64_t cost = 11;
    bool generate = false;
};

int run_passwd(const passwd_options& o) {
    if (o.cost < 4 || o.cost > 31) throw cli_error("bcrypt cost should be between 4 and 31");
    std::string pass = o.pass;
    if (pass.empty() && o.generate) {
        pass = random_password(22);
        out("Generated password: " + pass + "\n");
    } else if (pass.empty()) {
        throw cli_error("could not read password: cannot prompt for user input without a terminal");
    }
    if (pass.size() < 22) throw cli_error("password should be at least 22 characters long");
    const std::string hash = bcrypt_hash(pass, static_cast<int>(o.cost));
    out(o.generate ? "       bcrypt hash: " + hash + "\n" : hash + "\n");
    return 0;
}

struct js_check_options {
    const std::string* format = nullptr;
    std::string prometheus_namespace = "nats_server_check";
    std::int64_t mem_warn = 75, mem_crit = 90, store_warn = 75, store_crit = 90;
    std::int64_t streams_warn = -1, streams_crit = -1, consumers_warn = -1, consumers_crit = -1;
    // check stream
    std::string stream;
    std::int64_t lag_crit = 0;
    nanoseconds seen_crit{0};
    std::int64_t min_sources = 1, max_sources = 1;
    std::int64_t peer_expect = 0;
    std::int64_t msgs_warn = 0, msgs_crit = 0;
};

int finish(const check_result& r, const js_check_options& o) {
    out(r.render(*o.format, o.prometheus_namespace) + "\n");
    return r.exit_code_for(*o.format);
}

// checkAccountInfo: usage against the account's limits, in percent.
void check_usage(check_result& r, const std::string& item, const std::string& unit, std::int64_t warn, std::int64_t crit,
                 std::int64_t max, std::int64_t current) {
    const std::int64_t pct = max > 0 ? static_cast<std::int64_t>(static_cast<double>(current) / static_cast<double>(max) * 100) : 0;
    r.perf({item, static_cast<double>(current), 0, 0, unit, "JetStream " + item + " resource usage"});
    r.perf({item + "_pct", static_cast<double>(pct), static_cast<double>(warn), static_cast<double>(crit), "%",
            "JetStream " + item + " resource usage in percent"});
    if (warn != -1 && crit != -1 && warn >= crit) {
        r.critical(item + ": invalid thresholds");
        return;
    }
    if (pct > 100) {
        r.critical(item + ": exceed server limits");
        return;
    }
    if (warn >= 0 && crit >= 0) {
        if (pct > crit) r.critical(std::to_string(pct) + "% " + item);
        else if (pct > warn) r.warning(std::to_string(pct) + "% " + item);
    }
}

int run_check_jetstream(const app_state& state, const js_check_options& o) {
    check_result r("JetStream", "jetstream");
    try {
        jetstream_session js(state.settings());
        ordered_json info;
        try {
            info = js.api.request("INFO");
        } catch (const cli_error& e) {
            r.critical(std::string("JetStream not available: ") + e.what());
            return finish(r, o);
        }
        const ordered_json& limits = object_of(info, "limits");
        check_usage(r, "memory", "B", o.mem_warn, o.mem_crit, int_of(limits, "max_memory"), int_of(info, "memory"));
        check_usage(r, "storage", "B", o.store_warn, o.store_crit, int_of(limits, "max_storage"), int_of(info, "storage"));
        check_usage(r, "streams", "", o.streams_warn, o.streams_crit, int_of(limits, "max_streams"), int_of(info, "streams"));
        check_usage(r, "consumers", "", o.consumers_warn, o.consumers_crit, int_of(limits, "max_consumers"),
                    int_of(info, "consumers"));
    } catch (const cli_error& e) {
        r.critical(std::string("connection failed: ") + e.what());
    }
    return finish(r, o);
}

int run_check_stream(const app_state& state, const js_check_options& o) {
    check_result r(o.stream, "stream");
    try {
        jetstream_session js(state.settings());
        ordered_json info;
        try {
            info = js.api.request("STREAM.INFO." + o.stream);
        } catch (const cli_error& e) {
            r.critical("could not load stream " + o.stream + ": " + e.what());
            return finish(r, o);
        }
        const ordered_json& cluster = object_of(info, "cluster");
        if (info.contains("cluster") && !str_of(cluster, "name").empty()) {
            const auto replicas = cluster.value("replicas", ordered_json::array()).size();
            if (o.peer_expect > 0 && static_cast<std::int64_t>(replicas + 1) != o.peer_expect) {
                r.critical("expected " + std::to_string(o.peer_expect) + " replicas got " + std::to_string(replicas + 1));
            } else {
                r.ok(std::to_string(replicas + 1) + " current replicas");
            }
        } else if (o.peer_expect > 0) {
            r.critical("not clustered expected " + std::to_string(o.peer_expect) + " peers");
        }
        const ordered_json& st = object_of(info, "state");
        const auto msgs = int_of(st, "messages");
        r.perf({"messages", static_cast<double>(msgs), static_cast<double>(o.msgs_warn), static_cast<double>(o.msgs_crit), "",
                "Messages stored in the stream"});
        if (o.msgs_warn > 0 && msgs <= o.msgs_warn) r.warning(std::to_string(msgs) + " messages");
        if (o.msgs_crit > 0 && msgs <= o.msgs_crit) r.critical(std::to_string(msgs) + " messages");
        const ordered_json& config = object_of(info, "config");
        if (config.contains("mirror") && config["mirror"].is_object()) {
            const ordered_json& m = object_of(info, "mirror");
            const auto lag = int_of(m, "lag");
            const nanoseconds active(int_of(m, "active"));
            r.perf({"lag", static_cast<double>(lag), 0, static_cast<double>(o.lag_crit), "",
                    "Number of operations this peer is behind its origin"});
            r.perf({"active", std::chrono::duration<double>(active).count(), 0,
                    std::chrono::duration<double>(o.seen_crit).count(), "s",
                    "Indicates if this peer is active and catching up if lagged"});
            if (o.lag_crit > 0 && lag > o.lag_crit) r.critical(std::to_string(lag) + " messages behind");
            if (o.seen_crit.count() > 0 && active > o.seen_crit) r.critical("last active " + format_duration(active));
            if (r.status() != "CRITICAL") {
                r.ok(o.stream + " mirror of " + str_of(m, "name") + " is " + std::to_string(lag) + " lagged, last seen " +
                     format_duration(std::chrono::duration_cast<std::chrono::milliseconds>(active)) + " ago");
            }
        } else if (config.contains("sources") && config["sources"].is_array() && !config["sources"].empty()) {
            const auto sources = info.value("sources", ordered_json::array());
            const auto n = static_cast<std::int64_t>(sources.size());
            r.perf({"sources", static_cast<double>(n), static_cast<double>(o.min_sources), static_cast<double>(o.max_sources),
                    "", "Number of sources being consumed by this stream"});
            std::int64_t lagged = 0, inactive = 0;
            for (const auto& s : sources) {
                if (o.lag_crit > 0 && int_of(s, "lag") > o.lag_crit) ++lagged;
                if (o.seen_crit.count() > 0 && int_of(s, "active") > o.seen_crit.count()) ++inactive;
            }
            r.perf({"sources_lagged", static_cast<double>(lagged), 0, 0, "",
                    "Number of sources that are behind more than the configured threshold"});
            r.perf({"sources_inactive", static_cast<double>(inactive), 0, 0, "", "Number of sources that are inactive"});
            if (n == 0) r.critical("no sources defined");
            if (lagged > 0) r.critical(std::to_string(lagged) + " lagged sources");
            if (inactive > 0) r.critical(std::to_string(inactive) + " inactive sources");
            if (n < o.min_sources) r.critical(std::to_string(n) + " sources of min expected " + std::to_string(o.min_sources));
            if (n > o.max_sources) r.critical(std::to_string(n) + " sources of max expected " + std::to_string(o.max_sources));
            if (r.status() != "CRITICAL") r.ok(std::to_string(n) + " sources");
        }
    } catch (const cli_error& e) {
        r.critical(std::string("connection failed: ") + e.what());
    }
    return finish(r, o);
}

struct rtt_options {
    std::int64_t iterations = 5;
    bool json = false;
};

// natscli's rtt: every address of every configured server, the mean of
// `iterations` PING/PONG round trips on a fresh connection to each.
int run_rtt(const app_state& state, const rtt_options& o) {
    if (o.iterations < 1) throw cli_error("rtt failed: iterations must be at least 1");
    const connection_settings base = state.settings();
    struct result_row {
        std::string address;
        std::string url;
        nanoseconds rtt{0};
    };
    std::vector<std::pair<std::string, std::vector<result_row>>> targets;
    std::string servers = base.servers;
    for (std::size_t start = 0; start <= servers.size();) {
        auto comma_at = servers.find(',', start);
        std::string s = servers.substr(start, comma_at == std::string::npos ? std::string::npos : comma_at - start);
        start = comma_at == std::string::npos ? servers.size() + 1 : comma_at + 1;
        if (s.empty()) continue;
        if (s.find("://") == std::string::npos) s = "nats://" + s;
        const auto scheme_end = s.find("://") + 3;
        const auto at = s.find('@', scheme_end);
        const auto host_start = at == std::string::npos ? scheme_end : at + 1;
        const auto colon = s.rfind(':');
        const bool has_port = colon != std::string::npos && colon > host_start;
        const std::string host = s.substr(host_start, has_port ? colon - host_start : std::string::npos);
        const std::string port = has_port ? s.substr(colon + 1) : "4222";
        std::vector<std::string> addresses;
        addrinfo hints{};
        hints.ai_socktype = SOCK_STREAM;
        addrinfo* found = nullptr;
        if (getaddrinfo(host.c_str(), nullptr, &hints, &found) == 0) {
            for (auto* a = found; a != nullptr; a = a->ai_next) {
                char text[NI_MAXHOST];
                if (getnameinfo(a->ai_addr, a->ai_addrlen, text, sizeof text, nullptr, 0, NI_NUMERICHOST) == 0 &&
                    std::find(addresses.begin(), addresses.end(), text) == addresses.end()) {
                    addresses.emplace_back(text);
                }
            }
            freeaddrinfo(found);
        }
        if (addresses.empty()) addresses.push_back(host);
        std::vector<result_row> rows;
        for (const auto& a : addresses) {
            connection_settings one = base;
            const std::string shown = a.find(':') != std::string::npos ? "[" + a + "]" : a;
            one.servers = s.substr(0, host_start) + shown + ":" + port;
            const connection_ptr nc = connect(one, {.reconnect = false});
            nanoseconds total{0};
            for (std::int64_t i = 0; i < o.iterations; ++i) {
                const auto t0 = std::chrono::steady_clock::now();
                const natsStatus st = natsConnection_FlushTimeout(nc.get(), 5000);
                if (st != NATS_OK) throw cli_error("rtt failed: " + status_text(st));
                total += std::chrono::steady_clock::now() - t0;
            }
            rows.push_back({a, connected_url(nc.get()), total / o.iterations});
        }
        targets.emplace_back(s, std::move(rows));
    }
    if (targets.empty()) throw cli_error("cannot find a server list to test");
    if (o.json) {
        ordered_json list = ordered_json::array();
        for (const auto& [url, rows] : targets) {
            ordered_json results = ordered_json::array();
            for (const auto& r : rows) {
                results.push_back({{"time", rfc3339_local(to_timestamp(std::chrono::system_clock::now()))},
                                   {"address", r.address}, {"rtt", r.rtt.count()}, {"url", r.url}});
            }
            list.push_back({{"url", url}, {"results", results}});
        }
        out(go_json_indent(list) + "\n");
        return 0;
    }
    std::size_t indent = 3;
    for (const auto& t : targets) {
        for (const auto& r : t.second) indent = std::max(indent, r.address.size() + 3);
    }
    std::string text;
    for (const auto& [url, rows] : targets) {
        text += url + ":\n\n";
        for (const auto& r : rows) {
            text += std::string(indent - r.address.size(), ' ') + r.address + ": " + format_duration(r.rtt) + "\n";
        }
        text += "\n";
    }
    out(text);
    return 0;
}

} // namespace

void add_server_extra_commands(command& app, command& server, command& check, app_state& state, const std::string* format) {
    auto pw = std::make_shared<passwd_options>();
    auto& passwd = server.add_command("passwd", "Creates encrypted passwords for use in NATS Server")
                       .alias("mkpasswd").alias("pass").alias("password");
    passwd.string_flag("pass", "The password to encrypt (PASSWORD)", &pw->pass).with_short('p').with_envar("PASSWORD");
    passwd.int_flag("cost", "The cost to use in the bcrypt argument", &pw->cost).with_short('c');
    passwd.bool_flag("generate", "Generates a secure passphrase and encrypt it", &pw->generate).with_short('g');
    passwd.action([pw] { return run_passwd(*pw); });

    auto o = std::make_shared<js_check_options>();
    o->format = format;
    check.string_flag("namespace", "The prometheus namespace to use in output", &o->prometheus_namespace);
    auto& js = check.add_command("jetstream", "Check JetStream account state").alias("js");
    js.int_flag("mem-warn", "Warning threshold for memory storage, in percent", &o->mem_warn);
    js.int_flag("mem-critical", "Critical threshold for memory storage, in percent", &o->mem_crit);
    js.int_flag("store-warn", "Warning threshold for disk storage, in percent", &o->store_warn);
    js.int_flag("store-critical", "Critical threshold for memory storage, in percent", &o->store_crit);
    js.int_flag("streams-warn", "Warning threshold for number of streams used, in percent", &o->streams_warn);
    js.int_flag("streams-critical", "Critical threshold for number of streams used, in percent", &o->streams_crit);
    js.int_flag("consumers-warn", "Warning threshold for number of consumers used, in percent", &o->consumers_warn);
    js.int_flag("consumers-critical", "Critical threshold for number of consumers used, in percent", &o->consumers_crit);
    js.action([&state, o] { return run_check_jetstream(state, *o); });

    auto& stream = check.add_command("stream", "Checks the health of mirrored streams, streams with sources or clustered streams");
    stream.string_flag("stream", "The streams to check", &o->stream);
    stream.int_flag("lag-critical", "Critical threshold to allow for lag on any source or mirror", &o->lag_crit)
        .with_placeholder("MSGS");
    stream.duration_flag("seen-critical", "Critical threshold for how long ago the source or mirror should have been seen",
                         &o->seen_crit)
        .with_placeholder("DURATION");
    stream.int_flag("min-sources", "Minimum number of sources to expect", &o->min_sources).with_placeholder("SOURCES");
    stream.int_flag("max-sources", "Maximum number of sources to expect", &o->max_sources).with_placeholder("SOURCES");
    stream.int_flag("peer-expect", "Number of cluster replicas to expect", &o->peer_expect).with_placeholder("SERVERS");
    stream.int_flag("msgs-warn", "Warn if there are fewer than this many messages in the stream", &o->msgs_warn)
        .with_placeholder("MSGS");
    stream.int_flag("msgs-critical", "Critical if there are fewer than this many messages in the stream", &o->msgs_crit)
        .with_placeholder("MSGS");
    stream.action([&state, o] {
        if (o->stream.empty()) throw usage_error("required flag --stream not provided");
        return run_check_stream(state, *o);
    });

    add_server_checks(check, state, format, &o->prometheus_namespace);
    add_server_request_commands(server, state);

    auto r = std::make_shared<rtt_options>();
    auto& rtt = app.add_command("rtt", "Compute round-trip time to NATS server");
    rtt.int_arg("iterations", "How many round trips to do when testing", &r->iterations);
    rtt.bool_flag("json", "Produce JSON output", &r->json).with_short('j');
    rtt.action([&state, r] { return run_rtt(state, *r); });
}

} // namespace nats::cli
