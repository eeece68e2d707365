// `nats auth` end to end (tools/nats/commands/auth*.cpp): an operator, accounts
// and users made with the CLI in a scratch nsc store, the server config it
// generates, a server started on it, and libnats logging in with the creds
// files it wrote: admitted, refused a subject outside its permissions, refused
// once revoked (pushed to the running server's resolver). Each runs against
// ours and nats-server 2.9.10 (NMK_SERVER_BIN), the `full` resolver test too.
#include <regex>

#include "tests/integration/nats_cli_helpers.hpp"
#include "tests/support/nats_client.hpp"

namespace nats::integration {
namespace {

using namespace cli_testing;
using test_support::NatsConnectionPtr;
using test_support::nats_options;
using test_support::nats_try_connect;

class NatsCliAuth : public NatsCli {
protected:
    static bool has(const std::string& text, const std::string& pattern) {
        return std::regex_search(text, std::regex(pattern));
    }
    // Every command uses the scratch store.
    cli_result auth(std::vector<std::string> args) {
        args.insert(args.begin(), "auth");
        return cli.run(std::move(args), {"NATS_AUTH_STORE=" + (store_.path() / "nsc").string()});
    }
    cli_result ok(std::vector<std::string> args) {
        auto r = auth(args);
        std::string line;
        for (const auto& a : args) line += a + " ";
        EXPECT_EQ(r.code, 0) << line << "\n" << r.out << r.err;
        return r;
    }
    std::string file(const std::string& name) const { return (store_.path() / name).string(); }

    // OP (with SYS) and APP with alice (app.> only) and SYS's admin.
    void make_world(bool add_operator = true) {
        if (add_operator) ok({"operator", "add", "OP", "--system-account", "SYS"});
        ok({"account", "add", "APP", "--connections", "10", "--subscriptions", "100"});
        ok({"user", "add", "alice", "APP", "--pub-allow", "app.>", "--sub-allow", "app.>", "--sub-allow", "_INBOX.>"});
        ok({"user", "add", "bob", "APP"});
        ok({"user", "add", "admin", "SYS"});
        ok({"user", "credential", file("alice.creds"), "alice", "APP"});
        ok({"user", "credential", file("bob.creds"), "bob", "APP"});
        ok({"user", "credential", file("admin.creds"), "admin", "SYS"});
    }

    std::unique_ptr<ServerProcess> start_mem_server() {
        ok({"generate", "config", "--mem-resolver", "--config-file", file("server.conf"), "--force"});
        return ServerProcess::with_config(read_file(file("server.conf")));
    }

    static natsStatus login(const ServerProcess& server, const std::string& creds, NatsConnectionPtr* out = nullptr) {
        auto options = nats_options(server.url());
        natsOptions_SetUserCredentialsFromFiles(options.get(), creds.c_str(), nullptr);
        NatsConnectionPtr nc;
        const natsStatus status = test_support::nats_try_signed_connect(options.get(), nc);
        if (out) *out = std::move(nc);
        return status;
    }

    TempDir store_;
};

TEST_F(NatsCliAuth, FromNothingToARunningOperatorModeServer) {
    const auto op = ok({"operator", "add", "OP", "--system-account", "SYS"});
    EXPECT_TRUE(has(op.out, "Operator OP \\(O[A-Z2-7]{55}\\)\n\nConfiguration:\n\n +Name: OP\n")) << op.out;
    EXPECT_TRUE(contains(op.out, "System Account: SYS (A")) << op.out;
    EXPECT_TRUE(contains(op.out, "Signing Keys: O")) << op.out;
    // The nsc layout: operator, system account and their seeds.
    const auto nsc = store_.path() / "nsc";
    EXPECT_TRUE(std::filesystem::exists(nsc / "stores/OP/OP.jwt"));
    EXPECT_TRUE(std::filesystem::exists(nsc / "stores/OP/.nsc"));
    EXPECT_TRUE(std::filesystem::exists(nsc / "stores/OP/accounts/SYS/SYS.jwt"));
    EXPECT_TRUE(std::filesystem::is_directory(nsc / "keys/keys/O"));
    EXPECT_TRUE(std::filesystem::is_directory(nsc / "keys/keys/A"));

    make_world(false);
    EXPECT_TRUE(std::filesystem::exists(nsc / "stores/OP/accounts/APP/users/alice.jwt"));
    EXPECT_TRUE(std::filesystem::exists(nsc / "keys/creds/OP/APP/alice.creds"));
    auto info = ok({"account", "info", "APP"});
    EXPECT_TRUE(contains(info.out, "Connections: 10\n")) << info.out;
    EXPECT_TRUE(contains(info.out, "Subscriptions: 100\n")) << info.out;
    EXPECT_EQ(ok({"account", "ls", "--names"}).out, "APP\nSYS\n");
    EXPECT_EQ(ok({"user", "ls", "APP", "--names"}).out, "alice\nbob\n");
    info = ok({"user", "info", "alice", "APP"});
    EXPECT_TRUE(contains(info.out, "Publish Allow: app.>\n")) << info.out;

    auto server = start_mem_server();
    NatsConnectionPtr nc;
    ASSERT_EQ(login(*server, file("alice.creds"), &nc), NATS_OK);
    auto sub = test_support::nats_subscribe_sync(nc.get(), "app.orders");
    ASSERT_EQ(natsConnection_PublishString(nc.get(), "app.orders", "one"), NATS_OK);
    auto msg = test_support::nats_next_msg(sub.get(), 2s);
    ASSERT_TRUE(msg);
    EXPECT_EQ(test_support::nats_msg_data(msg.get()), "one");

    // Outside app.>: the server refuses the subscription (libnats records it).
    natsSubscription* raw = nullptr;
    ASSERT_EQ(natsConnection_SubscribeSync(&raw, nc.get(), "other.subject"), NATS_OK);
    natsConnection_FlushTimeout(nc.get(), 2000);
    const char* text = nullptr;
    bool refused = false;
    for (int i = 0; i < 100 && !refused; ++i) {
        refused = natsConnection_GetLastError(nc.get(), &text) == NATS_NOT_PERMITTED;
        if (!refused) std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(refused);
    EXPECT_TRUE(text != nullptr && contains(text, "Permissions Violation for Subscription to \"other.subject\""))
        << (text ? text : "");
    natsSubscription_Destroy(raw);

    // The system user can ask the servers (nats server ping answers).
    NatsConnectionPtr sys;
    EXPECT_EQ(login(*server, file("admin.creds"), &sys), NATS_OK);
}

TEST_F(NatsCliAuth, RevokedUserIsRefusedAfterPush) {
    make_world();
    auto server = start_mem_server();
    EXPECT_EQ(login(*server, file("bob.creds")), NATS_OK);

    auto r = ok({"account", "revoke", "APP", "bob"});
    EXPECT_TRUE(contains(r.out, "Revoked user bob (U")) << r.out;
    EXPECT_TRUE(contains(ok({"user", "info", "bob", "APP"}).out, "Revoked: true\n"));
    EXPECT_TRUE(contains(ok({"account", "info", "APP"}).out, "Revocations: 1\n"));

    // Pushed on $SYS.REQ.ACCOUNT.<key>.CLAIMS.UPDATE with the system user: the
    // MEMORY resolver takes updates of accounts it knows.
    r = cli.run({"-s", server->url(), "--creds", file("admin.creds"), "auth", "account", "push", "APP"},
                {"NATS_AUTH_STORE=" + (store_.path() / "nsc").string()});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_TRUE(has(r.out, "Updating Account APP \\(A[A-Z2-7]{55}\\) on all servers\n\n✓ Update completed on "
                               ".+\n\nSuccess 1 Failed 0\n"))
        << r.out;
    EXPECT_EQ(login(*server, file("bob.creds")), NATS_CONNECTION_AUTH_FAILED);
    EXPECT_EQ(login(*server, file("alice.creds")), NATS_OK);

    // A restart on a freshly generated config keeps the revocation.
    server.reset();
    auto again = start_mem_server();
    EXPECT_EQ(login(*again, file("bob.creds")), NATS_CONNECTION_AUTH_FAILED);
    EXPECT_EQ(login(*again, file("alice.creds")), NATS_OK);

    // Without a system user the push is refused by the server: no resolver answers.
    r = cli.run({"-s", again->url(), "--creds", file("alice.creds"), "--timeout", "500ms", "auth", "account", "push",
                 "APP"},
                {"NATS_AUTH_STORE=" + (store_.path() / "nsc").string()});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(contains(r.err, "nats: error: ")) << r.err;
}

TEST_F(NatsCliAuth, AccountLimitsAndBearerUsers) {
    make_world();
    ok({"account", "edit", "APP", "--connections", "1"});
    ok({"user", "add", "carol", "APP", "--bearer", "--credential", file("carol.creds")});
    EXPECT_TRUE(contains(ok({"user", "info", "carol", "APP"}).out, "Bearer Token: true\n"));
    auto server = start_mem_server();
    NatsConnectionPtr first;
    ASSERT_EQ(login(*server, file("alice.creds"), &first), NATS_OK);
    // One connection allowed for the account.
    EXPECT_NE(login(*server, file("bob.creds")), NATS_OK);
    first.reset();
    // The server frees the slot once it has seen the close.
    natsStatus carol = NATS_ERR;
    for (int i = 0; i < 20 && carol != NATS_OK; ++i) {
        std::this_thread::sleep_for(100ms);
        carol = login(*server, file("carol.creds"));
    }
    EXPECT_EQ(carol, NATS_OK);
}

TEST_F(NatsCliAuth, SigningKeysAndExpiringUsers) {
    make_world();
    // An account signing key signs a user; the JWT names its account (issuer_account).
    const std::string key = ok({"account", "keys", "add", "APP"}).out;
    ASSERT_TRUE(has(key, "^A[A-Z2-7]{55}\n$")) << key;
    EXPECT_EQ(ok({"account", "keys", "ls", "APP"}).out, key);
    ok({"user", "add", "signed", "APP", "--key", key.substr(0, 56), "--credential", file("signed.creds")});
    const auto user = nlohmann::json::parse(ok({"user", "info", "signed", "APP", "--json"}).out);
    EXPECT_EQ(user["iss"], key.substr(0, 56));
    EXPECT_FALSE(user["nats"]["issuer_account"].get<std::string>().empty());
    // A second operator signing key; the account stays signed by the first.
    const std::string op_key = ok({"operator", "keys", "add"}).out;
    EXPECT_EQ(ok({"operator", "keys", "ls"}).out.size(), 2 * op_key.size());

    auto server = start_mem_server();
    EXPECT_EQ(login(*server, file("signed.creds")), NATS_OK);
    // Users are not in the config: one made now logs in at once. It expires two
    // seconds after it was made; both servers compare whole seconds (now > exp),
    // so it is refused for certain only from the third second on.
    ok({"user", "add", "brief", "APP", "--expiry", "2s", "--credential", file("brief.creds")});
    EXPECT_TRUE(has(ok({"user", "info", "brief", "APP"}).out, "Expires: 20[0-9]{2}-"));
    EXPECT_EQ(login(*server, file("brief.creds")), NATS_OK);
    std::this_thread::sleep_for(3200ms);
    EXPECT_EQ(login(*server, file("brief.creds")), NATS_CONNECTION_AUTH_FAILED);
    // A credential with its own shorter expiry leaves the stored user alone.
    ok({"user", "credential", file("short.creds"), "alice", "APP", "--expire", "1s"});
    EXPECT_EQ(login(*server, file("alice.creds")), NATS_OK);

    // natscli's way to revoke: remove the user with --revoke.
    EXPECT_EQ(ok({"user", "rm", "signed", "APP", "--revoke"}).out, "Removed user signed and revoked it\n");
    EXPECT_FALSE(contains(ok({"user", "ls", "APP", "--names"}).out, "signed"));
    EXPECT_TRUE(contains(ok({"account", "info", "APP"}).out, "Revocations: 1\n"));
}

TEST_F(NatsCliAuth, FullResolverTakesPushedAccounts) {
    ok({"operator", "add", "OP", "--system-account", "SYS"});
    ok({"user", "add", "admin", "SYS", "--credential", file("admin.creds")});
    ok({"generate", "config", "--nats-resolver", "--resolver-dir", file("jwt"), "--config-file", file("server.conf")});
    auto server = ServerProcess::with_config(read_file(file("server.conf")));

    // An account made after the server started: unknown until pushed.
    ok({"account", "add", "LATE"});
    ok({"user", "add", "dave", "LATE", "--credential", file("dave.creds")});
    EXPECT_NE(login(*server, file("dave.creds")), NATS_OK);
    auto r = cli.run({"-s", server->url(), "--creds", file("admin.creds"), "auth", "account", "push", "LATE"},
                     {"NATS_AUTH_STORE=" + (store_.path() / "nsc").string()});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_TRUE(contains(r.out, "Success 1 Failed 0\n")) << r.out;
    EXPECT_EQ(login(*server, file("dave.creds")), NATS_OK);
    EXPECT_FALSE(std::filesystem::is_empty(file("jwt")));

    // Revoked and pushed again: refused from then on.
    ok({"account", "revoke", "LATE", "dave"});
    r = cli.run({"-s", server->url(), "--creds", file("admin.creds"), "auth", "account", "push", "LATE"},
                {"NATS_AUTH_STORE=" + (store_.path() / "nsc").string()});
    ASSERT_EQ(r.code, 0) << r.out << r.err;
    EXPECT_NE(login(*server, file("dave.creds")), NATS_OK);
}

TEST_F(NatsCliAuth, BadInputFailsWithOneLine) {
    auto expect_error = [&](std::vector<std::string> args, const std::string& line) {
        const auto r = auth(args);
        EXPECT_EQ(r.code, 1) << line;
        EXPECT_EQ(r.err, line + "\n");
    };
    expect_error({"account", "add", "APP"}, "nats: error: no operators found, add one with 'nats auth operator add'");
    ok({"operator", "add", "OP"});
    expect_error({"operator", "add", "OP"}, "nats: error: operator OP already exist");
    expect_error({"account", "info", "NOPE"}, "nats: error: unknown Account: NOPE");
    expect_error({"user", "add", "u", "NOPE"}, "nats: error: unknown Account: NOPE");
    expect_error({"account", "add", "APP", "--connections", "lots"},
                 "nats: error: invalid value for --connections: \"lots\" (a whole number, -1 for unlimited)");
    expect_error({"account", "add", "APP", "--payload", "big"},
                 "nats: error: invalid value for --payload: \"big\" (a size such as 1024, 512K or 1MB, -1 for "
                 "unlimited)");
    EXPECT_FALSE(contains(auth({"account", "ls", "--names"}).out, "APP")) << "a refused add writes nothing";
    ok({"account", "add", "APP"});
    expect_error({"account", "add", "APP"}, "nats: error: account APP already exist");
    ok({"user", "add", "alice", "APP"});
    expect_error({"user", "add", "alice", "APP"}, "nats: error: user alice already exist in account APP");
    expect_error({"user", "info", "nobody", "APP"}, "nats: error: unknown User: nobody");
    expect_error({"account", "revoke", "APP", "nobody"}, "nats: error: unknown User: nobody");
    expect_error({"operator", "info", "NOPE"}, "nats: error: unknown operator: NOPE");
    expect_error({"user", "add", "bob", "APP", "--expiry", "soon"},
                 "nats: error: invalid value for --expiry: \"soon\" (a duration such as 1h or 30d)");
    expect_error({"generate", "config"}, "nats: error: choose one of --mem-resolver or --nats-resolver");
}

} // namespace
} // namespace nats::integration
