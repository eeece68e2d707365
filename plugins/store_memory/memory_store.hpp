#pragma once
// The memory stream store: StoreBackend -> MemoryStore -> a handle on one MessageLog.
//
// A store keeps its streams (log, metadata, consumer records) until delete_stream or until the store is
// closed; closing a stream handle keeps them, so JetStream can reopen it. Nothing is
// written anywhere: root_dir is ignored, sync completes at once, a new store is empty.
//
// Threads (kinds/stream_store.h): calls on one stream are serialized by the caller and
// touch only that stream's log, without a lock. The store's table of streams has a mutex
// because a handle's destructor (close_stream) may run beside a store-level call; the
// metadata has its own, because list_streams may read it while write_meta runs.

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

#include <nats_sdk/kinds/stream_store.hpp>

#include "plugins/store_memory/message_log.hpp"

namespace nats::store_memory {

// A consumer record (jetstream.store 1.1): JetStream's config JSON and encoded state.
struct ConsumerRecord {
    std::string meta;
    std::string state;
};

// One stream's data, shared by the store's table and the open handle.
struct StreamData {
    MessageLog log;
    std::mutex meta_mutex;
    std::string meta;
    // Touched only through the open handle (serialized by the caller), like the log.
    std::map<std::string, ConsumerRecord, std::less<>> consumers;
    bool open = false;  // guarded by the store's mutex
};

class MemoryStore final : public nats_sdk::store::Store {
public:
    void list_streams(
        const std::function<void(std::string_view, std::string_view, std::string_view)>& found) override;
    // Refuses (INVALID_ARGUMENT) a stream that is open already: two handles would break the
    // one-caller-at-a-time rule the log relies on.
    std::unique_ptr<nats_sdk::store::Stream> open_stream(std::string_view account, std::string_view stream) override;
    // Refuses (INVALID_ARGUMENT) an open stream; an unknown one is already gone.
    void delete_stream(std::string_view account, std::string_view stream) override;

private:
    using Key = std::pair<std::string, std::string>;  // account, stream
    // Shared with the handles: one may close after the store went (used without the C table).
    std::shared_ptr<std::mutex> mutex_ = std::make_shared<std::mutex>();
    std::map<Key, std::shared_ptr<StreamData>> streams_;
};

class MemoryBackend final : public nats_sdk::store::StoreBackend {
public:
    // options_json must be a JSON object (its keys are ignored: there is nothing to sync).
    std::unique_ptr<nats_sdk::store::Store> open_store(std::string_view root_dir,
                                                       std::string_view options_json) override;
    // Consumer records too: the plugin registers jetstream.store 1.1.
    bool supports_consumer_records() const noexcept override { return true; }
};

}  // namespace nats::store_memory
