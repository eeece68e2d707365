// The file stream store plugin: registers the backend "file" of kind jetstream.store 1.1
// (nats_sdk/kinds/stream_store.h) for JetStream's `storage: file` streams, its warnings
// (torn tails, corrupt records, failed syncs) going to the server's log.
//
// The kind belongs to JetStream, which declares it when it is created (before any plugin
// starts); this plugin registers in start() and is stopped after JetStream (the kernel
// stops a provider after the owner of the kind it fills), so JetStream's last syncs run.

#include <memory>

#include <nats_sdk/kinds/stream_store_provider.hpp>
#include <nats_sdk/plugin.hpp>

#include "file_store.hpp"

namespace store_file {

class Plugin final : public nats_sdk::Plugin {
public:
    Plugin(nats_sdk::Host& host, const nlohmann::json& config) : nats_sdk::Plugin(host) {
        nats_sdk::config::reject_unknown_keys(config, {});
    }

    void start() override {
        nats_sdk::Host* h = &host();
        auto backend = std::make_shared<FileStoreBackend>([h](nmk_log_level level, std::string_view line) {
            switch (level) {
                case NMK_LOG_ERROR: h->error("{}", line); break;
                case NMK_LOG_WARN: h->warn("{}", line); break;
                case NMK_LOG_INFO: h->info("{}", line); break;
                default: h->debug("{}", line); break;
            }
        });
        registration_ = nats_sdk::store::register_stream_store_backend(host(), "file", std::move(backend));
    }

private:
    // Kept until destroy: the kernel drops the table once stop() returned, after JetStream stopped.
    nats_sdk::store::StoreBackendRegistration registration_;
};

}  // namespace store_file

NATS_SDK_PLUGIN(store_file::Plugin, "store_file", "1.0.0", "JetStream stream store in checksummed block files",
                "jetstream.store", "")
