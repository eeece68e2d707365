#include "api/api_router.hpp"

#include <array>

#include <nats_sdk/subject.hpp>
#include <nlohmann/json.hpp>

#include "api/advisories.hpp"
#include "jetstream_core.hpp"

namespace nmk::jetstream {

namespace {

struct Route {
    std::string_view pattern;  // after "$JS.API."; * matches one token, > the rest
    std::string_view type;
    void (*handler)(const ApiRequest&);
    bool answers_without_js;   // false: no answer at all in an account without JetStream
};

constexpr std::string_view type_prefix = "io.nats.jetstream.api.v1.";

// The order matters only where patterns overlap (MSG.* before *).
constexpr std::array routes{
    Route{"INFO", "account_info_response", handle_account_info, true},
    Route{"STREAM.CREATE.*", "stream_create_response", handle_stream_create, true},
    Route{"STREAM.UPDATE.*", "stream_update_response", handle_stream_update, true},
    Route{"STREAM.NAMES", "stream_names_response", handle_stream_names, true},
    Route{"STREAM.LIST", "stream_list_response", handle_stream_list, true},
    Route{"STREAM.INFO.*", "stream_info_response", handle_stream_info, true},
    Route{"STREAM.DELETE.*", "stream_delete_response", handle_stream_delete, true},
    Route{"STREAM.PURGE.*", "stream_purge_response", handle_stream_purge, true},
    Route{"STREAM.MSG.DELETE.*", "stream_msg_delete_response", handle_msg_delete, true},
    Route{"STREAM.MSG.GET.*", "stream_msg_get_response", handle_msg_get, true},
    Route{"STREAM.SNAPSHOT.*", "stream_snapshot_response", handle_stream_snapshot, true},
    Route{"STREAM.RESTORE.*", "stream_restore_response", handle_stream_restore, true},
    Route{"DIRECT.GET.*", "", handle_direct_get, false},
    Route{"DIRECT.GET.*.>", "", handle_direct_get, false},
    Route{"CONSUMER.CREATE.*", "consumer_create_response", handle_consumer_create, true},
    Route{"CONSUMER.CREATE.*.>", "consumer_create_response", handle_consumer_create, true},
    Route{"CONSUMER.DURABLE.CREATE.*.*", "consumer_create_response", handle_consumer_create, true},
    Route{"CONSUMER.NAMES.*", "consumer_names_response", handle_consumer_names, true},
    Route{"CONSUMER.LIST.*", "consumer_list_response", handle_consumer_list, true},
    Route{"CONSUMER.INFO.*.*", "consumer_info_response", handle_consumer_info, true},
    Route{"CONSUMER.DELETE.*.*", "consumer_delete_response", handle_consumer_delete, true},
    Route{"CONSUMER.LEADER.STEPDOWN.*.*", "consumer_leader_stepdown_response", handle_consumer_stepdown, true},
};

}  // namespace

std::string_view ApiRequest::last_token() const { return nats_sdk::subject::last_token(subject); }

nats_sdk::GoJsonWriter ApiRequest::begin_response() const {
    nats_sdk::GoJsonWriter w(false);
    w.begin_object().field("type", std::string(type_prefix) + std::string(type));
    return w;
}

void ApiRequest::send(std::string body, bool is_error) const {
    ++account.api_total;
    if (is_error) ++account.api_errors;
    if (!reply.empty()) core.bus().publish_internal(account.name(), reply, {}, body);
    send_api_audit(core, account.name(), client_id, subject, payload, body);
}

void ApiRequest::send_error(const ApiError& error, void (*more)(nats_sdk::GoJsonWriter&)) const {
    auto w = begin_response();
    w.key("error");
    error.write(w);
    if (more != nullptr) more(w);
    w.end_object();
    send(w.take(), true);
}

bool is_empty_request(std::string_view payload) {
    if (payload.empty() || payload == "{}") return true;
    // nats-server's isEmptyRequest: anything that decodes to an empty object.
    const auto v = nlohmann::json::parse(payload, nullptr, false);
    return v.is_object() && v.empty();
}

void ApiRouter::dispatch(JetStreamCore& core, const std::string& account_name, std::string_view subject,
                         std::string_view reply, std::string_view headers, std::string_view payload,
                         std::uint64_t client_id) {
    constexpr std::string_view api_prefix = "$JS.API.";
    if (subject.substr(0, api_prefix.size()) != api_prefix) return;
    const std::string_view op = subject.substr(api_prefix.size());
    for (const auto& route : routes) {
        if (!nats_sdk::subject::literal_matches(op, route.pattern)) continue;
        JsAccount* account = core.account(account_name);
        if (account == nullptr) {
            if (!route.answers_without_js || reply.empty()) return;
            nats_sdk::GoJsonWriter w(false);
            w.begin_object().field("type", std::string(type_prefix) + std::string(route.type)).key("error");
            ApiError::of(ErrorId::JSNotEnabledForAccount).write(w);
            w.end_object();
            core.bus().publish_internal(account_name, reply, {}, w.take());
            return;
        }
        route.handler(ApiRequest{core, *account, subject, reply, headers, payload, route.type, client_id});
        return;
    }
}

}  // namespace nmk::jetstream
