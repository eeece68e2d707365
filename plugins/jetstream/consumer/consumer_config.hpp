#pragma once
// A consumer's configuration: nats-server 2.9.10's ConsumerConfig (server/consumer.go),
// read from request JSON the way Go's encoding/json reads it, written back in its bytes,
// defaulted as setConsumerConfigDefaults and checked as checkConsumerCfg and
// checkNewConsumerConfig (what an update may change).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nats_sdk/go_json.hpp>
#include <nlohmann/json.hpp>

#include "api/api_error.hpp"
#include "stream/stream_config.hpp"

namespace nmk::jetstream {

enum class DeliverPolicy { all, last, new_only, by_start_sequence, by_start_time, last_per_subject };
enum class AckPolicy { none, all, explicit_ack };
enum class ReplayPolicy { instant, original };

// A time.Time as Go reads RFC 3339 and writes it back (RFC3339Nano, its offset kept).
// Seconds and nanoseconds apart, as Go keeps them: Go reads any year from 0000 to 9999,
// and Unix nanoseconds in 64 bits only reach 1677 to 2262.
struct GoTime {
    std::int64_t unix_seconds = 0;
    std::int32_t nanos = 0;  // 0 to 999,999,999
    int offset_minutes = 0;  // east of UTC; the text ends in Z when 0 and written as Z
    bool utc = true;
    // Unix nanoseconds, held at the int64 range's ends for times beyond it (a start time
    // before 1677 is before every message, one after 2262 after every message).
    std::int64_t unix_ns() const noexcept;
    static GoTime from_unix_ns(std::int64_t unix_ns) noexcept;  // in UTC
    friend bool operator==(const GoTime&, const GoTime&) = default;
};
// Throws std::invalid_argument on text Go's time.Parse(RFC3339) refuses.
GoTime parse_go_time(std::string_view text);
std::string format_go_time(const GoTime& t);

struct ConsumerConfig {
    std::string durable;
    std::string name;
    std::string description;
    DeliverPolicy deliver_policy = DeliverPolicy::all;
    std::uint64_t opt_start_seq = 0;
    std::optional<GoTime> opt_start_time;
    AckPolicy ack_policy = AckPolicy::none;
    std::int64_t ack_wait_ns = 0;
    std::int64_t max_deliver = 0;
    std::vector<std::int64_t> backoff_ns;
    std::string filter_subject;
    ReplayPolicy replay_policy = ReplayPolicy::instant;
    std::uint64_t rate_limit_bps = 0;
    std::string sample_freq;
    std::int64_t max_waiting = 0;
    std::int64_t max_ack_pending = 0;
    std::int64_t idle_heartbeat_ns = 0;
    bool flow_control = false;
    bool headers_only = false;
    std::int64_t max_batch = 0;
    std::int64_t max_expires_ns = 0;
    std::int64_t max_bytes = 0;
    std::string deliver_subject;
    std::string deliver_group;
    std::int64_t inactive_threshold_ns = 0;
    std::int64_t replicas = 0;
    bool mem_storage = false;
    bool direct = false;

    bool is_durable() const noexcept { return !durable.empty(); }
    bool is_push() const noexcept { return !deliver_subject.empty(); }
    bool is_pull() const noexcept { return deliver_subject.empty(); }

    friend bool operator==(const ConsumerConfig&, const ConsumerConfig&) = default;
};

// Go's json.Unmarshal into ConsumerConfig. Throws std::invalid_argument.
ConsumerConfig consumer_config_from_json(const nlohmann::ordered_json& json);
// Marshal, in ConsumerConfig's member order with its omitempty rules.
void write_consumer_config(nats_sdk::GoJsonWriter& w, const ConsumerConfig& config);

std::string_view to_string(DeliverPolicy p);
std::string_view to_string(AckPolicy p);
std::string_view to_string(ReplayPolicy p);

// Server and account limits the defaults and checks use (JSLimitOpts, account limits).
struct ConsumerLimits {
    std::int64_t server_max_ack_pending = 0;
    std::int64_t server_max_request_batch = 0;
    std::int64_t account_max_ack_pending = 0;
};

// setConsumerConfigDefaults.
void set_consumer_defaults(ConsumerConfig& config, const ConsumerLimits& limits);

// checkConsumerCfg against the stream it is for (the filter must be inside the
// stream's subjects, the deliver subject must not feed the stream back, ...).
std::optional<ApiError> check_consumer_config(const ConsumerConfig& config, const StreamConfig& stream,
                                              const ConsumerLimits& limits);

// checkNewConsumerConfig: what an existing consumer's update may change. The text of
// the refusal (it becomes JSConsumerCreate's {err}); empty when allowed.
// `deliver_subject_in_use` says whether the old deliver subject still has subscribers.
std::optional<ApiError> check_consumer_update(const ConsumerConfig& current, const ConsumerConfig& requested,
                                              bool deliver_subject_in_use);

// Sample frequency as a percentage (0: no sampling), from "50" or "50%".
int sample_percent(std::string_view sample_freq);

}  // namespace nmk::jetstream
