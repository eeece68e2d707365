#pragma once
// The consumer flags of natscli 0.0.35 (addCreateFlags for `consumer add`,
// `edit` and `copy`) and the ConsumerConfig they make. natscli prompts for
// what is missing; this build never prompts: a missing value takes the
// prompt's default ("all", explicit acks for pull and none for push, instant
// replay, unlimited deliveries), except the consumer name, which is required
// unless --ephemeral or --config gives it.
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "flags.hpp"
#include "jetstream_api.hpp"

namespace nats::cli {

struct consumer_settings {
    std::string ack_policy;
    std::int64_t bps = 0;
    std::string backoff_mode;
    std::int64_t backoff_steps = 10;
    std::chrono::nanoseconds backoff_min = std::chrono::minutes(1);
    std::chrono::nanoseconds backoff_max = std::chrono::minutes(20);
    std::string start_policy;
    std::string deliver_group = "_unset_";
    std::string description;
    bool ephemeral = false;
    std::string filter = "_unset_";
    bool flow_control = false;
    bool flow_control_set = false;
    std::string heartbeat;
    bool headers_only = false;
    bool headers_only_set = false;
    std::int64_t max_deliver = 0;
    std::int64_t max_ack_pending = -1;
    std::int64_t max_waiting = 0;
    std::int64_t max_pull_batch = 0;
    std::chrono::nanoseconds max_pull_expire{0};
    std::int64_t max_pull_bytes = 0;
    bool pull = false;
    std::string replay_policy;
    std::int64_t sample = -1;
    std::string target;
    std::chrono::nanoseconds ack_wait = -std::chrono::seconds(1);
    std::chrono::nanoseconds inactive_threshold{0};
    std::int64_t replicas = 0;
    bool memory = false;
    std::string config_file;
    std::string output_file;
    bool defaults = false;
};

// The flags of addCreateFlags; `edit` leaves out those a consumer cannot change.
void add_consumer_settings_flags(command& cmd, consumer_settings& s, bool edit);

// `consumer add`: the config for consumer `name` (empty with --ephemeral or
// when --config names it). Throws cli_error with natscli's wording.
ordered_json build_consumer_config(const std::string& name, const consumer_settings& s);

// `consumer edit`: `current` with the changed flags applied (or the --config file).
ordered_json edit_consumer_config(const ordered_json& current, const consumer_settings& s);

// `consumer copy`: the source's config as `destination` with the flags applied.
ordered_json copy_consumer_config(const ordered_json& source, const std::string& destination, const consumer_settings& s);

// jsm.go's LinearBackoffPeriods(steps, min, max).
std::vector<std::chrono::nanoseconds> linear_backoff(std::int64_t steps, std::chrono::nanoseconds min,
                                                     std::chrono::nanoseconds max);

// The config in jsm.go's api.ConsumerConfig field order, its omitempty rules applied.
ordered_json canonical_consumer_config(const ordered_json& config);

} // namespace nats::cli
