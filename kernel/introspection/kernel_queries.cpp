#include "kernel/introspection/kernel_queries.hpp"

#include <nlohmann/json.hpp>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include <nats_sdk/go_json.hpp>
#include <nats_sdk/go_query.hpp>
#include <nats_sdk/subject.hpp>

#include "kernel/config/duration.hpp"
#include "kernel/server/client.hpp"

namespace nats::introspection {

namespace {

using nlohmann::ordered_json;
using namespace std::chrono;

// ------------------------------------------------------------------ arguments

std::string text_arg(std::string_view args, std::string_view key) { return query_arg(args, key).value_or(""); }

long long int_arg(std::string_view args, std::string_view key, long long fallback) {
    const auto v = query_arg(args, key);
    if (!v || v->empty()) return fallback;
    std::string_view digits = *v;
    if (digits.front() == '+') digits.remove_prefix(1);
    long long n = 0;
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    return (ec == std::errc() && p == digits.data() + digits.size()) ? n : fallback;
}

// Go's strconv.ParseBool spellings; anything else is false.
bool bool_arg(std::string_view args, std::string_view key) {
    const auto v = query_arg(args, key);
    return v && (*v == "1" || *v == "t" || *v == "T" || *v == "true" || *v == "TRUE" || *v == "True");
}

// ---------------------------------------------------------------- small parts

// Subjects and client names may hold any bytes; invalid UTF-8 becomes U+FFFD
// (as Go's encoder does) instead of failing the whole answer.
std::string text(const ordered_json& v) { return v.dump(-1, ' ', false, ordered_json::error_handler_t::replace); }

std::int64_t resident_bytes() {
    std::ifstream statm("/proc/self/statm");
    long long pages_total = 0, pages_resident = 0;
    if (!(statm >> pages_total >> pages_resident)) return 0;
    return pages_resident * ::sysconf(_SC_PAGESIZE);
}

// Process CPU use in percent of one core, like nats-server's pse: measured
// over the time since the previous sample (at least a second apart; the first
// one covers the time since the server started).
class CpuSampler {
public:
    double percent(system_clock::time_point process_start) {
        std::lock_guard lock(mutex_);
        const auto now = steady_clock::now();
        const double ticks = cpu_ticks();
        if (!sampled_) {
            const double wall = duration<double>(system_clock::now() - process_start).count();
            value_ = wall > 0 ? ticks / ticks_per_second() / wall * 100.0 : 0.0;
        } else if (now - last_time_ >= seconds(1)) {
            const double wall = duration<double>(now - last_time_).count();
            value_ = (ticks - last_ticks_) / ticks_per_second() / wall * 100.0;
        } else {
            return value_;
        }
        sampled_ = true;
        last_time_ = now;
        last_ticks_ = ticks;
        value_ = std::max(0.0, static_cast<double>(static_cast<long long>(value_ * 10.0)) / 10.0);
        return value_;
    }

private:
    static double ticks_per_second() {
        const long t = ::sysconf(_SC_CLK_TCK);
        return t > 0 ? static_cast<double>(t) : 100.0;
    }
    // utime + stime from /proc/self/stat (fields 14 and 15; the command name in
    // field 2 may hold spaces, so count from the closing parenthesis).
    static double cpu_ticks() {
        std::ifstream in("/proc/self/stat");
        std::string line;
        std::getline(in, line);
        const auto close = line.rfind(')');
        if (close == std::string::npos) return 0;
        std::istringstream rest(line.substr(close + 2));
        std::string field;
        double utime = 0, stime = 0;
        for (int index = 3; rest >> field; ++index) {
            if (index == 14) utime = std::atof(field.c_str());
            if (index == 15) {
                stime = std::atof(field.c_str());
                break;
            }
        }
        return utime + stime;
    }

    std::mutex mutex_;
    bool sampled_ = false;
    steady_clock::time_point last_time_{};
    double last_ticks_ = 0;
    double value_ = 0;
};

CpuSampler& cpu_sampler() {
    static CpuSampler sampler;
    return sampler;
}

std::int64_t nanos(milliseconds d) { return duration_cast<nanoseconds>(d).count(); }

std::string raw_string(const config::Options& o, std::string_view key) {
    const config::Value* v = o.raw.find(key);
    return v && v->is_string() ? v->as_string() : std::string();
}

std::string system_account_name(const config::Options& o) {
    const std::string name = raw_string(o, "system_account");
    return name.empty() ? std::string("$SYS") : name;
}

// nats-server's SublistStats summed over `accounts` the way its Subsz does
// (SublistStats.add): counts add up, max_fanout is the largest, and the
// averages are recomputed from the sums rather than averaged.
ordered_json sublist_stats(const std::vector<server::AccountPtr>& accounts) {
    routing::SublistStats sum;
    for (const auto& a : accounts) {
        const routing::SublistStats s = a->sublist.stats();
        sum.subscriptions += s.subscriptions;
        sum.cache_entries += s.cache_entries;
        sum.inserts += s.inserts;
        sum.removes += s.removes;
        sum.matches += s.matches;
        sum.cache_hits += s.cache_hits;
        sum.max_fanout = std::max(sum.max_fanout, s.max_fanout);
        sum.total_fanout += s.total_fanout;
    }
    ordered_json v;
    v["num_subscriptions"] = sum.subscriptions;
    v["num_cache"] = sum.cache_entries;
    v["num_inserts"] = sum.inserts;
    v["num_removes"] = sum.removes;
    v["num_matches"] = sum.matches;
    v["cache_hit_rate"] =
        sum.matches > 0 ? static_cast<double>(sum.cache_hits) / static_cast<double>(sum.matches) : 0.0;
    v["max_fanout"] = sum.max_fanout;
    v["avg_fanout"] = sum.total_fanout > 0 && sum.cache_entries > 0
                          ? static_cast<double>(sum.total_fanout) / static_cast<double>(sum.cache_entries)
                          : 0.0;
    return v;
}

// Client subscriptions of `accounts` (internal ones, with no client, are left
// out as nats-server leaves them out), with the account filled in.
// `wanted`, when given, limits the clients.
std::vector<server::SubscriptionDetail> client_subscriptions(const std::vector<server::AccountPtr>& accounts,
                                                             const std::unordered_set<std::uint64_t>* wanted) {
    std::vector<server::SubscriptionDetail> out;
    for (const auto& account : accounts) {
        for (const auto& sub : account->sublist.all()) {
            const auto* client_sub = dynamic_cast<const server::ClientSubscription*>(sub.get());
            if (!client_sub || !client_sub->client) continue;
            const std::uint64_t cid = client_sub->client->id();
            if (wanted && !wanted->contains(cid)) continue;
            server::SubscriptionDetail d = client_sub->detail(cid);
            d.account = account->name;
            out.push_back(std::move(d));
        }
    }
    return out;
}

// One subscription in /connz's and /subsz's lists.
void write_subscription(nats_sdk::GoJsonWriter& w, const server::SubscriptionDetail& s, bool with_account) {
    w.begin_object();
    if (with_account) w.field("account", s.account);
    w.field("subject", s.subject);
    if (!s.queue.empty()) w.field("qgroup", s.queue);
    w.field("sid", s.sid).field("msgs", s.msgs);
    if (s.max != 0) w.field("max", s.max);
    w.field("cid", s.cid).end_object();
}

// ----------------------------------------------------------------------- varz

ordered_json varz(server::Server& server) {
    const auto o = server.options();
    const auto now = system_clock::now();
    const auto totals = server.totals();
    const auto accounts = server.accounts();
    std::size_t subscriptions = 0;
    for (const auto& a : accounts) subscriptions += a->sublist.count();
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());

    ordered_json v;
    v["server_id"] = server.server_id();
    v["server_name"] = server.server_name();
    v["version"] = NMK_NATS_COMPAT_VERSION;
    v["proto"] = 1;
    v["go"] = std::string("c++ ") + __VERSION__;
    v["host"] = o->host;
    v["port"] = server.port();
    if (server.auth_required()) v["auth_required"] = true;
    if (server.tls_required()) v["tls_required"] = true;
    if (server.tls_required() && o->tls.verify) v["tls_verify"] = true;
    v["max_connections"] = o->max_connections;
    if (o->max_subscriptions > 0) v["max_subscriptions"] = o->max_subscriptions;
    v["ping_interval"] = nanos(o->ping_interval);
    v["ping_max"] = o->max_pings_out;
    v["http_host"] = o->http_host.empty() ? o->host : o->http_host;
    v["http_port"] = o->http_port;
    v["http_base_path"] = raw_string(*o, "http_base_path");
    v["https_port"] = o->https_port;
    v["auth_timeout"] = duration<double>(o->auth_timeout.value_or(seconds(2))).count();
    v["max_control_line"] = o->max_control_line;
    v["max_payload"] = o->max_payload;
    v["max_pending"] = o->max_pending;
    // Sections that clustering, gateway, leaf node, MQTT, WebSocket and
    // JetStream plugins fill; empty while those features are off.
    for (const char* section : {"cluster", "gateway", "leaf", "mqtt", "websocket", "jetstream"})
        v[section] = ordered_json::object();
    v["tls_timeout"] = duration<double>(o->tls.timeout).count();
    v["write_deadline"] = nanos(o->write_deadline);
    v["start"] = rfc3339(server.start_time());
    v["now"] = rfc3339(now);
    v["uptime"] = uptime_text(duration_cast<seconds>(now - server.start_time()));
    v["mem"] = resident_bytes();
    v["cores"] = cores;
    v["gomaxprocs"] = server.thread_count() > 0 ? server.thread_count() : cores;
    v["cpu"] = cpu_sampler().percent(server.start_time());
    v["connections"] = server.client_count();
    v["total_connections"] = server.total_connections();
    v["routes"] = 0;
    v["remotes"] = 0;
    v["leafnodes"] = 0;
    v["in_msgs"] = totals.in_msgs;
    v["out_msgs"] = totals.out_msgs;
    v["in_bytes"] = totals.in_bytes;
    v["out_bytes"] = totals.out_bytes;
    v["slow_consumers"] = totals.slow_consumers;
    v["subscriptions"] = subscriptions;
    v["http_req_stats"] = ordered_json::object();  // the HTTP server (monitoring plugin) counts requests
    v["config_load_time"] = rfc3339(server.start_time());
    v["system_account"] = system_account_name(*o);
    return v;
}

// ---------------------------------------------------------------------- connz

enum class ConnState { open, closed, all };

ConnState state_arg(std::string_view args) {
    std::string s = text_arg(args, "state");
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (s == "closed") return ConnState::closed;
    if (s == "all" || s == "any") return ConnState::all;
    return ConnState::open;
}

// One row of /connz: an open connection's snapshot or a closed connection's record.
struct ConnRow {
    const server::ConnectionInfo* info = nullptr;
    const server::ClosedConnection* closed = nullptr;  // null while open
};

system_clock::time_point last_activity(const server::ConnectionInfo& c) {
    return c.last_activity == system_clock::time_point{} ? c.start : c.last_activity;
}

// nats-server's getRTT: between 1 µs and 1 ms truncated to microseconds, then
// Go's Duration text ("1.234ms", "309µs", "0s").
std::string rtt_text(nanoseconds rtt) {
    std::int64_t n = rtt.count();
    if (n > 1000 && n < 1000000) n -= n % 1000;
    return config::format_go_duration(nanoseconds(n));
}

// nats-server's orders (server/monitor_sort_opts.go) over a list in cid order:
// cid and start ascending, uptime ascending (a closed connection's ends at its
// stop), reason ascending, everything else descending.
void sort_connections(std::vector<ConnRow>& list, std::string_view by, system_clock::time_point now) {
    std::stable_sort(list.begin(), list.end(),
                     [](const ConnRow& a, const ConnRow& b) { return a.info->cid < b.info->cid; });
    auto desc = [&](auto key) {
        std::stable_sort(list.begin(), list.end(), [&](const ConnRow& a, const ConnRow& b) { return key(a) > key(b); });
    };
    if (by == "subs") desc([](const ConnRow& r) { return r.info->subscriptions; });
    else if (by == "pending") desc([](const ConnRow& r) { return r.info->pending_bytes; });
    else if (by == "msgs_to") desc([](const ConnRow& r) { return r.info->out_msgs; });
    else if (by == "msgs_from") desc([](const ConnRow& r) { return r.info->in_msgs; });
    else if (by == "bytes_to") desc([](const ConnRow& r) { return r.info->out_bytes; });
    else if (by == "bytes_from") desc([](const ConnRow& r) { return r.info->in_bytes; });
    else if (by == "last") desc([](const ConnRow& r) { return last_activity(*r.info); });
    else if (by == "idle") desc([](const ConnRow& r) { return last_activity(*r.info) - r.info->start; });
    else if (by == "stop")
        desc([](const ConnRow& r) { return r.closed ? r.closed->stop : system_clock::time_point{}; });
    else if (by == "reason")
        std::stable_sort(list.begin(), list.end(), [](const ConnRow& a, const ConnRow& b) {
            return (a.closed ? a.closed->reason : std::string()) < (b.closed ? b.closed->reason : std::string());
        });
    else if (by == "uptime") {
        auto uptime = [now](const ConnRow& r) { return (r.closed ? r.closed->stop : now) - r.info->start; };
        std::stable_sort(list.begin(), list.end(),
                         [&](const ConnRow& a, const ConnRow& b) { return uptime(a) < uptime(b); });
    }
}

// Connection identity: nats-server shows it only with auth=1 (the account
// then only when not $G); a reader that does not pass auth gets both.
enum class Identity { hidden, nats_server_auth, always };

Identity identity_arg(std::string_view args) {
    if (!query_arg(args, "auth")) return Identity::always;
    return bool_arg(args, "auth") ? Identity::nats_server_auth : Identity::hidden;
}

// Written straight into Go's MarshalIndent layout, in nats-server's field
// order: a 10,000-connection listing is one pass with no document built.
std::string connz(server::Server& server, std::string_view args) {
    const auto now = system_clock::now();
    const std::string sort_by = text_arg(args, "sort");
    const Identity identity = identity_arg(args);
    std::string subs_text = text_arg(args, "subs");
    std::transform(subs_text.begin(), subs_text.end(), subs_text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const bool subs_detail = subs_text == "detail";
    const bool subs = !subs_detail && bool_arg(args, "subs");
    long long offset = std::max(0LL, int_arg(args, "offset", 0));
    long long limit = int_arg(args, "limit", 1024);
    if (limit <= 0) limit = 1024;
    const long long cid = std::max(0LL, int_arg(args, "cid", 0));
    if (cid > 0) limit = 1;
    const ConnState state = state_arg(args);
    const std::string user = text_arg(args, "user");
    const std::string acc = text_arg(args, "acc");

    std::vector<server::ConnectionInfo> open;
    if (state != ConnState::closed) open = server.connections();
    std::vector<std::shared_ptr<const server::ClosedConnection>> closed;
    if (state != ConnState::open) closed = server.closed_connections();
    if (!acc.empty()) {
        std::erase_if(open, [&](const server::ConnectionInfo& c) { return c.account != acc; });
        // nats-server keeps a closed connection's account only when it is not
        // the global one, so acc=$G finds no closed connection.
        std::erase_if(closed, [&](const auto& c) {
            return c->info.account == server::global_account_name || c->info.account != acc;
        });
    }
    const std::size_t total = open.size() + closed.size();
    if (cid > 0) {
        const auto other = [&](std::uint64_t id) { return id != static_cast<std::uint64_t>(cid); };
        // As nats-server: with state=all a cid is looked up among the closed connections only.
        if (state == ConnState::open) std::erase_if(open, [&](const auto& c) { return other(c.cid); });
        else open.clear();
        std::erase_if(closed, [&](const auto& c) { return other(c->info.cid); });
    }
    if (!user.empty()) {
        std::erase_if(open, [&](const server::ConnectionInfo& c) { return c.user != user; });
        std::erase_if(closed, [&](const auto& c) { return c->info.user != user; });
    }

    std::vector<ConnRow> list;
    list.reserve(open.size() + closed.size());
    for (const auto& c : open) list.push_back({&c, nullptr});
    for (const auto& c : closed) list.push_back({&c->info, c.get()});
    sort_connections(list, sort_by, now);
    const std::size_t first = std::min(static_cast<std::size_t>(offset), list.size());
    const std::size_t last = std::min(first + static_cast<std::size_t>(limit), list.size());

    // Open connections' subscription lists only for the page, gathered in one
    // pass over the indexes; closed ones carry theirs.
    std::unordered_map<std::uint64_t, std::vector<server::SubscriptionDetail>> subs_of;
    if (subs || subs_detail) {
        std::unordered_set<std::uint64_t> wanted;
        for (std::size_t i = first; i < last; ++i)
            if (!list[i].closed) wanted.insert(list[i].info->cid);
        if (!wanted.empty())
            for (auto& s : client_subscriptions(server.accounts(), &wanted)) subs_of[s.cid].push_back(std::move(s));
    }

    nats_sdk::GoJsonWriter w;
    w.reserve(512 + (last - first) * 640);  // about one connection's entry each
    w.begin_object();
    w.field("server_id", server.server_id()).field("now", rfc3339(now));
    w.field("num_connections", last - first).field("total", total);
    w.field("offset", offset).field("limit", limit);
    w.key("connections").begin_array();
    for (std::size_t i = first; i < last; ++i) {
        const auto& c = *list[i].info;
        const server::ClosedConnection* closed_record = list[i].closed;
        // A closed connection's clock stopped when it closed.
        const auto until = closed_record ? closed_record->stop : now;
        w.begin_object();
        w.field("cid", c.cid).field("kind", "Client").field("type", "nats");
        w.field("ip", c.ip).field("port", c.port);
        w.field("start", rfc3339(c.start)).field("last_activity", rfc3339(last_activity(c)));
        if (closed_record) w.field("stop", rfc3339(closed_record->stop)).field("reason", closed_record->reason);
        w.field("rtt", rtt_text(c.rtt));
        w.field("uptime", uptime_text(duration_cast<seconds>(until - c.start)));
        w.field("idle", uptime_text(duration_cast<seconds>(until - last_activity(c))));
        w.field("pending_bytes", c.pending_bytes);
        w.field("in_msgs", c.in_msgs).field("out_msgs", c.out_msgs);
        w.field("in_bytes", c.in_bytes).field("out_bytes", c.out_bytes);
        w.field("subscriptions", c.subscriptions);
        if (!c.name.empty()) w.field("name", c.name);
        if (!c.lang.empty()) w.field("lang", c.lang);
        if (!c.version.empty()) w.field("version", c.version);
        if (identity != Identity::hidden && !c.user.empty()) w.field("authorized_user", c.user);
        if (identity == Identity::always ||
            (identity == Identity::nats_server_auth && c.account != server::global_account_name))
            w.field("account", c.account);
        const std::vector<server::SubscriptionDetail>* details = nullptr;
        if (closed_record) {
            if (!closed_record->subscriptions.empty()) details = &closed_record->subscriptions;
        } else if (auto it = subs_of.find(c.cid); it != subs_of.end()) {
            details = &it->second;
        }
        if (details && subs_detail) {
            // nats-server keeps a closed connection's subscriptions with their account.
            w.key("subscriptions_list_detail").begin_array();
            for (const auto& s : *details) write_subscription(w, s, closed_record != nullptr);
            w.end_array();
        } else if (details && subs) {
            w.key("subscriptions_list").begin_array();
            for (const auto& s : *details) w.value(s.subject);
            w.end_array();
        }
        w.end_object();
    }
    w.end_array().end_object();
    return w.take();
}

// ---------------------------------------------------------------------- subsz

std::string subsz(server::Server& server, std::string_view args) {
    const bool detail = bool_arg(args, "subs");
    long long offset = std::max(0LL, int_arg(args, "offset", 0));
    long long limit = int_arg(args, "limit", 1024);
    if (limit <= 0) limit = 1024;
    const std::string test = text_arg(args, "test");
    const std::string acc = text_arg(args, "acc");

    auto accounts = server.accounts();
    if (!acc.empty()) std::erase_if(accounts, [&](const server::AccountPtr& a) { return a->name != acc; });
    const ordered_json stats = sublist_stats(accounts);
    nats_sdk::GoJsonWriter w;
    if (!detail) {
        nats_sdk::write_go_json(w, stats);
        return w.take();
    }

    auto list = client_subscriptions(accounts, nullptr);
    if (!test.empty() && nats_sdk::subject::is_valid_literal_subject(test))
        std::erase_if(list,
                      [&](const server::SubscriptionDetail& s) { return !nats_sdk::subject::literal_matches(test, s.subject); });
    const std::size_t first = std::min(static_cast<std::size_t>(offset), list.size());
    const std::size_t last = std::min(first + static_cast<std::size_t>(limit), list.size());
    // nats-server answers with the bare statistics when the page is empty.
    if (first == last) {
        nats_sdk::write_go_json(w, stats);
        return w.take();
    }

    w.begin_object();
    w.field("server_id", server.server_id()).field("now", rfc3339(system_clock::now()));
    for (auto it = stats.begin(); it != stats.end(); ++it) {
        w.key(it.key());
        nats_sdk::write_go_json(w, it.value());
    }
    w.field("total", last - first);  // nats-server reports the page size here
    w.field("offset", offset).field("limit", limit);
    w.key("subscriptions_list").begin_array();
    for (std::size_t i = first; i < last; ++i) write_subscription(w, list[i], true);
    w.end_array().end_object();
    return w.take();
}

// ------------------------------------------------------------ accountz/statz

std::optional<ordered_json> accountz(server::Server& server, std::string_view args) {
    const auto o = server.options();
    const std::string system_account = system_account_name(*o);
    ordered_json v;
    v["server_id"] = server.server_id();
    v["now"] = rfc3339(system_clock::now());
    v["system_account"] = system_account;
    const std::string acc = text_arg(args, "acc");
    if (acc.empty()) {
        ordered_json names = ordered_json::array();
        for (const auto& a : server.accounts()) names.push_back(a->name);
        v["accounts"] = std::move(names);
        return v;
    }
    const server::AccountPtr account = server.find_account(acc);
    if (!account || account->name != acc) return std::nullopt;
    ordered_json d;
    d["account_name"] = account->name;
    d["update_time"] = rfc3339(server.start_time());
    if (account->name == system_account) d["is_system"] = true;
    d["expired"] = false;
    d["complete"] = true;
    d["jetstream_enabled"] = false;
    d["leafnode_connections"] = 0;
    d["client_connections"] = account->client_count.load(std::memory_order_relaxed);
    d["subscriptions"] = account->sublist.count();
    d["sublist_stats"] = sublist_stats({account});
    v["account_detail"] = std::move(d);
    return v;
}

ordered_json data_stats(std::uint64_t msgs, std::uint64_t bytes) {
    ordered_json j;
    j["msgs"] = msgs;
    j["bytes"] = bytes;
    return j;
}

// Per-account message figures: what the account's closed connections added up
// to, plus its open connections' counters (no per-account counter on the
// message path). The closed totals are read before the list of connections,
// so a connection closing meanwhile is never counted twice.
// Slow consumers are counted per account where they are detected.
ordered_json accstatz(server::Server& server, std::string_view args) {
    constexpr auto relaxed = std::memory_order_relaxed;
    const bool unused = bool_arg(args, "unused");
    const bool with_subscriptions = bool_arg(args, "subs");  // beyond 2.9.10's shape, for /metrics
    struct Sums {
        std::uint64_t conns = 0, in_msgs = 0, in_bytes = 0, out_msgs = 0, out_bytes = 0;
    };
    const auto accounts = server.accounts();
    std::unordered_map<std::string, Sums> sums;
    for (const auto& account : accounts) {
        auto& s = sums[account->name];
        s.in_msgs = account->closed_totals.in_msgs.load(relaxed);
        s.in_bytes = account->closed_totals.in_bytes.load(relaxed);
        s.out_msgs = account->closed_totals.out_msgs.load(relaxed);
        s.out_bytes = account->closed_totals.out_bytes.load(relaxed);
    }
    for (const auto& c : server.connections()) {
        auto& s = sums[c.account];
        ++s.conns;
        s.in_msgs += c.in_msgs;
        s.in_bytes += c.in_bytes;
        s.out_msgs += c.out_msgs;
        s.out_bytes += c.out_bytes;
    }
    ordered_json list = ordered_json::array();
    for (const auto& account : accounts) {
        const Sums& s = sums[account->name];
        if (!unused && s.conns == 0) continue;
        ordered_json j;
        j["acc"] = account->name;
        j["conns"] = s.conns;
        j["leafnodes"] = 0;
        j["total_conns"] = s.conns;
        j["sent"] = data_stats(s.out_msgs, s.out_bytes);
        j["received"] = data_stats(s.in_msgs, s.in_bytes);
        j["slow_consumers"] = account->slow_consumers.load(relaxed);
        if (with_subscriptions) j["num_subscriptions"] = account->sublist.count();
        list.push_back(std::move(j));
    }
    ordered_json v;
    v["server_id"] = server.server_id();
    v["now"] = rfc3339(system_clock::now());
    v["account_statz"] = std::move(list);
    return v;
}

}  // namespace

std::optional<std::string> query_arg(std::string_view args, std::string_view key) {
    const nats_sdk::GoQuery query(args);
    if (!query.has(key)) return std::nullopt;
    return query.get(key);
}

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

std::optional<std::string> query_kernel_json(server::Server& server, std::string_view topic, std::string_view args) {
    if (topic == "varz") return text(varz(server));
    if (topic == "connz") return connz(server, args);
    if (topic == "subsz") return subsz(server, args);
    if (topic == "accstatz") return text(accstatz(server, args));
    if (topic == "accountz") {
        auto v = accountz(server, args);
        return v ? std::optional<std::string>(text(*v)) : std::nullopt;
    }
    return std::nullopt;
}

}  // namespace nats::introspection
