#include "kernel/plugins/kernel_queries.hpp"

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <charconv>
#include <ctime>
#include <fstream>
#include <thread>

namespace nats::plugins {

namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

// "a=1&b=2" -> value of key, or nullopt.
std::optional<std::string_view> query_arg(std::string_view args, std::string_view key) {
    while (!args.empty()) {
        const auto amp = args.find('&');
        std::string_view pair = args.substr(0, amp);
        const auto eq = pair.find('=');
        if (pair.substr(0, eq) == key) return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
        if (amp == std::string_view::npos) break;
        args.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

long long int_arg(std::string_view args, std::string_view key, long long fallback) {
    auto v = query_arg(args, key);
    if (!v) return fallback;
    long long n = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    return (ec == std::errc() && p == v->data() + v->size()) ? n : fallback;
}

std::int64_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    long long pages_total = 0, pages_resident = 0;
    if (!(statm >> pages_total >> pages_resident)) return 0;
    return pages_resident * ::sysconf(_SC_PAGESIZE);
}

std::int64_t nanos(std::chrono::milliseconds d) { return duration_cast<nanoseconds>(d).count(); }

ordered_json varz(server::Server& server) {
    auto o = server.options();
    const auto now = system_clock::now();
    const auto totals = server.totals();
    std::size_t subscriptions = 0;
    for (const auto& a : server.accounts()) subscriptions += a->sublist.count();
    ordered_json v;
    v["server_id"] = server.server_id();
    v["server_name"] = server.server_name();
    v["version"] = NMK_NATS_COMPAT_VERSION;
    v["proto"] = 1;
    v["host"] = o->host;
    v["port"] = server.port();
    v["max_connections"] = o->max_connections;
    v["ping_interval"] = nanos(o->ping_interval);
    v["ping_max"] = o->max_pings_out;
    v["http_host"] = o->http_host.empty() ? o->host : o->http_host;
    v["http_port"] = o->http_port;
    v["https_port"] = o->https_port;
    v["auth_timeout"] = duration<double>(o->auth_timeout.value_or(2s)).count();
    v["max_control_line"] = o->max_control_line;
    v["max_payload"] = o->max_payload;
    v["max_pending"] = o->max_pending;
    v["tls_timeout"] = duration<double>(o->tls.timeout).count();
    v["write_deadline"] = nanos(o->write_deadline);
    v["start"] = rfc3339(server.start_time());
    v["now"] = rfc3339(now);
    v["uptime"] = uptime_text(duration_cast<seconds>(now - server.start_time()));
    v["mem"] = resident_bytes();
    v["cores"] = std::thread::hardware_concurrency();
    v["connections"] = server.client_count();
    v["total_connections"] = server.total_connections();
    v["in_msgs"] = totals.in_msgs;
    v["out_msgs"] = totals.out_msgs;
    v["in_bytes"] = totals.in_bytes;
    v["out_bytes"] = totals.out_bytes;
    v["slow_consumers"] = totals.slow_consumers;
    v["subscriptions"] = subscriptions;
    return v;
}

ordered_json connz(server::Server& server, std::string_view args) {
    const auto now = system_clock::now();
    auto all = server.connections();
    const long long offset = std::max(0LL, int_arg(args, "offset", 0));
    long long limit = int_arg(args, "limit", 1024);
    if (limit <= 0) limit = 1024;
    ordered_json v;
    v["server_id"] = server.server_id();
    v["now"] = rfc3339(now);
    v["num_connections"] = 0;
    v["total"] = all.size();
    v["offset"] = offset;
    v["limit"] = limit;
    ordered_json list = ordered_json::array();
    for (std::size_t i = static_cast<std::size_t>(offset); i < all.size() && list.size() < static_cast<std::size_t>(limit); ++i) {
        const auto& c = all[i];
        ordered_json j;
        j["cid"] = c.cid;
        j["kind"] = "Client";
        j["type"] = "nats";
        j["ip"] = c.ip;
        j["port"] = c.port;
        j["start"] = rfc3339(c.start);
        j["uptime"] = uptime_text(duration_cast<seconds>(now - c.start));
        j["pending_bytes"] = c.pending_bytes;
        j["in_msgs"] = c.in_msgs;
        j["out_msgs"] = c.out_msgs;
        j["in_bytes"] = c.in_bytes;
        j["out_bytes"] = c.out_bytes;
        j["subscriptions"] = c.subscriptions;
        if (!c.name.empty()) j["name"] = c.name;
        if (!c.lang.empty()) j["lang"] = c.lang;
        if (!c.version.empty()) j["version"] = c.version;
        if (!c.user.empty()) j["authorized_user"] = c.user;
        j["account"] = c.account;
        list.push_back(std::move(j));
    }
    v["num_connections"] = list.size();
    v["connections"] = std::move(list);
    return v;
}

ordered_json subsz(server::Server& server) {
    std::size_t count = 0, cache = 0;
    for (const auto& a : server.accounts()) {
        count += a->sublist.count();
        cache += a->sublist.cache_entries();
    }
    ordered_json v;
    v["server_id"] = server.server_id();
    v["now"] = rfc3339(system_clock::now());
    v["num_subscriptions"] = count;
    v["num_cache"] = cache;
    return v;
}

ordered_json accountz(server::Server& server) {
    ordered_json v;
    v["server_id"] = server.server_id();
    v["now"] = rfc3339(system_clock::now());
    v["system_account"] = "";
    ordered_json names = ordered_json::array();
    for (const auto& a : server.accounts()) names.push_back(a->name);
    v["accounts"] = std::move(names);
    return v;
}

}  // namespace

std::string uptime_text(std::chrono::seconds elapsed) {
    long long s = std::max<long long>(elapsed.count(), 0);
    const long long years = s / (365 * 86400);
    s %= 365 * 86400;
    const long long days = s / 86400;
    s %= 86400;
    const long long hours = s / 3600;
    s %= 3600;
    const long long minutes = s / 60;
    s %= 60;
    std::string out;
    if (years > 0) out = std::to_string(years) + "y" + std::to_string(days) + "d" + std::to_string(hours) + "h" +
                         std::to_string(minutes) + "m";
    else if (days > 0) out = std::to_string(days) + "d" + std::to_string(hours) + "h" + std::to_string(minutes) + "m";
    else if (hours > 0) out = std::to_string(hours) + "h" + std::to_string(minutes) + "m";
    else if (minutes > 0) out = std::to_string(minutes) + "m";
    return out + std::to_string(s) + "s";
}

std::string rfc3339(std::chrono::system_clock::time_point t) {
    const auto since = t.time_since_epoch();
    const auto secs = duration_cast<seconds>(since);
    long long ns = duration_cast<nanoseconds>(since - secs).count();
    if (ns < 0) ns = 0;
    const std::time_t tt = static_cast<std::time_t>(secs.count());
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char head[32];
    std::strftime(head, sizeof head, "%Y-%m-%dT%H:%M:%S", &tm);
    std::string out = head;
    if (ns > 0) {
        char frac[32];
        std::snprintf(frac, sizeof frac, ".%09lld", ns);
        std::string f = frac;
        while (f.back() == '0') f.pop_back();
        out += f;
    }
    return out + "Z";
}

std::optional<std::string> query_kernel_json(server::Server& server, std::string_view topic, std::string_view args) {
    if (topic == "varz") return varz(server).dump();
    if (topic == "connz") return connz(server, args).dump();
    if (topic == "subsz") return subsz(server).dump();
    if (topic == "accountz") return accountz(server).dump();
    return std::nullopt;
}

}  // namespace nats::plugins
