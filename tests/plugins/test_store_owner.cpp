// A stand-in for JetStream in the stream store's lifecycle, built with the SDK:
//  - declares the kind jetstream.store 1.0 in its constructor (create() runs for every
//    plugin before any start()), and `requires` store_memory, so the kernel starts the
//    store first and it finds the kind declared when it registers;
//  - in start() finds the backend "memory" (already registered) and opens a stream;
//  - answers "store.append" (payload stored, reply "seq N") and "store.load" (payload
//    is a sequence, reply the message or "not found");
//  - in stop() appends and reads back once more, through the provider, which the kernel
//    stops only after this plugin, and logs "store owner stop: N messages".
// A mutex serializes the stream's calls (they come from I/O threads; memory never blocks).

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include <nats_sdk/kinds/stream_store_client.hpp>
#include <nats_sdk/plugin.hpp>

namespace test_store_owner {

namespace store = nats_sdk::store;

class Plugin final : public nats_sdk::Plugin {
public:
    explicit Plugin(nats_sdk::Host& host) : nats_sdk::Plugin(host) {
        host.declare_kind(store::kind_name, nats_sdk::KindVersion{NMK_STREAM_STORE_MAJOR, NMK_STREAM_STORE_MINOR}.packed());
    }

    void start() override {
        backend_ = store::find_stream_store_backend(host(), "memory");
        if (!backend_) {
            throw nats_sdk::Error("no stream store \"memory\" is registered when start() runs");
        }
        store_ = backend_->open_store("", "{}");
        stream_ = store_->open_stream("$G", "CHECK");
        append_ = host().subscribe("store.append", [this](const nats_sdk::Message& m) {
            host().respond(m, "seq " + std::to_string(append(m.payload())));
        });
        load_ = host().subscribe("store.load", [this](const nats_sdk::Message& m) {
            std::string answer = "not found";
            const std::lock_guard lock(mutex_);
            stream_->load(std::stoull(std::string(m.payload())),
                          [&](const store::MessageView& v) { answer = std::string(v.payload); });
            host().respond(m, answer);
        });
    }

    void stop() override {
        append_.unsubscribe();
        load_.unsubscribe();
        const std::uint64_t seq = append("at stop");
        std::string back;
        {
            const std::lock_guard lock(mutex_);
            stream_->load(seq, [&](const store::MessageView& v) { back = std::string(v.payload); });
        }
        host().info("store owner stop: {} messages, read back '{}'", stream_->state().messages, back);
        stream_.reset();
        store_.reset();
        backend_.reset();
    }

private:
    std::uint64_t append(std::string_view payload) {
        const std::lock_guard lock(mutex_);
        const std::uint64_t seq = stream_->state().last_sequence + 1;
        stream_->append(seq, static_cast<std::int64_t>(seq), "check", "", payload);
        return seq;
    }

    std::mutex mutex_;
    std::shared_ptr<store::StoreBackend> backend_;
    std::unique_ptr<store::Store> store_;
    std::unique_ptr<store::Stream> stream_;
    nats_sdk::Subscription append_;
    nats_sdk::Subscription load_;
};

}  // namespace test_store_owner

NATS_SDK_PLUGIN(test_store_owner::Plugin, "test_store_owner", "1.0.0", "Stand-in JetStream for the stream store kind",
                "", "store_memory")
