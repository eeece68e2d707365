// The stream store contract suite against the SDK's store example, loaded from its
// shared library on a FakeHost that declared jetstream.store (as JetStream does).

#include <gtest/gtest.h>

#include "nats_sdk/testing/stream_store_contract.hpp"

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

}  // namespace
