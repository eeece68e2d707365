// The RocksDB stream store plugin: registers the backend "rocksdb" of kind jetstream.store
// 1.1 (messages and consumer records). JetStream uses it for file storage when its config
// says `jetstream { file_backend: rocksdb }`. The block takes the backend's defaults:
//   store_rocksdb { block_cache: 64MB, write_buffer: 16MB, compression: lz4 }
// Loaded without JetStream, start() fails: "kind not declared". The store's warnings and
// errors (failed writes, corrupt records) go to the server's log.

#include <memory>

#include <nats_sdk/kinds/stream_store_provider.hpp>
#include <nats_sdk/plugin.hpp>

#include "plugins/store_rocksdb/rocks_store.hpp"

namespace nats::store_rocksdb {

class Plugin final : public nats_sdk::Plugin {
public:
    Plugin(nats_sdk::Host& host, const nlohmann::json& config) : nats_sdk::Plugin(host), defaults_(read_block(config)) {}

    static void validate(const nlohmann::json& config) { read_block(config); }

    void start() override {
        nats_sdk::Host* h = &host();
        auto log = [h](nmk_log_level level, std::string_view line) {
            switch (level) {
                case NMK_LOG_ERROR: h->error("{}", line); break;
                case NMK_LOG_WARN: h->warn("{}", line); break;
                case NMK_LOG_INFO: h->info("{}", line); break;
                default: h->debug("{}", line); break;
            }
        };
        registration_ = nats_sdk::store::register_stream_store_backend(host(), "rocksdb",
                                                                      std::make_shared<RocksBackend>(defaults_, log));
    }

private:
    static RocksOptions read_block(const nlohmann::json& config) {
        nats_sdk::config::reject_unknown_keys(config, {"block_cache", "write_buffer", "compression"});
        try {
            return read_options(config.is_object() ? config.dump() : "{}", RocksOptions{});
        } catch (const nats_sdk::store::StoreError& e) {
            throw nats_sdk::ConfigError(std::string("store_rocksdb: ") + e.what());
        }
    }

    RocksOptions defaults_;
    // Kept until destroy: the kernel drops the table once stop() returned, after JetStream stopped.
    nats_sdk::store::StoreBackendRegistration registration_;
};

}  // namespace nats::store_rocksdb

NATS_SDK_PLUGIN(nats::store_rocksdb::Plugin, "store_rocksdb", "1.0.0", "JetStream stream store on RocksDB",
                "jetstream.store", "")
