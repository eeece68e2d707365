#pragma once
// A request and a response as the monitoring pages see them, free of the HTTP
// library so the pages can be tested without sockets.
#include <string>
#include <utility>
#include <vector>

namespace nats::monitoring {

struct HttpRequest {
    std::string method = "GET";
    std::string path;           // as sent, still percent-encoded
    std::string query;          // after '?', without it
    std::string authorization;  // the Authorization header, empty when none
    std::string body;
};

struct HttpResponse {
    int status = 200;
    std::string content_type;  // empty: no Content-Type header
    std::vector<std::pair<std::string, std::string>> headers;
    std::string body;
};

}  // namespace nats::monitoring
