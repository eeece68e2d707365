#include <algorithm>
#include <cctype>

#include "plugins/monitoring/pages.hpp"
#include "plugins/monitoring/time_text.hpp"

namespace nats::monitoring {

namespace {

using nlohmann::ordered_json;

ordered_json head(const PageContext& page) {
    ordered_json v;
    v["server_id"] = page.server_id();
    v["now"] = rfc3339_now();
    return v;
}

// nats-server's decodeSubs: "detail" or a boolean.
std::optional<std::string> decode_subs(const GoQuery& q) {
    std::string subs = q.get("subs");
    std::transform(subs.begin(), subs.end(), subs.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (subs == "detail") return std::nullopt;
    bool ignored = false;
    return decode_bool(q, "subs", ignored);
}

}  // namespace

HttpResponse routez_page(const PageContext& page) {
    if (auto e = decode_subs(page.query())) return bad_request(*e);
    if (auto served = page.plugin_page("/routez")) return *served;
    ordered_json v = head(page);
    v["num_routes"] = 0;
    v["routes"] = ordered_json::array();
    return page.json(v);
}

HttpResponse gatewayz_page(const PageContext& page) {
    bool accounts = false;
    if (auto e = decode_bool(page.query(), "accs", accounts)) return bad_request(*e);
    if (auto served = page.plugin_page("/gatewayz")) return *served;
    ordered_json v = head(page);
    v["outbound_gateways"] = ordered_json::object();
    v["inbound_gateways"] = ordered_json::object();
    return page.json(v);
}

HttpResponse leafz_page(const PageContext& page) {
    bool subs = false;
    if (auto e = decode_bool(page.query(), "subs", subs)) return bad_request(*e);
    if (auto served = page.plugin_page("/leafz")) return *served;
    ordered_json v = head(page);
    v["leafnodes"] = 0;
    v["leafs"] = nullptr;
    return page.json(v);
}

HttpResponse jsz_page(const PageContext& page) {
    const GoQuery& q = page.query();
    bool flag = false, leader_only = false;
    for (const char* key : {"accounts", "streams", "consumers", "config"})
        if (auto e = decode_bool(q, key, flag)) return bad_request(*e);
    std::int64_t number = 0;
    for (const char* key : {"offset", "limit"})
        if (auto e = decode_int(q, key, number)) return bad_request(*e);
    if (auto e = decode_bool(q, "leader-only", leader_only)) return bad_request(*e);
    if (auto served = page.plugin_page("/jsz")) return *served;
    // JetStream is off: nats-server's answer for a server without it.
    if (leader_only) return bad_request("filtered response: not leader");
    ordered_json v = head(page);
    v["disabled"] = true;
    v["config"] = {{"max_memory", 0}, {"max_storage", 0}};
    for (const char* key : {"memory", "storage", "reserved_memory", "reserved_storage", "accounts", "ha_assets"})
        v[key] = 0;
    v["api"] = {{"total", 0}, {"errors", 0}};
    for (const char* key : {"streams", "consumers", "messages", "bytes"}) v[key] = 0;
    return page.json(v);
}

HttpResponse healthz_page(const PageContext& page) {
    bool flag = false;
    for (const char* key : {"js-enabled", "js-enabled-only", "js-server-only"})
        if (auto e = decode_bool(page.query(), key, flag)) return bad_request(*e);
    // With JetStream loaded its plugin judges health (it registers /healthz);
    // without it a server that answers is healthy, as in nats-server.
    if (auto served = page.plugin_page("/healthz")) return *served;
    ordered_json v;
    v["status"] = "ok";
    return page.json(v, false);
}

HttpResponse pluginz_page(const PageContext& page) {
    if (auto v = page.ask_json("pluginz")) return page.json(*v);
    // A kernel without the pluginz topic: at least this plugin is loaded.
    ordered_json self;
    self["name"] = page.self().name;
    self["version"] = page.self().version;
    self["started"] = true;
    ordered_json v;
    v["plugins"] = ordered_json::array({self});
    return page.json(v);
}

}  // namespace nats::monitoring
