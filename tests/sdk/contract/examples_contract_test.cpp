// The SDK's contract suites, run against the example plugins loaded from their
// shared libraries (paths given by the build).

#include <gtest/gtest.h>

#include "nats_sdk/testing/authenticator_contract.hpp"
#include "nats_sdk/testing/service_contract.hpp"

namespace {

using nats_sdk::testing::AuthenticatorContract;
using nats_sdk::testing::AuthenticatorContractCase;
using nats_sdk::testing::AuthenticatorUnderTest;
using nats_sdk::testing::ServiceContract;
using nats_sdk::testing::ServiceContractCase;

constexpr const char* auth_config = R"({"users": [
    {"user": "alice", "password": "alice-Pa55word!", "account": "SALES"},
    {"user": "bob", "password": "bob-hunter2-xyz"},
    {"user": "émile", "password": "mot-de-passe-été", "account": "FR"}]})";

INSTANTIATE_TEST_SUITE_P(
    Examples, AuthenticatorContract,
    ::testing::Values(AuthenticatorContractCase{
        .name = "auth_example",
        .factory = [] { return AuthenticatorUnderTest::load(NATS_SDK_AUTH_EXAMPLE, auth_config); },
        .known_good = {{"alice", "alice-Pa55word!", "SALES"}, {"bob", "bob-hunter2-xyz", ""},
                       {"émile", "mot-de-passe-été", "FR"}},
        .unknown_users = {"mallory", "ALICE", "alice ", ""},
        .connect_for = {}}),
    nats_sdk::testing::case_name);

INSTANTIATE_TEST_SUITE_P(
    Examples, ServiceContract,
    ::testing::Values(
        ServiceContractCase{
            .name = "auth_example",
            .library_path = NATS_SDK_AUTH_EXAMPLE,
            .config_json = auth_config,
            .invalid_configs = {"{}", R"({"users": {}})", R"({"users": [{"user": "a"}]})",
                                R"({"users": [{"user": "a", "password": 5}]})",
                                R"({"users": [{"user": "a", "password": "x"}, {"user": "a", "password": "y"}]})",
                                R"({"users": [], "extra": 1})"},
            .expected_subscriptions = {}},
        ServiceContractCase{
            .name = "service_example",
            .library_path = NATS_SDK_SERVICE_EXAMPLE,
            .config_json = R"({"subject": "greet.>", "report_interval_ms": 1000})",
            .invalid_configs = {R"({"subject": 5})", R"({"subject": "a..b"})", R"({"report_interval_ms": 0})",
                                R"({"subjcet": "typo.>"})"},
            .expected_subscriptions = {"greet.>"}},
        ServiceContractCase{
            .name = "store_example",
            .library_path = NATS_SDK_STORE_EXAMPLE,
            .config_json = "{}",
            .invalid_configs = {R"({"root": "/tmp"})"},
            .expected_subscriptions = {},
            .declared_kinds = {{"jetstream.store", NMK_KIND_VERSION(1, 0)}}}),
    nats_sdk::testing::case_name);

}  // namespace
