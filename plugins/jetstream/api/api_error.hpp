#pragma once
// JetStream API errors as nats-server 2.9.10 sends them:
//   {"code":404,"err_code":10059,"description":"stream not found"}
// Codes and texts come from api_errors.inc (generated from nats-server's errors.json).

#include <cstdint>
#include <string>
#include <string_view>

#include <nats_sdk/go_json.hpp>

namespace nmk::jetstream {

enum class ErrorId : std::uint16_t {
#define NMK_JS_ERROR(name, code, err_code, description) name,
#include "api/api_errors.inc"
#undef NMK_JS_ERROR
};

struct ApiError {
    int code = 0;           // HTTP-like status (400, 404, 500, 503)
    int err_code = 0;       // JetStream's own number (10059)
    std::string description;

    // The error with its description's placeholders ({err}, {seq}, ...) still in it.
    static ApiError of(ErrorId id);
    // The error with its one placeholder replaced by `value` (nats-server's NewJS...Error(value)).
    static ApiError with(ErrorId id, std::string_view value);

    bool is(ErrorId id) const;
    void write(nats_sdk::GoJsonWriter& w) const;
};

}  // namespace nmk::jetstream
