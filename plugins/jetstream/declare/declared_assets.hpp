#pragma once
// Streams, consumers, KV buckets and object stores declared in the server config (beyond
// nats-server): the `jetstream { streams: [...], consumers: [...], kv: [...],
// object_stores: [...] }` lists read into the configs the JetStream API would receive.
// JetStream creates what is missing at start-up and on every SIGHUP, updates what changed
// where the API allows it, reports what cannot change, and deletes nothing
// (declare/reconcile.cpp). `-t` checks the lists without touching any data.
//
// Each item is written as the API's JSON config, with two conveniences: durations may be
// Go durations ("24h", "90s") as well as nanoseconds, and sizes as the config file's
// sizes (1GB), which the kernel has already turned into bytes. `account` says whose
// asset it is (default: the global account, $G). A KV bucket or object store takes the
// settings the official clients give them (nats.go 1.22's CreateKeyValue and
// CreateObjectStore), so a client that creates the same bucket finds it identical.

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "consumer/consumer_config.hpp"
#include "stream/stream_config.hpp"

namespace nmk::jetstream {

struct DeclaredStream {
    std::string account;
    std::string where;  // "jetstream.streams[0]", for messages
    StreamConfig config;
};

struct DeclaredConsumer {
    std::string account;
    std::string where;
    std::string stream;
    ConsumerConfig config;
};

struct DeclaredAssets {
    std::vector<DeclaredStream> streams;  // KV buckets and object stores as their streams
    std::vector<DeclaredConsumer> consumers;
    bool empty() const noexcept { return streams.empty() && consumers.empty(); }
};

// Throws nats_sdk::ConfigError naming the item ("config key 'jetstream.kv[1].ttl' ...").
// The configs are checked the way the API checks a request (checkStreamCfg with no other
// streams known, checkConsumerCfg against the declared stream when it is declared too).
DeclaredAssets read_declared_assets(const nlohmann::json& jetstream_block);

// The keys of the jetstream block this file reads.
bool is_declared_assets_key(const std::string& lowercase_key);

}  // namespace nmk::jetstream
