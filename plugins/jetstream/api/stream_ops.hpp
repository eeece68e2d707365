#pragma once
// Creating and updating a stream the way STREAM.CREATE and STREAM.UPDATE do (defaults and
// checks, account limits, subject overlaps, the store, the advisory), without a request:
// the API handlers answer with the result, declared assets (declare/) log it.

#include <optional>
#include <string>

#include "api/api_error.hpp"
#include "stream/stream_check.hpp"
#include "stream/stream_config.hpp"

namespace nmk::jetstream {

class JetStreamCore;
class JsAccount;
class Stream;

// What checkStreamCfg needs to know about the account and server.
StreamCheckContext stream_check_context(JetStreamCore& core, JsAccount& account);

struct StreamOpResult {
    Stream* stream = nullptr;          // the stream (also when nothing had to change)
    std::optional<ApiError> error;     // why not
    bool changed = false;              // created or updated
};

// A new stream from `requested` (not yet defaulted). An existing stream of that name with
// the same config is no error (changed stays false); one with another config is.
StreamOpResult create_stream(JetStreamCore& core, JsAccount& account, const StreamConfig& requested);
// An update of an existing stream, within what configUpdateCheck allows.
StreamOpResult update_stream(JetStreamCore& core, JsAccount& account, const StreamConfig& requested);

}  // namespace nmk::jetstream
