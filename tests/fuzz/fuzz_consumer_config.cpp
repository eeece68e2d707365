// JetStream's consumer-create request decoder (plugins/jetstream/consumer): any bytes as
// the body of $JS.API.CONSUMER.CREATE (its "config", or the whole document when it has
// none). Decoding either works or throws std::invalid_argument (answered "invalid
// JSON"); a config that passes the defaults and checkConsumerCfg against a stream must
// write Go's JSON that reads back to the same config, and updating a consumer to its
// own config must be allowed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <nlohmann/json.hpp>

#include "consumer/consumer_config.hpp"

namespace {

const nmk::jetstream::StreamConfig& orders_stream() {
    static const nmk::jetstream::StreamConfig stream = [] {
        nmk::jetstream::StreamConfig s;
        s.name = "ORDERS";
        s.subjects = {"orders.>", "audit.*"};
        return s;
    }();
    return stream;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto doc = nlohmann::ordered_json::parse(text, nullptr, false);
    if (doc.is_discarded()) return 0;
    const auto* body = doc.is_object() && doc.contains("config") ? &doc["config"] : &doc;
    nmk::jetstream::ConsumerConfig config;
    try {
        config = nmk::jetstream::consumer_config_from_json(*body);
    } catch (const std::invalid_argument&) {
        return 0;
    }
    const nmk::jetstream::ConsumerLimits limits{.server_max_ack_pending = 0, .server_max_request_batch = 0,
                                                .account_max_ack_pending = 0};
    nmk::jetstream::set_consumer_defaults(config, limits);
    if (nmk::jetstream::check_consumer_config(config, orders_stream(), limits)) return 0;

    nats_sdk::GoJsonWriter w(false);
    nmk::jetstream::write_consumer_config(w, config);
    const auto back = nlohmann::ordered_json::parse(w.text(), nullptr, false);
    if (back.is_discarded()) std::abort();
    if (nmk::jetstream::consumer_config_from_json(back) != config) std::abort();
    if (nmk::jetstream::check_consumer_update(config, config, false)) std::abort();
    (void)nmk::jetstream::sample_percent(config.sample_freq);
    return 0;
}
