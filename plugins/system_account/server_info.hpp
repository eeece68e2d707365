#pragma once
// The "server" object every system message carries (nats-server's ServerInfo:
// name, host, id, ver, seq, jetstream, time), with one sequence shared by all
// of this server's system messages, and the identity the request filters test.
//
// Threads: any; identity() is refreshed from the kernel's varz by refresh().
#include <atomic>
#include <mutex>
#include <string>

#include <nats_sdk/event_id.hpp>
#include <nats_sdk/go_json.hpp>

#include "plugins/monitoring/kernel_source.hpp"
#include "plugins/system_account/request_options.hpp"

namespace nats::system_account {

class ServerInfoSource {
public:
    explicit ServerInfoSource(monitoring::KernelSource& kernel) : kernel_(kernel) {}

    // Reads name, host, id, version, tags and whether JetStream runs (its /varz
    // section and domain). Called at start and with every STATSZ.
    void refresh();
    ServerIdentity identity() const;
    std::string server_id() const;
    bool jetstream_enabled() const;

    // Writes `"server": {...}` into an open object, taking the next sequence number.
    void write_member(nats_sdk::GoJsonWriter& w);

private:
    monitoring::KernelSource& kernel_;
    mutable std::mutex mutex_;
    ServerIdentity identity_;
    std::string id_, version_;
    bool jetstream_ = false;
    std::atomic<std::uint64_t> seq_{0};
};

// RFC 3339 with Go's trimmed nanoseconds, in UTC.
std::string now_text();
// TypedEvent's "id".
using nats_sdk::next_event_id;

}  // namespace nats::system_account
