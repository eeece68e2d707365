#pragma once
// The file store backend ("file"): StoreBackend opens a FileStore per root directory;
// a FileStore lists, opens and deletes the streams under it, laid out as nats-server
// lays out its store directory:
//
//   <root>/<account>/streams/<stream>/meta.inf      the stream's metadata (meta_file.hpp)
//   <root>/<account>/streams/<stream>/msgs/<n>.blk  its block files (block_file.hpp)
//
// Threads: store-level calls are serialized by the caller; streams run on their own
// callers' threads; the syncer thread belongs to the store (syncer.hpp).

#include <memory>
#include <string>
#include <string_view>

#include "file_io.hpp"
#include "nats_sdk/kinds/stream_store.hpp"
#include "store_context.hpp"

namespace store_file {

class FileStoreBackend final : public nats_sdk::store::StoreBackend {
public:
    // `log` receives the store's warnings and errors (torn tails, corrupt records, a
    // failed sync); `io` is replaced by tests only.
    explicit FileStoreBackend(LogSink log = {}, std::shared_ptr<FileIo> io = system_file_io())
        : log_(std::move(log)), io_(std::move(io)) {}

    std::unique_ptr<nats_sdk::store::Store> open_store(std::string_view root_dir,
                                                       std::string_view options_json) override;
    // Consumer records under <stream>/obs/ (consumer_records.hpp): jetstream.store 1.1.
    bool supports_consumer_records() const noexcept override { return true; }

private:
    LogSink log_;
    std::shared_ptr<FileIo> io_;
};

class FileStore final : public nats_sdk::store::Store {
public:
    explicit FileStore(std::shared_ptr<StoreContext> context) : context_(std::move(context)) {}

    void list_streams(const std::function<void(std::string_view account, std::string_view stream,
                                               std::string_view meta)>& found) override;
    std::unique_ptr<nats_sdk::store::Stream> open_stream(std::string_view account, std::string_view stream) override;
    void delete_stream(std::string_view account, std::string_view stream) override;

    // For tests and benchmarks: the shared state (syncer counters, failed()).
    StoreContext& context() noexcept { return *context_; }

private:
    std::string stream_dir(std::string_view account, std::string_view stream) const;

    std::shared_ptr<StoreContext> context_;
};

}  // namespace store_file
