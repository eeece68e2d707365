#pragma once
// One account's JetStream: its limits (from `jetstream` in its accounts block, or the
// server's defaults), its streams, and its API counters, as nats-server's jsAccount.
// Used from the JetStream worker thread only.

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "stream/stream.hpp"

namespace nmk::jetstream {

// JetStreamAccountLimits; -1 is "no limit" as nats-server writes it.
struct AccountLimits {
    std::int64_t max_memory = -1;
    std::int64_t max_store = -1;
    std::int64_t max_streams = -1;
    std::int64_t max_consumers = -1;
    std::int64_t max_ack_pending = -1;
    std::int64_t memory_max_stream_bytes = -1;
    std::int64_t store_max_stream_bytes = -1;
    bool max_bytes_required = false;

    // An accounts block's `jetstream` value as the kernel hands it over (true,
    // "enabled", "disabled", or a block with max_mem/max_memory, max_file/max_store,
    // max_streams, max_consumers, max_ack_pending, max_bytes_required, ...); nullopt when
    // it disables JetStream. Throws std::invalid_argument for a value it cannot read.
    static std::optional<AccountLimits> from_account_config(const nlohmann::json& jetstream);
};

class JsAccount {
public:
    JsAccount(std::string name, AccountLimits limits) : name_(std::move(name)), limits_(limits) {}

    const std::string& name() const noexcept { return name_; }
    const AccountLimits& limits() const noexcept { return limits_; }
    void set_limits(const AccountLimits& limits) { limits_ = limits; }

    std::map<std::string, std::unique_ptr<Stream>>& streams() noexcept { return streams_; }
    const std::map<std::string, std::unique_ptr<Stream>>& streams() const noexcept { return streams_; }
    Stream* find(const std::string& stream) {
        auto it = streams_.find(stream);
        return it == streams_.end() ? nullptr : it->second.get();
    }

    // Bytes stored, per storage kind.
    std::uint64_t memory_bytes() const;
    std::uint64_t store_bytes() const;
    // Consumers over all streams.
    std::uint64_t consumer_count() const;

    std::uint64_t api_total = 0;
    std::uint64_t api_errors = 0;

private:
    std::string name_;
    AccountLimits limits_;
    std::map<std::string, std::unique_ptr<Stream>> streams_;  // sorted: NAMES and LIST are sorted
};

}  // namespace nmk::jetstream
