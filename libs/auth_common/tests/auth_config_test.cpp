// Users, accounts, simple auth and no_auth_user from the config JSON every auth
// plugin receives, with nats-server's refusals.
#include <gtest/gtest.h>

#include "libs/auth_common/auth_config.hpp"
#include "libs/auth_common/config_error.hpp"

namespace nats::auth_common {
namespace {

using nlohmann::json;

AuthConfig parse(const char* text) { return parse_auth_config(json::parse(text)); }

std::string error_of(const json& config) {
    try {
        parse_auth_config(config);
    } catch (const ConfigError& e) {
        return e.what();
    }
    return "(accepted)";
}
std::string error_of(const char* text) { return error_of(json::parse(text)); }

constexpr const char* nkey_a = "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4";
constexpr const char* nkey_b = "UBHCPGMFWQDUZQDYONYTX6NCQ54PX2PC3DTAPHWRQTVCA5PFIU4H4JIG";

TEST(ParseAuthConfig, Token) {
    const auto config = parse(R"({"authorization": {"token": "s3cr3t", "timeout": 3}})");
    EXPECT_EQ(config.token, "s3cr3t");
    EXPECT_FALSE(config.single_user);
    EXPECT_TRUE(config.users.empty());
    EXPECT_EQ(parse(R"({"authorization": {"TOKEN": "x"}})").token, "x");
}

TEST(ParseAuthConfig, SingleUser) {
    const auto config = parse(R"({"authorization": {"user": "derek", "password": "pw-1"}})");
    ASSERT_TRUE(config.single_user);
    EXPECT_EQ(config.single_user->name, "derek");
    EXPECT_EQ(config.single_user->password, "pw-1");
    EXPECT_EQ(config.single_user->account, "");
    EXPECT_TRUE(config.single_user->permissions.is_null());
    EXPECT_FALSE(config.token);
    const auto aliases = parse(R"({"authorization": {"username": "u", "pass": "p"}})");
    ASSERT_TRUE(aliases.single_user);
    EXPECT_EQ(aliases.single_user->name, "u");
    EXPECT_EQ(aliases.single_user->password, "p");
}

TEST(ParseAuthConfig, FlagsWinOverTheBlock) {
    const auto users = parse(R"({"authorization": {"user": "a", "password": "b"}, "username": "c", "password": "d"})");
    ASSERT_TRUE(users.single_user);
    EXPECT_EQ(users.single_user->name, "c");
    EXPECT_EQ(users.single_user->password, "d");
    EXPECT_EQ(parse(R"({"authorization": {"token": "a"}, "token": "b"})").token, "b");
    // Flags alone.
    EXPECT_EQ(parse(R"({"token": "t"})").token, "t");
    const auto flags = parse(R"({"username": "u", "password": "p"})");
    ASSERT_TRUE(flags.single_user);
    EXPECT_EQ(flags.single_user->password, "p");
    // A password without a user name is no simple auth (nats-server ignores it too).
    EXPECT_FALSE(parse(R"({"password": "p"})").single_user);
    EXPECT_FALSE(parse(R"({"token": ""})").token);
}

TEST(ParseAuthConfig, UsersArrayWithPermissionsAndDefaults) {
    const auto config = parse(R"({"authorization": {
        "default_permissions": {"publish": "pub.>"},
        "users": [
            {"user": "alice", "password": "a-pw", "permissions": {"subscribe": "s.*"}},
            {"user": "bob", "password": "$2a$04$Q.CgCP2Sl9pkcTXEZHazaeMwPaAkSHk7AI51HkyMt5iJQQyUA4qxq"},
            {"user": "carol", "password": "c-pw", "permissions": {}},
            {"nkey": "UDXU4RCSJNZOIQHZNWXHXORDPRTGNJAHAHFRGZNEEJCPQTT2M7NLCNF4"}
        ]}})");
    ASSERT_EQ(config.users.size(), 4u);
    const auto& alice = config.users[0];
    EXPECT_EQ(alice.name, "alice");
    EXPECT_FALSE(alice.nkey);
    EXPECT_EQ(alice.password, "a-pw");
    EXPECT_EQ(alice.account, "");
    EXPECT_EQ(alice.permissions, json::parse(R"({"subscribe": {"allow": ["s.*"]}})"));
    EXPECT_EQ(alice.origin, "authorization.users[0]");
    EXPECT_EQ(config.users[1].permissions, json::parse(R"({"publish": {"allow": ["pub.>"]}})"));
    EXPECT_EQ(config.users[2].permissions, json::object()) << "explicit empty permissions replace the defaults";
    EXPECT_TRUE(config.users[3].nkey);
    EXPECT_EQ(config.users[3].name, nkey_a);
    EXPECT_EQ(config.users[3].password, "");
    EXPECT_EQ(config.users[3].permissions, json::parse(R"({"publish": {"allow": ["pub.>"]}})"));
    EXPECT_TRUE(config.has_password_users());
    EXPECT_TRUE(config.has_nkey_users());
}

TEST(ParseAuthConfig, DefaultPermissionAliasesAndKeyCase) {
    for (const char* key : {"default_permission", "default_permissions", "permissions", "Default_Permissions"}) {
        json config = {{"authorization", {{key, {{"publish", "x"}}}, {"Users", {{{"User", "u"}, {"Password", "p"}}}}}}};
        const auto parsed = parse_auth_config(config);
        ASSERT_EQ(parsed.users.size(), 1u) << key;
        EXPECT_EQ(parsed.users[0].permissions, json::parse(R"({"publish": {"allow": ["x"]}})")) << key;
    }
    for (const char* key : {"permission", "permissions", "authorization"}) {
        json config = {{"authorization", {{"users", {{{"user", "u"}, {key, {{"subscribe", "y"}}}}}}}}};
        EXPECT_EQ(parse_auth_config(config).users.at(0).permissions, json::parse(R"({"subscribe": {"allow": ["y"]}})"))
            << key;
    }
}

TEST(ParseAuthConfig, UserWithoutPasswordHasAnEmptyOne) {
    const auto config = parse(R"({"authorization": {"users": [{"user": "open"}]}})");
    ASSERT_EQ(config.users.size(), 1u);
    EXPECT_EQ(config.users[0].password, "");
}

TEST(ParseAuthConfig, AccountUsersBelongToTheirAccount) {
    const auto config = parse(R"({
        "authorization": {"users": [{"user": "g", "password": "g-pw"}]},
        "accounts": {
            "SALES": {"users": [{"user": "s", "password": "s-pw"}, {"nkey": "UBHCPGMFWQDUZQDYONYTX6NCQ54PX2PC3DTAPHWRQTVCA5PFIU4H4JIG"}],
                      "default_permissions": {"subscribe": {"deny": "secret.>"}},
                      "exports": [{"stream": "x.>"}], "jetstream": true},
            "OPS": {"users": [{"user": "o", "password": "o-pw", "permissions": {"publish": "ops.>"}}]},
            "EMPTY": {}
        }})");
    ASSERT_EQ(config.users.size(), 4u);
    std::map<std::string, const UserRecord*> by_name;
    for (const auto& u : config.users) by_name[u.name] = &u;
    EXPECT_EQ(by_name.at("g")->account, "");
    EXPECT_EQ(by_name.at("s")->account, "SALES");
    EXPECT_EQ(by_name.at("s")->permissions, json::parse(R"({"subscribe": {"deny": ["secret.>"]}})"));
    EXPECT_EQ(by_name.at(nkey_b)->account, "SALES");
    EXPECT_TRUE(by_name.at(nkey_b)->nkey);
    EXPECT_EQ(by_name.at(nkey_b)->permissions, json::parse(R"({"subscribe": {"deny": ["secret.>"]}})"));
    EXPECT_EQ(by_name.at("o")->account, "OPS");
    EXPECT_EQ(by_name.at("o")->permissions, json::parse(R"({"publish": {"allow": ["ops.>"]}})"));
    EXPECT_EQ(by_name.at("s")->origin, "accounts.SALES.users[0]");
}

TEST(ParseAuthConfig, AccountsListFormCarriesNoUsers) {
    EXPECT_TRUE(parse(R"({"accounts": ["A", "B"]})").users.empty());
}

TEST(ParseAuthConfig, AuthorizationDefaultsDoNotReachAccountUsers) {
    const auto config = parse(R"({"authorization": {"default_permissions": {"publish": "x"}, "users": []},
                                  "accounts": {"A": {"users": [{"user": "a", "password": "p"}]}}})");
    ASSERT_EQ(config.users.size(), 1u);
    EXPECT_TRUE(config.users[0].permissions.is_null());
}

TEST(ParseAuthConfig, ConnectionTypes) {
    const auto config = parse(R"({"authorization": {"users": [
        {"user": "a", "allowed_connection_types": ["standard", "WEBSOCKET", "Standard"]},
        {"user": "b", "connection_types": "MQTT"},
        {"user": "c", "clients": ["LEAFNODE", "LEAFNODE_WS", "MQTT_WS"]},
        {"user": "d"}]}})");
    EXPECT_EQ(config.users[0].connection_types, (std::vector<std::string>{"STANDARD", "WEBSOCKET"}));
    EXPECT_TRUE(config.users[0].allows_standard_clients());
    EXPECT_EQ(config.users[1].connection_types, (std::vector<std::string>{"MQTT"}));
    EXPECT_FALSE(config.users[1].allows_standard_clients());
    EXPECT_FALSE(config.users[2].allows_standard_clients());
    EXPECT_TRUE(config.users[3].allows_standard_clients());
}

TEST(ParseAuthConfig, NoAuthUser) {
    const auto config = parse(R"({"authorization": {"users": [{"user": "a", "password": "p"}, {"user": "anon"}]},
                                  "no_auth_user": "anon"})");
    ASSERT_NE(config.no_auth_record(), nullptr);
    EXPECT_EQ(config.no_auth_record()->name, "anon");
    const auto account = parse(R"({"accounts": {"A": {"users": [{"user": "anon", "password": "p"}]}},
                                   "no_auth_user": "anon"})");
    ASSERT_NE(account.no_auth_record(), nullptr);
    EXPECT_EQ(account.no_auth_record()->account, "A");
    const auto nkey = parse_auth_config(
        {{"authorization", {{"users", {{{"nkey", nkey_a}}}}}}, {"no_auth_user", nkey_a}});
    ASSERT_NE(nkey.no_auth_record(), nullptr);
    EXPECT_TRUE(nkey.no_auth_record()->nkey);
    EXPECT_EQ(parse(R"({"authorization": {"users": [{"user": "a"}]}})").no_auth_record(), nullptr);
}

TEST(ParseAuthConfig, NothingConfigured) {
    const auto config = parse("{}");
    EXPECT_FALSE(config.token);
    EXPECT_FALSE(config.single_user);
    EXPECT_TRUE(config.users.empty());
    EXPECT_FALSE(config.has_password_users());
    EXPECT_FALSE(config.has_nkey_users());
    EXPECT_NO_THROW(parse(R"({"system_account": "SYS", "accounts": {"SYS": {}}})"));
}

TEST(ParseAuthConfigErrors, TopLevel) {
    EXPECT_EQ(error_of("[]"), "the config block must be an object");
    EXPECT_EQ(error_of(R"({"users": []})"), "unknown config key 'users'");
    EXPECT_EQ(error_of(R"({"Authorization": {}})"), "unknown config key 'Authorization'");
    EXPECT_EQ(error_of(R"({"token": 5})"), "token: must be a string, got int64");
    EXPECT_EQ(error_of(R"({"no_auth_user": true})"), "no_auth_user: must be a string, got bool");
    EXPECT_EQ(error_of(R"({"username": null})"), "username: must be a string, got <nil>");
    EXPECT_EQ(error_of(R"({"system_account": []})"), "system_account: must be a string, got []interface {}");
    EXPECT_EQ(error_of(R"({"authorization": 5})"), "authorization: expected a map, got int64");
    EXPECT_EQ(error_of(R"({"accounts": "A"})"), "accounts: expected a map, got string");
}

TEST(ParseAuthConfigErrors, AuthorizationBlock) {
    EXPECT_EQ(error_of(R"({"authorization": {"foo": 1}})"), "authorization: unknown field \"foo\"");
    EXPECT_EQ(error_of(R"({"authorization": {"token": 5}})"), "authorization.token: must be a string, got int64");
    EXPECT_EQ(error_of(R"({"authorization": {"user": ["a"]}})"),
              "authorization.user: must be a string, got []interface {}");
    EXPECT_EQ(error_of(R"({"authorization": {"password": 1.5}})"), "authorization.password: must be a string, got float64");
    EXPECT_EQ(error_of(R"({"authorization": {"token": "t", "user": "u", "password": "p"}})"),
              "authorization: Cannot have a user/pass and token");
    EXPECT_EQ(error_of(R"({"authorization": {"token": "t", "password": "p"}})"),
              "authorization: Cannot have a user/pass and token");
    EXPECT_EQ(error_of(R"({"authorization": {"token": "t", "users": [{"user": "a", "password": "b"}]}})"),
              "authorization: Can not have a token and a users array");
    EXPECT_EQ(error_of(R"({"authorization": {"token": "t", "users": []}})"),
              "authorization: Can not have a token and a users array");
    EXPECT_EQ(error_of(R"({"authorization": {"user": "u", "password": "p", "users": [{"user": "c"}]}})"),
              "authorization: Can not have a single user/pass and a users array");
    EXPECT_EQ(error_of(R"({"authorization": {"permissions": 5}})"),
              "authorization.permissions: Expected permissions to be a map/struct, got 5");
    EXPECT_EQ(error_of(R"({"authorization": {"default_permissions": {"publish": "a..b"}}})"),
              "authorization.default_permissions.publish: subject \"a..b\" is not a valid subject");
}

TEST(ParseAuthConfigErrors, UserEntries) {
    EXPECT_EQ(error_of(R"({"authorization": {"users": 5}})"),
              "authorization.users: Expected users field to be an array, got 5");
    EXPECT_EQ(error_of(R"({"authorization": {"users": {"user": "a"}}})"),
              "authorization.users: Expected users field to be an array, got {\"user\":\"a\"}");
    EXPECT_EQ(error_of(R"({"authorization": {"users": [5]}})"),
              "authorization.users[0]: Expected user entry to be a map/struct, got 5");
    EXPECT_EQ(error_of(R"({"authorization": {"users": [{"user": "a"}, {"password": "x"}]}})"),
              "authorization.users[1]: User entry requires a user");
    EXPECT_EQ(error_of(R"({"authorization": {"users": [{"user": "", "password": "x"}]}})"),
              "authorization.users[0]: User entry requires a user");
    EXPECT_EQ(error_of(R"({"authorization": {"users": [{"user": "a", "password": "b", "foo": 1}]}})"),
              "authorization.users[0]: unknown field \"foo\"");
    EXPECT_EQ(error_of(R"({"authorization": {"users": [{"user": "a", "account": "A"}]}})"),
              "authorization.users[0]: unknown field \"account\"");
    EXPECT_EQ(error_of(R"({"authorization": {"users": [{"user": 5, "password": "b"}]}})"),
              "authorization.users[0].user: must be a string, got int64");
    EXPECT_EQ(error_of(R"({"authorization": {"users": [{"user": "a", "password": 5}]}})"),
              "authorization.users[0].password: must be a string, got int64");
    EXPECT_EQ(error_of(R"({"authorization": {"users": [{"nkey": false}]}})"),
              "authorization.users[0].nkey: must be a string, got bool");
    EXPECT_EQ(error_of(json{{"authorization", {{"users", {{{"nkey", nkey_a}, {"user", "a"}}}}}}}),
              "authorization.users[0]: Nkey users do not take usernames or passwords");
    EXPECT_EQ(error_of(json{{"authorization", {{"users", {{{"nkey", nkey_a}, {"password", "a"}}}}}}}),
              "authorization.users[0]: Nkey users do not take usernames or passwords");
    EXPECT_EQ(error_of(R"({"authorization": {"users": [{"user": "a", "permissions": {"subscribe": "a b c"}}]}})"),
              "authorization.users[0].permissions.subscribe: subject \"a b c\" is not a valid subject");
    EXPECT_EQ(error_of(R"({"authorization": {"users": [{"user": "a", "allowed_connection_types": ["STANDARD", "X"]}]}})"),
              "authorization.users[0].allowed_connection_types: unknown connection type \"X\"");
    EXPECT_EQ(error_of(R"({"authorization": {"users": [{"user": "a", "clients": 5}]}})"),
              "authorization.users[0].clients: expected a connection type or an array of them, got int64");
    EXPECT_EQ(error_of(R"({"authorization": {"users": [{"user": "a", "clients": [5]}]}})"),
              "authorization.users[0].clients[0]: must be a string, got int64");
}

TEST(ParseAuthConfigErrors, Duplicates) {
    EXPECT_EQ(error_of(R"({"authorization": {"users": [{"user": "a", "password": "b"}, {"user": "a", "password": "c"}]}})"),
              "authorization.users[1]: Duplicate user \"a\" detected");
    EXPECT_EQ(error_of(R"({"authorization": {"users": [{"user": "a"}]}, "accounts": {"A": {"users": [{"user": "a"}]}}})"),
              "accounts.A.users[0]: Duplicate user \"a\" detected");
    EXPECT_EQ(error_of(R"({"accounts": {"A": {"users": [{"user": "a"}]}, "B": {"users": [{"user": "a"}]}}})"),
              "accounts.B.users[0]: Duplicate user \"a\" detected");
    EXPECT_EQ(error_of(json{{"accounts", {{"A", {{"users", {{{"nkey", nkey_a}}}}}}, {"B", {{"users", {{{"nkey", nkey_a}}}}}}}}}),
              std::string("accounts.B.users[0]: Duplicate nkey \"") + nkey_a + "\" detected");
    // A user name does not differ from an nkey by kind: one namespace.
    EXPECT_EQ(error_of(json{{"authorization", {{"users", {{{"nkey", nkey_a}}, {{"user", nkey_a}}}}}}}),
              std::string("authorization.users[1]: Duplicate user \"") + nkey_a + "\" detected");
}

TEST(ParseAuthConfigErrors, Accounts) {
    EXPECT_EQ(error_of(R"({"accounts": {"A": 5}})"), "accounts.A: Expected map entries for accounts");
    EXPECT_EQ(error_of(R"({"accounts": {"A": {"users": 5}}})"),
              "accounts.A.users: Expected users field to be an array, got 5");
    EXPECT_EQ(error_of(R"({"accounts": {"A": {"users": [5]}}})"),
              "accounts.A.users[0]: Expected user entry to be a map/struct, got 5");
    EXPECT_EQ(error_of(R"({"accounts": {"A": {"users": [{"user": "a", "foo": 1}]}}})"),
              "accounts.A.users[0]: unknown field \"foo\"");
    EXPECT_EQ(error_of(R"({"accounts": {"A": {"default_permissions": {"publish": 5}}}})"),
              "accounts.A.default_permissions.publish: Expected subject permissions to be a subject, or array of "
              "subjects, got int64");
    EXPECT_EQ(error_of(R"({"authorization": {"token": "t"}, "accounts": {"A": {"users": [{"user": "a"}]}}})"),
              "accounts.A.users: Can not have a token and accounts");
    EXPECT_EQ(error_of(R"({"authorization": {"user": "u", "password": "p"}, "accounts": {"A": {"users": [{"user": "a"}]}}})"),
              "accounts.A.users: Can not have a single user/pass and accounts");
    // Accounts without users do not clash with simple auth.
    EXPECT_NO_THROW(parse(R"({"authorization": {"token": "t"}, "accounts": {"A": {"users": []}}})"));
}

TEST(ParseAuthConfigErrors, NoAuthUser) {
    EXPECT_EQ(error_of(R"({"no_auth_user": "z"})"), "no_auth_user: \"z\" present, but users are not defined");
    EXPECT_EQ(error_of(R"({"authorization": {"token": "t"}, "no_auth_user": "z"})"),
              "no_auth_user: \"z\" present, but users are not defined");
    EXPECT_EQ(error_of(R"({"authorization": {"user": "z", "password": "p"}, "no_auth_user": "z"})"),
              "no_auth_user: \"z\" present, but users are not defined");
    EXPECT_EQ(error_of(R"({"authorization": {"users": [{"user": "a"}]}, "no_auth_user": "z"})"),
              "no_auth_user: \"z\" not present as user in authorization block or account configuration");
    EXPECT_NO_THROW(parse(R"({"authorization": {"users": [{"user": "a"}]}, "no_auth_user": ""})"));
}

}  // namespace
}  // namespace nats::auth_common
