#include "api/advisories.hpp"

#include <chrono>

#include <nats_sdk/event_id.hpp>
#include <nats_sdk/go_json.hpp>

#include "jetstream_core.hpp"
#include "stream/stream_json.hpp"

namespace nmk::jetstream {

namespace {

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

void typed_event(nats_sdk::GoJsonWriter& w, std::string_view type) {
    w.begin_object().field("type", type).field("id", next_event_id()).field("timestamp", go_time_text(now_ns()));
}

void write_client_info(nats_sdk::GoJsonWriter& w, JetStreamCore& core, const std::string& account, std::uint64_t client_id) {
    w.begin_object();
    if (client_id != 0) w.field("id", client_id);
    w.field("acc", account);
    if (!core.settings().server_name.empty()) w.field("server", core.settings().server_name);
    w.field("kind", "Client").field("client_type", "nats").end_object();
}

std::string next_event_id() { return nats_sdk::next_event_id(); }

void send_stream_action(JetStreamCore& core, const std::string& account, const std::string& stream, StreamAction action) {
    std::string_view subject_part;
    std::string_view action_text;
    switch (action) {
        case StreamAction::create: subject_part = "CREATED", action_text = "create"; break;
        case StreamAction::remove: subject_part = "DELETED", action_text = "delete"; break;
        case StreamAction::modify: subject_part = "UPDATED", action_text = "modify"; break;
    }
    nats_sdk::GoJsonWriter w(false);
    typed_event(w, "io.nats.jetstream.advisory.v1.stream_action");
    w.field("stream", stream).field("action", action_text);
    if (!core.settings().domain.empty()) w.field("domain", core.settings().domain);
    w.end_object();
    core.bus().publish(account, "$JS.EVENT.ADVISORY.STREAM." + std::string(subject_part) + "." + stream, {}, w.take());
}

void send_api_audit(JetStreamCore& core, const std::string& account, std::uint64_t client_id, std::string_view subject,
                    std::string_view request, std::string_view response) {
    nats_sdk::GoJsonWriter w(false);
    typed_event(w, "io.nats.jetstream.advisory.v1.api_audit");
    w.field("server", core.settings().server_name).key("client");
    write_client_info(w, core, account, client_id);
    w.field("subject", subject);
    if (!request.empty()) w.field("request", request);
    w.field("response", response);
    if (!core.settings().domain.empty()) w.field("domain", core.settings().domain);
    w.end_object();
    core.bus().publish(account, "$JS.EVENT.ADVISORY.API", {}, w.take());
}

}  // namespace nmk::jetstream
