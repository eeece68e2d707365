#pragma once
// A minimal HTTP/1.1 client for the monitoring tests: one request per fresh
// connection ("Connection: close") to 127.0.0.1, every read bounded, chunked
// bodies decoded.
#include <chrono>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

namespace nats::test_support {

struct HttpReply {
    int status = 0;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string body;

    nlohmann::json json_body() const { return nlohmann::json::parse(body); }
    std::string header(const std::string& name) const {
        auto it = headers.find(name);
        return it == headers.end() ? std::string() : it->second;
    }
};

// `method target` on 127.0.0.1:`port`, with an Authorization header when given.
// Throws std::runtime_error when the port cannot be reached or no complete
// answer arrives within `timeout`.
HttpReply http_request(int port, const std::string& method, const std::string& target,
                       const std::string& authorization = {},
                       std::chrono::seconds timeout = std::chrono::seconds(10));

inline HttpReply http_get(int port, const std::string& target, const std::string& authorization = {}) {
    return http_request(port, "GET", target, authorization);
}

}  // namespace nats::test_support
