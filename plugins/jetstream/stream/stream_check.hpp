#pragma once
// checkStreamCfg (nats-server 2.9.10 server/stream.go) and configUpdateCheck: the
// defaults a new stream gets and every rule a config must pass, with nats-server's
// error codes and texts, for a single server (no clustering).

#include <cstdint>
#include <functional>
#include <optional>
#include <string_view>
#include <variant>

#include "api/api_error.hpp"
#include "stream/stream_config.hpp"

namespace nmk::jetstream {

struct StreamCheckContext {
    // The config of another stream of the same account, if it exists.
    std::function<std::optional<StreamConfig>(std::string_view name)> find_stream;
    // Server limit on duplicate_window (0: none).
    std::int64_t max_duplicate_window_ns = 0;
    // Account tier: a stream must set max_bytes (max_bytes_required) / may not exceed this.
    bool max_bytes_required = false;
    std::int64_t max_stream_bytes = 0;  // 0: no limit
};

// The defaulted config, or the error nats-server answers.
std::variant<StreamConfig, ApiError> check_stream_config(const StreamConfig& requested, const StreamCheckContext& context);

// configUpdateCheck: what an update may change. `requested` has passed check_stream_config.
std::optional<ApiError> check_stream_update(const StreamConfig& current, const StreamConfig& requested);

}  // namespace nmk::jetstream
