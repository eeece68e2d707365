#pragma once
// natscli 0.0.35's consumer layouts, rendered from the JetStream API's JSON:
// "Information for Consumer ...", the "Consumer report" table, the line
// printed per delivered message, and the names of the config enums. Pure
// functions of their inputs, so the layouts are unit tested.
#include <chrono>
#include <string>
#include <vector>

#include "jetstream_api.hpp"
#include "timestamps.hpp"

namespace nats::cli {

// jsm.go's names: "Explicit", "All", "None"; "Instant", "Original".
std::string ack_policy_name(const std::string& api_value);
std::string replay_policy_name(const std::string& api_value);

// The backoff list as natscli shows it: "1m0s, 2m0s" or, above 15 steps, the
// first and last five around "..." and "(N total)". "unset" when empty.
std::string render_backoff(const std::vector<std::chrono::nanoseconds>& steps);

// The whole report of a CONSUMER.INFO (or create) reply; `now` for the
// "Last delivery: ... ago" figures.
std::string render_consumer_info(const ordered_json& info, timestamp now);

// The reply as jsm.go's api.ConsumerInfo marshals it (--json).
ordered_json as_jsm_consumer_info(const ordered_json& info);

// renderCluster: the peers of a cluster block, the leader marked "*", peers
// not current "!", the common domain suffix dropped, sorted.
std::string render_cluster_peers(const ordered_json& cluster);

// The "Consumer report for STREAM with N consumers" table; `raw` shows
// unformatted numbers.
std::string render_consumer_report(const ordered_json& stream_info, const std::vector<ordered_json>& consumers, bool raw);

// The metadata a JetStream delivery's reply subject carries:
// $JS.ACK[.<domain>.<hash>].<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<nanos>.<pending>
struct delivery_metadata {
    std::string stream;
    std::string consumer;
    std::uint64_t delivered = 0;
    std::uint64_t stream_sequence = 0;
    std::uint64_t consumer_sequence = 0;
    std::int64_t timestamp_nanos = 0;
    std::uint64_t pending = 0;
};
// nullopt-like: false when the subject is not a JetStream ack subject.
bool parse_ack_subject(const std::string& reply, delivery_metadata& out);

// "[15:04:05] subj: S / tries: N / cons seq: N / str seq: N / pending: N"
std::string delivery_line(const std::string& clock, const std::string& subject, const delivery_metadata& m);

} // namespace nats::cli
