// The memory stream store plugin: registers the backend "memory" of kind jetstream.store
// 1.1 (nats_sdk/kinds/stream_store.h: messages and consumer records) for JetStream's
// `storage: memory` streams.
//
// The kind belongs to JetStream, which declares it when it is created (before any plugin
// starts) and lists this plugin in its `requires`, so this plugin starts first and is
// stopped after JetStream (the kernel stops a provider after the owner of the kind it
// fills). Loaded without JetStream, start() fails: "kind not declared".

#include <memory>

#include <nats_sdk/kinds/stream_store_provider.hpp>
#include <nats_sdk/plugin.hpp>

#include "plugins/store_memory/memory_store.hpp"

namespace nats::store_memory {

class Plugin final : public nats_sdk::Plugin {
public:
    Plugin(nats_sdk::Host& host, const nlohmann::json& config) : nats_sdk::Plugin(host) {
        nats_sdk::config::reject_unknown_keys(config, {});
    }

    void start() override {
        registration_ = nats_sdk::store::register_stream_store_backend(host(), "memory",
                                                                      std::make_shared<MemoryBackend>());
    }

private:
    // Kept until destroy: the kernel drops the table once stop() returned, after JetStream stopped.
    nats_sdk::store::StoreBackendRegistration registration_;
};

}  // namespace nats::store_memory

NATS_SDK_PLUGIN(nats::store_memory::Plugin, "store_memory", "1.0.0", "JetStream stream store in memory",
                "jetstream.store", "")
