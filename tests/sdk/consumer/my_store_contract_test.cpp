// A third party's stream store (the installed store_example source, built here as
// my_store) running the SDK's stream store contract suite from the installed package.
#include <nats_sdk/testing/stream_store_contract.hpp>

using nats_sdk::testing::StreamStoreContract;

INSTANTIATE_TEST_SUITE_P(Mine, StreamStoreContract, ::testing::Values(
    nats_sdk::testing::StreamStoreContractCase{
        .name = "my_store",
        .factory = [] { return nats_sdk::testing::load_stream_store_plugin(MY_STORE_PLUGIN, "{}", "example"); },
        .options_json = "{}",
        .persistent = false,                                  // a file store: true, with .corrupt set
        .message_bytes = nats_sdk::testing::memory_store_bytes,  // what its state().bytes counts
        .corrupt = nullptr}),
    nats_sdk::testing::case_name);
