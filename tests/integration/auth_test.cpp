// Authentication end to end, with plain nats-server config (the auth plugins load
// themselves from the authorization/accounts blocks and the flags): token,
// user/password (plain and bcrypt), NKeys signing the INFO nonce, no_auth_user,
// and the exact refusal. Every expectation is nats-server 2.9.10's.
#include <cstdlib>

#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/temp_dir.hpp"

namespace nats::integration {
namespace {

using test_support::NatsConnectionPtr;
using test_support::NatsOptionsPtr;
using test_support::nats_check;
using test_support::nats_connect;
using test_support::nats_msg_data;
using test_support::nats_next_msg;
using test_support::nats_options;
using test_support::nats_subscribe_sync;
using test_support::nats_try_connect;

const std::string violation = "-ERR 'Authorization Violation'\r\n";

// From nats-server's test/auth_test.go (Go's bcrypt, cost 4).
constexpr const char* go_password = "IW@$6v(y1(t@fhPDvf!5^%";
constexpr const char* go_password_hash = "$2a$04$Q.CgCP2Sl9pkcTXEZHazaeMwPaAkSHk7AI51HkyMt5iJQQyUA4qxq";
constexpr const char* go_token = "0uhJOSr3GW7xvHvtd^K6pa";
constexpr const char* go_token_hash = "$2a$04$u5ZClXpcjHgpfc61Ee0VKuwI1K3vTC4zq7SjphjnlHMeb1Llkb5Y6";
// Python's crypt (METHOD_BLOWFISH, cost 4).
constexpr const char* bob_password = "bob-Bcrypt-2b-pw";
constexpr const char* bob_hash = "$2b$04$CmosEJfJiDghxgHA9Q8DnOH3RatQHOM.Z0z4E3fvJx/G.Om65bFwO";
// Two user key pairs (public key, seed).
constexpr const char* nkey_a = "UDNZSX7CKFU5CQOKXG53VEV2UAPZ6LQ6ZZ67JSZKYBIZB437ZQPZ3ZKS";
constexpr const char* seed_a = "SUAECQKBIFAUCQKBIFAUCQKBIFAUCQKBIFAUCQKBIFAUCQKBIFAUCQL7RE";
constexpr const char* nkey_b = "UAQVF6GRTN4R2JCFGJBOCXZOVNWLPT72PNVF5UYAS6LA4BUYQHNRFBIE";
constexpr const char* seed_b = "SUAEEQSCIJBEEQSCIJBEEQSCIJBEEQSCIJBEEQSCIJBEEQSCIJBEEQV6RY";

// The connect status with `setup` applied to the options, and on failure libnats'
// last error text in `error`.
template <class Setup>
natsStatus try_connect(const ServerProcess& server, Setup setup, std::string* error = nullptr, bool signs = false) {
    NatsOptionsPtr options = nats_options(server.url());
    setup(options.get());
    NatsConnectionPtr nc;
    const natsStatus status = signs ? test_support::nats_try_signed_connect(options.get(), nc)
                                    : nats_try_connect(options.get(), nc);
    if (status != NATS_OK && error != nullptr) {
        natsStatus last = NATS_OK;
        const char* text = nats_GetLastError(&last);
        *error = text != nullptr ? text : "";
    }
    return status;
}

natsStatus connect_with_user(const ServerProcess& server, const char* user, const char* password) {
    return try_connect(server, [&](natsOptions* o) { nats_check(natsOptions_SetUserInfo(o, user, password), "user"); });
}
natsStatus connect_with_token(const ServerProcess& server, const char* token) {
    return try_connect(server, [&](natsOptions* o) { nats_check(natsOptions_SetToken(o, token), "token"); });
}
natsStatus connect_with_nkey(const ServerProcess& server, const char* nkey, const char* seed) {
    test_support::TempDir dir;
    test_support::write_file(dir.file("user.nk"), std::string(seed) + "\n");
    const std::string seed_file = dir.file("user.nk").string();
    return try_connect(
        server, [&](natsOptions* o) { nats_check(natsOptions_SetNKeyFromSeed(o, nkey, seed_file.c_str()), "nkey"); },
        nullptr, true);
}

// Sends `connect` (a CONNECT's JSON, verbose off unless it says otherwise) and PING;
// true when the server answered PONG, false when it answered exactly
// -ERR 'Authorization Violation' and closed.
bool raw_login(RawClient& c, json connect) {
    if (!connect.contains("verbose")) connect["verbose"] = false;
    c.send("CONNECT " + connect.dump() + "\r\nPING\r\n");
    const std::string line = c.read_line();
    if (line == "PONG") return true;
    EXPECT_EQ(line + "\r\n", violation);
    std::string rest;
    EXPECT_TRUE(c.wait_closed(2s, &rest)) << "still open after the violation";
    EXPECT_EQ(rest, "");
    return false;
}

// base64url without padding, as NATS clients write CONNECT "sig".
std::string base64url(const unsigned char* data, int size) {
    static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    std::uint32_t bits = 0;
    int count = 0;
    for (int i = 0; i < size; ++i) {
        bits = (bits << 8) | data[i];
        count += 8;
        while (count >= 6) {
            count -= 6;
            out.push_back(alphabet[(bits >> count) & 63]);
        }
    }
    if (count > 0) out.push_back(alphabet[(bits << (6 - count)) & 63]);
    return out;
}

// `seed`'s signature of `nonce`, through libnats.
std::string sign(const char* seed, const std::string& nonce) {
    unsigned char* signature = nullptr;
    int size = 0;
    nats_check(nats_Sign(seed, nonce.c_str(), &signature, &size), "sign");
    std::string out = base64url(signature, size);
    std::free(signature);
    return out;
}

TEST(Auth, TokenAcceptedAndRefused) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    auto server = start_server("authorization { token: \"T0k-integration-1\" }\n");
    EXPECT_EQ(connect_with_token(*server, "T0k-integration-1"), NATS_OK);
    std::string error;
    EXPECT_EQ(try_connect(*server, [](natsOptions* o) { natsOptions_SetToken(o, "T0k-integration-2"); }, &error),
              NATS_CONNECTION_AUTH_FAILED);
    EXPECT_NE(error.find("Authorization Violation"), std::string::npos) << error;
    RawClient c(server->port());
    const json info = c.read_info();
    EXPECT_EQ(info.value("auth_required", false), true);
    EXPECT_FALSE(info.contains("nonce"));
    EXPECT_FALSE(raw_login(c, {{"auth_token", "T0k-integration-"}}));
    // The log names the refusal, never the token that was tried.
    EXPECT_EQ(server->log_text().find("T0k-integration-2"), std::string::npos);
}

TEST(Auth, BcryptToken) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    auto server = start_server("authorization { token: \"" + std::string(go_token_hash) + "\" }\n");
    EXPECT_EQ(connect_with_token(*server, go_token), NATS_OK);
    EXPECT_EQ(connect_with_token(*server, go_token_hash), NATS_CONNECTION_AUTH_FAILED) << "the hash is not the token";
    EXPECT_EQ(connect_with_token(*server, "0uhJOSr3GW7xvHvtd^K6pA"), NATS_CONNECTION_AUTH_FAILED);
}

TEST(Auth, TokenFromTheAuthFlag) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    auto server = start_server({}, {"--auth", "fl4g-token-x"});
    EXPECT_EQ(connect_with_token(*server, "fl4g-token-x"), NATS_OK);
    EXPECT_EQ(connect_with_token(*server, "fl4g-token-y"), NATS_CONNECTION_AUTH_FAILED);
}

TEST(Auth, UsersWithPlainAndBcryptPasswords) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    auto server = start_server(std::string("authorization {\n  users: [\n") +
                               "    {user: alice, password: \"alice-Pa55word!\"}\n"
                               "    {user: bob, password: \"" + bob_hash + "\"}\n"
                               "    {user: carol, password: \"" + go_password_hash + "\"}\n  ]\n}\n");
    EXPECT_EQ(connect_with_user(*server, "alice", "alice-Pa55word!"), NATS_OK);
    EXPECT_EQ(connect_with_user(*server, "bob", bob_password), NATS_OK);
    EXPECT_EQ(connect_with_user(*server, "carol", go_password), NATS_OK);
    EXPECT_EQ(connect_with_user(*server, "alice", "alice-Pa55word"), NATS_CONNECTION_AUTH_FAILED);
    EXPECT_EQ(connect_with_user(*server, "bob", bob_hash), NATS_CONNECTION_AUTH_FAILED);
    EXPECT_EQ(connect_with_user(*server, "carol", bob_password), NATS_CONNECTION_AUTH_FAILED);
    EXPECT_EQ(connect_with_user(*server, "mallory", "alice-Pa55word!"), NATS_CONNECTION_AUTH_FAILED);
    RawClient c(server->port());
    const json info = c.read_info();
    EXPECT_EQ(info.value("auth_required", false), true);
    EXPECT_FALSE(info.contains("nonce")) << "only NKeys need a nonce";
    EXPECT_FALSE(raw_login(c, {{"user", "bob"}, {"pass", "bob-Bcrypt-2b-pW"}}));
    RawClient ok(server->port());
    ok.read_info();
    EXPECT_TRUE(raw_login(ok, {{"user", "bob"}, {"pass", bob_password}}));
    EXPECT_EQ(server->log_text().find("alice-Pa55word"), std::string::npos) << "a password reached the log";
}

TEST(Auth, SingleUserFromTheBlock) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    // A $2a$ hash may be written bare: it is no variable reference.
    auto server = start_server("authorization { user: derek, password: " + std::string(go_password_hash) + " }\n");
    EXPECT_EQ(connect_with_user(*server, "derek", go_password), NATS_OK);
    EXPECT_EQ(connect_with_user(*server, "derek", "IW@$6v(y1(t@fhPDvf!5^"), NATS_CONNECTION_AUTH_FAILED);
    EXPECT_EQ(connect_with_user(*server, "Derek", go_password), NATS_CONNECTION_AUTH_FAILED);
}

TEST(Auth, NkeyAcceptedAndRefused) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    auto server = start_server(std::string("authorization { users: [ {nkey: ") + nkey_a + "} ] }\n");
    EXPECT_EQ(connect_with_nkey(*server, nkey_a, seed_a), NATS_OK);
    // Unknown key (B is configured nowhere), and A's key signed with B's seed.
    EXPECT_EQ(connect_with_nkey(*server, nkey_b, seed_b), NATS_CONNECTION_AUTH_FAILED);
    EXPECT_EQ(connect_with_nkey(*server, nkey_a, seed_b), NATS_CONNECTION_AUTH_FAILED);

    RawClient c(server->port());
    const json info = c.read_info();
    EXPECT_EQ(info.value("auth_required", false), true);
    ASSERT_TRUE(info.contains("nonce"));
    const std::string nonce = info["nonce"];
    EXPECT_FALSE(nonce.empty());
    EXPECT_TRUE(raw_login(c, {{"nkey", nkey_a}, {"sig", sign(seed_a, nonce)}}));

    RawClient other_nonce(server->port());
    const std::string fresh = other_nonce.read_info()["nonce"];
    EXPECT_NE(fresh, nonce) << "each connection gets its own nonce";
    EXPECT_FALSE(raw_login(other_nonce, {{"nkey", nkey_a}, {"sig", sign(seed_a, nonce)}})) << "a replayed signature";
    RawClient no_sig(server->port());
    no_sig.read_info();
    EXPECT_FALSE(raw_login(no_sig, {{"nkey", nkey_a}}));
    RawClient garbage(server->port());
    garbage.read_info();
    EXPECT_FALSE(raw_login(garbage, {{"nkey", nkey_a}, {"sig", "not*base64"}}));
}

TEST(Auth, NkeysAndPasswordUsersTogether) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    auto server = start_server(std::string("authorization { users: [ {nkey: ") + nkey_a +
                               "}, {user: alice, password: \"alice-pw-77\"} ] }\n"
                               "accounts { SALES { users: [ {nkey: " + nkey_b + "} ] } }\n");
    EXPECT_EQ(connect_with_nkey(*server, nkey_a, seed_a), NATS_OK);
    EXPECT_EQ(connect_with_nkey(*server, nkey_b, seed_b), NATS_OK);
    EXPECT_EQ(connect_with_user(*server, "alice", "alice-pw-77"), NATS_OK);
    EXPECT_EQ(connect_with_user(*server, "alice", "alice-pw-78"), NATS_CONNECTION_AUTH_FAILED);
    RawClient c(server->port());
    EXPECT_TRUE(c.read_info().contains("nonce"));
}

TEST(Auth, MissingCredentialsAreAViolation) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    const std::vector<std::string> configs = {
        "authorization { token: \"t0k-missing\" }\n",
        "authorization { users: [ {user: a, password: \"a-pw\"} ] }\n",
        "authorization { user: a, password: \"a-pw\" }\n",
        std::string("authorization { users: [ {nkey: ") + nkey_a + "} ] }\n",
        "accounts { A { users: [ {user: a, password: \"a-pw\"} ] } }\n"};
    for (const auto& config : configs) {
        auto server = start_server(config);
        for (const json& connect : {json{{"verbose", false}}, json{{"user", ""}, {"pass", ""}, {"auth_token", ""}},
                                    json{{"user", "a"}}, json{{"auth_token", "a-pw"}}, json{{"name", "x"}}}) {
            RawClient c(server->port());
            c.read_info();
            EXPECT_FALSE(raw_login(c, connect)) << config << connect.dump();
        }
    }
}

TEST(Auth, NoAuthUserTakesClientsWithoutCredentials) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    auto server = start_server(
        "accounts {\n"
        "  A { users: [ {user: anon, password: \"anon-pw\"}, {user: alice, password: \"alice-pw\"} ] }\n"
        "  B { users: [ {user: bob, password: \"bob-pw\"} ] }\n"
        "}\n"
        "no_auth_user: anon\n");
    // libnats without user info logs in as anon, in account A.
    auto anon = nats_connect(server->url());
    auto sub = nats_subscribe_sync(anon.get(), "news");
    nats_check(natsConnection_Flush(anon.get()), "flush");
    for (const auto& [user, password] : {std::pair{"bob", "bob-pw"}, std::pair{"alice", "alice-pw"}}) {
        NatsOptionsPtr options = nats_options(server->url());
        nats_check(natsOptions_SetUserInfo(options.get(), user, password), "user");
        auto nc = nats_connect(options.get());
        nats_check(natsConnection_PublishString(nc.get(), "news", user), "publish");
        nats_check(natsConnection_Flush(nc.get()), "flush");
    }
    auto m = nats_next_msg(sub.get(), 2s);
    ASSERT_TRUE(m);
    EXPECT_EQ(nats_msg_data(m.get()), "alice") << "only account A reaches anon";
    EXPECT_FALSE(nats_next_msg(sub.get(), 200ms));
    // Credentials switch no_auth_user off: a wrong password is refused.
    EXPECT_EQ(connect_with_user(*server, "alice", "anon-pw"), NATS_CONNECTION_AUTH_FAILED);
    RawClient raw(server->port());
    raw.read_info();
    EXPECT_TRUE(raw_login(raw, {{"verbose", false}}));
    RawClient token_only(server->port());
    token_only.read_info();
    EXPECT_FALSE(raw_login(token_only, {{"auth_token", "anon-pw"}}));
}

TEST(Auth, BadUsersConfigStopsTheServer) {
    SKIP_WITHOUT_PLUGINS("auth_token", "auth_users", "auth_nkey");
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"authorization { users: [ {password: x} ] }\n", "User entry requires a user"},
        {"authorization { users: [ {nkey: UABC} ] }\n", "Not a valid public nkey for a user"},
        {"authorization { users: [ {user: a}, {user: a} ] }\n", "Duplicate user \"a\" detected"},
        {"authorization { users: [ {user: a, permissions: {subscribe: \"a b c\"}} ] }\n",
         "subject \"a b c\" is not a valid subject"},
        {"authorization { users: [ {user: a} ] }\nno_auth_user: z\n",
         "no_auth_user: \"z\" not present as user in authorization block or account configuration"}};
    for (const auto& [config, message] : cases) {
        test_support::TempDir dir;
        test_support::write_file(dir.file("server.conf"), config);
        const auto result = test_support::run_server_to_exit(
            {"-c", dir.file("server.conf").string(), "-a", "127.0.0.1", "-p", "-1"}, 5s);
        ASSERT_TRUE(result.exit_code.has_value()) << config << " kept running:\n" << result.output;
        EXPECT_NE(*result.exit_code, 0) << config;
        EXPECT_NE(result.output.find(message), std::string::npos) << config << result.output;
    }
}

}  // namespace
}  // namespace nats::integration
