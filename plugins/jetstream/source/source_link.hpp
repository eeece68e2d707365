#pragma once
// One mirror or source of a stream: what nats-server 2.9.10 keeps per origin (its
// sourceInfo) and the pure rules around it: the origin consumer it asks for, how a
// delivery's ack reply names the origin sequence, the Nats-Stream-Source header.
// JetStreamCore drives the links (source/core_sources.cpp); nothing here talks to the bus.
//
// How it works, as in nats-server: the stream asks the origin's JetStream API, like any
// client (so imports and `external` prefixes work), for an ephemeral push consumer that
// delivers to a subject of its own ($JS.M.<rand> for a mirror, $JS.S.<rand> for a source),
// with flow control and 1 s heartbeats, no acks. A mirror stores each message at its
// origin sequence and time; a source appends it with a Nats-Stream-Source header naming
// where it came from, which is how a restart finds where to resume.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "api/api_error.hpp"
#include "stream/stream_config.hpp"

namespace nmk::jetstream {

// The tokens of a delivery's ack reply,
// $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time ns>.<pending>.
struct AckReplyInfo {
    std::string_view consumer;
    std::uint64_t delivered_count = 0;
    std::uint64_t stream_sequence = 0;
    std::uint64_t consumer_sequence = 0;
    std::int64_t time_ns = 0;
    std::uint64_t pending = 0;
};
std::optional<AckReplyInfo> parse_ack_reply(std::string_view reply);

// A heartbeat or flow-control request ("NATS/1.0 100 ..." and no payload).
bool is_control_message(std::string_view headers, std::string_view payload);

// nats-server's getHash: 8 characters of SHA-256 in its base-62 digits.
std::string short_hash(std::string_view text);

// The Nats-Stream-Source value nats-server 2.9 writes: "<index name> <origin seq>".
std::string source_header_value(std::string_view index_name, std::string_view ack_reply);
// Reads one back (also the older form, a whole ack reply): index name and sequence.
std::optional<std::pair<std::string, std::uint64_t>> parse_source_header(std::string_view value);

class SourceLink {
public:
    enum class Kind { mirror, source };

    SourceLink(Kind kind, StreamSource config);

    Kind kind() const noexcept { return kind_; }
    const StreamSource& config() const noexcept { return config_; }
    // The origin's name, with a hash of the external API prefix when there is one, so two
    // origins of one name in different places stay apart (setIndexName).
    const std::string& index_name() const noexcept { return index_name_; }

    // The consumer create request (subject and JSON) for a consumer delivering to
    // `deliver_subject`, starting after `start_sequence` or at `start_time_ns` as the
    // caller worked out. `name` is used only when the request needs one (a filter).
    struct Request {
        std::string subject;
        std::string body;
    };
    Request consumer_request(const std::string& deliver_subject, std::uint64_t opt_start_seq,
                             std::int64_t opt_start_time_ns, const std::string& name) const;
    // Where this link's deliveries go: $JS.M.<rand> / $JS.S.<rand>, or under the
    // external deliver prefix.
    std::string new_deliver_subject() const;

    // ---- state, read and written by the core ----
    std::string consumer;              // the origin consumer now delivering (empty: none)
    std::uint64_t stream_sequence = 0;   // last origin sequence taken
    std::uint64_t delivery_sequence = 0; // last consumer sequence seen
    std::uint64_t lag = 0;
    std::int64_t last_heard_ns = 0;      // 0: never
    std::int64_t last_request_ns = 0;    // when a consumer was last asked for
    std::int64_t start_time_ns = 0;      // a source's fallback start (the stream's last message time)
    bool setup_in_progress = false;
    std::optional<ApiError> error;
    std::uint64_t deliver_subscription = 0;
    std::uint64_t reply_subscription = 0;
    std::uint64_t generation = 0;        // bumped by every setup: late answers and timers of an older one are ignored

private:
    Kind kind_;
    StreamSource config_;
    std::string index_name_;
};

}  // namespace nmk::jetstream
