// nats server request <kind>, server list, server report
// connections|accounts|jetstream|health: natscli's views of the system account's
// server API ($SYS.REQ.SERVER.PING.<X> to every server, or
// $SYS.REQ.SERVER.<id>.<X> with --host ID). They need a user of the system
// account; without one they fail as natscli does.
#include <algorithm>
#include <chrono>
#include <functional>
#include <cstdio>
#include <map>
#include <memory>

#include "commands.hpp"
#include "connection.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "json_fields.hpp"
#include "sys_request.hpp"
#include "tables.hpp"
#include "timestamps.hpp"

namespace nats::cli {
// Named, not anonymous: the unity build puts several command files in one unit.
namespace server_request_impl {

using sjson = nlohmann::ordered_json;

struct srv_request_options {
    std::int64_t limit = 2048, offset = 0;
    std::string name, host, cluster;
    std::vector<std::string> tags;
    std::int64_t wait = 0;
    // per kind
    std::string account, sort = "cid", state = "open", user, subject;
    std::int64_t cid = 0;
    bool detail = false, accounts = false, streams = false, consumers = false, config = false, leader = false, all = false;
    bool js_enabled = false, server_only = false;
};

sjson filter_of(const srv_request_options& o) {
    sjson f = sjson::object();
    if (!o.name.empty()) f["server_name"] = o.name;
    if (!o.cluster.empty()) f["cluster"] = o.cluster;
    if (!o.host.empty()) f["host"] = o.host;
    if (!o.tags.empty()) f["tags"] = o.tags;
    return f;
}

// natscli's wait rule: the given count, one server when filtered by name or
// host, else as many as the cluster has (0: gather until replies stop).
std::int64_t wait_count(natsConnection* nc, const connection_settings& s, const srv_request_options& o) {
    if (o.wait > 0) return o.wait;
    if (!o.host.empty() || !o.name.empty()) return 1;
    return sys_active_servers(nc, s);
}

// A server's public NKey: 56 characters, upper case, starting with N.
bool is_server_id(const std::string& s) {
    if (s.size() != 56 || s[0] != 'N') return false;
    for (char c : s) {
        if (!((c >= 'A' && c <= 'Z') || (c >= '2' && c <= '7'))) return false;
    }
    return true;
}

int run_request(const app_state& state, const srv_request_options& o, const std::string& kind, const sjson& options) {
    const auto settings = state.settings();
    auto nc = connect(settings, {.reconnect = false});
    sjson body = filter_of(o);
    for (const auto& [k, v] : options.items()) body[k] = v;
    // A server ID given as --host or --name addresses that server directly.
    std::string subject = "$SYS.REQ.SERVER.PING." + kind;
    for (const std::string* id : {&o.host, &o.name}) {
        if (is_server_id(*id)) {
            subject = "$SYS.REQ.SERVER." + *id + "." + kind;
            body.erase(id == &o.host ? "host" : "server_name");
        }
    }
    const auto replies = sys_request(nc.get(), settings, subject, body.dump(), wait_count(nc.get(), settings, o));
    for (const auto& r : replies) out(r + "\n");
    return 0;
}

// Every server's reply to one request, whole (server and data).
std::vector<sjson> gather(const app_state& state, const std::string& kind, const sjson& body, std::int64_t wait) {
    const auto settings = state.settings();
    auto nc = connect(settings, {.reconnect = false});
    if (wait <= 0) wait = sys_active_servers(nc.get(), settings);
    std::vector<sjson> out;
    for (const auto& r : sys_request(nc.get(), settings, "$SYS.REQ.SERVER.PING." + kind, body.dump(), wait)) {
        sjson j = sjson::parse(r, nullptr, false);
        if (!j.is_object()) throw cli_error("invalid response received: " + r);
        if (j.contains("error")) throw cli_error("invalid response received: " + j["error"].dump());
        out.push_back(std::move(j));
    }
    return out;
}

std::string ib(std::int64_t v) { return ibytes(static_cast<std::uint64_t>(std::max<std::int64_t>(v, 0))); }

// ---- server list -----------------------------------------------------------------

struct list_options {
    std::int64_t expect = 0;
    std::string sort = "rtt";
    bool reverse = false;
    bool json = false;
};

int run_list(const app_state& state, const list_options& o) {
    const std::int64_t expect = o.expect;
    const auto settings = state.settings();
    auto nc = connect(settings, {.reconnect = false});
    std::vector<std::chrono::nanoseconds> rtts;
    const auto replies = sys_request(nc.get(), settings, "$SYS.REQ.SERVER.PING", "", expect, &rtts);
    if (o.json) {
        sjson all = sjson::array();
        for (const auto& r : replies) all.push_back(sjson::parse(r, nullptr, false));
        out(all.dump(2) + "\n");
        return 0;
    }
    struct row { sjson server, stats; std::chrono::nanoseconds rtt; };
    std::vector<row> rows;
    for (std::size_t i = 0; i < replies.size(); ++i) {
        const sjson j = sjson::parse(replies[i], nullptr, false);
        if (j.is_object()) rows.push_back({j.value("server", sjson::object()), j.value("statsz", sjson::object()), rtts[i]});
    }
    // natscli's orders: names and RTTs ascending, counts descending, the longest up first; -R turns them round.
    auto before = [&](const row& a, const row& b) {
        const auto num = [&](const row& r, const char* k) { return r.stats.value(k, 0.0); };
        if (o.sort == "name") return str_of(a.server, "name") < str_of(b.server, "name");
        if (o.sort == "cluster") return str_of(a.server, "cluster") < str_of(b.server, "cluster");
        if (o.sort == "conns" || o.sort == "conn") return num(a, "connections") > num(b, "connections");
        if (o.sort == "subs" || o.sort == "sub") return num(a, "subscriptions") > num(b, "subscriptions");
        if (o.sort == "mem") return num(a, "mem") > num(b, "mem");
        if (o.sort == "cpu") return num(a, "cpu") > num(b, "cpu");
        if (o.sort == "slow") return num(a, "slow_consumers") > num(b, "slow_consumers");
        if (o.sort == "uptime") return str_of(a.stats, "start") < str_of(b.stats, "start");
        return a.rtt < b.rtt;
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const row& a, const row& b) { return o.reverse ? before(b, a) : before(a, b); });
    table t("Server Overview");
    t.headers({"Name", "Cluster", "Host", "Version", "JS", "Conns", "Subs", "Routes", "GWs", "Mem", "CPU %", "Cores", "Slow",
               "Uptime", "RTT"});
    std::map<std::string, int> clusters;
    std::int64_t conns = 0, subs = 0, mem = 0, slow = 0, js = 0;
    std::string versions_ok;
    for (const auto& r : rows) {
        const std::string cluster = str_of(r.server, "cluster");
        if (!cluster.empty()) ++clusters[cluster];
        const bool jetstream = bool_of(r.server, "jetstream");
        if (jetstream) ++js;
        const std::string domain = str_of(r.server, "domain");
        if (str_of(r.server, "ver") != str_of(rows.front().server, "ver")) versions_ok = "X";
        conns += int_of(r.stats, "connections");
        subs += int_of(r.stats, "subscriptions");
        mem += int_of(r.stats, "mem");
        slow += int_of(r.stats, "slow_consumers");
        const auto now = time_of(r.server, "time");
        const auto started = time_of(r.stats, "start");
        const std::chrono::nanoseconds up((now.seconds - started.seconds) * 1'000'000'000LL + (now.nanos - started.nanos));
        char cpu[32];
        std::snprintf(cpu, sizeof cpu, "%.0f", r.stats.value("cpu", 0.0));
        t.row({str_of(r.server, "name"), cluster, str_of(r.server, "host"), str_of(r.server, "ver"),
               jetstream ? (domain.empty() ? "yes" : domain) : "no", comma(int_of(r.stats, "connections")),
               comma(int_of(r.stats, "subscriptions")), std::to_string(r.stats.value("routes", sjson::array()).size()),
               std::to_string(r.stats.value("gateways", sjson::array()).size()), ib(int_of(r.stats, "mem")), cpu,
               std::to_string(int_of(r.stats, "cores")), comma(int_of(r.stats, "slow_consumers")), humanize_duration(up),
               humanize_duration(std::chrono::duration_cast<std::chrono::milliseconds>(r.rtt))});
    }
    t.footer({"", std::to_string(clusters.size()), std::to_string(rows.size()), versions_ok, std::to_string(js), comma(conns),
              comma(subs), "", "", ib(mem), "", "", comma(slow), "", ""});
    out(t.render());
    if (expect > 0 && static_cast<std::int64_t>(rows.size()) != expect) {
        out("\nMissing " + std::to_string(expect - static_cast<std::int64_t>(rows.size())) + " server(s)\n");
    }
    return 0;
}

// ---- server report ---------------------------------------------------------------

struct srv_report_options {
    bool reverse = false;
    std::string host, cluster, account, sort = "subs", state = "open", subject, user;
    std::vector<std::string> tags;
    std::int64_t top = 1000, wait = 0;
    bool json = false;
};

sjson report_filter(const srv_report_options& o) {
    sjson f = sjson::object();
    if (!o.host.empty()) f["host"] = o.host;
    if (!o.cluster.empty()) f["cluster"] = o.cluster;
    if (!o.tags.empty()) f["tags"] = o.tags;
    return f;
}

struct conn_row {
    sjson conn;
    std::string server, cluster;
};

std::vector<conn_row> connections(const app_state& state, const srv_report_options& o) {
    sjson body = report_filter(o);
    body["limit"] = 1024 * 1024;
    body["state"] = o.state == "open" ? 0 : o.state == "closed" ? 1 : 2;
    body["subscriptions"] = true;
    if (!o.account.empty()) body["acc"] = o.account;
    if (!o.user.empty()) body["user"] = o.user;
    if (!o.subject.empty()) body["filter_subject"] = o.subject;
    std::vector<conn_row> rows;
    for (const auto& reply : gather(state, "CONNZ", body, o.wait)) {
        const sjson& server = object_of(reply, "server");
        for (const auto& c : object_of(reply, "data").value("connections", sjson::array())) {
            rows.push_back({c, str_of(server, "name"), str_of(server, "cluster")});
        }
    }
    return rows;
}

std::int64_t subs_of(const sjson& c) {
    return static_cast<std::int64_t>(c.contains("subscriptions_list") ? c["subscriptions_list"].size() : 0);
}

int run_report_connections(const app_state& state, const srv_report_options& o) {
    auto rows = connections(state, o);
    auto key = [&](const conn_row& r) -> std::int64_t {
        if (o.sort == "in-bytes") return int_of(r.conn, "in_bytes");
        if (o.sort == "out-bytes") return int_of(r.conn, "out_bytes");
        if (o.sort == "in-msgs") return int_of(r.conn, "in_msgs");
        if (o.sort == "out-msgs") return int_of(r.conn, "out_msgs");
        if (o.sort == "cid") return int_of(r.conn, "cid");
        return subs_of(r.conn);
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const conn_row& a, const conn_row& b) {
        return o.reverse ? key(a) >= key(b) && key(a) != key(b) : key(a) < key(b);
    });
    if (o.json) {
        sjson all = sjson::array();
        for (const auto& r : rows) all.push_back(r.conn);
        out(all.dump(2) + "\n");
        return 0;
    }
    const auto total = static_cast<std::int64_t>(rows.size());
    const std::int64_t limit = o.top > 0 && o.top <= total ? o.top : total;
    table t("Top " + std::to_string(limit) + " Connections out of " + comma(total) + " by " + o.sort);
    const bool reason = o.state != "open";
    std::vector<std::string> headers{"CID", "Name", "Server", "Cluster", "IP", "Account", "Uptime", "In Msgs", "Out Msgs",
                                     "In Bytes", "Out Bytes", "Subs"};
    if (reason) headers.push_back("Reason");
    t.headers(headers);
    std::int64_t in_msgs = 0, out_msgs = 0, in_bytes = 0, out_bytes = 0, subs = 0;
    std::map<std::string, std::pair<std::string, int>> servers;
    std::vector<std::string> order;
    for (std::int64_t i = 0; i < total; ++i) {
        const sjson& c = rows[static_cast<std::size_t>(i)].conn;
        in_msgs += int_of(c, "in_msgs");
        out_msgs += int_of(c, "out_msgs");
        in_bytes += int_of(c, "in_bytes");
        out_bytes += int_of(c, "out_bytes");
        subs += int_of(c, "subscriptions");
        const auto& server = rows[static_cast<std::size_t>(i)].server;
        if (!servers.count(server)) order.push_back(server);
        auto& s = servers[server];
        s.first = rows[static_cast<std::size_t>(i)].cluster;
        ++s.second;
        if (i >= limit) continue;
        std::string name = str_of(c, "name");
        if (name.size() > 40) name = name.substr(0, 40) + " ..";
        std::string account = str_of(c, "account");
        if (account.size() > 46) account = account.substr(0, 12) + " ..";
        std::string cid = std::to_string(int_of(c, "cid"));
        const std::string kind = str_of(c, "kind");
        if (!kind.empty() && kind != "Client") cid = kind.substr(0, 1) + cid;
        std::vector<std::string> cells{cid, name, server, rows[static_cast<std::size_t>(i)].cluster,
                                       str_of(c, "ip") + ":" + std::to_string(int_of(c, "port")), account,
                                       str_of(c, "uptime"), comma(int_of(c, "in_msgs")), comma(int_of(c, "out_msgs")),
                                       ib(int_of(c, "in_bytes")), ib(int_of(c, "out_bytes")), comma(subs_of(c))};
        if (reason) cells.push_back(str_of(c, "reason"));
        t.row(cells);
    }
    if (total > 1) {
        std::vector<std::string> cells{"", "Totals for " + comma(total) + " connections", "", "", "", "", "",
                                       comma(in_msgs), comma(out_msgs), ib(in_bytes), ib(out_bytes), comma(subs)};
        if (reason) cells.push_back("");
        t.footer(cells);
    }
    std::string text = t.render();
    if (!order.empty()) {
        std::stable_sort(order.begin(), order.end(),
                         [&](const std::string& a, const std::string& b) { return servers[a].second < servers[b].second; });
        table per("Connections per server");
        per.headers({"Server", "Cluster", "Connections"});
        for (const auto& n : order) per.row({n, servers[n].first, std::to_string(servers[n].second)});
        text += "\n" + per.render();
    }
    out(text);
    return 0;
}

int run_report_accounts(const app_state& state, const srv_report_options& o) {
    struct account { std::string name; std::int64_t conns = 0, in_msgs = 0, out_msgs = 0, in_bytes = 0, out_bytes = 0, subs = 0; };
    std::map<std::string, account> by_name;
    for (const auto& r : connections(state, o)) {
        auto& a = by_name[str_of(r.conn, "account")];
        a.name = str_of(r.conn, "account");
        ++a.conns;
        a.in_msgs += int_of(r.conn, "in_msgs");
        a.out_msgs += int_of(r.conn, "out_msgs");
        a.in_bytes += int_of(r.conn, "in_bytes");
        a.out_bytes += int_of(r.conn, "out_bytes");
        a.subs += subs_of(r.conn);
    }
    std::vector<account> accounts;
    for (auto& [_, a] : by_name) accounts.push_back(a);
    auto key = [&](const account& a) {
        if (o.sort == "in-bytes") return a.in_bytes;
        if (o.sort == "out-bytes") return a.out_bytes;
        if (o.sort == "in-msgs") return a.in_msgs;
        if (o.sort == "out-msgs") return a.out_msgs;
        if (o.sort == "conns") return a.conns;
        return a.subs;
    };
    std::stable_sort(accounts.begin(), accounts.end(),
                     [&](const account& a, const account& b) { return o.reverse ? key(a) > key(b) : key(a) < key(b); });
    if (o.top > 0 && o.top < static_cast<std::int64_t>(accounts.size())) {
        if (o.reverse) accounts.resize(static_cast<std::size_t>(o.top));
        else accounts.erase(accounts.begin(), accounts.end() - o.top);
    }
    table t(std::to_string(accounts.size()) + " Accounts Overview");
    t.headers({"Account", "Connections", "In Msgs", "Out Msgs", "In Bytes", "Out Bytes", "Subs"});
    for (const auto& a : accounts) {
        t.row({a.name, comma(a.conns), comma(a.in_msgs), comma(a.out_msgs), ib(a.in_bytes), ib(a.out_bytes), comma(a.subs)});
    }
    out(t.render());
    return 0;
}

int run_report_jetstream(const app_state& state, const srv_report_options& o) {
    sjson body = report_filter(o);
    if (!o.account.empty()) {
        body["acc"] = o.account;
        body["accounts"] = true;
        body["streams"] = true;
    }
    auto replies = gather(state, "JSZ", body, o.wait);
    std::sort(replies.begin(), replies.end(), [](const sjson& a, const sjson& b) {
        return str_of(object_of(a, "server"), "name") < str_of(object_of(b, "server"), "name");
    });
    table t(o.account.empty() ? "JetStream Summary" : "JetStream Summary for Account " + o.account);
    t.headers({"Server", "Cluster", "Streams", "Consumers", "Messages", "Bytes", "Memory", "File", "API Req", "Pending"});
    std::int64_t streams = 0, consumers = 0, msgs = 0, bytes = 0, memory = 0, store = 0, api = 0, pending = 0;
    bool clustered = false;
    for (const auto& reply : replies) {
        const sjson& server = object_of(reply, "server");
        const sjson& d = object_of(reply, "data");
        std::int64_t r_streams = int_of(d, "streams"), r_consumers = int_of(d, "consumers"), r_msgs = int_of(d, "messages"),
                     r_bytes = int_of(d, "bytes"), r_memory = int_of(d, "memory"), r_store = int_of(d, "storage"),
                     r_api = int_of(object_of(d, "api"), "total"), r_pending = 0;
        if (!o.account.empty()) {
            for (const auto& acc : d.value("account_details", sjson::array())) {
                r_memory = int_of(acc, "memory");
                r_store = int_of(acc, "storage");
                r_api = int_of(object_of(acc, "api"), "total");
                r_bytes = r_memory + r_store;
                const auto list = acc.value("stream_detail", sjson::array());
                r_streams = static_cast<std::int64_t>(list.size());
                r_consumers = r_msgs = 0;
                for (const auto& s : list) {
                    r_consumers += int_of(object_of(s, "state"), "consumer_count");
                    r_msgs += int_of(object_of(s, "state"), "messages");
                }
            }
        }
        std::string name = str_of(server, "name");
        if (d.contains("meta_cluster")) {
            clustered = true;
            const sjson& meta = object_of(d, "meta_cluster");
            if (str_of(meta, "leader") == name) name += "*";
            r_pending = int_of(meta, "pending");
        }
        streams += r_streams, consumers += r_consumers, msgs += r_msgs, bytes += r_bytes;
        memory += r_memory, store += r_store, api += r_api, pending += r_pending;
        t.row({name, str_of(server, "cluster"), comma(r_streams), comma(r_consumers), comma(r_msgs), ib(r_bytes), ib(r_memory),
               ib(r_store), comma(r_api), std::to_string(r_pending)});
    }
    t.footer({"", "", comma(streams), comma(consumers), comma(msgs), ib(bytes), ib(memory), ib(store), comma(api),
              std::to_string(pending)});
    out(t.render() + "\n");
    // natscli warns about the meta group only when servers report one.
    (void)clustered;
    return 0;
}

int run_report_health(const app_state& state, const srv_report_options& o) {
    sjson body = report_filter(o);
    body["details"] = true;
    if (!o.account.empty()) body["account"] = o.account;
    auto replies = gather(state, "HEALTHZ", body, o.wait);
    std::stable_sort(replies.begin(), replies.end(), [&](const sjson& a, const sjson& b) {
        const bool less = str_of(object_of(a, "server"), "name") < str_of(object_of(b, "server"), "name");
        return o.reverse ? !less : less;
    });
    table t("Health Report");
    t.headers({"Server", "Cluster", "Domain", "Status", "Type", "Error"});
    int ok = 0, failed = 0;
    std::size_t errors = 0;
    std::map<std::string, int> clusters;
    for (const auto& reply : replies) {
        const sjson& server = object_of(reply, "server");
        const sjson& d = object_of(reply, "data");
        // nats-server 2.9 sends no status_code; natscli then shows 0 and counts an error.
        const auto code = int_of(d, "status_code");
        t.row({str_of(server, "name"), str_of(server, "cluster"), str_of(server, "domain"),
               str_of(d, "status") + " (" + std::to_string(code) + ")"});
        (code == 200 ? ok : failed) += 1;
        ++clusters[str_of(server, "cluster")];
        const auto list = d.value("errors", sjson::array());
        errors += list.size();
        const std::size_t show = list.size() > 10 ? 9 : list.size();
        for (std::size_t i = 0; i < show; ++i) t.row({"", "", "", "", str_of(list[i], "type"), str_of(list[i], "error")});
        if (show != list.size()) t.row({"", "", "", std::to_string(list.size() - show) + " more errors"});
    }
    t.footer({comma(static_cast<std::int64_t>(replies.size())), comma(static_cast<std::int64_t>(clusters.size())), "",
              "ok: " + std::to_string(ok) + " / err: " + std::to_string(failed), "", comma(static_cast<std::int64_t>(errors))});
    out(t.render() + "\n");
    return 0;
}

void add_kind(command& req, const app_state& state, const std::shared_ptr<srv_request_options>& o, const std::string& name,
              std::vector<std::string> aliases, const std::string& help, const std::string& kind,
              std::function<sjson()> options) {
    auto& c = req.add_command(name, help);
    for (auto& a : aliases) c.alias(a);
    c.int_arg("wait", "Wait for a certain number of responses", &o->wait);
    c.action([&state, o, kind, options] { return run_request(state, *o, kind, options()); });
}

} // namespace

void add_server_request_commands(command& server, app_state& state) {
    using namespace server_request_impl;
    auto o = std::make_shared<srv_request_options>();
    auto& req = server.add_command("request", "Request monitoring data from a specific server").alias("req");
    req.int_flag("limit", "Limit the responses to a certain amount of records", &o->limit);
    req.int_flag("offset", "Start at a certain record", &o->offset);
    req.string_flag("name", "Limit to servers matching a server name", &o->name);
    req.string_flag("host", "Limit to servers matching a server host name", &o->host);
    req.string_flag("cluster", "Limit to servers matching a cluster name", &o->cluster);
    req.strings_flag("tags", "Limit to servers with these configured tags", &o->tags);

    add_kind(req, state, o, "variables", {"var", "varz"}, "Show runtime variables", "VARZ", [] { return sjson::object(); });
    add_kind(req, state, o, "connections", {"conn", "connz"}, "Show connection details", "CONNZ", [o] {
        sjson j{{"sort", o->sort}, {"subscriptions", o->detail}, {"offset", o->offset}, {"limit", o->limit},
               {"state", o->state == "open" ? 0 : o->state == "closed" ? 1 : 2}};
        if (o->cid > 0) j["cid"] = o->cid;
        if (!o->user.empty()) j["user"] = o->user;
        if (!o->account.empty()) j["acc"] = o->account;
        if (!o->subject.empty()) j["filter_subject"] = o->subject;
        return j;
    });
    auto& conns = *req.find_command("connections");
    conns.enum_flag("sort", "Sort by a specific property", &o->sort,
                    {"cid", "start", "subs", "pending", "msgs_to", "msgs_from", "bytes_to", "bytes_from", "last", "idle",
                     "uptime", "stop", "reason", "rtt"});
    conns.bool_flag("subscriptions", "Show subscriptions", &o->detail);
    conns.int_flag("filter-cid", "Filter on a specific CID", &o->cid).with_placeholder("CID");
    conns.enum_flag("filter-state", "Filter on a specific account state (open, closed, all)", &o->state, {"open", "closed", "all"});
    conns.string_flag("filter-user", "Filter on a specific username", &o->user).with_placeholder("USER");
    conns.string_flag("filter-account", "Filter on a specific account", &o->account).with_placeholder("ACCOUNT");
    conns.string_flag("filter-subject", "Limits responses only to those connections with matching subscription interest",
                      &o->subject).with_placeholder("SUBJECT");
    add_kind(req, state, o, "routes", {"route", "routez"}, "Show route details", "ROUTEZ",
             [o] { return sjson{{"subscriptions", o->detail}}; });
    req.find_command("routes")->bool_flag("subscriptions", "Show subscription detail", &o->detail);
    add_kind(req, state, o, "gateways", {"gateway", "gwy", "gatewayz"}, "Show gateway details", "GATEWAYZ",
             [o] { return sjson{{"accounts", o->detail}}; });
    req.find_command("gateways")->bool_flag("accounts", "Show account detail", &o->detail);
    add_kind(req, state, o, "leafnodes", {"leaf", "leafz"}, "Show leafnode details", "LEAFZ",
             [o] { return sjson{{"subscriptions", o->detail}}; });
    req.find_command("leafnodes")->bool_flag("subscriptions", "Show subscription detail", &o->detail);
    add_kind(req, state, o, "accounts", {"accountz", "acct"}, "Show account details", "ACCOUNTZ", [o] {
        sjson j = sjson::object();
        if (!o->account.empty()) j["account"] = o->account;
        return j;
    });
    req.find_command("accounts")->string_flag("account", "Retrieve information for a specific account", &o->account);
    add_kind(req, state, o, "jetstream", {"jsz", "js"}, "Show JetStream details", "JSZ", [o] {
        sjson j{{"accounts", o->accounts || o->all}, {"streams", o->streams || o->all}, {"consumer", o->consumers || o->all},
               {"config", o->config || o->all}, {"leader_only", o->leader}, {"offset", o->offset}, {"limit", o->limit}};
        if (!o->account.empty()) j["account"] = o->account;
        return j;
    });
    auto& jsz = *req.find_command("jetstream");
    jsz.string_flag("account", "Show statistics scoped to a specific account", &o->account);
    jsz.bool_flag("accounts", "Include details about accounts", &o->accounts);
    jsz.bool_flag("streams", "Include details about Streams", &o->streams);
    jsz.bool_flag("consumer", "Include details about Consumers", &o->consumers);
    jsz.bool_flag("config", "Include details about configuration", &o->config);
    jsz.bool_flag("leader", "Request a response from the Meta-group leader only", &o->leader);
    jsz.bool_flag("all", "Include accounts, streams, consumers and configuration", &o->all);
    add_kind(req, state, o, "subscriptions", {"sub", "subsz"}, "Show subscription information", "SUBSZ", [o] {
        sjson j{{"offset", o->offset}, {"limit", o->limit}, {"subscriptions", o->detail}};
        if (!o->account.empty()) j["account"] = o->account;
        if (!o->subject.empty()) j["test"] = o->subject;
        return j;
    });
    auto& subsz = *req.find_command("subscriptions");
    subsz.bool_flag("detail", "Include detail about all subscriptions", &o->detail);
    subsz.string_flag("filter-account", "Filter on a specific account", &o->account).with_placeholder("ACCOUNT");
    subsz.string_flag("filter-subject", "Filter based on subscriptions matching this subject", &o->subject)
        .with_placeholder("SUBJECT");
    add_kind(req, state, o, "jetstream-health", {"healthz"}, "Request JetStream health status", "HEALTHZ", [o] {
        sjson j{{"js-enabled-only", o->js_enabled}, {"js-server-only", o->server_only}};
        if (!o->account.empty()) j["account"] = o->account;
        return j;
    });
    auto& health = *req.find_command("jetstream-health");
    health.bool_flag("js-enabled", "Checks that JetStream should be enabled on all servers", &o->js_enabled).with_short('J');
    health.bool_flag("server-only", "Restricts the health check to the JetStream server only", &o->server_only).with_short('S');
    health.string_flag("account", "Check only a specific Account", &o->account);
    add_unsupported_commands(req, {{"kick", "Disconnects a client immediately"},
                                   {"ipqueue", "Show IP Queue details"},
                                   {"profile", "Run a profile"},
                                   {"raft", "Show RAFT state details"}});

    auto lo = std::make_shared<list_options>();
    auto& list = server.add_command("list", "List known servers").alias("ls");
    list.int_arg("expect", "How many servers to expect", &lo->expect);
    list.bool_flag("json", "Produce JSON output", &lo->json).with_short('j');
    list.enum_flag("sort", "Sort servers by a specific key (name,cluster,conns,subs,routes,gws,mem,cpu,slow,uptime,rtt",
                   &lo->sort, {"name", "cluster", "conns", "conn", "subs", "sub", "routes", "route", "gw", "mem", "cpu", "slow",
                               "uptime", "rtt"});
    list.bool_flag("reverse", "Reverse sort servers", &lo->reverse).with_short('R');
    list.action([&state, lo] { return run_list(state, *lo); });

    auto r = std::make_shared<srv_report_options>();
    auto& report = server.add_command("report", "Report on various server metrics").alias("rep");
    report.bool_flag("reverse", "Reverse sort connections", &r->reverse).with_short('R');
    auto common = [&](command& c) {
        c.string_flag("host", "Limit the report to a specific NATS server", &r->host);
        c.string_flag("cluster", "Limit the report to a specific Cluster", &r->cluster);
        c.strings_flag("tags", "Limit the report to nodes matching certain tags", &r->tags);
        c.bool_flag("json", "Produce JSON output", &r->json).with_short('j');
    };
    auto& acct = report.add_command("accounts", "Report on account activity").alias("acct");
    common(acct);
    acct.string_arg("account", "Account to produce a report for", &r->account, false);
    acct.int_arg("limit", "Limit the responses to a certain amount of servers", &r->wait);
    acct.enum_flag("sort", "Sort by a specific property (in-bytes,out-bytes,in-msgs,out-msgs,conns,subs)", &r->sort,
                   {"in-bytes", "out-bytes", "in-msgs", "out-msgs", "conns", "subs"});
    acct.int_flag("top", "Limit results to the top results", &r->top);
    acct.action([&state, r] { return run_report_accounts(state, *r); });
    auto& conns_report = report.add_command("connections", "Report on connections").alias("conn").alias("connz").alias("conns");
    common(conns_report);
    conns_report.int_arg("limit", "Limit the responses to a certain amount of servers", &r->wait);
    conns_report.string_flag("account", "Limit report to a specific account", &r->account);
    conns_report.enum_flag("sort", "Sort by a specific property (in-bytes,out-bytes,in-msgs,out-msgs,uptime,cid,subs)",
                           &r->sort, {"in-bytes", "out-bytes", "in-msgs", "out-msgs", "uptime", "cid", "subs"});
    conns_report.int_flag("top", "Limit results to the top results", &r->top);
    conns_report.string_flag("subject", "Limits responses only to those connections with matching subscription interest",
                             &r->subject);
    conns_report.string_flag("username", "Limits responses only to those connections for a specific authentication username",
                             &r->user);
    conns_report.enum_flag("state", "Limits responses only to those connections that are in a specific state (open, closed, all)",
                           &r->state, {"open", "closed", "all"});
    conns_report.action([&state, r] { return run_report_connections(state, *r); });
    auto& jsz_report = report.add_command("jetstream", "Report on JetStream activity").alias("jsz").alias("js");
    common(jsz_report);
    jsz_report.string_flag("account", "Produce the report for a specific account", &r->account);
    jsz_report.int_arg("limit", "Limit the responses to a certain amount of servers", &r->wait);
    jsz_report.action([&state, r] { return run_report_jetstream(state, *r); });
    auto& health_report = report.add_command("health", "Report on Server health");
    common(health_report);
    health_report.int_arg("limit", "Limit the responses to a certain amount of servers", &r->wait);
    health_report.string_flag("account", "Check only a specific Account", &r->account);
    health_report.action([&state, r] { return run_report_health(state, *r); });
    add_unsupported_commands(report, {{"cpu", "Report on CPU usage"},
                                      {"gateways", "Repost on Gateway (Super Cluster) connections"},
                                      {"leafnodes", "Report on Leafnode connections"},
                                      {"mem", "Report on Memory usage"},
                                      {"routes", "Report on Route (Cluster) connections"}});
}

} // namespace nats::cli
