#pragma once
// $JS.API.<op> requests to their handlers, nats-server 2.9.10's way: an account without
// JetStream gets "JetStream not enabled for account"; an unknown op gets no answer;
// every answered request counts in the account's api totals (and errors).

#include <cstdint>
#include <string>
#include <string_view>

#include <nats_sdk/go_json.hpp>

#include "api/api_error.hpp"
#include "stream/stream_check.hpp"

namespace nmk::jetstream {

class JetStreamCore;
class JsAccount;
class Stream;

struct ApiRequest {
    JetStreamCore& core;
    JsAccount& account;
    std::string_view subject;  // $JS.API.…
    std::string_view reply;
    std::string_view headers;
    std::string_view payload;
    std::string_view type;     // io.nats.jetstream.api.v1.<op>_response
    std::uint64_t client_id = 0;  // the requester, for the audit advisory (0: unknown)

    // The last token of the subject (the stream name of STREAM.* requests).
    std::string_view last_token() const;
    // A response writer already holding {"type":…
    nats_sdk::GoJsonWriter begin_response() const;
    // Sends `body` to the reply subject (when there is one) and counts it.
    void send(std::string body, bool is_error) const;
    // {"type":…,"error":{…}<extra>} where extra is written by `more` (may be null).
    void send_error(const ApiError& error, void (*more)(nats_sdk::GoJsonWriter&) = nullptr) const;
};

class ApiRouter {
public:
    static void dispatch(JetStreamCore& core, const std::string& account, std::string_view subject, std::string_view reply,
                         std::string_view headers, std::string_view payload, std::uint64_t client_id);
};

// Handlers (stream_api.cpp, message_api.cpp, account_api.cpp).
void handle_account_info(const ApiRequest& request);
void handle_stream_create(const ApiRequest& request);
void handle_stream_update(const ApiRequest& request);
void handle_stream_info(const ApiRequest& request);
void handle_stream_delete(const ApiRequest& request);
void handle_stream_names(const ApiRequest& request);
void handle_stream_list(const ApiRequest& request);
void handle_stream_purge(const ApiRequest& request);
void handle_msg_get(const ApiRequest& request);
void handle_msg_delete(const ApiRequest& request);
void handle_direct_get(const ApiRequest& request);
void handle_consumer_create(const ApiRequest& request);
void handle_consumer_info(const ApiRequest& request);
void handle_consumer_delete(const ApiRequest& request);
void handle_consumer_names(const ApiRequest& request);
void handle_consumer_list(const ApiRequest& request);
void handle_consumer_stepdown(const ApiRequest& request);
void handle_stream_snapshot(const ApiRequest& request);  // snapshot_api.cpp
void handle_stream_restore(const ApiRequest& request);   // restore_api.cpp

// Checks a new stream must pass (stream_api.cpp), shared by CREATE and RESTORE.
// (api/stream_ops.cpp)
StreamCheckContext check_context(const ApiRequest& r);
bool subjects_overlap(JsAccount& account, const StreamConfig& cfg, const Stream* self);
std::optional<ApiError> check_new_stream_limits(const JsAccount& account, const StreamConfig& cfg);

// nats-server's isEmptyRequest: no body, or one that decodes to an empty object.
bool is_empty_request(std::string_view payload);

}  // namespace nmk::jetstream
