// The memory store around its logs, and the plugin's registration: what the contract suite
// leaves to each backend (one handle per stream, deleting an open stream) and how the
// plugin meets the kernel's rule that a kind is declared before providers register.

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include <nats_sdk/kinds/stream_store_client.hpp>
#include <nats_sdk/testing/fake_host.hpp>
#include <nats_sdk/testing/plugin_loader.hpp>

#include "plugins/store_memory/memory_store.hpp"

namespace nats::store_memory {
namespace {

using nats_sdk::store::StoreError;
using nats_sdk::testing::FakeHost;
using nats_sdk::testing::PluginError;
using nats_sdk::testing::PluginInstance;
using nats_sdk::testing::PluginLibrary;

nmk_store_status status_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const StoreError& e) {
        return e.store_status();
    }
    return NMK_STORE_OK;
}

TEST(MemoryStore, AStreamHasOneHandleAtATime) {
    MemoryBackend backend;
    auto store = backend.open_store("", "{}");
    auto first = store->open_stream("ACC", "S");
    EXPECT_EQ(status_of([&] { store->open_stream("ACC", "S"); }), NMK_STORE_INVALID_ARGUMENT);
    first->append(1, 1, "a", "", "p");
    first.reset();
    auto again = store->open_stream("ACC", "S");
    EXPECT_EQ(again->state().messages, 1u) << "closing a handle keeps the stream";
}

TEST(MemoryStore, AnOpenStreamCannotBeDeleted) {
    MemoryBackend backend;
    auto store = backend.open_store("", "{}");
    auto s = store->open_stream("ACC", "S");
    EXPECT_EQ(status_of([&] { store->delete_stream("ACC", "S"); }), NMK_STORE_INVALID_ARGUMENT);
    s.reset();
    EXPECT_EQ(status_of([&] { store->delete_stream("ACC", "S"); }), NMK_STORE_OK);
}

TEST(MemoryStore, AHandleMayOutliveItsStore) {
    MemoryBackend backend;
    auto store = backend.open_store("", "{}");
    auto s = store->open_stream("ACC", "S");
    store.reset();
    s->append(1, 1, "a", "", "p");
    EXPECT_EQ(s->state().messages, 1u);
}

TEST(MemoryStorePlugin, RegistersTheMemoryBackendOnceJetStreamDeclaredTheKind) {
    PluginLibrary library(STORE_MEMORY_PLUGIN);
    EXPECT_STREQ(library.descriptor().provides, "jetstream.store");
    FakeHost host;
    const nmk_host_api* api = host.api();
    ASSERT_EQ(api->declare_kind(api->host, nats_sdk::to_nmk("jetstream.store"), NMK_KIND_VERSION(1, 3)), NMK_OK);
    PluginInstance instance(library.descriptor(), api, "{}");
    instance.start();
    std::uint32_t version = 0;
    const void* table = api->find_extension_versioned(api->host, nats_sdk::to_nmk("jetstream.store"),
                                                      NMK_KIND_VERSION(1, 0), nats_sdk::to_nmk("memory"), &version);
    ASSERT_NE(table, nullptr);
    EXPECT_EQ(version, NMK_KIND_VERSION(1, 1)) << "with consumer records";
    auto backend = nats_sdk::store::wrap_stream_store_table(static_cast<const nmk_stream_store_table*>(table));
    auto store = backend->open_store("", "{}");
    auto stream = store->open_stream("ACC", "S");
    stream->append(1, 1, "a", "", "through the plugin");
    std::string payload;
    stream->load(1, [&](const nats_sdk::store::MessageView& m) { payload = m.payload; });
    EXPECT_EQ(payload, "through the plugin");
    ASSERT_TRUE(backend->supports_consumer_records());
    stream->consumer_put("C", "{}", "state");
    int records = 0;
    stream->consumer_list([&](const nats_sdk::store::ConsumerRecordView& r) { records += r.state == "state"; });
    EXPECT_EQ(records, 1);
}

TEST(MemoryStorePlugin, StartFailsWhenTheKindIsNotDeclared) {
    PluginLibrary library(STORE_MEMORY_PLUGIN);
    FakeHost host;
    PluginInstance instance(library.descriptor(), host.api(), "{}");
    try {
        instance.start();
        FAIL() << "started without the kind declared";
    } catch (const PluginError& e) {
        EXPECT_NE(std::string(e.what()).find("jetstream.store"), std::string::npos) << e.what();
    }
}

TEST(MemoryStorePlugin, RefusesAnotherMajorOfTheKind) {
    PluginLibrary library(STORE_MEMORY_PLUGIN);
    FakeHost host;
    const nmk_host_api* api = host.api();
    ASSERT_EQ(api->declare_kind(api->host, nats_sdk::to_nmk("jetstream.store"), NMK_KIND_VERSION(2, 0)), NMK_OK);
    PluginInstance instance(library.descriptor(), api, "{}");
    EXPECT_THROW(instance.start(), PluginError);
}

TEST(MemoryStorePlugin, RefusesConfigKeys) {
    PluginLibrary library(STORE_MEMORY_PLUGIN);
    FakeHost host;
    EXPECT_THROW(PluginInstance(library.descriptor(), host.api(), R"({"max_bytes": 5})"), PluginError);
}

}  // namespace
}  // namespace nats::store_memory
