// What auth_users does beyond the contract: accounts and permissions in the
// answer, no_auth_user, the chain rules next to NKeys, bcrypt, reload.
#include <gtest/gtest.h>

#include "tests/plugin_contracts/credentials.hpp"
#include "tests/plugin_contracts/plugin_fixture.hpp"

namespace nats::plugin_tests {
namespace {

const std::string path = NMK_PLUGIN_AUTH_USERS;
constexpr const char* nkey_a = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4";

json config() {
    return {{"authorization",
             {{"default_permissions", {{"subscribe", "_INBOX.>"}, {"allow_responses", true}}},
              {"users",
               {{{"user", "alice"}, {"password", "alice-Pa55word!"},
                 {"permissions", {{"publish", {{"allow", "orders.>"}, {"deny", "orders.secret"}}},
                                  {"subscribe", {"work.* workers", "status"}}}}},
                {{"user", "bob"}, {"password", bob_hash}},
                {{"user", "open"}},
                {{"user", "web"}, {"password", "web-only-pw"}, {"allowed_connection_types", {"WEBSOCKET"}}},
                {{"nkey", nkey_a}}}}}},
            {"accounts",
             {{"SALES",
               {{"users", {{{"user", "sam"}, {"password", "sam-S4les-pw-31"}}}},
                {"default_permissions", {{"publish", "sales.>"}}}}}}}};
}

TEST(AuthUsers, AllowsIntoTheAccountWithNormalizedPermissions) {
    LoadedPlugin p(path, config());
    EXPECT_FALSE(p.needs_nonce());
    const auto alice = p.ask({{"user", "alice"}, {"pass", "alice-Pa55word!"}});
    ASSERT_EQ(alice.decision, NMK_AUTH_ALLOW) << alice.deny_reason;
    EXPECT_EQ(alice.user, "alice");
    EXPECT_EQ(alice.account, "");
    EXPECT_EQ(permissions_of(alice), json::parse(R"({"publish": {"allow": ["orders.>"], "deny": ["orders.secret"]},
                                                    "subscribe": {"allow": ["work.* workers", "status"]}})"));
    const auto sam = p.ask({{"user", "sam"}, {"pass", "sam-S4les-pw-31"}});
    ASSERT_EQ(sam.decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(sam.account, "SALES");
    EXPECT_EQ(permissions_of(sam), json::parse(R"({"publish": {"allow": ["sales.>"]}})"));
}

TEST(AuthUsers, DefaultPermissionsWithAllowResponses) {
    LoadedPlugin p(path, config());
    const auto bob = p.ask({{"user", "bob"}, {"pass", bob_password}});
    ASSERT_EQ(bob.decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(permissions_of(bob), json::parse(R"({"publish": {"allow": []}, "subscribe": {"allow": ["_INBOX.>"]},
                                                  "allow_responses": {"max": 1, "expires": 120000000000}})"));
}

TEST(AuthUsers, DeniesWithAReasonThatHoldsNoSecret) {
    LoadedPlugin p(path, config());
    EXPECT_EQ(p.ask({{"user", "alice"}, {"pass", "alice-Pa55word"}}).deny_reason, "wrong password for user 'alice'");
    EXPECT_EQ(p.ask({{"user", "alice"}}).deny_reason, "wrong password for user 'alice'");
    EXPECT_EQ(p.ask({{"user", "mallory"}, {"pass", "x"}}).deny_reason, "unknown user 'mallory'");
    EXPECT_EQ(p.ask({{"user", 5}, {"pass", "x"}}).deny_reason, "'user' is not a string");
    EXPECT_EQ(p.ask({{"user", "alice"}, {"pass", 5}}).deny_reason, "'pass' is not a string");
    EXPECT_EQ(p.ask({{"user", std::string(5000, 'm')}}).deny_reason, "unknown user '" + std::string(64, 'm') + "'");
    const std::string log = p.log_text();
    EXPECT_NE(log.find("refused: wrong password for user 'alice'"), std::string::npos) << log;
    EXPECT_EQ(log.find("alice-Pa55word"), std::string::npos) << log;
}

TEST(AuthUsers, BcryptIsAnsweredLater) {
    LoadedPlugin p(path, config());
    nmk_auth_request request{};
    request.struct_size = sizeof request;
    const std::string connect = json{{"user", "bob"}, {"pass", "not-bobs"}}.dump();
    request.connect_json = nats_sdk::to_nmk(connect);
    request.pending_handle = 9;
    nmk_auth_result result{};
    result.struct_size = sizeof result;
    p.table().authenticate(p.table().self, &request, &result);
    EXPECT_EQ(result.decision, NMK_AUTH_PENDING);
    p.host().run_tasks();
    const auto done = p.host().completed_auth(9);
    ASSERT_TRUE(done);
    EXPECT_EQ(done->decision, NMK_AUTH_DENY);
    EXPECT_EQ(done->deny_reason, "wrong password for user 'bob'");
    EXPECT_EQ(p.ask({{"user", "bob"}, {"pass", bob_hash}}).decision, NMK_AUTH_DENY) << "the hash is not the password";
}

TEST(AuthUsers, UserWithoutPasswordTakesOnlyAnEmptyOne) {
    LoadedPlugin p(path, config());
    EXPECT_EQ(p.ask({{"user", "open"}}).decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(p.ask({{"user", "open"}, {"pass", ""}}).decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(p.ask({{"user", "open"}, {"pass", "x"}}).decision, NMK_AUTH_DENY);
}

TEST(AuthUsers, ConnectionTypesWithoutStandardAreRefused) {
    LoadedPlugin p(path, config());
    EXPECT_EQ(p.ask({{"user", "web"}, {"pass", "web-only-pw"}}).deny_reason,
              "user 'web' may not connect as a STANDARD client");
}

TEST(AuthUsers, ChainRules) {
    LoadedPlugin p(path, config());
    // No user: not ours.
    for (const char* connect : {"{}", R"({"user": ""})", R"({"user": null, "pass": "x"})", R"({"auth_token": "t"})",
                                R"({"pass": "alice-Pa55word!"})", "nope", "[1]"}) {
        EXPECT_EQ(p.ask_text(connect).decision, NMK_AUTH_DEFER) << connect;
    }
    // nats-server looks at an nkey first when nkey users exist: auth_nkey decides.
    EXPECT_EQ(p.ask({{"nkey", nkey_a}, {"user", "alice"}, {"pass", "wrong"}}).decision, NMK_AUTH_DEFER);
    // Without nkey users the nkey field means nothing to the server.
    LoadedPlugin no_nkeys(path, {{"authorization", {{"users", {{{"user", "u"}, {"password", "u-pw-1"}}}}}}});
    EXPECT_EQ(no_nkeys.ask({{"nkey", nkey_a}, {"user", "u"}, {"pass", "u-pw-1"}}).decision, NMK_AUTH_ALLOW);
}

TEST(AuthUsers, NoAuthUser) {
    json c = config();
    c["no_auth_user"] = "sam";
    LoadedPlugin p(path, c);
    for (const char* connect : {"{}", R"({"verbose": true, "name": "x"})", R"({"user": "", "pass": "", "auth_token": ""})"}) {
        const auto answer = p.ask_text(connect);
        EXPECT_EQ(answer.decision, NMK_AUTH_ALLOW) << connect;
        EXPECT_EQ(answer.user, "sam");
        EXPECT_EQ(answer.account, "SALES");
        EXPECT_EQ(permissions_of(answer), json::parse(R"({"publish": {"allow": ["sales.>"]}})"));
    }
    // Any credential, or a CONNECT that is not an object, and no_auth_user is out.
    for (const char* connect : {R"({"pass": "x"})", R"({"auth_token": "t"})", R"({"jwt": "e30"})", "", "null", "[]"}) {
        EXPECT_EQ(p.ask_text(connect).decision, NMK_AUTH_DEFER) << connect;
    }
    EXPECT_EQ(p.ask({{"nkey", nkey_a}}).decision, NMK_AUTH_DEFER);
    EXPECT_EQ(p.ask({{"user", "alice"}, {"pass", "alice-Pa55word!"}}).user, "alice");
}

TEST(AuthUsers, NoAuthUserWithABcryptPasswordNeedsNoPassword) {
    LoadedPlugin p(path, {{"authorization", {{"users", {{{"user", "anon"}, {"password", bob_hash}}}}}},
                          {"no_auth_user", "anon"}});
    EXPECT_EQ(p.ask(json::object()).decision, NMK_AUTH_ALLOW);
}

TEST(AuthUsers, NoAuthUserThatIsAnNkeyIsNotOurs) {
    LoadedPlugin p(path, {{"authorization", {{"users", {{{"user", "u"}}, {{"nkey", nkey_a}}}}}}, {"no_auth_user", nkey_a}});
    EXPECT_EQ(p.ask(json::object()).decision, NMK_AUTH_DEFER);
}

TEST(AuthUsers, SingleUserFromTheBlockOrFlags) {
    LoadedPlugin block(path, {{"authorization", {{"user", "derek"}, {"password", go_password_hash}}}});
    const auto derek = block.ask({{"user", "derek"}, {"pass", go_password}});
    EXPECT_EQ(derek.decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(derek.account, "");
    EXPECT_EQ(derek.permissions_json, "");
    LoadedPlugin flags(path, {{"authorization", {{"user", "derek"}, {"password", "x"}}},
                              {"username", "ivan"}, {"password", "ivan-Fl4g-pw"}});
    EXPECT_EQ(flags.ask({{"user", "ivan"}, {"pass", "ivan-Fl4g-pw"}}).decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(flags.ask({{"user", "derek"}, {"pass", "x"}}).decision, NMK_AUTH_DENY);
}

TEST(AuthUsers, PlaintextPasswordsAreWarnedAbout) {
    LoadedPlugin plain(path, config());
    EXPECT_NE(plain.log_text().find("Plaintext passwords detected, use nkeys or bcrypt"), std::string::npos);
    LoadedPlugin hashed(path, {{"authorization", {{"users", {{{"user", "bob"}, {"password", bob_hash}}}}}}});
    EXPECT_EQ(hashed.log_text().find("Plaintext"), std::string::npos) << hashed.log_text();
}

TEST(AuthUsers, ReloadAppliesUsersPasswordsAndPermissions) {
    LoadedPlugin p(path, config());
    json changed = config();
    changed["authorization"]["users"][0]["password"] = "alice-N3w-pw";
    changed["authorization"]["users"][0]["permissions"] = {{"publish", "new.>"}};
    changed["accounts"]["SALES"]["users"] = json::array();
    changed["accounts"]["OPS"] = {{"users", {{{"user", "olga"}, {"password", "olga-0ps-pw"}}}}};
    p.reload(changed);
    EXPECT_EQ(p.ask({{"user", "alice"}, {"pass", "alice-Pa55word!"}}).decision, NMK_AUTH_DENY);
    const auto alice = p.ask({{"user", "alice"}, {"pass", "alice-N3w-pw"}});
    EXPECT_EQ(alice.decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(permissions_of(alice), json::parse(R"({"publish": {"allow": ["new.>"]}})"));
    EXPECT_EQ(p.ask({{"user", "sam"}, {"pass", "sam-S4les-pw-31"}}).deny_reason, "unknown user 'sam'");
    EXPECT_EQ(p.ask({{"user", "olga"}, {"pass", "olga-0ps-pw"}}).account, "OPS");
}

TEST(AuthUsers, RefusedReloadKeepsTheUsers) {
    LoadedPlugin p(path, config());
    EXPECT_THROW(p.reload(json::object()), PluginError);
    EXPECT_THROW(p.reload({{"authorization", {{"users", {{{"user", "a"}}, {{"user", "a"}}}}}}}), PluginError);
    EXPECT_EQ(p.ask({{"user", "alice"}, {"pass", "alice-Pa55word!"}}).decision, NMK_AUTH_ALLOW);
}

TEST(AuthUsers, ConfigErrors) {
    EXPECT_EQ(create_error(path, json::object()),
              "create failed: no users configured (authorization { user, password }, authorization { users: [...] }, "
              "accounts { X: { users: [...] } } or --user/--pass)");
    EXPECT_EQ(create_error(path, {{"authorization", {{"users", {{{"nkey", nkey_a}}}}}}}),
              "create failed: no users configured (authorization { user, password }, authorization { users: [...] }, "
              "accounts { X: { users: [...] } } or --user/--pass)");
    EXPECT_EQ(create_error(path, {{"authorization", {{"users", {{{"user", "a"}, {"password", "b"}, {"foo", 1}}}}}}}),
              "create failed: authorization.users[0]: unknown field \"foo\"");
    EXPECT_EQ(create_error(path, {{"authorization", {{"users", {{{"user", "a"}}}}}}, {"no_auth_user", "b"}}),
              "create failed: no_auth_user: \"b\" not present as user in authorization block or account configuration");
}

}  // namespace
}  // namespace nats::plugin_tests
