// What auth_nkey does beyond the contract: the nonce, signature encodings,
// accounts and permissions, no_auth_user, reload and key checks.
#include <gtest/gtest.h>

#include "tests/plugin_contracts/credentials.hpp"
#include "tests/plugin_contracts/plugin_fixture.hpp"

namespace nats::plugin_tests {
namespace {

const std::string path = NMK_PLUGIN_AUTH_NKEY;
const std::string nonce = "Tq3xk1M0v8jUa2e";

struct Keys {
    nkeys::KeyPair a = user_key('1');  // global account, own permissions
    nkeys::KeyPair b = user_key('2');  // SALES, account defaults
    nkeys::KeyPair c = user_key('3');  // configured nowhere
};
const Keys& keys() {
    static const Keys k;
    return k;
}

json config() {
    return {{"authorization",
             {{"users", {{{"nkey", keys().a.public_key()}, {"permissions", {{"subscribe", {{"deny", "secret.>"}}}}}},
                         {{"user", "alice"}, {"password", "alice-pw"}}}}}},
            {"accounts",
             {{"SALES",
               {{"users", {{{"nkey", keys().b.public_key()}}}}, {"default_permissions", {{"publish", "sales.>"}}}}}}}};
}

ClientFacts with_nonce(std::string n = nonce) {
    ClientFacts facts;
    facts.nonce = std::move(n);
    return facts;
}

json signed_connect(const nkeys::KeyPair& claimed, const nkeys::KeyPair& signer, std::string_view signed_nonce = nonce) {
    return {{"nkey", claimed.public_key()}, {"sig", nkeys::base64url_encode(signer.sign(signed_nonce))}};
}

TEST(AuthNkey, AsksForANonce) {
    LoadedPlugin p(path, config());
    EXPECT_TRUE(p.needs_nonce());
}

TEST(AuthNkey, SignedNonceIsAllowedIntoTheAccount) {
    LoadedPlugin p(path, config());
    const auto a = p.ask(signed_connect(keys().a, keys().a), with_nonce());
    ASSERT_EQ(a.decision, NMK_AUTH_ALLOW) << a.deny_reason;
    EXPECT_EQ(a.user, keys().a.public_key());
    EXPECT_EQ(a.account, "");
    EXPECT_EQ(permissions_of(a), json::parse(R"({"subscribe": {"deny": ["secret.>"]}})"));
    const auto b = p.ask(signed_connect(keys().b, keys().b), with_nonce());
    ASSERT_EQ(b.decision, NMK_AUTH_ALLOW) << b.deny_reason;
    EXPECT_EQ(b.account, "SALES");
    EXPECT_EQ(permissions_of(b), json::parse(R"({"publish": {"allow": ["sales.>"]}})"));
}

TEST(AuthNkey, SignatureInEitherBase64Alphabet) {
    LoadedPlugin p(path, config());
    const std::string raw = keys().a.sign(nonce);
    const std::string url = nkeys::base64url_encode(raw);
    const std::string std_padded = nkeys::base64_encode(raw);
    std::string std_bare = std_padded;
    while (!std_bare.empty() && std_bare.back() == '=') std_bare.pop_back();
    for (const auto& sig : {url, std_padded, std_bare, url + "=="}) {
        EXPECT_EQ(p.ask({{"nkey", keys().a.public_key()}, {"sig", sig}}, with_nonce()).decision, NMK_AUTH_ALLOW) << sig;
    }
}

TEST(AuthNkey, BadSignaturesAreDenied) {
    LoadedPlugin p(path, config());
    const std::string a = keys().a.public_key();
    EXPECT_EQ(p.ask(signed_connect(keys().a, keys().c), with_nonce()).deny_reason,
              "signature not verified for nkey '" + a + "'");
    EXPECT_EQ(p.ask(signed_connect(keys().a, keys().a, "another-nonce-1"), with_nonce()).deny_reason,
              "signature not verified for nkey '" + a + "'");
    EXPECT_EQ(p.ask({{"nkey", a}}, with_nonce()).deny_reason, "signature missing for nkey '" + a + "'");
    EXPECT_EQ(p.ask({{"nkey", a}, {"sig", ""}}, with_nonce()).deny_reason, "signature missing for nkey '" + a + "'");
    EXPECT_EQ(p.ask({{"nkey", a}, {"sig", 5}}, with_nonce()).deny_reason, "'sig' is not a string");
    EXPECT_EQ(p.ask({{"nkey", a}, {"sig", "not*base64!"}}, with_nonce()).deny_reason, "signature is not valid base64");
    EXPECT_EQ(p.ask({{"nkey", a}, {"sig", "AAAA"}}, with_nonce()).deny_reason,
              "signature not verified for nkey '" + a + "'");
    // A signature of the empty nonce proves nothing fresh.
    EXPECT_EQ(p.ask(signed_connect(keys().a, keys().a, ""), with_nonce("")).deny_reason,
              "no nonce was sent to the client");
}

TEST(AuthNkey, UnknownOrMalformedKeysAreDenied) {
    LoadedPlugin p(path, config());
    EXPECT_EQ(p.ask(signed_connect(keys().c, keys().c), with_nonce()).deny_reason,
              "unknown nkey '" + keys().c.public_key() + "'");
    EXPECT_EQ(p.ask({{"nkey", "UABC"}, {"sig", "AAAA"}}, with_nonce()).deny_reason, "unknown nkey 'UABC'");
    EXPECT_EQ(p.ask({{"nkey", 7}, {"sig", "AAAA"}}, with_nonce()).deny_reason, "'nkey' is not a string");
    EXPECT_EQ(p.ask({{"nkey", std::string(500, 'U')}}, with_nonce()).deny_reason,
              "unknown nkey '" + std::string(64, 'U') + "'");
}

TEST(AuthNkey, DefersWithoutAnNkey) {
    LoadedPlugin p(path, config());
    for (const char* connect : {"{}", R"({"user": "alice", "pass": "alice-pw"})", R"({"nkey": ""})",
                                R"({"nkey": null, "sig": "x"})", R"({"auth_token": "t"})", "garbage", "[]"}) {
        EXPECT_EQ(p.ask_text(connect, with_nonce()).decision, NMK_AUTH_DEFER) << connect;
    }
}

TEST(AuthNkey, NoAuthUserNeedsNoSignature) {
    json c = config();
    c["no_auth_user"] = keys().b.public_key();
    LoadedPlugin p(path, c);
    const auto answer = p.ask(json::object(), with_nonce());
    EXPECT_EQ(answer.decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(answer.user, keys().b.public_key());
    EXPECT_EQ(answer.account, "SALES");
    EXPECT_EQ(p.ask({{"user", "alice"}}, with_nonce()).decision, NMK_AUTH_DEFER);
    EXPECT_EQ(p.ask_text("nope", with_nonce()).decision, NMK_AUTH_DEFER);
    // A user name as no_auth_user belongs to auth_users.
    json users = config();
    users["no_auth_user"] = "alice";
    LoadedPlugin q(path, users);
    EXPECT_EQ(q.ask(json::object(), with_nonce()).decision, NMK_AUTH_DEFER);
}

TEST(AuthNkey, ConnectionTypesWithoutStandardAreRefused) {
    LoadedPlugin p(path, {{"authorization", {{"users", {{{"nkey", keys().a.public_key()}, {"clients", "MQTT"}}}}}}});
    EXPECT_EQ(p.ask(signed_connect(keys().a, keys().a), with_nonce()).deny_reason,
              "nkey '" + keys().a.public_key() + "' may not connect as a STANDARD client");
}

TEST(AuthNkey, ReloadAppliesKeysAndPermissions) {
    LoadedPlugin p(path, config());
    json changed = config();
    changed["authorization"]["users"][0] = {{"nkey", keys().c.public_key()}, {"permissions", {{"publish", "c.>"}}}};
    p.reload(changed);
    EXPECT_EQ(p.ask(signed_connect(keys().a, keys().a), with_nonce()).decision, NMK_AUTH_DENY);
    const auto c = p.ask(signed_connect(keys().c, keys().c), with_nonce());
    EXPECT_EQ(c.decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(permissions_of(c), json::parse(R"({"publish": {"allow": ["c.>"]}})"));
    EXPECT_THROW(p.reload({{"authorization", {{"users", {{{"nkey", "UBAD"}}}}}}}), PluginError);
    EXPECT_EQ(p.ask(signed_connect(keys().c, keys().c), with_nonce()).decision, NMK_AUTH_ALLOW);
}

TEST(AuthNkey, ConfigErrors) {
    EXPECT_EQ(create_error(path, {{"authorization", {{"users", {{{"nkey", "UABC"}}}}}}}),
              "create failed: authorization.users[0]: Not a valid public nkey for a user");
    const auto account_key = nkeys::KeyPair::generate(nkeys::KeyType::account).public_key();
    EXPECT_EQ(create_error(path, {{"accounts", {{"A", {{"users", {{{"nkey", account_key}}}}}}}}}),
              "create failed: accounts.A.users[0]: Not a valid public nkey for a user");
    EXPECT_EQ(create_error(path, {{"authorization", {{"users", {{{"nkey", keys().a.seed()}}}}}}}),
              "create failed: authorization.users[0]: Not a valid public nkey for a user");
    EXPECT_EQ(create_error(path, {{"authorization", {{"users", {{{"user", "u"}}}}}}}),
              "create failed: no nkey users configured (users: [ {nkey: U...} ] in authorization or accounts)");
    EXPECT_EQ(create_error(path, {{"authorization", {{"users", {{{"nkey", keys().a.public_key()}, {"pass", "p"}}}}}}}),
              "create failed: authorization.users[0]: Nkey users do not take usernames or passwords");
}

}  // namespace
}  // namespace nats::plugin_tests
