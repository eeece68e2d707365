// How a third party runs the SDK's contract suites against its own plugin. The lines
// between the two "sdk/README.md" markers are the README's snippet, character for
// character (the sdk_readme_snippet test compares them), so the snippet compiles and
// passes here.

// sdk/README.md snippet begins
#include <nats_sdk/testing/authenticator_contract.hpp>
#include <nats_sdk/testing/service_contract.hpp>

// INSTANTIATE_TEST_SUITE_P pastes the suite name into identifiers: name it unqualified.
using nats_sdk::testing::AuthenticatorContract;
using nats_sdk::testing::ServiceContract;

// The plugin's file, from CMake: target_compile_definitions(my_tests PRIVATE
// MY_AUTH_PLUGIN="$<TARGET_FILE:my_auth>"); a bare "libmy_auth.so" is searched for in the
// system library folders, not next to the test.
const char* const plugin = MY_AUTH_PLUGIN;
const char* const config = R"({"users": [{"user": "ops", "password": "ops-Secret-42", "account": "OPS"}]})";

INSTANTIATE_TEST_SUITE_P(Mine, AuthenticatorContract, ::testing::Values(
    nats_sdk::testing::AuthenticatorContractCase{
        .name = "my_auth",
        .factory = [] { return nats_sdk::testing::AuthenticatorUnderTest::load(plugin, config); },
        .known_good = {{"ops", "ops-Secret-42", "OPS"}},
        .unknown_users = {"guest"},
        .connect_for = {}}),  // {}: CONNECT as {"user":..,"pass":..}
    nats_sdk::testing::case_name);
INSTANTIATE_TEST_SUITE_P(Mine, ServiceContract, ::testing::Values(
    nats_sdk::testing::ServiceContractCase{.name = "my_auth", .library_path = plugin,
                                           .config_json = config, .invalid_configs = {"{}"},
                                           .expected_subscriptions = {}}),
    nats_sdk::testing::case_name);
// sdk/README.md snippet ends
