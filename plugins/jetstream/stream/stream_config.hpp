#pragma once
// A stream's configuration: nats-server 2.9.10's StreamConfig (server/stream.go), read
// from request JSON the way Go's encoding/json reads it, written back in its bytes, and
// checked and defaulted as checkStreamCfg does.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nats_sdk/go_json.hpp>
#include <nlohmann/json.hpp>

#include "api/api_error.hpp"

namespace nmk::jetstream {

enum class Retention { limits, interest, workqueue };
enum class Discard { old_messages, new_messages };
enum class Storage { unset, file, memory };

struct ExternalStream {
    std::string api;
    std::string deliver;
    friend bool operator==(const ExternalStream&, const ExternalStream&) = default;
};

struct StreamSource {
    std::string name;
    std::uint64_t opt_start_seq = 0;
    std::string opt_start_time;  // RFC 3339 as given; empty: none
    std::string filter_subject;
    std::optional<ExternalStream> external;
    friend bool operator==(const StreamSource&, const StreamSource&) = default;
};

struct Placement {
    std::string cluster;
    std::vector<std::string> tags;
    friend bool operator==(const Placement&, const Placement&) = default;
};

struct RePublish {
    std::string source;
    std::string destination;
    bool headers_only = false;
    friend bool operator==(const RePublish&, const RePublish&) = default;
};

struct StreamConfig {
    std::string name;
    std::string description;
    std::vector<std::string> subjects;
    Retention retention = Retention::limits;
    std::int64_t max_consumers = 0;
    std::int64_t max_msgs = 0;
    std::int64_t max_bytes = 0;
    std::int64_t max_age_ns = 0;
    std::int64_t max_msgs_per_subject = 0;
    std::int32_t max_msg_size = 0;
    Discard discard = Discard::old_messages;
    Storage storage = Storage::unset;
    std::int64_t replicas = 0;
    bool no_ack = false;
    std::string template_owner;
    std::int64_t duplicate_window_ns = 0;
    std::optional<Placement> placement;
    std::optional<StreamSource> mirror;
    std::vector<StreamSource> sources;
    std::optional<RePublish> republish;
    bool allow_direct = false;
    bool mirror_direct = false;
    bool discard_new_per_subject = false;
    bool sealed = false;
    bool deny_delete = false;
    bool deny_purge = false;
    bool allow_rollup = false;

    friend bool operator==(const StreamConfig&, const StreamConfig&) = default;
};

// Go's json.Unmarshal into StreamConfig: member names matched case-insensitively,
// unknown members ignored, null leaves the zero value; a wrong type or an unknown enum
// text is an error. Throws std::invalid_argument (the API answers "invalid JSON").
StreamConfig stream_config_from_json(const nlohmann::ordered_json& json);

// Marshal, in StreamConfig's member order with its omitempty rules.
void write_stream_config(nats_sdk::GoJsonWriter& w, const StreamConfig& config);

std::string_view to_string(Retention r);
std::string_view to_string(Discard d);
std::string_view to_string(Storage s);

// isValidName: not empty, none of " \t\r\n\f.*>".
bool is_valid_stream_name(std::string_view name);

}  // namespace nmk::jetstream
