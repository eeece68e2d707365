#pragma once
// What a page handler gets: the request, its query, the kernel, and helpers
// that answer the way nats-server's ResponseHandler does (JSON, or JSONP with
// ?callback=).
#include <functional>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "plugins/monitoring/go_query.hpp"
#include "plugins/monitoring/http_message.hpp"
#include "plugins/monitoring/kernel_source.hpp"

namespace nats::monitoring {

struct PluginIdentity {
    std::string name = "monitoring";
    std::string version;
};

class PageContext {
public:
    PageContext(KernelSource& kernel, const HttpRequest& request, const GoQuery& query, const PluginIdentity& self,
                std::function<std::string()> server_id, std::map<std::string, std::uint64_t> request_stats)
        : kernel_(kernel), request_(request), query_(query), self_(self), server_id_(std::move(server_id)),
          request_stats_(std::move(request_stats)) {}

    const HttpRequest& request() const { return request_; }
    const GoQuery& query() const { return query_; }
    const PluginIdentity& self() const { return self_; }
    std::string server_id() const { return server_id_(); }
    // Counts of requests per page, this one included (varz's http_req_stats).
    const std::map<std::string, std::uint64_t>& request_stats() const { return request_stats_; }

    KernelAnswer ask(std::string_view topic, std::string_view args = {}) const { return kernel_.query(topic, args); }
    // The topic's answer as JSON; nullopt when the kernel lacks the topic, the
    // answer is not 200 or not JSON.
    std::optional<nlohmann::ordered_json> ask_json(std::string_view topic, std::string_view args = {}) const;
    // What another plugin registered at `path` answers (with this request's
    // method and query, or GET and `query` when given); nullopt when nothing
    // is registered there.
    std::optional<HttpResponse> plugin_page(std::string_view path) const;
    std::optional<HttpResponse> plugin_page(std::string_view path, std::string_view query) const;

    // nats-server's ResponseHandler: application/json, or JSONP with ?callback=.
    HttpResponse json(const nlohmann::ordered_json& value, bool indent = true) const;
    // The same for a body that is already JSON text (the kernel's connz and subsz).
    HttpResponse json_text(std::string body) const;

private:
    KernelSource& kernel_;
    const HttpRequest& request_;
    const GoQuery& query_;
    const PluginIdentity& self_;
    std::function<std::string()> server_id_;
    std::map<std::string, std::uint64_t> request_stats_;
};

// 400 with nats-server's plain-text body.
HttpResponse bad_request(std::string text);
// Go's http.NotFound: 404 "404 page not found".
HttpResponse not_found();
// A kernel answer that is not usable (500).
HttpResponse kernel_failure(std::string_view topic);

}  // namespace nats::monitoring
