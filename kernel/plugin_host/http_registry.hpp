#pragma once
// HTTP endpoints plugins register ("/jsz", "/healthz/js"), served later by the
// monitoring plugin through dispatch(). Exact path match.
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nats_sdk/abi.h>

#include "kernel/plugin_host/call_gate.hpp"

namespace nats::plugins {

struct HttpRequest {
    std::string method = "GET";
    std::string path;
    std::string query;  // without '?'
    std::string body;
};

struct HttpResponse {
    int status = 200;
    std::string content_type = "application/json";
    std::string body;
};

class HttpRegistry {
public:
    // False when the path is taken or malformed (must start with '/').
    bool add(std::string_view path, nmk_http_handler handler, void* user, std::shared_ptr<CallGate> gate,
             std::string_view owner);
    void remove_owner(std::string_view owner);
    bool has(std::string_view path) const;
    // nullopt when no endpoint has that path (the caller answers 404).
    std::optional<HttpResponse> dispatch(const HttpRequest& request) const;

private:
    struct Endpoint {
        nmk_http_handler handler;
        void* user;
        std::shared_ptr<CallGate> gate;
        std::string owner;
    };
    mutable std::mutex mutex_;
    std::map<std::string, Endpoint, std::less<>> endpoints_;
};

// A writer that fills an HttpResponse (used for query_json too).
nmk_http_response_writer response_writer(HttpResponse& response);

}  // namespace nats::plugins
