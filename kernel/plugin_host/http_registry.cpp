#include "kernel/plugin_host/http_registry.hpp"

#include "kernel/log/logging.hpp"
#include "kernel/plugin_host/abi_text.hpp"

namespace nats::plugins {

namespace {
nmk_str str(const std::string& s) { return {s.data(), s.size()}; }
}  // namespace

nmk_http_response_writer response_writer(HttpResponse& response) {
    nmk_http_response_writer w;
    w.ctx = &response;
    w.set_status = [](void* ctx, int status) { static_cast<HttpResponse*>(ctx)->status = status; };
    w.set_content_type = [](void* ctx, nmk_str type) { static_cast<HttpResponse*>(ctx)->content_type.assign(view(type)); };
    w.append_body = [](void* ctx, nmk_str bytes) { static_cast<HttpResponse*>(ctx)->body.append(view(bytes)); };
    return w;
}

bool HttpRegistry::add(std::string_view path, nmk_http_handler handler, void* user, std::shared_ptr<CallGate> gate,
                       std::string_view owner) {
    if (path.empty() || path.front() != '/' || !handler) return false;
    std::lock_guard lock(mutex_);
    return endpoints_.emplace(std::string(path), Endpoint{handler, user, std::move(gate), std::string(owner)}).second;
}

void HttpRegistry::remove_owner(std::string_view owner) {
    std::lock_guard lock(mutex_);
    std::erase_if(endpoints_, [&](const auto& e) { return e.second.owner == owner; });
}

bool HttpRegistry::has(std::string_view path) const {
    std::lock_guard lock(mutex_);
    return endpoints_.find(path) != endpoints_.end();
}

std::optional<HttpResponse> HttpRegistry::dispatch(const HttpRequest& request) const {
    Endpoint endpoint;
    {
        std::lock_guard lock(mutex_);
        auto it = endpoints_.find(request.path);
        if (it == endpoints_.end()) return std::nullopt;
        endpoint = it->second;
    }
    HttpResponse response;
    CallGate::Pass pass(*endpoint.gate);
    if (!pass) return std::nullopt;
    const nmk_http_request req{str(request.method), str(request.path), str(request.query), str(request.body)};
    const nmk_http_response_writer writer = response_writer(response);
    try {
        endpoint.handler(endpoint.user, &req, &writer);
    } catch (...) {
        NMK_ERROR("{}: HTTP handler for {} threw an exception", endpoint.owner, request.path);
        return HttpResponse{500, "text/plain", "internal error\n"};
    }
    return response;
}

}  // namespace nats::plugins
