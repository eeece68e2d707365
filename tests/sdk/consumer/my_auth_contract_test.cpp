// How a third party runs the SDK's contract suites against its own plugin.

#include <nats_sdk/testing/authenticator_contract.hpp>
#include <nats_sdk/testing/service_contract.hpp>

namespace {

// INSTANTIATE_TEST_SUITE_P pastes the suite name into identifiers: name it unqualified.
using nats_sdk::testing::AuthenticatorContract;
using nats_sdk::testing::ServiceContract;

constexpr const char* config = R"({"users": [{"user": "ops", "password": "ops-Secret-42", "account": "OPS"}]})";

INSTANTIATE_TEST_SUITE_P(
    MyAuth, AuthenticatorContract,
    ::testing::Values(nats_sdk::testing::AuthenticatorContractCase{
        .name = "my_auth",
        .factory = [] { return nats_sdk::testing::AuthenticatorUnderTest::load(MY_AUTH_PLUGIN, config); },
        .known_good = {{"ops", "ops-Secret-42", "OPS"}},
        .unknown_users = {"guest"},
        .connect_for = {}}),
    nats_sdk::testing::case_name);

INSTANTIATE_TEST_SUITE_P(MyAuth, ServiceContract,
                         ::testing::Values(nats_sdk::testing::ServiceContractCase{.name = "my_auth",
                                                                                  .library_path = MY_AUTH_PLUGIN,
                                                                                  .config_json = config,
                                                                                  .invalid_configs = {"{}"},
                                                                                  .expected_subscriptions = {}}),
                         nats_sdk::testing::case_name);

}  // namespace
