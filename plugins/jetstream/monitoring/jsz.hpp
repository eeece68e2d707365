#pragma once
// JetStream's monitoring pages, in nats-server 2.9.10's shapes: /jsz (Jsz with
// JSzOptions accounts, streams, config, acc), the `jetstream` section of /varz
// (config and stats) and /healthz. The monitoring plugin serves them through the
// HTTP endpoints the jetstream plugin registers; they are built on the worker.

#include <string>

#include <nats_sdk/go_query.hpp>

namespace nmk::jetstream {

class JetStreamCore;

struct JszOptions {
    bool accounts = false;
    bool streams = false;
    bool consumers = false;
    bool config = false;
    std::string account;  // acc=: one account only
};

JszOptions jsz_options(const nats_sdk::GoQuery& query);

// The /jsz body (indented, as nats-server's monitoring pages are).
std::string jsz_json(JetStreamCore& core, const std::string& server_id, const JszOptions& options);

// {"jetstream":{"config":{...},"stats":{...}}}, merged into /varz.
std::string varz_section_json(JetStreamCore& core);

}  // namespace nmk::jetstream
