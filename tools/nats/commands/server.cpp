// nats server ping | info | check connection.
//
// ping and info ask the system account ($SYS.REQ.SERVER.PING[.VARZ]) as natscli
// does. A server without a reachable system account cannot answer that; then
// both report what the connected server itself says (its INFO and a measured
// round trip), with a notice on stderr, instead of failing.
#include <chrono>
#include <cmath>
#include <ctime>
#include <memory>

#include <nlohmann/json.hpp>

#include "check_result.hpp"
#include "commands.hpp"
#include "connection.hpp"
#include "console.hpp"
#include "durations.hpp"
#include "errors.hpp"
#include "format.hpp"
#include "server_greeting.hpp"
#include "subscriptions.hpp"
#include "tables.hpp"
#include "templates.hpp"
#include "waiter.hpp"

namespace nats::cli {
namespace {

using nlohmann::json;
using clock_type = std::chrono::steady_clock;

using nats::libnats::data_of;

std::string pad_right(const std::string& s, std::size_t width) {
    return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

// ---- server ping ---------------------------------------------------------

struct ping_options {
    std::int64_t expect = 0;
    bool show_id = false;
};

struct ping_line {
    std::string id;
    std::string name;
    std::chrono::nanoseconds rtt;
};

struct ping_state {
    waiter* wake = nullptr;
    clock_type::time_point start;
    std::vector<ping_line> lines;
    std::int64_t expect = 0;
    bool refused = false;  // a status reply: no system account behind the subject
};

void on_ping_reply(natsConnection*, natsSubscription*, natsMsg* raw, void* closure) {
    message_ptr msg(raw);
    auto& s = *static_cast<ping_state*>(closure);
    const auto rtt = clock_type::now() - s.start;
    std::lock_guard lock(s.wake->mutex());
    const char* status = nullptr;
    if (natsMsg_IsNoResponders(msg.get()) || natsMsgHeader_Get(msg.get(), "Status", &status) == NATS_OK) {
        s.refused = true;
    } else {
        const json reply = json::parse(data_of(msg.get()), nullptr, false);
        const json server = reply.is_object() ? reply.value("server", json::object()) : json::object();
        s.lines.push_back({server.value("id", ""), server.value("name", ""), rtt});
        if (s.expect == 0 && s.lines.size() == 1 && reply.contains("statsz")) {
            s.expect = reply["statsz"].value("active_servers", 0);
        }
    }
    s.wake->notify_locked();
}

std::string ping_row(const ping_line& l, bool show_id) {
    return (show_id ? l.id + " " : "") + pad_right(l.name, 60) + " rtt=" + format_duration(l.rtt) + "\n";
}

std::string ping_summary(const std::vector<ping_line>& lines) {
    std::string text = "\n---- ping statistics ----\n";
    if (lines.empty()) return text + "no responses received\n";
    double sum = 0, min = 999999.0, max = -1.0;
    for (const auto& l : lines) {
        const auto ms = static_cast<double>(std::chrono::duration_cast<std::chrono::milliseconds>(l.rtt).count());
        sum += ms;
        min = std::min(min, ms);
        max = std::max(max, ms);
    }
    char buf[160];
    std::snprintf(buf, sizeof buf, "%zu replies max: %.2f min: %.2f avg: %.2f\n", lines.size(), max, min,
                  sum / static_cast<double>(lines.size()));
    return text + buf;
}

int run_ping(const app_state& state, const ping_options& o) {
    const auto settings = state.settings();
    auto nc = connect(settings, {.reconnect = false});
    waiter wake;
    auto s = std::make_unique<ping_state>();
    s->wake = &wake;
    s->expect = o.expect;
    const std::string inbox = new_inbox(settings);
    async_subscriptions subs;
    subs.subscribe(nc.get(), inbox, "", on_ping_reply, s.get());
    s->start = clock_type::now();
    check(natsConnection_PublishRequest(nc.get(), "$SYS.REQ.SERVER.PING", inbox.c_str(), nullptr, 0));
    check(natsConnection_FlushTimeout(nc.get(), 5000));
    wake.wait([&] { return s->refused || (s->expect > 0 && static_cast<std::int64_t>(s->lines.size()) >= s->expect); },
              settings.timeout);
    subs.close();

    std::vector<ping_line> lines;
    std::int64_t expect = 0;
    {
        std::lock_guard lock(wake.mutex());
        lines = s->lines;
        expect = s->expect;
    }
    if (lines.empty()) {
        // No system account answered: measure the server we are connected to.
        log_line("No reply on $SYS.REQ.SERVER.PING (no system account); pinging the connected server");
        std::int64_t rtt_ns = 0;
        const auto start = clock_type::now();
        check(natsConnection_FlushTimeout(nc.get(), std::chrono::duration_cast<std::chrono::milliseconds>(settings.timeout).count()));
        rtt_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(clock_type::now() - start).count();
        const json info = read_server_info(parse_server_url(connected_url(nc.get())),
                                           std::chrono::duration_cast<std::chrono::milliseconds>(settings.timeout));
        lines.push_back({info.value("server_id", ""), info.value("server_name", info.value("server_id", "")),
                         std::chrono::nanoseconds(rtt_ns)});
        expect = o.expect;
    }
    std::string text;
    for (const auto& l : lines) text += ping_row(l, o.show_id);
    text += ping_summary(lines);
    if (expect != 0 && expect > static_cast<std::int64_t>(lines.size())) {
        text += "\nMissing " + std::to_string(expect - static_cast<std::int64_t>(lines.size())) + " server(s)\n";
    }
    out(text);
    return 0;
}

// ---- server info -----------------------------------------------------------

std::string yes_no(const json& j, const char* key) { return j.value(key, false) ? "true" : "false"; }

// natscli's time rendering: local "2006-01-02 15:04:05".
std::string local_time(const std::string& rfc3339) {
    std::tm tm{};
    if (strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return rfc3339;
    std::time_t t = timegm(&tm);
    // The zone suffix after the seconds (and any fraction).
    const auto zone_at = rfc3339.find_first_of("Z+-", 19);
    if (zone_at != std::string::npos && rfc3339[zone_at] != 'Z' && rfc3339.size() >= zone_at + 6) {
        const int sign = rfc3339[zone_at] == '-' ? -1 : 1;
        const int hours = std::atoi(rfc3339.substr(zone_at + 1, 2).c_str());
        const int minutes = std::atoi(rfc3339.substr(zone_at + 4, 2).c_str());
        t -= sign * (hours * 3600 + minutes * 60);
    }
    std::tm local{};
    localtime_r(&t, &local);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &local);
    return buf;
}

std::string render_varz(const json& v) {
    const std::string id = v.value("server_id", "");
    const std::string name = v.value("server_name", id);
    columns c(id == name ? "Server information for " + id : "Server information for " + name + " (" + id + ")");
    c.section("Process Details");
    c.row("Version", v.value("version", ""));
    c.row("Git Commit", v.value("git_commit", ""));
    c.row("Go Version", v.value("go", ""));
    c.row("Start Time", local_time(v.value("start", "")));
    c.row("Configuration Load Time", local_time(v.value("config_load_time", "")));
    c.row("Uptime", v.value("uptime", ""));
    c.section("Connection Details");
    c.row("Auth Required", yes_no(v, "auth_required"));
    c.row("TLS Required", yes_no(v, "tls_required"));
    const std::string host = v.value("host", "") + ":" + std::to_string(v.value("port", 0));
    c.row("Host", v.value("ip", "").empty() ? host : host + " (" + v.value("ip", "") + ")");
    const auto urls = v.value("connect_urls", json::array());
    for (std::size_t i = 0; i < urls.size(); ++i) c.row(i == 0 ? "Client URLs" : "", urls[i].get<std::string>());
    c.section("Limits");
    c.row("Maximum Connections", comma(v.value("max_connections", 0LL)));
    c.row("Maximum Subscriptions", comma(v.value("max_subscriptions", 0LL)));
    c.row("Maximum Payload", ibytes(v.value("max_payload", 0ULL)));
    c.row("TLS Timeout", humanize_duration(std::chrono::nanoseconds(
                             static_cast<std::int64_t>(v.value("tls_timeout", 0.0) * 1e9))));
    c.row("Write Deadline", humanize_duration(std::chrono::nanoseconds(v.value("write_deadline", 0LL))));
    c.section("Statistics");
    char cpu[64];
    std::snprintf(cpu, sizeof cpu, "%d %.2f%%", v.value("cores", 0), v.value("cpu", 0.0));
    c.row("CPU Cores", cpu);
    c.row("Memory", ibytes(v.value("mem", 0ULL)));
    c.row("Connections", comma(v.value("connections", 0LL)));
    c.row("Subscriptions", comma(v.value("subscriptions", 0LL)));
    c.row("Messages", comma(v.value("in_msgs", 0LL)) + " in " + comma(v.value("out_msgs", 0LL)) + " out");
    c.row("Bytes", ibytes(v.value("in_bytes", 0ULL)) + " in " + ibytes(v.value("out_bytes", 0ULL)) + " out");
    c.row("Slow Consumers", comma(v.value("slow_consumers", 0LL)));
    return c.render();
}

std::string render_info(const json& info) {
    const std::string id = info.value("server_id", "");
    const std::string name = info.value("server_name", id);
    columns c(id == name ? "Server information for " + id : "Server information for " + name + " (" + id + ")");
    c.section("Process Details");
    c.row("Version", info.value("version", ""));
    c.row_if_not_empty("Git Commit", info.value("git_commit", ""));
    c.row_if_not_empty("Go Version", info.value("go", ""));
    c.section("Connection Details");
    c.row("Auth Required", yes_no(info, "auth_required"));
    c.row("TLS Required", yes_no(info, "tls_required"));
    c.row("Host", info.value("host", "") + ":" + std::to_string(info.value("port", 0)));
    const auto urls = info.value("connect_urls", json::array());
    for (std::size_t i = 0; i < urls.size(); ++i) c.row(i == 0 ? "Client URLs" : "", urls[i].get<std::string>());
    c.row("Headers", yes_no(info, "headers"));
    c.row("JetStream", yes_no(info, "jetstream"));
    c.section("Limits");
    c.row("Maximum Payload", ibytes(info.value("max_payload", 0ULL)));
    return c.render();
}

int run_info(const app_state& state, const std::string& server) {
    const auto settings = state.settings();
    auto nc = connect(settings, {.reconnect = false});
    // A 56-character upper-case ID names the server directly; anything else
    // asks every server, filtered by name.
    bool is_id = server.size() == 56;
    for (char ch : server) is_id = is_id && !(ch >= 'a' && ch <= 'z');
    const std::string subject = is_id ? "$SYS.REQ.SERVER." + server + ".VARZ" : "$SYS.REQ.SERVER.PING.VARZ";
    const std::string body = is_id ? "{}" : json{{"server_name", server}}.dump();
    natsMsg* raw = nullptr;
    const auto timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(settings.timeout).count();
    const natsStatus status =
        natsConnection_Request(&raw, nc.get(), subject.c_str(), body.data(), static_cast<int>(body.size()), timeout_ms);
    message_ptr reply(raw);
    if (status == NATS_OK) {
        const json response = json::parse(data_of(reply.get()), nullptr, false);
        if (response.is_object() && response.contains("error")) {
            throw cli_error("invalid response received: " + response["error"].dump());
        }
        if (!response.is_object() || !response.contains("data")) {
            throw cli_error("no data received in response: " + data_of(reply.get()));
        }
        out(render_varz(response["data"]));
        return 0;
    }
    if (status != NATS_NO_RESPONDERS && status != NATS_TIMEOUT) check(status);
    if (!server.empty()) {
        throw cli_error("no results received, ensure the account used has system privileges and appropriate permissions");
    }
    log_line("No reply on " + subject + " (no system account); showing the connected server's INFO");
    const json info = read_server_info(parse_server_url(connected_url(nc.get())), std::chrono::milliseconds(timeout_ms));
    out(render_info(info));
    return 0;
}

// ---- server check connection ----------------------------------------------

struct check_options {
    std::string format = "nagios";
    std::chrono::nanoseconds connect_warn = std::chrono::milliseconds(500);
    std::chrono::nanoseconds connect_crit = std::chrono::seconds(1);
    std::chrono::nanoseconds rtt_warn = std::chrono::milliseconds(500);
    std::chrono::nanoseconds rtt_crit = std::chrono::seconds(1);
    std::chrono::nanoseconds req_warn = std::chrono::milliseconds(500);
    std::chrono::nanoseconds req_crit = std::chrono::seconds(1);
};

double seconds(std::chrono::nanoseconds d) { return std::chrono::duration<double>(d).count(); }

// Adds a threshold verdict: critical, warning or ok.
void judge(check_result& r, std::chrono::nanoseconds value, std::chrono::nanoseconds warn, std::chrono::nanoseconds crit,
           const std::string& crit_text, const std::string& warn_text, const std::string& ok_text) {
    if (crit.count() != 0 && value >= crit) r.critical(crit_text);
    else if (warn.count() != 0 && value >= warn) r.warning(warn_text);
    else r.ok(ok_text);
}

void check_connection(const connection_settings& settings, const check_options& o, check_result& r) {
    const auto connect_start = clock_type::now();
    connection_ptr nc;
    try {
        nc = connect(settings, {.reconnect = false, .report_events = false});
    } catch (const cli_error& e) {
        r.critical(std::string("connection failed: ") + e.what());
        return;
    }
    const auto connect_time = clock_type::now() - connect_start;
    r.perf({"connect_time", seconds(connect_time), seconds(o.connect_warn), seconds(o.connect_crit), "s",
            "Time taken to connect to NATS"});
    const std::string url = connected_url(nc.get());
    judge(r, connect_time, o.connect_warn, o.connect_crit,
          "connected to " + url + ", connect time exceeded " + format_go_float(seconds(o.connect_crit)),
          "connected to " + url + ", connect time exceeded " + format_go_float(seconds(o.connect_warn)),
          "connected to " + url + " in " + format_duration(connect_time));

    const auto timeout_ms = std::chrono::duration_cast<std::chrono::milliseconds>(settings.timeout).count();
    const auto rtt_start = clock_type::now();
    if (const natsStatus s = natsConnection_FlushTimeout(nc.get(), timeout_ms); s != NATS_OK) {
        r.critical("rtt failed: " + status_text(s));
        return;
    }
    const auto rtt = clock_type::now() - rtt_start;
    r.perf({"rtt", seconds(rtt), seconds(o.rtt_warn), seconds(o.rtt_crit), "s", "The round-trip-time of the connection"});
    judge(r, rtt, o.rtt_warn, o.rtt_crit, "rtt time exceeded " + format_go_float(seconds(o.rtt_crit)),
          "rtt time exceeded " + format_go_float(seconds(o.rtt_warn)), "rtt time " + format_duration(rtt));

    const std::string payload = random_string(100, 100);
    const std::string inbox = new_inbox(settings);
    natsSubscription* raw_sub = nullptr;
    if (const natsStatus s = natsConnection_SubscribeSync(&raw_sub, nc.get(), inbox.c_str()); s != NATS_OK) {
        r.critical("could not subscribe to " + inbox + ": " + status_text(s));
        return;
    }
    subscription_ptr sub(raw_sub);
    natsSubscription_AutoUnsubscribe(raw_sub, 1);
    const auto req_start = clock_type::now();
    if (const natsStatus s = natsConnection_Publish(nc.get(), inbox.c_str(), payload.data(), static_cast<int>(payload.size()));
        s != NATS_OK) {
        r.critical("could not publish to " + inbox + ": " + status_text(s));
        return;
    }
    natsMsg* raw_msg = nullptr;
    if (const natsStatus s = natsSubscription_NextMsg(&raw_msg, raw_sub, timeout_ms); s != NATS_OK) {
        r.critical("did not receive from " + inbox + ": " + status_text(s));
        return;
    }
    message_ptr received(raw_msg);
    const auto req_time = clock_type::now() - req_start;
    r.perf({"request_time", seconds(req_time), seconds(o.req_warn), seconds(o.req_crit), "s",
            "Time taken for a full Request-Reply operation"});
    if (data_of(received.get()) != payload) r.critical("did not receive expected message");
    char took[64];
    std::snprintf(took, sizeof took, "%f", seconds(req_time));
    judge(r, req_time, o.req_warn, o.req_crit, std::string("round trip request took ") + took,
          std::string("round trip request took ") + took, std::string("round trip took ") + took + "s");
}

int run_check_connection(const app_state& state, const check_options& o) {
    check_result r("Connection", "connections");
    try {
        check_connection(state.settings(), o, r);
    } catch (const std::exception& e) {
        r.critical(std::string("loading context failed: ") + e.what());
    }
    out(r.render(o.format) + "\n");
    return r.exit_code_for(o.format);
}

} // namespace

void add_server_command(command& app, app_state& state) {
    auto& server = app.add_command("server", "Server information").alias("srv");

    auto ping = std::make_shared<ping_options>();
    auto& ping_cmd = server.add_command("ping", "Ping all servers");
    ping_cmd.int_arg("expect", "How many servers to expect", &ping->expect);
    ping_cmd.bool_flag("id", "Include the Server ID in the output", &ping->show_id);
    ping_cmd.action([&state, ping] { return run_ping(state, *ping); });

    auto info_server = std::make_shared<std::string>();
    auto& info_cmd = server.add_command("info", "Show information about a single server").alias("i");
    info_cmd.string_arg("server", "Server ID or Name to inspect", info_server.get(), false);
    info_cmd.action([&state, info_server] { return run_info(state, *info_server); });

    auto check = std::make_shared<check_options>();
    auto& check_cmd = server.add_command("check", "Health check for NATS servers");
    check_cmd.enum_flag("format", "Render the check in a specific format (nagios, json, prometheus, text)",
                        &check->format, {"nagios", "json", "prometheus", "text"});
    auto& conn = check_cmd.add_command("connection", "Checks basic server connection").alias("conn");
    conn.duration_flag("connect-warn", "Warning threshold to allow for establishing connections", &check->connect_warn);
    conn.duration_flag("connect-critical", "Critical threshold to allow for establishing connections",
                       &check->connect_crit);
    conn.duration_flag("rtt-warn", "Warning threshold to allow for server RTT", &check->rtt_warn);
    conn.duration_flag("rtt-critical", "Critical threshold to allow for server RTT", &check->rtt_crit);
    conn.duration_flag("req-warn", "Warning threshold to allow for full round trip test", &check->req_warn);
    conn.duration_flag("req-critical", "Critical threshold to allow for full round trip test", &check->req_crit);
    conn.action([&state, check] { return run_check_connection(state, *check); });
    add_server_extra_commands(app, server, check_cmd, state, &check->format);
}

} // namespace nats::cli
