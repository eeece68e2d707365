// What auth_token does beyond the contract: the chain rules, bcrypt answered
// later, flags, reload and its refusals.
#include <gtest/gtest.h>

#include "tests/plugin_contracts/credentials.hpp"
#include "tests/plugin_contracts/plugin_fixture.hpp"

namespace nats::plugin_tests {
namespace {

const std::string path = NMK_PLUGIN_AUTH_TOKEN;
const json plain = json::parse(R"({"authorization": {"token": "T0ken-plain-7e2d-secret"}})");

TEST(AuthToken, DefersWithoutAToken) {
    LoadedPlugin p(path, plain);
    EXPECT_FALSE(p.needs_nonce());
    for (const char* connect : {"{}", R"({"user": "a", "pass": "b"})", R"({"auth_token": ""})",
                                R"({"auth_token": null})", R"({"nkey": "UABC", "sig": "x"})", "not json", "[]"}) {
        EXPECT_EQ(p.ask_text(connect).decision, NMK_AUTH_DEFER) << connect;
    }
}

TEST(AuthToken, AllowsTheTokenIntoTheGlobalAccount) {
    LoadedPlugin p(path, plain);
    const auto answer = p.ask({{"auth_token", "T0ken-plain-7e2d-secret"}, {"user", "ignored"}});
    EXPECT_EQ(answer.decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(answer.account, "");
    EXPECT_EQ(answer.user, "");
    EXPECT_EQ(answer.permissions_json, "");
}

TEST(AuthToken, DeniesAWrongTokenWithoutSayingIt) {
    LoadedPlugin p(path, plain);
    const auto answer = p.ask({{"auth_token", "T0ken-plain-7e2d-secreT"}});
    EXPECT_EQ(answer.decision, NMK_AUTH_DENY);
    EXPECT_EQ(answer.deny_reason, "wrong token");
    EXPECT_EQ(p.ask({{"auth_token", 42}}).deny_reason, "'auth_token' is not a string");
    const std::string log = p.log_text();
    EXPECT_NE(log.find("127.0.0.1:50000 refused: wrong token"), std::string::npos) << log;
    EXPECT_EQ(log.find("T0ken-plain"), std::string::npos) << log;
}

TEST(AuthToken, BcryptTokenIsCheckedOffTheIoThread) {
    LoadedPlugin p(path, {{"authorization", {{"token", token_2b_hash}}}});
    nmk_auth_request request{};
    request.struct_size = sizeof request;
    const std::string connect = json{{"auth_token", token_2b}}.dump();
    request.connect_json = nats_sdk::to_nmk(connect);
    request.pending_handle = 77;
    nmk_auth_result result{};
    result.struct_size = sizeof result;
    p.table().authenticate(p.table().self, &request, &result);
    EXPECT_EQ(result.decision, NMK_AUTH_PENDING);
    EXPECT_FALSE(p.host().completed_auth(77));
    p.host().run_tasks();
    const auto done = p.host().completed_auth(77);
    ASSERT_TRUE(done);
    EXPECT_EQ(done->decision, NMK_AUTH_ALLOW);
    // Through the contract's helper, which follows PENDING answers.
    EXPECT_EQ(p.ask({{"auth_token", token_2b}}).decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(p.ask({{"auth_token", token_2b_hash}}).decision, NMK_AUTH_DENY) << "the hash is not the token";
    EXPECT_EQ(p.ask({{"auth_token", "Tok3n-bcrypt-2b-9f1"}}).deny_reason, "wrong token");
}

TEST(AuthToken, GoBcryptToken) {
    LoadedPlugin p(path, {{"authorization", {{"token", go_token_hash}}}});
    EXPECT_EQ(p.ask({{"auth_token", go_token}}).decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(p.ask({{"auth_token", go_password}}).decision, NMK_AUTH_DENY);
}

TEST(AuthToken, FlagTokenWinsOverTheBlock) {
    LoadedPlugin p(path, {{"authorization", {{"token", "from-block-1"}}}, {"token", "from-flag-2"}});
    EXPECT_EQ(p.ask({{"auth_token", "from-flag-2"}}).decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(p.ask({{"auth_token", "from-block-1"}}).decision, NMK_AUTH_DENY);
    LoadedPlugin flag_only(path, {{"token", "only-flag-3"}});
    EXPECT_EQ(flag_only.ask({{"auth_token", "only-flag-3"}}).decision, NMK_AUTH_ALLOW);
}

TEST(AuthToken, ReloadAppliesANewToken) {
    LoadedPlugin p(path, plain);
    p.reload({{"authorization", {{"token", "N3w-token-after-hup"}}}});
    EXPECT_EQ(p.ask({{"auth_token", "N3w-token-after-hup"}}).decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(p.ask({{"auth_token", "T0ken-plain-7e2d-secret"}}).decision, NMK_AUTH_DENY);
}

TEST(AuthToken, RefusedReloadKeepsTheToken) {
    LoadedPlugin p(path, plain);
    EXPECT_THROW(p.reload(json::object()), PluginError);
    EXPECT_THROW(p.reload({{"authorization", {{"token", "t"}, {"users", json::array()}}}}), PluginError);
    EXPECT_EQ(p.ask({{"auth_token", "T0ken-plain-7e2d-secret"}}).decision, NMK_AUTH_ALLOW);
}

TEST(AuthToken, ConfigErrorsInNatsServersWords) {
    EXPECT_EQ(create_error(path, json::object()),
              "create failed: no token configured (authorization { token: ... } or --auth)");
    EXPECT_EQ(create_error(path, {{"authorization", {{"token", "t"}, {"users", {{{"user", "a"}}}}}}}),
              "create failed: authorization: Can not have a token and a users array");
    EXPECT_EQ(create_error(path, {{"authorization", {{"token", "t"}, {"user", "a"}}}}),
              "create failed: authorization: Cannot have a user/pass and token");
    EXPECT_EQ(create_error(path, {{"authorization", {{"token", "t"}}}, {"accounts", {{"A", {{"users", {{{"user", "a"}}}}}}}}}),
              "create failed: accounts.A.users: Can not have a token and accounts");
    EXPECT_EQ(create_error(path, {{"authorization", {{"token", "t"}}}, {"no_auth_user", "x"}}),
              "create failed: no_auth_user: \"x\" present, but users are not defined");
    EXPECT_EQ(create_error(path, plain), "");
}

}  // namespace
}  // namespace nats::plugin_tests
