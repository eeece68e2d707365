#include "plugins/monitoring/page_context.hpp"

#include "plugins/monitoring/go_json.hpp"

namespace nats::monitoring {

std::optional<nlohmann::ordered_json> PageContext::ask_json(std::string_view topic, std::string_view args) const {
    const KernelAnswer answer = ask(topic, args);
    if (!answer.found || answer.status != 200) return std::nullopt;
    auto parsed = nlohmann::ordered_json::parse(answer.body, nullptr, false);
    if (parsed.is_discarded()) return std::nullopt;
    return parsed;
}

std::optional<HttpResponse> PageContext::plugin_page(std::string_view path) const {
    std::string args = request_.method + " " + std::string(path);
    if (!request_.query.empty()) args += "?" + request_.query;
    const KernelAnswer answer = ask("http", args);
    if (!answer.found || answer.status == 404) return std::nullopt;
    return HttpResponse{answer.status, answer.content_type, {}, answer.body};
}

std::optional<HttpResponse> PageContext::plugin_page(std::string_view path, std::string_view query) const {
    std::string args = "GET " + std::string(path);
    if (!query.empty()) args += "?" + std::string(query);
    const KernelAnswer answer = ask("http", args);
    if (!answer.found || answer.status == 404) return std::nullopt;
    return HttpResponse{answer.status, answer.content_type, {}, answer.body};
}

HttpResponse PageContext::json(const nlohmann::ordered_json& value, bool indent) const {
    return json_text(go_json(value, indent));
}

HttpResponse PageContext::json_text(std::string body) const {
    const std::string callback = query_.get("callback");
    if (!callback.empty()) return HttpResponse{200, "application/javascript", {}, callback + "(" + body + ")"};
    return HttpResponse{200, "application/json", {}, std::move(body)};
}

HttpResponse bad_request(std::string text) {
    return HttpResponse{400, "text/plain; charset=utf-8", {}, std::move(text)};
}

HttpResponse not_found() {
    return HttpResponse{404, "text/plain; charset=utf-8", {{"X-Content-Type-Options", "nosniff"}},
                        "404 page not found\n"};
}

HttpResponse kernel_failure(std::string_view topic) {
    return HttpResponse{500, "text/plain; charset=utf-8", {},
                        "the kernel did not answer query '" + std::string(topic) + "'\n"};
}

}  // namespace nats::monitoring
