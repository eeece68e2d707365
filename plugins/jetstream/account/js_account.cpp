#include "account/js_account.hpp"

#include <stdexcept>

namespace nmk::jetstream {

namespace {

std::int64_t integer(const nlohmann::json& v, const std::string& key) {
    if (!v.is_number_integer()) throw std::invalid_argument("jetstream key '" + key + "' must be a number");
    return v.get<std::int64_t>();
}

}  // namespace

std::optional<AccountLimits> AccountLimits::from_account_config(const nlohmann::json& js) {
    AccountLimits limits;
    if (js.is_null()) return std::nullopt;
    if (js.is_boolean()) return js.get<bool>() ? std::optional(limits) : std::nullopt;
    if (js.is_string()) {
        const auto s = js.get<std::string>();
        if (s == "enabled" || s == "enable") return limits;
        if (s == "disabled" || s == "disable") return std::nullopt;
        throw std::invalid_argument("jetstream must be 'enabled' or 'disabled', got '" + s + "'");
    }
    if (!js.is_object()) throw std::invalid_argument("jetstream must be a block, a bool or a string");
    // nats-server's parseJetStreamForAccount keys (case-insensitive there too).
    for (const auto& [raw_key, v] : js.items()) {
        std::string key = raw_key;
        for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (key == "max_memory" || key == "max_mem" || key == "mem" || key == "memory") limits.max_memory = integer(v, key);
        else if (key == "max_file" || key == "max_store" || key == "file" || key == "store") limits.max_store = integer(v, key);
        else if (key == "max_streams" || key == "streams") limits.max_streams = integer(v, key);
        else if (key == "max_consumers" || key == "consumers") limits.max_consumers = integer(v, key);
        else if (key == "max_ack_pending") limits.max_ack_pending = integer(v, key);
        else if (key == "max_bytes_required" || key == "max_stream_bytes_required") {
            if (!v.is_boolean()) throw std::invalid_argument("jetstream key '" + key + "' must be a bool");
            limits.max_bytes_required = v.get<bool>();
        } else if (key == "mem_max_stream_bytes" || key == "memory_max_stream_bytes") limits.memory_max_stream_bytes = integer(v, key);
        else if (key == "disk_max_stream_bytes" || key == "store_max_stream_bytes") limits.store_max_stream_bytes = integer(v, key);
    }
    return limits;
}

std::uint64_t JsAccount::memory_bytes() const {
    std::uint64_t total = 0;
    for (const auto& [name, s] : streams_) {
        if (s->config().storage == Storage::memory) total += s->store().state().bytes;
    }
    return total;
}

std::uint64_t JsAccount::store_bytes() const {
    std::uint64_t total = 0;
    for (const auto& [name, s] : streams_) {
        if (s->config().storage != Storage::memory) total += s->store().state().bytes;
    }
    return total;
}

std::uint64_t JsAccount::consumer_count() const {
    std::uint64_t n = 0;
    for (const auto& [name, stream] : streams_) n += stream->public_consumer_count();
    return n;
}

}  // namespace nmk::jetstream
