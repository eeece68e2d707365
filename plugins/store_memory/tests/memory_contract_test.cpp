// The SDK's stream store contract suite against the memory store, twice: in process behind
// the C table its plugin registers, and from the plugin file on a FakeHost; and the
// ServiceContract every plugin passes, with jetstream.store declared as JetStream does.

#include <memory>

#include <nats_sdk/testing/service_contract.hpp>
#include <nats_sdk/testing/stream_store_contract.hpp>

#include "plugins/store_memory/memory_store.hpp"

namespace {

using nats_sdk::testing::ServiceContract;
using nats_sdk::testing::ServiceContractCase;
using nats_sdk::testing::StreamStoreContract;
using nats_sdk::testing::StreamStoreContractCase;

INSTANTIATE_TEST_SUITE_P(
    Memory, StreamStoreContract,
    ::testing::Values(
        StreamStoreContractCase{
            .name = "in_process",
            .factory = [] { return nats_sdk::testing::through_table(std::make_shared<nats::store_memory::MemoryBackend>()); },
            .options_json = R"({"sync": "always", "ignored": true})",
            .persistent = false,
            .message_bytes = nats_sdk::testing::memory_store_bytes,
            .corrupt = nullptr},
        StreamStoreContractCase{
            .name = "plugin",
            .factory = [] { return nats_sdk::testing::load_stream_store_plugin(STORE_MEMORY_PLUGIN, "{}", "memory"); },
            .options_json = "{}",
            .persistent = false,
            .message_bytes = nats_sdk::testing::memory_store_bytes,
            .corrupt = nullptr}),
    nats_sdk::testing::case_name);

INSTANTIATE_TEST_SUITE_P(Memory, ServiceContract,
                         ::testing::Values(ServiceContractCase{
                             .name = "store_memory",
                             .library_path = STORE_MEMORY_PLUGIN,
                             .config_json = "{}",
                             .invalid_configs = {R"({"max_bytes": 1})"},
                             .expected_subscriptions = {},
                             .declared_kinds = {{"jetstream.store", NMK_KIND_VERSION(1, 0)}}}),
                         nats_sdk::testing::case_name);

}  // namespace
