// Kernel data behind the monitoring pages that nats-server 2.9.10 shows:
// closed connections (/connz?state=closed|all, sort=stop|reason), last
// activity, the PING/PONG round trip, per-subscription delivery counts,
// /subsz statistics and per-account slow consumers. Traffic comes from raw
// sockets and libnats; pages are read with plain HTTP GETs. Every test also
// passes against nats-server itself (NMK_SERVER_BIN=/usr/sbin/nats-server),
// except the config key nats-server does not have.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <map>
#include <thread>

#include "tests/integration/integration_helpers.hpp"
#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/net.hpp"

namespace nats::integration {
namespace {

using ordered_json = nlohmann::ordered_json;

// ------------------------------------------------------------ small helpers

using test_support::http_get;
using Page = test_support::HttpReply;

json get_json(int port, const std::string& target) {
    const Page page = http_get(port, target);
    if (page.status != 200)
        throw std::runtime_error(target + " answered " + std::to_string(page.status) + ": " + page.body);
    return page.json_body();
}

// Polls `target` until `done` holds (nats-server records closed connections
// asynchronously); returns the last answer either way.
json wait_for_page(int port, const std::string& target, const std::function<bool(const json&)>& done) {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    json v = get_json(port, target);
    while (!done(v) && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(20ms);
        v = get_json(port, target);
    }
    return v;
}

// RFC 3339 with optional fraction ("...T12:09:18.1467Z") as nanoseconds since the epoch.
std::int64_t time_ns(const std::string& text) {
    std::tm tm{};
    int consumed = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                    &tm.tm_min, &tm.tm_sec, &consumed) != 6)
        throw std::runtime_error("not a time: " + text);
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    std::int64_t ns = static_cast<std::int64_t>(::timegm(&tm)) * 1'000'000'000;
    std::size_t at = static_cast<std::size_t>(consumed);
    if (at < text.size() && text[at] == '.') {
        std::string digits;
        for (++at; at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])); ++at) digits += text[at];
        digits.resize(9, '0');
        ns += std::stoll(digits);
    }
    return ns;
}

// Go's Duration text ("1.5ms", "309µs", "2m3.5s", "0s") as nanoseconds.
std::int64_t go_duration_ns(const std::string& text) {
    static const std::vector<std::pair<std::string, double>> units = {
        {"ns", 1}, {"\xC2\xB5s", 1e3}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"m", 60e9}, {"h", 3600e9}};
    double total = 0;
    std::size_t at = 0;
    while (at < text.size()) {
        std::size_t end = at;
        while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) ++end;
        if (end == at) throw std::runtime_error("not a Go duration: " + text);
        const double value = std::stod(text.substr(at, end - at));
        bool matched = false;
        for (const auto& [unit, scale] : units) {
            if (text.compare(end, unit.size(), unit) == 0 &&
                !(unit == "m" && text.compare(end, 2, "ms") == 0)) {
                total += value * scale;
                at = end + unit.size();
                matched = true;
                break;
            }
        }
        if (!matched) throw std::runtime_error("not a Go duration: " + text);
    }
    return static_cast<std::int64_t>(total);
}

struct Monitored {
    std::unique_ptr<ServerProcess> server;
    int http_port = 0;
};

// The server under test with -m on a free port.
Monitored start_monitored(std::string_view config = {}) {
    Monitored m;
    m.http_port = test_support::free_port();
    m.server = start_server(config, {"-m", std::to_string(m.http_port)});
    if (!wait_for_log(*m.server, "Server is ready"))
        throw std::runtime_error("server not ready:\n" + m.server->log_text());
    return m;
}

std::uint64_t cid_of(RawClient& c) { return c.connect()["client_id"].get<std::uint64_t>(); }

const json* connection(const json& connz, std::uint64_t cid) {
    for (const auto& c : connz["connections"])
        if (c["cid"] == cid) return &c;
    return nullptr;
}

std::vector<std::uint64_t> cids(const json& connz) {
    std::vector<std::uint64_t> out;
    for (const auto& c : connz["connections"]) out.push_back(c["cid"].get<std::uint64_t>());
    return out;
}

// ------------------------------------------------------- closed connections

TEST(MonitoringKernelData, ClosedConnectionKeepsItsSnapshotStopAndReason) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    auto m = start_monitored();
    RawClient stays(m.server->port());
    const auto stays_cid = cid_of(stays);
    auto leaver = std::make_unique<RawClient>(m.server->port());
    const auto cid = leaver->connect({{"name", "leaver"}, {"lang", "raw"}})["client_id"].get<std::uint64_t>();
    leaver->send("SUB a 1\r\nSUB b q 2\r\nUNSUB 2 10\r\n");
    leaver->flush();
    stays.send(pub("a", "hi") + pub("a", "hi") + pub("b", "hi"));
    stays.flush();
    for (int i = 0; i < 3; ++i) leaver->expect_msg();
    EXPECT_EQ(get_json(m.http_port, "/connz?state=closed")["connections"].size(), 0u);
    leaver.reset();  // closes the socket

    const std::string closed_page = "/connz?state=closed&subs=detail";
    const json v = wait_for_page(m.http_port, closed_page, [&](const json& j) { return connection(j, cid); });
    ASSERT_NE(connection(v, cid), nullptr) << v.dump(2);
    EXPECT_EQ(v["total"], 1);
    const json& c = *connection(v, cid);
    EXPECT_EQ(c["reason"], "Client Closed");
    EXPECT_EQ(c["name"], "leaver");
    EXPECT_EQ(c["out_msgs"], 3);
    EXPECT_EQ(c["out_bytes"], 6);
    EXPECT_EQ(c["subscriptions"], 2);
    EXPECT_GE(time_ns(c["stop"]), time_ns(c["last_activity"]));
    EXPECT_GE(time_ns(c["last_activity"]), time_ns(c["start"]));
    EXPECT_GT(go_duration_ns(c["rtt"]), 0);
    // Kept subscriptions name their account; the auto-unsubscribe limit is gone.
    ASSERT_EQ(c["subscriptions_list_detail"].size(), 2u);
    std::map<std::string, json> by_sid;
    for (const auto& s : c["subscriptions_list_detail"]) by_sid[s["sid"].get<std::string>()] = s;
    EXPECT_EQ(by_sid["1"]["account"], "$G");
    EXPECT_EQ(by_sid["1"]["msgs"], 2);
    EXPECT_EQ(by_sid["2"]["qgroup"], "q");
    EXPECT_EQ(by_sid["2"]["msgs"], 1);
    EXPECT_FALSE(by_sid["2"].contains("max"));

    // nats-server's field order: stop and reason come right after last_activity.
    const ordered_json raw = ordered_json::parse(http_get(m.http_port, "/connz?state=closed").body);
    std::vector<std::string> keys;
    for (auto it = raw["connections"][0].begin(); it != raw["connections"][0].end(); ++it) keys.push_back(it.key());
    ASSERT_GE(keys.size(), 9u);
    EXPECT_EQ(std::vector<std::string>(keys.begin() + 5, keys.begin() + 9),
              (std::vector<std::string>{"start", "last_activity", "stop", "reason"}));

    // subs=1 lists the subjects; the open list no longer has it; all has both.
    const json names = get_json(m.http_port, "/connz?state=closed&subs=1");
    std::vector<std::string> subjects = (*connection(names, cid))["subscriptions_list"];
    std::sort(subjects.begin(), subjects.end());
    EXPECT_EQ(subjects, (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(connection(get_json(m.http_port, "/connz"), cid), nullptr);
    const json all = get_json(m.http_port, "/connz?state=all");
    EXPECT_EQ(all["total"], 2);
    EXPECT_EQ(cids(all), (std::vector<std::uint64_t>{stays_cid, cid}));
    EXPECT_FALSE((*connection(all, stays_cid)).contains("stop"));
    EXPECT_FALSE((*connection(all, stays_cid)).contains("reason"));
}

TEST(MonitoringKernelData, ClosedConnectionsSortByStopAndReason) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    auto m = start_monitored();
    std::vector<std::uint64_t> order;  // closing order
    {
        RawClient c(m.server->port());
        order.push_back(cid_of(c));
    }  // Client Closed
    wait_for_page(m.http_port, "/connz?state=closed", [](const json& j) { return j["total"] == 1; });
    {
        RawClient c(m.server->port());
        order.push_back(cid_of(c));
        c.send("BOGUS\r\n");
        EXPECT_TRUE(c.wait_closed(2s));
    }  // Protocol Violation
    wait_for_page(m.http_port, "/connz?state=closed", [](const json& j) { return j["total"] == 2; });
    {
        RawClient c(m.server->port());
        order.push_back(cid_of(c));
        c.send("-ERR 'mine'\r\n");
        EXPECT_TRUE(c.wait_closed(2s));
    }  // Parse Error
    const json base = wait_for_page(m.http_port, "/connz?state=closed", [](const json& j) { return j["total"] == 3; });
    ASSERT_EQ(base["total"], 3) << base.dump(2);

    std::vector<std::string> reasons;
    const json by_reason = get_json(m.http_port, "/connz?state=closed&sort=reason");
    for (const auto& c : by_reason["connections"]) reasons.push_back(c["reason"]);
    EXPECT_EQ(reasons, (std::vector<std::string>{"Client Closed", "Parse Error", "Protocol Violation"}));
    EXPECT_EQ(cids(get_json(m.http_port, "/connz?state=closed&sort=stop")),
              (std::vector<std::uint64_t>{order[2], order[1], order[0]}))
        << "latest stop first";
    EXPECT_EQ(cids(get_json(m.http_port, "/connz?state=closed")), order) << "cid order by default";
    const json page = get_json(m.http_port, "/connz?state=closed&sort=stop&offset=1&limit=1");
    EXPECT_EQ(cids(page), (std::vector<std::uint64_t>{order[1]}));
    EXPECT_EQ(page["total"], 3);

    // Only with state=closed, in nats-server's words.
    for (const auto& [target, text] : std::vector<std::pair<std::string, std::string>>{
             {"/connz?sort=stop", "sort by stop only valid on closed connections"},
             {"/connz?sort=stop&state=all", "sort by stop only valid on closed connections"},
             {"/connz?sort=reason&state=open", "sort by reason only valid on closed connections"},
             {"/connz?sort=reason&state=any", "sort by reason only valid on closed connections"}}) {
        const Page p = http_get(m.http_port, target);
        EXPECT_EQ(p.status, 400) << target;
        EXPECT_NE(p.body.find(text), std::string::npos) << target << ": " << p.body;
    }
}

TEST(MonitoringKernelData, CidLooksAmongClosedConnectionsWithStateAllAsNatsServer) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    auto m = start_monitored();
    RawClient open(m.server->port());
    const auto open_cid = cid_of(open);
    std::uint64_t closed_cid = 0;
    {
        RawClient c(m.server->port());
        closed_cid = cid_of(c);
    }
    wait_for_page(m.http_port, "/connz?state=closed", [](const json& j) { return j["total"] == 1; });
    auto found = [&](const std::string& query) { return cids(get_json(m.http_port, "/connz?" + query)); };
    using Ids = std::vector<std::uint64_t>;
    EXPECT_EQ(found("cid=" + std::to_string(open_cid)), Ids{open_cid});
    EXPECT_EQ(found("state=closed&cid=" + std::to_string(closed_cid)), Ids{closed_cid});
    EXPECT_EQ(found("state=closed&cid=" + std::to_string(open_cid)), Ids{});
    EXPECT_EQ(found("cid=" + std::to_string(closed_cid)), Ids{});
    // nats-server 2.9.10 searches only the closed ring when state=all has a cid.
    EXPECT_EQ(found("state=all&cid=" + std::to_string(closed_cid)), Ids{closed_cid});
    EXPECT_EQ(found("state=all&cid=" + std::to_string(open_cid)), Ids{});
    EXPECT_EQ(get_json(m.http_port, "/connz?state=all&cid=" + std::to_string(open_cid))["total"], 2);
}

TEST(MonitoringKernelData, MaxClosedClientsBoundsTheRing) {
    SKIP_UNLESS_PLUGIN_SERVER();  // nats-server 2.9.10 has no such config key
    SKIP_WITHOUT_PLUGINS("monitoring");
    auto m = start_monitored("max_closed_clients: 2\n");
    std::vector<std::uint64_t> closed;
    for (int i = 0; i < 4; ++i) {
        {
            RawClient c(m.server->port());
            closed.push_back(cid_of(c));
        }
        const auto want = closed.back();
        wait_for_page(m.http_port, "/connz?state=closed", [&](const json& j) { return connection(j, want); });
    }
    const json v = get_json(m.http_port, "/connz?state=closed");
    EXPECT_EQ(v["total"], 2);
    EXPECT_EQ(cids(v), (std::vector<std::uint64_t>{closed[2], closed[3]}));

    const auto bad = run_config_to_exit("max_closed_clients: -5\n");
    ASSERT_TRUE(bad.exit_code.has_value());
    EXPECT_NE(*bad.exit_code, 0);
    EXPECT_NE(bad.output.find("max_closed_clients value can not be negative"), std::string::npos) << bad.output;
}

// ------------------------------------------------- activity and round trip

TEST(MonitoringKernelData, RoundTripIsMeasuredFromTheServersPingToThePong) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    auto m = start_monitored("ping_interval: \"1s\"\n");
    RawClientOptions options;
    options.auto_pong = false;
    options.timeout = 3s;
    RawClient c(m.server->port(), options);
    const auto cid = cid_of(c);
    const auto page = "/connz?cid=" + std::to_string(cid);
    const std::string estimate = get_json(m.http_port, page)["connections"][0]["rtt"];
    EXPECT_NE(estimate, "0s") << "CONNECT gives a first estimate";
    EXPECT_LT(go_duration_ns(estimate), 300'000'000) << estimate;

    c.expect_line("PING");  // the first one comes after about a second
    std::this_thread::sleep_for(400ms);
    c.send("PONG\r\n");
    c.flush();
    const std::string measured = get_json(m.http_port, page)["connections"][0]["rtt"];
    EXPECT_GE(go_duration_ns(measured), 400'000'000) << measured;
    EXPECT_LT(go_duration_ns(measured), 3'000'000'000) << measured;
    // Go's text for durations between a millisecond and a second.
    EXPECT_NE(measured.find("ms"), std::string::npos) << measured;
}

TEST(MonitoringKernelData, LastActivityMovesWithMessagesAndSubscriptionsOnly) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    auto m = start_monitored();
    RawClient sub(m.server->port());
    const auto sub_cid = cid_of(sub);
    RawClient publisher(m.server->port());
    const auto pub_cid = cid_of(publisher);
    auto last = [&](std::uint64_t cid) {
        const json v = get_json(m.http_port, "/connz?cid=" + std::to_string(cid));
        return time_ns(v["connections"][0]["last_activity"]);
    };
    const auto connected = last(sub_cid);
    const json first = get_json(m.http_port, "/connz?cid=" + std::to_string(sub_cid));
    EXPECT_GE(connected, time_ns(first["connections"][0]["start"]));

    std::this_thread::sleep_for(30ms);
    sub.flush();  // a PING is not activity
    EXPECT_EQ(last(sub_cid), connected);

    sub.send("SUB news 1\r\n");
    sub.flush();
    const auto subscribed = last(sub_cid);
    EXPECT_GE(subscribed - connected, 30'000'000) << "a SUB is activity";

    std::this_thread::sleep_for(30ms);
    const auto pub_before = last(pub_cid);
    publisher.send(pub("news", "hello"));
    publisher.flush();
    sub.expect_msg();
    const auto delivered = last(sub_cid);
    const auto published = last(pub_cid);
    EXPECT_GE(delivered - subscribed, 30'000'000) << "a delivery is activity for the receiver";
    EXPECT_GE(published - pub_before, 30'000'000) << "a publish is activity for the sender";
    EXPECT_LT(std::llabs(delivered - published), 50'000'000) << "stamped in the same read batch";

    const json sorted = get_json(m.http_port, "/connz?sort=last");
    ASSERT_EQ(sorted["connections"].size(), 2u);
    EXPECT_GE(time_ns(sorted["connections"][0]["last_activity"]), time_ns(sorted["connections"][1]["last_activity"]));
}

// ---------------------------------------------- per-subscription deliveries

TEST(MonitoringKernelData, SubscriptionsCountTheirDeliveries) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    auto m = start_monitored();
    RawClient sub(m.server->port());
    const auto cid = cid_of(sub);
    sub.send("SUB a 1\r\nSUB b g 2\r\nUNSUB 2 10\r\nSUB idle 3\r\n");
    sub.flush();
    RawClient publisher(m.server->port());
    publisher.connect();
    publisher.send(pub("a", "1") + pub("a", "2") + pub("a", "3") + pub("b", "4"));
    publisher.flush();
    for (int i = 0; i < 4; ++i) sub.expect_msg();

    auto by_sid = [](const json& list) {
        std::map<std::string, json> out;
        for (const auto& s : list) out[s["sid"].get<std::string>()] = s;
        return out;
    };
    const json connz = get_json(m.http_port, "/connz?subs=detail&cid=" + std::to_string(cid));
    auto detail = by_sid(connz["connections"][0]["subscriptions_list_detail"]);
    ASSERT_EQ(detail.size(), 3u) << connz.dump(2);
    EXPECT_EQ(detail["1"]["msgs"], 3);
    EXPECT_FALSE(detail["1"].contains("max"));
    EXPECT_FALSE(detail["1"].contains("account")) << "an open connection's list names no account";
    EXPECT_EQ(detail["2"]["msgs"], 1);
    EXPECT_EQ(detail["2"]["max"], 10);
    EXPECT_EQ(detail["2"]["qgroup"], "g");
    EXPECT_EQ(detail["3"]["msgs"], 0);

    std::map<std::string, json> subsz;
    const json subsz_page = get_json(m.http_port, "/subsz?subs=1");
    for (const auto& s : subsz_page["subscriptions_list"])
        if (s["cid"] == cid) subsz[s["sid"].get<std::string>()] = s;
    ASSERT_EQ(subsz.size(), 3u);
    EXPECT_EQ(subsz["1"]["msgs"], 3);
    EXPECT_EQ(subsz["1"]["account"], "$G");
    EXPECT_EQ(subsz["2"]["max"], 10);
    const json tested = get_json(m.http_port, "/subsz?subs=1&test=a");
    ASSERT_EQ(tested["subscriptions_list"].size(), 1u);
    EXPECT_EQ(tested["subscriptions_list"][0]["msgs"], 3);
}

// ------------------------------------------------------ /subsz statistics

TEST(MonitoringKernelData, SubszCountsInsertsRemovesMatchesAndFanout) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    auto m = start_monitored();
    const json before = get_json(m.http_port, "/subsz");
    for (const char* key : {"num_inserts", "num_removes", "num_matches", "num_cache", "max_fanout"})
        ASSERT_TRUE(before[key].is_number_unsigned()) << key;
    ASSERT_TRUE(before["cache_hit_rate"].is_number()) << before.dump();
    ASSERT_TRUE(before["avg_fanout"].is_number()) << before.dump();

    RawClient subs(m.server->port());
    subs.connect();
    subs.send("SUB fan.x 1\r\nSUB fan.x 2\r\nSUB fan.x 3\r\n");
    for (int i = 0; i < 5; ++i) subs.send("SUB fan.q g " + std::to_string(10 + i) + "\r\n");
    subs.flush();
    RawClient publisher(m.server->port());
    publisher.connect();
    publisher.send(pub("fan.x", "1") + pub("fan.q", "2"));
    publisher.flush();

    const json after = get_json(m.http_port, "/subsz");
    EXPECT_EQ(after["num_inserts"].get<std::uint64_t>() - before["num_inserts"].get<std::uint64_t>(), 8u);
    EXPECT_GE(after["num_matches"].get<std::uint64_t>() - before["num_matches"].get<std::uint64_t>(), 2u);
    EXPECT_EQ(after["max_fanout"], 3) << "fan.x reaches 3; fan.q's group of 5 counts once";
    EXPECT_GT(after["avg_fanout"].get<double>(), 0.0);
    EXPECT_GE(after["num_cache"].get<std::uint64_t>(), 2u);

    // A subscription change invalidates the per-connection (ours: per-thread)
    // caches; the next publish is a lookup that the shared cache answers.
    subs.send("SUB elsewhere 30\r\n");
    subs.flush();
    publisher.send(pub("fan.x", "3"));
    publisher.flush();
    const json hit = get_json(m.http_port, "/subsz");
    EXPECT_GT(hit["num_matches"].get<std::uint64_t>(), after["num_matches"].get<std::uint64_t>());
    EXPECT_GT(hit["cache_hit_rate"].get<double>(), 0.0);
    EXPECT_LE(hit["cache_hit_rate"].get<double>(), 1.0);

    subs.send("UNSUB 1\r\nUNSUB 2\r\n");
    subs.flush();
    const json removed = get_json(m.http_port, "/subsz");
    EXPECT_EQ(removed["num_removes"].get<std::uint64_t>() - hit["num_removes"].get<std::uint64_t>(), 2u);
    EXPECT_EQ(removed["num_inserts"], hit["num_inserts"]);
}

// ------------------------------------------------- per-account slow consumers

TEST(MonitoringKernelData, AccstatzCountsSlowConsumersPerAccount) {
    SKIP_WITHOUT_PLUGINS("monitoring");
    auto m = start_monitored("max_payload: 65536\nmax_pending: 262144\nwrite_deadline: \"2s\"\n");
    auto account_stat = [&] {
        const json page = get_json(m.http_port, "/accstatz?unused=1");
        for (const auto& a : page["account_statz"])
            if (a["acc"] == "$G") return a;
        return json();
    };
    ASSERT_EQ(account_stat()["slow_consumers"], 0);

    RawClientOptions slow_options;
    slow_options.receive_buffer = 4096;
    RawClient slow(m.server->port(), slow_options);
    const auto slow_cid = cid_of(slow);
    slow.send("SUB flood 1\r\n");
    slow.flush();
    RawClientOptions pub_options;
    pub_options.timeout = 20s;
    RawClient publisher(m.server->port(), pub_options);
    publisher.connect();
    std::string batch;
    const std::string payload(32768, 's');
    for (int i = 0; i < 512; ++i) batch += pub("flood", payload);
    publisher.send(batch);
    publisher.flush();
    EXPECT_TRUE(slow.wait_closed(10s));

    const json closed = wait_for_page(m.http_port, "/connz?state=closed",
                                      [&](const json& j) { return connection(j, slow_cid); });
    ASSERT_NE(connection(closed, slow_cid), nullptr) << closed.dump(2);
    const std::string reason = (*connection(closed, slow_cid))["reason"];
    EXPECT_EQ(reason.rfind("Slow Consumer (", 0), 0u) << reason;
    const json stat = account_stat();
    EXPECT_GE(stat["slow_consumers"].get<int>(), 1) << stat.dump();
    EXPECT_EQ(stat["slow_consumers"], get_json(m.http_port, "/varz")["slow_consumers"]);
}

}  // namespace
}  // namespace nats::integration
