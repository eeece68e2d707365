#include "kernel/plugin_host/query_topics.hpp"

#include <nlohmann/json.hpp>

#include "kernel/introspection/kernel_queries.hpp"
#include "kernel/plugin_host/metrics.hpp"
#include "kernel/plugin_host/plugin_host.hpp"

namespace nats::plugins {

namespace {

using nlohmann::ordered_json;

std::string text(const ordered_json& v) { return v.dump(-1, ' ', false, ordered_json::error_handler_t::replace); }

// ------------------------------------------------------------ plugin topics

std::string plugins_json(const PluginHost& host) {
    ordered_json list = ordered_json::array();
    for (const auto& p : host.plugins()) {
        ordered_json j;
        j["name"] = p.name;
        j["version"] = p.version;
        j["sdk"] = p.sdk_version;
        j["description"] = p.description;
        j["path"] = p.path;
        j["started"] = p.started;
        list.push_back(std::move(j));
    }
    ordered_json v;
    v["plugins"] = std::move(list);
    return text(v);
}

void write(const nmk_http_response_writer& out, int status, std::string_view type, std::string_view body) {
    if (out.set_status) out.set_status(out.ctx, status);
    if (out.set_content_type) out.set_content_type(out.ctx, nmk_str{type.data(), type.size()});
    out.append_body(out.ctx, nmk_str{body.data(), body.size()});
}

// "GET /jsz?accounts=1" -> the registered endpoint's answer.
void dispatch_http(PluginHost& host, std::string_view args, const nmk_http_response_writer& out) {
    HttpRequest request;
    const auto space = args.find(' ');
    std::string_view target = args;
    if (space != std::string_view::npos) {
        request.method = std::string(args.substr(0, space));
        target = args.substr(space + 1);
    }
    const auto question = target.find('?');
    request.path = std::string(target.substr(0, question));
    if (question != std::string_view::npos) request.query = std::string(target.substr(question + 1));
    auto response = host.http().dispatch(request);
    if (!response) {
        write(out, 404, "text/plain; charset=utf-8", "404 page not found\n");
        return;
    }
    write(out, response->status, response->content_type, response->body);
}

}  // namespace

nmk_status answer_query(PluginHost& host, std::string_view topic, std::string_view args,
                        const nmk_http_response_writer& out) {
    if (!out.append_body) return NMK_INVALID_ARGUMENT;
    constexpr std::string_view json_type = "application/json";
    if (topic == "metricz") {
        write(out, 200, json_type, metrics_json(host.metrics()));
    } else if (topic == "pluginz") {
        write(out, 200, json_type, plugins_json(host));
    } else if (topic == "http") {
        dispatch_http(host, args, out);
    } else if (auto json = introspection::query_kernel_json(host.server(), topic, args)) {
        write(out, 200, json_type, *json);
    } else if (topic == "accountz") {
        write(out, 400, "text/plain; charset=utf-8", "Account " + introspection::query_arg(args, "acc").value_or("") + " does not exist");
    } else {
        return NMK_NOT_FOUND;
    }
    return NMK_OK;
}

}  // namespace nats::plugins
