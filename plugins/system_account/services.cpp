#include "plugins/system_account/services.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include <nats_sdk/go_query.hpp>
#include <nats_sdk/go_quote.hpp>

#include "plugins/monitoring/go_json.hpp"
#include "plugins/system_account/request_options.hpp"
#include "plugins/system_account/stats_messages.hpp"

namespace nats::system_account {

namespace {

using nlohmann::ordered_json;
using T = OptionType;

// The options of each request, as nats-server's *EventOptions structs declare them.
const EndpointOptions statsz_options{"StatszEventOptions", {}};
const EndpointOptions varz_options{"VarzEventOptions", {}};
const EndpointOptions subsz_options{"SubszEventOptions",
                                    {{"offset", T::integer, "offset"},
                                     {"limit", T::integer, "limit"},
                                     {"subscriptions", T::boolean, "subs"},
                                     {"account", T::text, "acc"},
                                     {"test", T::text, "test"}}};
const EndpointOptions connz_options{"ConnzEventOptions",
                                    {{"sort", T::text, "sort"},
                                     {"auth", T::boolean, "auth"},
                                     {"subscriptions", T::boolean, "subs"},
                                     {"subscriptions_detail", T::boolean, "subs", "detail"},
                                     {"offset", T::integer, "offset"},
                                     {"limit", T::integer, "limit"},
                                     {"cid", T::unsigned64, "cid"},
                                     {"mqtt_client", T::text, ""},
                                     {"state", T::connection_state, "state"},
                                     {"user", T::text, "user"},
                                     {"acc", T::text, "acc"}}};
const EndpointOptions routez_options{"RoutezEventOptions",
                                     {{"subscriptions", T::boolean, "subs"},
                                      {"subscriptions_detail", T::boolean, "subs", "detail"}}};
const EndpointOptions gatewayz_options{"GatewayzEventOptions",
                                       {{"name", T::text, "gw_name"},
                                        {"accounts", T::boolean, "accs"},
                                        {"account_name", T::text, "acc_name"}}};
const EndpointOptions leafz_options{"LeafzEventOptions",
                                    {{"subscriptions", T::boolean, "subs"}, {"account", T::text, "acc"}}};
const EndpointOptions accountz_options{"AccountzEventOptions", {{"account", T::text, "acc"}}};
const EndpointOptions jsz_options{"JszEventOptions",
                                  {{"account", T::text, "acc"},
                                   {"accounts", T::boolean, "accounts"},
                                   {"streams", T::boolean, "streams"},
                                   {"consumer", T::boolean, "consumers"},
                                   {"config", T::boolean, "config"},
                                   {"leader_only", T::boolean, "leader-only"},
                                   {"offset", T::integer, "offset"},
                                   {"limit", T::integer, "limit"}}};
const EndpointOptions healthz_options{"HealthzEventOptions",
                                      {{"js-enabled-only", T::boolean, "js-enabled-only"},
                                       {"js-server-only", T::boolean, "js-server-only"}}};
const EndpointOptions account_info_options{"AccInfoEventOptions", {}};
const EndpointOptions account_statz_options{
    "AccountStatzEventOptions", {{"accounts", T::text_list, "accounts"}, {"include_unused", T::boolean, "unused"}}};

struct ServerEndpoint {
    std::string_view name;
    std::string_view path;
    const EndpointOptions* options;
};
const ServerEndpoint server_endpoints[] = {
    {"VARZ", "/varz", &varz_options},         {"SUBSZ", "/subsz", &subsz_options},
    {"CONNZ", "/connz", &connz_options},      {"ROUTEZ", "/routez", &routez_options},
    {"GATEWAYZ", "/gatewayz", &gatewayz_options}, {"LEAFZ", "/leafz", &leafz_options},
    {"ACCOUNTZ", "/accountz", &accountz_options}, {"JSZ", "/jsz", &jsz_options},
    {"HEALTHZ", "/healthz", &healthz_options},
};

// The query with key=value, replacing what the request body gave for that key (the
// account of a $SYS.REQ.ACCOUNT.<acc>.X subject wins over the body's, as in nats-server).
std::string with(std::string query, std::string_view key, std::string_view value) {
    std::string kept;
    for (std::size_t start = 0; start < query.size();) {
        std::size_t end = query.find('&', start);
        if (end == std::string::npos) end = query.size();
        const std::string_view part = std::string_view(query).substr(start, end - start);
        const std::string_view name = part.substr(0, part.find('='));
        if (name != key) {
            if (!kept.empty()) kept += '&';
            kept += part;
        }
        start = end + 1;
    }
    query = std::move(kept);
    if (!query.empty()) query += '&';
    query += key;
    query += '=';
    query += nats_sdk::go_query_escape(value);
    return query;
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    return text;
}

// The monitoring port's request counts are not this service's to report: nats-server's
// $SYS VARZ has the HTTP port's, which this plugin does not see; {} as with no HTTP use.
std::string without_request_stats(const std::string& varz_json) {
    auto v = ordered_json::parse(varz_json, nullptr, false);
    if (!v.is_object() || !v.contains("http_req_stats")) return varz_json;
    v["http_req_stats"] = ordered_json::object();
    return monitoring::go_json(v, false);
}

bool account_exists(monitoring::KernelSource& kernel, std::string_view name) {
    const auto answer = kernel.query("accountz", "");
    const auto v = ordered_json::parse(answer.body, nullptr, false);
    if (!v.is_object() || !v.contains("accounts")) return false;
    for (const auto& a : v["accounts"])
        if (a.is_string() && a.get<std::string>() == name) return true;
    return false;
}

}  // namespace

SystemServices::SystemServices(nats_sdk::Host& host, const nats_sdk::Messaging& messaging,
                               nats_sdk::AccountHandle system, ServerInfoSource& info,
                               monitoring::KernelSource& kernel, std::string plugin_version)
    : host_(host), messaging_(messaging), system_(system), info_(info), kernel_(kernel),
      monitor_(kernel, monitoring::Settings{}, monitoring::PluginIdentity{"system_account", std::move(plugin_version)}) {}

void SystemServices::start() {
    const std::string id = info_.server_id();
    auto server = [this](const nats_sdk::MessageEx& m) { on_request(m, false); };
    subscriptions_.push_back(messaging_.subscribe(system_, "$SYS.REQ.SERVER.PING", server));
    subscriptions_.push_back(messaging_.subscribe(system_, "$SYS.REQ.SERVER.PING.*", server));
    subscriptions_.push_back(messaging_.subscribe(system_, "$SYS.REQ.SERVER." + id + ".*", server));
    subscriptions_.push_back(messaging_.subscribe(
        system_, "$SYS.REQ.ACCOUNT.*.*", [this](const nats_sdk::MessageEx& m) { on_request(m, true); }));
}

void SystemServices::on_request(const nats_sdk::MessageEx& m, bool account_scope) {
    // Tokens: $SYS REQ SERVER PING [ENDPOINT] | $SYS REQ SERVER <id> <ENDPOINT> | $SYS REQ ACCOUNT <acc> <ENDPOINT>
    std::vector<std::string> tokens;
    std::string_view subject = m.subject();
    for (std::size_t start = 0;;) {
        const std::size_t dot = subject.find('.', start);
        tokens.emplace_back(subject.substr(start, dot == std::string_view::npos ? dot : dot - start));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    std::string reply(m.reply());
    std::string body(m.payload());
    const bool plain_ping = tokens.size() == 4;  // $SYS.REQ.SERVER.PING: STATSZ
    if (reply.empty() && !plain_ping) return;     // zReq answers requests only
    const std::string endpoint = plain_ping ? "STATSZ" : tokens.back();
    const std::string account = account_scope ? tokens[3] : std::string();
    host_.post_blocking([this, reply = std::move(reply), body = std::move(body), endpoint, account, account_scope] {
        std::optional<std::string> answer;
        std::string to = reply;
        info_.refresh();  // JetStream may have come up since the last message
        if (account_scope) {
            answer = account_request(account, endpoint, body);
        } else if (endpoint == "STATSZ") {
            answer = statsz_request(body);
            if (to.empty()) to = "$SYS.SERVER." + info_.server_id() + ".STATSZ";  // no reply: broadcast
        } else {
            answer = server_request(endpoint, body);
        }
        if (answer && !to.empty()) messaging_.publish(system_, nats_sdk::OutMessage{to, *answer});
    });
}

std::string SystemServices::envelope_data(const std::string& data_json) {
    nats_sdk::GoJsonWriter w(false);
    w.begin_object();
    info_.write_member(w);
    std::string text = w.take();
    return text + ",\"data\":" + data_json + "}";
}

std::string SystemServices::envelope_error(int code, std::string_view description, bool with_null_data) {
    nats_sdk::GoJsonWriter w(false);
    w.begin_object();
    info_.write_member(w);
    if (with_null_data) w.key("data").null();
    w.key("error").begin_object().field("code", code).field("description", description).end_object();
    w.end_object();
    return w.take();
}

SystemServices::PageResult SystemServices::page(std::string_view path, const std::string& query) {
    monitoring::HttpRequest request;
    request.path = std::string(path);
    request.query = query;
    const monitoring::HttpResponse response = monitor_.handle(request);
    if (response.status != 200) return {std::nullopt, trimmed(response.body)};
    const auto parsed = ordered_json::parse(response.body, nullptr, false);
    if (parsed.is_discarded()) return {std::nullopt, "invalid answer from " + std::string(path)};
    return {monitoring::go_json(parsed, false), {}};
}

std::optional<std::string> SystemServices::statsz_request(std::string_view body) {
    const DecodedRequest request = decode_request(body, statsz_options);
    if (request.error) return envelope_error(400, *request.error, false);
    if (filtered_out(request.filter, info_.identity())) return std::nullopt;
    info_.refresh();
    return statsz_message(info_, kernel_);
}

std::optional<std::string> SystemServices::server_request(std::string_view endpoint, std::string_view body) {
    if (endpoint == "STATSZ") return statsz_request(body);
    for (const auto& e : server_endpoints) {
        if (e.name != endpoint) continue;
        const DecodedRequest request = decode_request(body, *e.options);
        if (request.error) return envelope_error(400, *request.error, false);
        if (filtered_out(request.filter, info_.identity())) return std::nullopt;
        PageResult result = page(e.path, request.query);
        if (!result.data) return envelope_error(500, result.error, true);
        if (e.name == "VARZ") result.data = without_request_stats(*result.data);
        return envelope_data(*result.data);
    }
    return std::nullopt;  // not a service of this server
}

std::optional<std::string> SystemServices::account_request(std::string_view account, std::string_view endpoint,
                                                           std::string_view body) {
    auto answer_page = [&](const EndpointOptions& options, std::string_view path,
                           auto&& adjust) -> std::optional<std::string> {
        const DecodedRequest request = decode_request(body, options);
        if (request.error) return envelope_error(400, *request.error, false);
        if (filtered_out(request.filter, info_.identity())) return std::nullopt;
        const PageResult result = page(path, adjust(request.query));
        if (!result.data) return envelope_error(500, result.error, true);
        return envelope_data(*result.data);
    };
    if (endpoint == "SUBSZ")
        return answer_page(subsz_options, "/subsz",
                           [&](std::string q) { return with(with(std::move(q), "subs", "true"), "acc", account); });
    if (endpoint == "CONNZ")
        return answer_page(connz_options, "/connz", [&](std::string q) { return with(std::move(q), "acc", account); });
    if (endpoint == "LEAFZ")
        return answer_page(leafz_options, "/leafz", [&](std::string q) { return with(std::move(q), "acc", account); });

    if (endpoint == "JSZ" || endpoint == "INFO" || endpoint == "STATZ") {
        const EndpointOptions& options =
            endpoint == "JSZ" ? jsz_options : endpoint == "INFO" ? account_info_options : account_statz_options;
        const DecodedRequest request = decode_request(body, options);
        if (request.error) return envelope_error(400, *request.error, false);
        if (filtered_out(request.filter, info_.identity())) return std::nullopt;
        const std::string name(account);
        if (endpoint == "STATZ") {
            const nats_sdk::GoQuery q{request.query};
            const bool unused = q.has("unused");
            std::vector<std::string> wanted = q.values("accounts");
            if (name == "PING") {
                // $SYS.REQ.ACCOUNT.PING.STATZ: the accounts the body names, or all of them.
            } else {
                wanted = {name};
            }
            ordered_json list = ordered_json::array();
            for (const auto& [acc, stat] : account_stats(kernel_)) {
                if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), acc) == wanted.end()) continue;
                if (!unused && stat.value("conns", 0) == 0) continue;
                ordered_json entry = stat;
                entry.erase("num_subscriptions");
                list.push_back(std::move(entry));
            }
            if (list.empty() && !unused) return std::nullopt;
            ordered_json data;
            data["server_id"] = info_.server_id();
            data["now"] = now_text();
            data["account_statz"] = std::move(list);
            return envelope_data(monitoring::go_json(data, false));
        }
        if (endpoint == "INFO") {
            if (!account_exists(kernel_, name)) return envelope_error(500, "Account " + name + " does not exist", true);
            const PageResult result = page("/accountz", with({}, "acc", name));
            if (!result.data) return envelope_error(500, result.error, true);
            const auto detail = ordered_json::parse(*result.data, nullptr, false);
            if (!detail.is_object() || !detail.contains("account_detail"))
                return envelope_error(500, "Account " + name + " does not exist", true);
            return envelope_data(monitoring::go_json(detail["account_detail"], false));
        }
        // JSZ for one account: its AccountDetail.
        info_.refresh();
        if (!info_.jetstream_enabled()) return envelope_error(500, "jetstream not enabled", true);
        if (!account_exists(kernel_, name))
            return envelope_error(500, "account " + nats_sdk::go_quote(name) + " not found", true);
        const PageResult result = page("/jsz", with(with(request.query, "acc", name), "accounts", "true"));
        if (!result.data) return envelope_error(500, result.error, true);
        const auto jsz = ordered_json::parse(*result.data, nullptr, false);
        if (jsz.is_object() && jsz.contains("account_details") && jsz["account_details"].is_array())
            for (const auto& d : jsz["account_details"])
                if (d.is_object() && d.value("name", "") == name) return envelope_data(monitoring::go_json(d, false));
        return envelope_error(500, "account " + nats_sdk::go_quote(name) + " not jetstream enabled", true);
    }

    if (endpoint == "CONNS") {
        // accNumConnsReq: {"server":{...},"acc":"A"}; the account must match the subject's.
        std::string requested(account);
        if (!body.empty()) {
            const auto v = nlohmann::json::parse(body, nullptr, false);
            if (!v.is_object()) {
                host_.error("Error unmarshalling account connections request message: {}", go_json_syntax_error(body));
                return std::nullopt;
            }
            if (v.contains("acc") && v["acc"].is_string()) requested = v["acc"].get<std::string>();
        }
        if (requested != account) {
            host_.error("Error unmarshalled account does not match subject");
            return std::nullopt;
        }
        const auto stats = account_stats(kernel_);
        const auto it = stats.find(requested);
        if (it == stats.end() || it->second.value("conns", 0) == 0) return std::nullopt;
        return account_conns_message(info_, it->second);
    }
    return std::nullopt;
}

}  // namespace nats::system_account
