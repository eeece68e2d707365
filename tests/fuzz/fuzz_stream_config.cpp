// JetStream's stream-create request decoder (plugins/jetstream/stream): any bytes as the
// body of $JS.API.STREAM.CREATE. Parsing never crashes; a config that passes
// checkStreamCfg writes Go's JSON that reads back to the same config.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <variant>

#include <nlohmann/json.hpp>

#include "stream/stream_check.hpp"
#include "stream/stream_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto doc = nlohmann::ordered_json::parse(text, nullptr, false);
    if (doc.is_discarded()) return 0;
    nmk::jetstream::StreamConfig config;
    try {
        config = nmk::jetstream::stream_config_from_json(doc);
    } catch (const std::invalid_argument&) {
        return 0;  // the API answers "invalid JSON"
    }
    nmk::jetstream::StreamCheckContext context;
    context.find_stream = [](std::string_view) { return std::optional<nmk::jetstream::StreamConfig>(); };
    const auto checked = nmk::jetstream::check_stream_config(config, context);
    if (const auto* good = std::get_if<nmk::jetstream::StreamConfig>(&checked)) {
        nats_sdk::GoJsonWriter w(false);
        nmk::jetstream::write_stream_config(w, *good);
        const auto back = nlohmann::ordered_json::parse(w.text(), nullptr, false);
        if (back.is_discarded()) std::abort();
        if (nmk::jetstream::stream_config_from_json(back) != *good) std::abort();
    }
    return 0;
}
