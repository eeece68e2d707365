#pragma once
// The JetStream management API ($JS.API.*) as JSON requests, the way natscli's
// jsm.go library uses it. Replies are kept in the server's key order so that
// --json shows them as they came; an API error becomes a cli_error worded as
// jsm.go words it ("stream not found (10059)").
#include <nats/nats.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "errors.hpp"

namespace nats::cli {

using ordered_json = nlohmann::ordered_json;

// An error reply of the API: {"code":404,"err_code":10059,"description":"..."}.
struct api_error : cli_error {
    api_error(int code, int err_code, const std::string& description);
    int code;
    int err_code;
};

// jsm.go's ApiError.Error(): "<description> (<err_code>)", or its fallbacks
// when the server sent no description.
std::string api_error_text(int code, int err_code, const std::string& description);

class jetstream_api {
public:
    jetstream_api(natsConnection* nc, std::chrono::nanoseconds timeout, std::string prefix = "$JS.API");

    // Sends `body` (nothing when null) to <prefix>.<endpoint> and returns the
    // reply. Throws api_error for an error reply, cli_error for no responders,
    // a timeout or a reply that is not JSON.
    ordered_json request(std::string_view endpoint, const ordered_json& body = nullptr) const;

    // Every stream's info, all pages of STREAM.LIST (optionally only those
    // holding `subject`).
    std::vector<ordered_json> stream_infos(const std::string& subject = {}) const;

    natsConnection* connection() const { return nc_; }

private:
    natsConnection* nc_;
    std::int64_t timeout_ms_;
    std::string prefix_;
};

// Go's json.MarshalIndent(v, "", "  ") for what the API returns: two-space
// indentation and <, >, & escaped as \u003c, \u003e, \u0026.
std::string go_json_indent(const ordered_json& value);

} // namespace nats::cli
