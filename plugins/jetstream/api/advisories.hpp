#pragma once
// JetStream's advisories, published in the stream's account as nats-server 2.9.10 sends
// them (server/jetstream_events.go): $JS.EVENT.ADVISORY.STREAM.CREATED|DELETED|UPDATED.<stream>
// (io.nats.jetstream.advisory.v1.stream_action) and $JS.EVENT.ADVISORY.API, the audit of
// every API answer (io.nats.jetstream.advisory.v1.api_audit).

#include <cstdint>
#include <string>
#include <string_view>

#include <nats_sdk/go_json.hpp>

namespace nmk::jetstream {

class JetStreamCore;

// A NUID-shaped id (22 characters of base62), as the advisories' "id".
std::string next_event_id();

enum class StreamAction { create, remove, modify };

void send_stream_action(JetStreamCore& core, const std::string& account, const std::string& stream, StreamAction action);

// Opens an advisory object with TypedEvent's members (type, id, timestamp).
void typed_event(nats_sdk::GoJsonWriter& w, std::string_view type);
// ClientInfo as an object, for the requester `client_id` (0: unknown) in `account`.
void write_client_info(nats_sdk::GoJsonWriter& w, JetStreamCore& core, const std::string& account, std::uint64_t client_id);

void send_api_audit(JetStreamCore& core, const std::string& account, std::uint64_t client_id, std::string_view subject,
                    std::string_view request, std::string_view response);

}  // namespace nmk::jetstream
