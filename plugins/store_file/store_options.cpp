#include "store_options.hpp"

#include <nlohmann/json.hpp>

#include "nats_sdk/go_time.hpp"
#include "nats_sdk/kinds/stream_store.hpp"

namespace store_file {

StoreOptions parse_store_options(std::string_view options_json) {
    using nats_sdk::store::StoreError;
    StoreOptions options;
    if (options_json.empty()) return options;
    const nlohmann::json json = nlohmann::json::parse(options_json, nullptr, false);
    if (json.is_discarded() || !json.is_object()) {
        throw StoreError(NMK_STORE_INVALID_ARGUMENT, "file store options: not a JSON object");
    }
    if (const auto sync = json.find("sync"); sync != json.end()) {
        if (!sync->is_string()) throw StoreError(NMK_STORE_INVALID_ARGUMENT, "file store option sync: not a string");
        const std::string value = sync->get<std::string>();
        if (value == "batch") {
            options.sync = SyncMode::batch;
        } else if (value == "always") {
            options.sync = SyncMode::always;
        } else {
            std::string error;
            const auto interval = nats_sdk::parse_go_duration(value, &error);
            if (!interval) {
                throw StoreError(NMK_STORE_INVALID_ARGUMENT,
                                 "file store option sync: want batch, always or a duration: " + error);
            }
            if (interval->count() <= 0) {
                throw StoreError(NMK_STORE_INVALID_ARGUMENT, "file store option sync: the interval must be positive");
            }
            options.sync = SyncMode::lazy;
            options.interval = *interval;
        }
    }
    if (const auto size = json.find("block_size"); size != json.end()) {
        if (!size->is_number_unsigned() || size->get<std::uint64_t>() < min_block_size ||
            size->get<std::uint64_t>() > 0x7FFFFFFFu) {
            throw StoreError(NMK_STORE_INVALID_ARGUMENT,
                             "file store option block_size: want a byte count from 4096 to 2147483647");
        }
        options.block_size = size->get<std::uint64_t>();
    }
    if (const auto cache = json.find("cache_bytes"); cache != json.end()) {
        if (!cache->is_number_unsigned()) {
            throw StoreError(NMK_STORE_INVALID_ARGUMENT, "file store option cache_bytes: want a byte count");
        }
        options.cache_bytes = cache->get<std::uint64_t>();
    }
    return options;
}

}  // namespace store_file
