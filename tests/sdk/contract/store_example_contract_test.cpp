// The stream store contract suite against the SDK's store example, loaded from its shared
// library on a FakeHost that declared jetstream.store (as JetStream does), and against a
// persistent backend made of the suite's own reference model (persistent_reference_store.hpp),
// which exercises the suite's reopen and corruption tests before a real file store does.
// (The suite is included by this one source file of sdk_contract.)

#include <gtest/gtest.h>

#include "nats_sdk/testing/stream_store_contract.hpp"
#include "persistent_reference_store.hpp"

namespace {

using nats_sdk::testing::StreamStoreContract;
using nats_sdk::testing::StreamStoreContractCase;

INSTANTIATE_TEST_SUITE_P(
    Examples, StreamStoreContract,
    ::testing::Values(StreamStoreContractCase{
        .name = "store_example",
        .factory = [] { return nats_sdk::testing::load_stream_store_plugin(NATS_SDK_STORE_EXAMPLE, "{}", "example"); },
        .options_json = "{}",
        .persistent = false,
        .message_bytes = nats_sdk::testing::memory_store_bytes,
        .corrupt = nullptr}),
    nats_sdk::testing::case_name);

INSTANTIATE_TEST_SUITE_P(
    SuiteCheck, StreamStoreContract,
    ::testing::Values(StreamStoreContractCase{
        .name = "persistent_reference",
        .factory = [] { return nats_sdk::testing::through_table(std::make_shared<persistent_reference::FileBackend>()); },
        .options_json = R"({"sync": "always"})",
        .persistent = true,
        .message_bytes = nats_sdk::testing::file_store_bytes,
        .corrupt = persistent_reference::corrupt}),
    nats_sdk::testing::case_name);

}  // namespace
