#pragma once
// The file store's options (open_store's options_json): {"sync": "batch" | "always" |
// "<Go duration>", "block_size": <bytes>, "cache_bytes": <bytes>}. Unknown keys are
// ignored, as the contract says.

#include <chrono>
#include <cstdint>
#include <string_view>

namespace store_file {

enum class SyncMode {
    batch,   // group commit: sync() waits for an fdatasync that covers every earlier append
    always,  // every append fdatasyncs before it returns
    lazy,    // a timer fdatasyncs every `interval`; sync() completes at once
};

inline constexpr std::uint64_t default_block_size = 8 * 1024 * 1024;
// Small blocks make tests roll often; below this a block would hold too few records.
inline constexpr std::uint64_t min_block_size = 4096;
// About 7 full blocks of 128-byte messages (12 bytes each in a cache).
inline constexpr std::uint64_t default_cache_bytes = 4 * 1024 * 1024;

struct StoreOptions {
    SyncMode sync = SyncMode::batch;
    std::chrono::nanoseconds interval{0};  // lazy mode only
    std::uint64_t block_size = default_block_size;
    // Memory per stream for the caches of full blocks (where each message is), beyond
    // which the least recently used are dropped; the active block's and the one just
    // loaded are always kept.
    std::uint64_t cache_bytes = default_cache_bytes;
};

// Throws StoreError(NMK_STORE_INVALID_ARGUMENT) naming the bad key.
StoreOptions parse_store_options(std::string_view options_json);

}  // namespace store_file
