#pragma once
// natscli 0.0.35's key-value reports: bucket status ("Information for
// Key-Value Store Bucket ..."), a value, a key's history and the bucket list.
// Pure functions over the JetStream API's JSON and plain entry fields.
#include <cstdint>
#include <string>
#include <vector>

#include "jetstream_api.hpp"
#include "timestamps.hpp"

namespace nats::cli {

// One revision of a key, as the KV API hands it over.
struct kv_entry_view {
    std::string bucket;
    std::string key;
    std::string value;
    std::uint64_t revision = 0;
    timestamp created;
    std::string operation;  // "PUT", "DELETE", "PURGE"
};

// The bucket's status from its stream's STREAM.INFO reply.
std::string render_kv_status(const std::string& bucket, const ordered_json& stream_info);

// `kv get` without --raw.
std::string render_kv_entry(const kv_entry_view& entry);

// `kv history`: the "History for <bucket> > <key>" table.
std::string render_kv_history(const std::string& bucket, const std::string& key,
                              const std::vector<kv_entry_view>& history);

// `kv ls`: the "Key-Value Buckets" table of the buckets' stream infos, smallest first.
std::string render_kv_buckets(std::vector<ordered_json> stream_infos, timestamp now);

// natscli's base64IfNotPrintable: the text when every character is printable
// ASCII, else its base64.
std::string base64_if_not_printable(const std::string& value);

// A long value shortened for a table: its first and last 15 characters.
std::string abbreviate_value(const std::string& value);

} // namespace nats::cli
