// The SDK's contract suites (AuthenticatorContract, ServiceContract) run against the
// authenticator plugins, loaded from their shared objects as the kernel loads them.
// A plugin that is not part of the build has no cases here.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "nats_sdk/testing/authenticator_contract.hpp"
#include "nats_sdk/testing/service_contract.hpp"
#include "tests/plugin_contracts/credentials.hpp"

namespace nats::plugin_tests {
namespace {

using nats_sdk::testing::AuthenticatorContract;
using nats_sdk::testing::AuthenticatorContractCase;
using nats_sdk::testing::AuthenticatorUnderTest;
using nats_sdk::testing::ClientFacts;
using nats_sdk::testing::ServiceContract;
using nats_sdk::testing::ServiceContractCase;
using nlohmann::json;

// A token has no user name: the "password" is the token.
std::string token_connect(std::string_view, std::string_view token) {
    return json{{"verbose", false}, {"auth_token", token}}.dump();
}

#ifdef NMK_PLUGIN_AUTH_TOKEN
const std::string token_config = R"({"authorization": {"token": "T0ken-plain-7e2d-secret", "timeout": 2}})";
const std::string token_bcrypt_config = json{{"authorization", {{"token", go_token_hash}}}}.dump();

INSTANTIATE_TEST_SUITE_P(
    AuthToken, AuthenticatorContract,
    ::testing::Values(
        AuthenticatorContractCase{
            .name = "auth_token",
            .factory = [] { return AuthenticatorUnderTest::load(NMK_PLUGIN_AUTH_TOKEN, token_config); },
            .known_good = {{"", "T0ken-plain-7e2d-secret", ""}},
            .unknown_users = {},
            .connect_for = token_connect},
        AuthenticatorContractCase{
            .name = "auth_token_bcrypt",
            .factory = [] { return AuthenticatorUnderTest::load(NMK_PLUGIN_AUTH_TOKEN, token_bcrypt_config); },
            .known_good = {{"", go_token, ""}},
            .unknown_users = {},
            .connect_for = token_connect}),
    nats_sdk::testing::case_name);

INSTANTIATE_TEST_SUITE_P(
    AuthToken, ServiceContract,
    ::testing::Values(ServiceContractCase{
        .name = "auth_token",
        .library_path = NMK_PLUGIN_AUTH_TOKEN,
        .config_json = token_config,
        .invalid_configs = {"{}", R"({"authorization": {}})", R"({"authorization": {"token": 5}})",
                            R"({"authorization": {"token": "t", "user": "u"}})",
                            R"({"authorization": {"token": "t", "users": []}})",
                            R"({"authorization": {"token": "t", "tokn": "typo"}})", R"({"token": "t", "extra": 1})",
                            R"({"authorization": {"token": "t"}, "no_auth_user": "z"})"},
        .expected_subscriptions = {}}),
    nats_sdk::testing::case_name);
#endif

#ifdef NMK_PLUGIN_AUTH_USERS
const std::string users_config = json{
    {"authorization",
     {{"default_permissions", {{"subscribe", "_INBOX.>"}}},
      {"users",
       {{{"user", "alice"}, {"password", "alice-Pa55word!"}, {"permissions", {{"publish", "orders.>"}}}},
        {{"user", "bob"}, {"password", bob_hash}},
        {{"user", "carol"}, {"password", go_password_hash}},
        {{"user", "émile"}, {"password", "mot-de-passe-été"}}}}}},
    {"accounts", {{"SALES", {{"users", {{{"user", "sam"}, {"password", "sam-S4les-pw-31"}}}}}}}}}.dump();
const std::string users_no_auth_config = json{
    {"authorization", {{"users", {{{"user", "alice"}, {"password", "alice-Pa55word!"}}, {{"user", "anon"}}}}}},
    {"no_auth_user", "anon"}}.dump();
const std::string single_user_config = R"({"authorization": {"user": "derek", "password": "derek-S1ngle-pw"}})";

INSTANTIATE_TEST_SUITE_P(
    AuthUsers, AuthenticatorContract,
    ::testing::Values(
        AuthenticatorContractCase{
            .name = "auth_users",
            .factory = [] { return AuthenticatorUnderTest::load(NMK_PLUGIN_AUTH_USERS, users_config); },
            .known_good = {{"alice", "alice-Pa55word!", ""},
                           {"bob", bob_password, ""},
                           {"carol", go_password, ""},
                           {"émile", "mot-de-passe-été", ""},
                           {"sam", "sam-S4les-pw-31", "SALES"}},
            .unknown_users = {"mallory", "ALICE", "alice ", "", "sam.SALES"},
            .connect_for = {}},
        AuthenticatorContractCase{
            .name = "auth_users_no_auth_user",
            .factory = [] { return AuthenticatorUnderTest::load(NMK_PLUGIN_AUTH_USERS, users_no_auth_config); },
            .known_good = {{"alice", "alice-Pa55word!", ""}},
            .unknown_users = {"mallory"},
            .connect_for = {}},
        AuthenticatorContractCase{
            .name = "auth_users_single",
            .factory = [] { return AuthenticatorUnderTest::load(NMK_PLUGIN_AUTH_USERS, single_user_config); },
            .known_good = {{"derek", "derek-S1ngle-pw", ""}},
            .unknown_users = {"Derek"},
            .connect_for = {}}),
    nats_sdk::testing::case_name);

INSTANTIATE_TEST_SUITE_P(
    AuthUsers, ServiceContract,
    ::testing::Values(ServiceContractCase{
        .name = "auth_users",
        .library_path = NMK_PLUGIN_AUTH_USERS,
        .config_json = users_config,
        .invalid_configs = {"{}", R"({"authorization": {"users": []}})", R"({"authorization": {"users": 5}})",
                            R"({"authorization": {"users": [{"password": "x"}]}})",
                            R"({"authorization": {"users": [{"user": "a"}, {"user": "a"}]}})",
                            R"({"authorization": {"users": [{"user": "a", "permissions": {"publish": 5}}]}})",
                            R"({"authorization": {"users": [{"user": "a"}]}, "no_auth_user": "b"})",
                            R"({"authorization": {"users": [{"user": "a"}]}, "bogus": 1})"},
        .expected_subscriptions = {}}),
    nats_sdk::testing::case_name);
#endif

#ifdef NMK_PLUGIN_AUTH_NKEY
// Fixed keys: A in the global account, B in SALES, C configured nowhere.
const nkeys::KeyPair& key_a() { static const auto k = user_key('a'); return k; }
const nkeys::KeyPair& key_b() { static const auto k = user_key('b'); return k; }
const nkeys::KeyPair& key_c() { static const auto k = user_key('c'); return k; }

std::string nkey_config() {
    return json{{"authorization", {{"users", {{{"nkey", key_a().public_key()}}}}}},
                {"accounts", {{"SALES", {{"users", {{{"nkey", key_b().public_key()}}}}}}}}}.dump();
}

ClientFacts nonce_facts() {
    ClientFacts facts;
    facts.nonce = "Tq3xk1M0v8jUa2e";
    return facts;
}

// CONNECT with the nonce signed by the "password" (a seed); a password that is no
// seed signs with key C, which is no key of the claimed user.
std::string nkey_connect(std::string_view nkey, std::string_view seed, const ClientFacts& client) {
    std::string signature;
    try {
        signature = nkeys::KeyPair::from_seed(seed).sign(client.nonce);
    } catch (const nkeys::Error&) {
        signature = key_c().sign(client.nonce);
    }
    return json{{"verbose", false}, {"nkey", nkey}, {"sig", nkeys::base64url_encode(signature)}}.dump();
}

INSTANTIATE_TEST_SUITE_P(
    AuthNkey, AuthenticatorContract,
    ::testing::Values(AuthenticatorContractCase{
        .name = "auth_nkey",
        .factory = [] { return AuthenticatorUnderTest::load(NMK_PLUGIN_AUTH_NKEY, nkey_config()); },
        .known_good = {{key_a().public_key(), key_a().seed(), ""}, {key_b().public_key(), key_b().seed(), "SALES"}},
        .unknown_users = {key_c().public_key(), "UNOTAKEY", "SUACSSL3UAHUDXKFSNVUZRF5UHPMWZ6BFDTJ7M6USDXIEDNPPQYYYCU3VY"},
        .connect_for = {},
        .client = nonce_facts(),
        .connect_for_client = nkey_connect}),
    nats_sdk::testing::case_name);

INSTANTIATE_TEST_SUITE_P(
    AuthNkey, ServiceContract,
    ::testing::Values(ServiceContractCase{
        .name = "auth_nkey",
        .library_path = NMK_PLUGIN_AUTH_NKEY,
        .config_json = nkey_config(),
        .invalid_configs = {"{}", R"({"authorization": {"users": [{"user": "a", "password": "b"}]}})",
                            R"({"authorization": {"users": [{"nkey": "UABC"}]}})",
                            json{{"authorization", {{"users", {{{"nkey", key_a().seed()}}}}}}}.dump(),
                            json{{"authorization", {{"users", {{{"nkey", key_a().public_key()}, {"user", "x"}}}}}}}.dump()},
        .expected_subscriptions = {}}),
    nats_sdk::testing::case_name);
#endif

}  // namespace
}  // namespace nats::plugin_tests
