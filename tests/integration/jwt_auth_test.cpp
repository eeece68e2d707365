// Decentralized JWT authentication end to end (issue 17): an operator minted
// here, accounts preloaded into the MEMORY resolver, users logging in with
// creds files (libnats) or a raw CONNECT carrying the JWT and the nonce
// signature. The same config runs on nats-server 2.9.10 (NMK_SERVER_BIN), so
// every accept and refuse below is checked against it; log texts are checked
// on ours only (nats-server writes them at debug level).
#include "tests/integration/jwt_account_server.hpp"
#include "tests/integration/jwt_auth_helpers.hpp"
#include "tests/support/net.hpp"
#include "tests/support/temp_dir.hpp"

namespace nats::integration {
namespace {

using namespace jwt_world;
using test_support::NatsConnectionPtr;
using test_support::nats_check;
using test_support::nats_options;
using test_support::nats_try_connect;

const std::string violation = "-ERR 'Authorization Violation'";

natsStatus connect_creds(const ServerProcess& server, const User& user, NatsConnectionPtr* out = nullptr) {
    test_support::TempDir dir;
    test_support::write_file(dir.file("user.creds"), user.creds());
    auto options = nats_options(server.url());
    nats_check(natsOptions_SetUserCredentialsFromFiles(options.get(), dir.file("user.creds").c_str(), nullptr), "creds");
    NatsConnectionPtr nc;
    const natsStatus status = test_support::nats_try_signed_connect(options.get(), nc);
    if (out) *out = std::move(nc);
    return status;
}

bool ours() { return server_loads_plugins(); }

#define SKIP_WITHOUT_JWT() SKIP_WITHOUT_PLUGINS("auth_jwt")

TEST(JwtAuth, CredsFileLogsInAndMessagesFlow) {
    SKIP_WITHOUT_JWT();
    World w;
    auto& a = w.account("A");
    auto server = start_server(w.config());
    const User user = w.user(a);
    NatsConnectionPtr nc;
    ASSERT_EQ(connect_creds(*server, user, &nc), NATS_OK);
    auto sub = test_support::nats_subscribe_sync(nc.get(), "greet");
    nats_check(natsConnection_PublishString(nc.get(), "greet", "hi"), "publish");
    auto msg = test_support::nats_next_msg(sub.get(), 2s);
    ASSERT_TRUE(msg);
    EXPECT_EQ(test_support::nats_msg_data(msg.get()), "hi");
    Raw raw(*server);
    EXPECT_EQ(raw.login(user), "PONG");
    // nats-server's start-up lines for operators (ours carry the plugin's name before them).
    const std::string log = server->log_text();
    for (const char* line : {"Trusted Operators", "  Operator: \"OP\"", "  Expires : Never",
                             "Trusted Operators should utilize a System Account"}) {
        EXPECT_NE(log.find(line), std::string::npos) << line << "\n" << log;
    }
}

TEST(JwtAuth, RefusedLogins) {
    SKIP_WITHOUT_JWT();
    World w;
    auto& a = w.account("A");
    Account stranger;  // never preloaded
    auto server = start_server(w.config());
    const User good = w.user(a);

    EXPECT_EQ(Raw(*server).login(json{{"user", "x"}, {"pass", "y"}}), violation);  // no JWT at all
    EXPECT_EQ(Raw(*server).login(json{{"jwt", "not-a-jwt"}, {"sig", "AAAA"}}), violation);
    {
        Raw r(*server);  // a signature of another nonce
        EXPECT_EQ(r.login({{"jwt", good.jwt}, {"sig", nkeys::base64url_encode(good.key.sign("other"))}}), violation);
    }
    EXPECT_EQ(Raw(*server).login(json{{"jwt", good.jwt}}), violation);  // no signature
    {
        Raw r(*server);  // the JWT's key is not the one that signed
        const User other = w.user(a);
        EXPECT_EQ(r.login({{"jwt", good.jwt}, {"sig", nkeys::base64url_encode(other.key.sign(r.nonce))}}), violation);
    }
    EXPECT_EQ(Raw(*server).login(w.user(a, [](json& c) { c["exp"] = 1000; })), violation);
    EXPECT_EQ(Raw(*server).login(w.user(a, [](json& c) { c["nbf"] = jwt::now_unix() + 3600; })), violation);
    EXPECT_EQ(Raw(*server).login(w.user(stranger)), violation);  // account unknown to the resolver
    EXPECT_EQ(connect_creds(*server, w.user(stranger)), NATS_CONNECTION_AUTH_FAILED);
    if (ours()) {
        const std::string log = server->log_text();
        for (const char* reason : {"Authentication requires a user JWT", "User JWT not valid: expected 3 chunks",
                                   "Signature not verified", "Signature missing",
                                   "User JWT no longer valid: claim is expired",
                                   "User JWT no longer valid: claim is not yet valid",
                                   "Account JWT lookup error: account missing"}) {
            EXPECT_NE(log.find(reason), std::string::npos) << reason << "\n" << log;
        }
    }
}

TEST(JwtAuth, AccountsOfAnotherOperatorAreNotTrusted) {
    SKIP_WITHOUT_JWT();
    World w;
    const KeyPair other_operator = KeyPair::generate(KeyType::operator_);
    auto& a = w.account("A", {}, &other_operator);
    auto server = start_server(w.config());
    EXPECT_EQ(Raw(*server).login(w.user(a)), violation);
}

// nats-server's other names for the `operator` key (processConfigFileLine).
TEST(JwtAuth, TheOperatorKeyAliasesWork) {
    SKIP_WITHOUT_JWT();
    World w;
    auto& a = w.account("A");
    const std::string config = w.config();
    ASSERT_EQ(config.rfind("operator:", 0), 0u);
    for (const std::string alias : {"operators", "root", "roots", "root_operator", "root_operators"}) {
        SCOPED_TRACE(alias);
        auto server = start_server(alias + config.substr(std::string("operator").size()));
        EXPECT_EQ(Raw(*server).login(w.user(a)), "PONG");
    }
}

TEST(JwtAuth, OperatorSigningKeysAndAccountSigningKeys) {
    SKIP_WITHOUT_JWT();
    const KeyPair op_signer = KeyPair::generate(KeyType::operator_);
    World w([&](json& c) { c["nats"]["signing_keys"] = {op_signer.public_key()}; });
    const KeyPair acc_signer = KeyPair::generate(KeyType::account);
    const KeyPair unlisted = KeyPair::generate(KeyType::account);
    auto& a = w.account("A", [&](json& c) { c["nats"]["signing_keys"] = {acc_signer.public_key()}; }, &op_signer);
    auto server = start_server(w.config());
    EXPECT_EQ(Raw(*server).login(w.user(a, {}, &acc_signer)), "PONG");
    EXPECT_EQ(connect_creds(*server, w.user(a, {}, &acc_signer)), NATS_OK);
    EXPECT_EQ(Raw(*server).login(w.user(a, {}, &unlisted)), violation);
    if (ours()) {
        EXPECT_NE(server->log_text().find("User JWT issuer is not known"), std::string::npos);
    }
}

TEST(JwtAuth, ScopedSigningKeyTemplates) {
    SKIP_WITHOUT_JWT();
    World w;
    const KeyPair scoped = KeyPair::generate(KeyType::account);
    auto& a = w.account("A", [&](json& c) {
        c["nats"]["signing_keys"] = {{{"kind", "user_scope"}, {"key", scoped.public_key()}, {"role", "r"},
                                      {"template", {{"pub", {{"allow", {"own.{{name()}}.>"}}}}, {"subs", -1},
                                                    {"data", -1}, {"payload", -1}}}}};
    });
    auto server = start_server(w.config());
    const User u = w.user(a, [](json& c) {
        c["name"] = "bob";
        c["nats"].erase("pub"); c["nats"].erase("sub");
        c["nats"].erase("subs"); c["nats"].erase("data"); c["nats"].erase("payload");
    }, &scoped);
    Raw r(*server);
    ASSERT_EQ(r.login(u), "PONG");
    r.client.send(pub("own.bob.x", "ok") + pub("own.alice.x", "no") + "PING\r\n");
    EXPECT_EQ(r.client.read_line(), "-ERR 'Permissions Violation for Publish to \"own.alice.x\"'");
    EXPECT_EQ(r.client.read_line(), "PONG");
    // A scoped user that carries permissions of its own is refused.
    EXPECT_EQ(Raw(*server).login(w.user(a, {}, &scoped)), violation);
}

TEST(JwtAuth, BearerTokens) {
    SKIP_WITHOUT_JWT();
    World w;
    auto& open = w.account("OPEN");
    auto& strict = w.account("STRICT", [](json& c) { c["nats"]["limits"]["disallow_bearer"] = true; });
    auto server = start_server(w.config());
    auto bearer = [](json& c) { c["nats"]["bearer_token"] = true; };
    EXPECT_EQ(Raw(*server).login(json{{"jwt", w.user(open, bearer).jwt}}), "PONG");
    EXPECT_EQ(Raw(*server).login(json{{"jwt", w.user(strict, bearer).jwt}}), violation);
    EXPECT_EQ(Raw(*server).login(json{{"jwt", w.user(open).jwt}}), violation) << "not a bearer token: needs sig";
}

TEST(JwtAuth, RevokedUsers) {
    SKIP_WITHOUT_JWT();
    World w;
    const User revoked = [&] {
        auto& a = w.account("A");
        return w.user(a);
    }();
    const std::int64_t issued = jwt::decode(revoked.jwt).issued_at;
    auto& a = w.account("A", [&](json& c) { c["nats"]["revocations"] = {{revoked.key.public_key(), issued}}; });
    // Same account key, now with the revocation: a user issued later is fine.
    auto server = start_server(w.config());
    EXPECT_EQ(Raw(*server).login(revoked), violation);
    EXPECT_EQ(connect_creds(*server, revoked), NATS_CONNECTION_AUTH_FAILED);
    std::this_thread::sleep_for(1100ms);
    EXPECT_EQ(Raw(*server).login(w.user(a)), "PONG");
    if (ours()) {
        EXPECT_NE(server->log_text().find("User authentication revoked"), std::string::npos);
    }
}

TEST(JwtAuth, UserPermissions) {
    SKIP_WITHOUT_JWT();
    World w;
    auto& a = w.account("A");
    auto server = start_server(w.config());
    const User u = w.user(a, [](json& c) {
        c["nats"]["pub"] = {{"allow", {"orders.>"}}, {"deny", {"orders.secret"}}};
        c["nats"]["sub"] = {{"allow", {"_INBOX.>", "orders.*"}}};
    });
    Raw r(*server);
    ASSERT_EQ(r.login(u), "PONG");
    r.client.send(pub("orders.new", "1") + pub("orders.secret", "2") + pub("other", "3") +
                  "SUB orders.x 1\r\nSUB secret 2\r\nPING\r\n");
    EXPECT_EQ(r.client.read_line(), "-ERR 'Permissions Violation for Publish to \"orders.secret\"'");
    EXPECT_EQ(r.client.read_line(), "-ERR 'Permissions Violation for Publish to \"other\"'");
    EXPECT_EQ(r.client.read_line(), "-ERR 'Permissions Violation for Subscription to \"secret\"'");
    EXPECT_EQ(r.client.read_line(), "PONG");
}

TEST(JwtAuth, AllowResponsesOnlyRepliesToRequests) {
    SKIP_WITHOUT_JWT();
    World w;
    auto& a = w.account("A");
    auto server = start_server(w.config());
    const User responder = w.user(a, [](json& c) { c["nats"]["resp"] = {{"max", 1}, {"ttl", 0}}; });
    Raw r(*server);
    ASSERT_EQ(r.login(responder), "PONG");
    r.client.send("SUB help 1\r\nPING\r\n");
    EXPECT_EQ(r.client.read_line(), "PONG");
    Raw asker(*server);
    ASSERT_EQ(asker.login(w.user(a)), "PONG");
    asker.client.send("SUB reply.x 9\r\n" + pub("help", "q", "reply.x") + "PING\r\n");
    EXPECT_EQ(asker.client.read_line(), "PONG");
    EXPECT_EQ(r.client.read_line(), "MSG help 1 reply.x 1");
    EXPECT_EQ(r.client.read_line(), "q");
    r.client.send(pub("reply.x", "a") + pub("anything", "b") + "PING\r\n");
    EXPECT_EQ(r.client.read_line(), "-ERR 'Permissions Violation for Publish to \"anything\"'");
    EXPECT_EQ(r.client.read_line(), "PONG");
    EXPECT_EQ(asker.client.read_line(), "MSG reply.x 9 1");
}

TEST(JwtAuth, UserAndAccountLimits) {
    SKIP_WITHOUT_JWT();
    World w;
    auto& a = w.account("A", [](json& c) { c["nats"]["limits"]["conn"] = 2; });
    auto server = start_server(w.config());
    const User limited = w.user(a, [](json& c) {
        c["nats"]["subs"] = 1;
        c["nats"]["payload"] = 8;
    });
    Raw r(*server);
    ASSERT_EQ(r.login(limited), "PONG");
    // Both servers tell the client its smaller max_payload in a second INFO.
    const std::string info = r.client.read_line();
    ASSERT_EQ(info.rfind("INFO ", 0), 0u) << info;
    EXPECT_EQ(json::parse(info.substr(5))["max_payload"], 8);
    r.client.send("SUB a 1\r\nSUB b 2\r\nPING\r\n");
    EXPECT_EQ(r.client.read_line(), "-ERR 'maximum subscriptions exceeded'");
    EXPECT_EQ(r.client.read_line(), "PONG");
    r.client.send("PUB a 9\r\n123456789\r\n");
    EXPECT_EQ(r.client.read_line(), "-ERR 'Maximum Payload Violation'");
    // The account allows two connections: r is closed now, so two more fit, not three.
    Raw one(*server);
    ASSERT_EQ(one.login(w.user(a)), "PONG");
    Raw two(*server);
    ASSERT_EQ(two.login(w.user(a)), "PONG");
    Raw three(*server);
    EXPECT_EQ(three.login(w.user(a)), "-ERR 'maximum account active connections exceeded'");
}

TEST(JwtAuth, SourceNetworksAndConnectTimes) {
    SKIP_WITHOUT_JWT();
    World w;
    auto& a = w.account("A");
    auto server = start_server(w.config());
    EXPECT_EQ(Raw(*server).login(w.user(a, [](json& c) { c["nats"]["src"] = "127.0.0.0/8"; })), "PONG");
    EXPECT_EQ(Raw(*server).login(w.user(a, [](json& c) { c["nats"]["src"] = "10.0.0.0/8,192.168.0.0/16"; })), violation);
    const std::int64_t now = jwt::now_unix() % 86400;
    auto clock = [](std::int64_t s) {
        s = ((s % 86400) + 86400) % 86400;
        char out[16];
        std::snprintf(out, sizeof out, "%02d:%02d:%02d", int(s / 3600), int(s / 60 % 60), int(s % 60));
        return std::string(out);
    };
    auto window = [&](std::int64_t from, std::int64_t to) {
        return [=](json& c) {
            c["nats"]["times"] = {{{"start", clock(now + from)}, {"end", clock(now + to)}}};
            c["nats"]["times_location"] = "UTC";
        };
    };
    EXPECT_EQ(Raw(*server).login(w.user(a, window(-600, 600))), "PONG");
    EXPECT_EQ(Raw(*server).login(w.user(a, window(3600, 7200))), violation);
    if (ours()) {
        const std::string log = server->log_text();
        EXPECT_NE(log.find("Bad src Ip 127.0.0.1"), std::string::npos) << log;
        EXPECT_NE(log.find("Outside connect times"), std::string::npos) << log;
    }
}

TEST(JwtAuth, StreamAndServiceExportsAcrossAccounts) {
    SKIP_WITHOUT_JWT();
    World w;
    Account importer_keys;  // its key is needed before the exporter's JWT names it
    auto& exporter = w.account("EXP", [](json& c) {
        c["nats"]["exports"] = {{{"subject", "prices.>"}, {"type", "stream"}},
                                {{"subject", "quote"}, {"type", "service"}},
                                {{"subject", "private.>"}, {"type", "stream"}, {"token_req", true}}};
    });
    const std::string activation =
        jwt::encode(jwt::activation_claims(importer_keys.key.public_key(), "private.>", "stream"), exporter.key);
    auto& importer = w.account("IMP");
    importer.key = importer_keys.key;
    {
        auto claims = jwt::account_claims("IMP", importer.key.public_key());
        const std::string exp_key = exporter.key.public_key();
        claims["nats"]["imports"] = {
            {{"subject", "prices.>"}, {"account", exp_key}, {"type", "stream"}},
            {{"subject", "quote"}, {"account", exp_key}, {"type", "service"}, {"local_subject", "ask.quote"}},
            {{"subject", "private.>"}, {"account", exp_key}, {"type", "stream"}, {"token", activation}}};
        importer.jwt = jwt::encode(claims, w.op);
    }
    auto& outsider = w.account("OUT", [&](json& c) {  // imports the private export without a token
        c["nats"]["imports"] = {{{"subject", "private.>"}, {"account", exporter.key.public_key()}, {"type", "stream"}}};
    });
    auto& thief = w.account("THIEF", [&](json& c) {  // the importer's activation, not its own
        c["nats"]["imports"] = {{{"subject", "private.>"}, {"account", exporter.key.public_key()}, {"type", "stream"},
                                 {"token", activation}}};
    });
    auto server = start_server(w.config());
    Raw exp(*server), imp(*server), out(*server);
    ASSERT_EQ(exp.login(w.user(exporter)), "PONG");
    ASSERT_EQ(imp.login(w.user(importer)), "PONG");
    ASSERT_EQ(out.login(w.user(outsider)), "PONG");
    // An account JWT carrying someone else's activation fails validation as a whole.
    EXPECT_EQ(Raw(*server).login(w.user(thief)), violation);
    imp.client.send("SUB prices.> 1\r\nSUB private.> 2\r\nSUB _INBOX.r 3\r\nPING\r\n");
    EXPECT_EQ(imp.client.read_line(), "PONG");
    out.client.send("SUB private.> 1\r\nPING\r\n");
    EXPECT_EQ(out.client.read_line(), "PONG");
    exp.client.send("SUB quote 7\r\n" + pub("prices.eur", "1.1") + pub("private.x", "p") + "PING\r\n");
    EXPECT_EQ(exp.client.read_line(), "PONG");
    EXPECT_EQ(imp.client.read_line(), "MSG prices.eur 1 3");
    EXPECT_EQ(imp.client.read_line(), "1.1");
    EXPECT_EQ(imp.client.read_line(), "MSG private.x 2 1");
    EXPECT_EQ(imp.client.read_line(), "p");
    imp.client.send(pub("ask.quote", "q?", "_INBOX.r") + "PING\r\n");
    EXPECT_EQ(imp.client.read_line(), "PONG");
    const std::string request = exp.client.read_line();
    ASSERT_EQ(request.rfind("MSG quote 7 ", 0), 0u) << request;
    EXPECT_EQ(exp.client.read_line(), "q?");
    const std::string reply_to = request.substr(std::string("MSG quote 7 ").size(),
                                                request.rfind(' ') - std::string("MSG quote 7 ").size());
    exp.client.send(pub(reply_to, "42"));
    EXPECT_EQ(imp.client.read_line(), "MSG _INBOX.r 3 2");
    EXPECT_EQ(imp.client.read_line(), "42");
    // The outsider got nothing from the private export.
    out.client.send("PING\r\n");
    EXPECT_EQ(out.client.read_line(), "PONG");
}

TEST(JwtAuth, AccountJetStreamLimitsReachTheJetStreamPlugin) {
    SKIP_WITHOUT_PLUGINS("auth_jwt", "jetstream");
    World w;
    auto& js = w.account("JS", [](json& c) {
        c["nats"]["limits"]["mem_storage"] = 1048576;
        c["nats"]["limits"]["disk_storage"] = 0;
        c["nats"]["limits"]["streams"] = 1;
        c["nats"]["limits"]["consumer"] = -1;
    });
    auto& none = w.account("NOJS");
    auto& sys = w.account("SYS");  // nats-server's JetStream needs a system account
    test_support::TempDir store;
    auto server = start_server(w.config("system_account: " + sys.key.public_key() + "\njetstream { store_dir: \"" +
                                        store.path().string() + "\" }\n"));
    Raw r(*server);
    ASSERT_EQ(r.login(w.user(js)), "PONG");
    auto create = [](Raw& raw, const std::string& name) {
        const std::string body = json{{"name", name}, {"subjects", {name + ".>"}}, {"storage", "memory"}}.dump();
        raw.client.send("SUB _INBOX.c 1\r\n" + pub("$JS.API.STREAM.CREATE." + name, body, "_INBOX.c"));
        EXPECT_TRUE(raw.client.read_line().rfind("MSG _INBOX.c 1", 0) == 0);
        return json::parse(raw.client.read_line());
    };
    EXPECT_FALSE(create(r, "S1").contains("error"));
    const json second = create(r, "S2");
    ASSERT_TRUE(second.contains("error")) << second.dump();
    EXPECT_EQ(second["error"]["err_code"], 10027) << second.dump();  // maximum number of streams reached
    Raw n(*server);
    ASSERT_EQ(n.login(w.user(none)), "PONG");
    n.client.send("SUB _INBOX.i 1\r\n" + pub("$JS.API.INFO", "", "_INBOX.i"));
    EXPECT_TRUE(n.client.read_line().rfind("MSG _INBOX.i 1", 0) == 0);
    const json info = json::parse(n.client.read_line());
    EXPECT_EQ(info["error"]["code"], 503) << info.dump();  // JetStream not enabled for account
}

TEST(JwtAuth, FailsClosedOnBrokenConfig) {
    SKIP_WITHOUT_JWT();
    World w;
    auto check = [](const std::string& config, const std::string& expected) {
        const auto run = run_config_to_exit(config);
        EXPECT_EQ(run.exit_code, 1) << run.output;
        if (ours()) {
            EXPECT_NE(run.output.find(expected), std::string::npos) << run.output;
        }
        // nats-server's -t reads the file only (these checks run when it starts); ours runs
        // the plugin's checks too, so -t refuses what start-up would refuse.
        if (!ours()) return;
        const auto test = run_config_to_exit(config, {"-t"});
        EXPECT_EQ(test.exit_code, 1) << test.output;
        EXPECT_NE(test.output.find(expected), std::string::npos) << test.output;
    };
    check("operator: \"/nonexistent/op.jwt\"\nresolver: MEMORY\n",
          "error parsing operator JWT: open /nonexistent/op.jwt: no such file or directory");
    check("operator: \"" + w.operator_jwt + "\"\n", "operators require an account resolver to be configured");
    check("operator: \"" + w.operator_jwt.substr(0, 40) + "\"\nresolver: MEMORY\n", "error parsing operator JWT");
    check("operator: \"" + w.operator_jwt + "\"\nresolver: MEMORY\naccounts { A {} }\n",
          "operators do not allow Accounts to be configured directly");
    check("operator: \"" + w.operator_jwt + "\"\nresolver: MEMORY\nresolver_preload { " +
              KeyPair::generate(KeyType::account).public_key() + ": \"garbage\" }\n",
          "preload account error");
    if (ours()) {
        // One [FTL] line naming where the key is written.
        const auto run = run_config_to_exit("\noperator: \"/nonexistent/op.jwt\"\nresolver: MEMORY\n");
        const auto lines = lines_containing(run.output, "[FTL]");
        ASSERT_EQ(lines.size(), 1u) << run.output;
        EXPECT_NE(lines[0].find(":2:1"), std::string::npos) << lines[0];
    }
}

}  // namespace
}  // namespace nats::integration

namespace nats::integration {
namespace {

TEST(JwtAuth, AccountJwtPushedAtRunTimeAppliesAtOnce) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    jwt_world::World w;
    auto& sys = w.account("SYS");
    auto& a = w.account("A");
    auto server = start_server(w.config("system_account: " + sys.key.public_key() + "\n"));
    // A user of A first: nats-server updates only accounts it has loaded.
    Raw user(*server);
    ASSERT_EQ(user.login(w.user(a)), "PONG");
    user.client.send("SUB one 1\r\nSUB two 2\r\nPING\r\n");
    EXPECT_EQ(user.client.read_line(), "PONG");

    auto claims = jwt::account_claims("A", a.key.public_key());
    claims["nats"]["limits"]["subs"] = 1;
    const std::string updated = jwt::encode(claims, w.op);
    Raw admin(*server);
    ASSERT_EQ(admin.login(w.user(sys)), "PONG");
    const std::string subject = "$SYS.REQ.ACCOUNT." + a.key.public_key() + ".CLAIMS.UPDATE";
    admin.client.send("SUB _INBOX.upd 1\r\n" + pub(subject, updated, "_INBOX.upd"));
    const std::string line = admin.client.read_line();
    ASSERT_EQ(line.rfind("MSG _INBOX.upd 1 ", 0), 0u) << line;
    const json answer = json::parse(admin.client.read_line());
    EXPECT_EQ(answer["data"], json({{"account", a.key.public_key()}, {"code", 200}, {"message", "jwt updated"}}))
        << answer.dump();
    for (const char* field : {"name", "host", "id", "ver", "seq", "jetstream", "time"}) {
        EXPECT_TRUE(answer["server"].contains(field)) << field << " in " << answer.dump();
    }
    // A client of A that connects now gets the account's new subscription limit.
    Raw later(*server);
    ASSERT_EQ(later.login(w.user(a)), "PONG");
    later.client.send("SUB x 1\r\nSUB y 2\r\nPING\r\n");
    EXPECT_EQ(later.client.read_line(), "-ERR 'maximum subscriptions exceeded'");
    EXPECT_EQ(later.client.read_line(), "PONG");

    // A JWT for another account on this account's subject is refused.
    admin.client.send(pub(subject, jwt::encode(jwt::account_claims("S", sys.key.public_key()), w.op), "_INBOX.upd"));
    ASSERT_EQ(admin.client.read_line().rfind("MSG _INBOX.upd 1 ", 0), 0u);
    const json refused = json::parse(admin.client.read_line());
    EXPECT_EQ(refused["error"], json({{"account", a.key.public_key()},
                                      {"code", 500},
                                      {"description", "jwt update resulted in error - subject does not match jwt content"}}))
        << refused.dump();
}

}  // namespace
}  // namespace nats::integration


namespace nats::integration {
namespace {

TEST(JwtAuth, UrlResolverFetchesAccountsOverHttp) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    jwt_world::World w;
    AccountServer http;
    jwt_world::Account a;
    a.jwt = jwt::encode(jwt::account_claims("A", a.key.public_key()), w.op);
    http.put("/jwt/v1/accounts/" + a.key.public_key(), a.jwt);
    http.put("/jwt/v1/accounts/", "");  // both servers check at start that someone is home
    jwt_world::Account missing;  // the server answers 404 for it
    const std::string config =
        "operator: \"" + w.operator_jwt + "\"\nresolver: URL(\"" + http.url() + "\")\n";
    auto server = start_server(config);
    NatsConnectionPtr nc;
    EXPECT_EQ(connect_creds(*server, w.user(a), &nc), NATS_OK);
    EXPECT_GE(http.requests(), 1);
    EXPECT_EQ(Raw(*server).login(w.user(a)), "PONG");
    EXPECT_EQ(Raw(*server).login(w.user(missing)), violation);
    if (server_loads_plugins()) {
        EXPECT_NE(server->log_text().find("Account JWT lookup error: could not fetch <\"" + http.url() +
                                          missing.key.public_key() + "\">: 404 Not Found"),
                  std::string::npos)
            << server->log_text();
    }
}

TEST(JwtAuth, UnreachableUrlResolverLetsNoUnknownAccountIn) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    jwt_world::World w;
    jwt_world::Account a;
    // Nobody home at start: the server does not start (nats-server's "basic test").
    const std::string dead_url = "http://127.0.0.1:" + std::to_string(test_support::free_port()) + "/accounts/";
    const auto run = run_config_to_exit("operator: \"" + w.operator_jwt + "\"\nresolver: URL(\"" + dead_url + "\")\n");
    EXPECT_EQ(run.exit_code, 1) << run.output;
    EXPECT_NE(run.output.find("could not fetch <\"" + dead_url + "\">"), std::string::npos) << run.output;
    // The account server goes away after start: an account not fetched yet stays out.
    auto http = std::make_unique<AccountServer>();
    http->put("/jwt/v1/accounts/", "");
    const std::string config = "operator: \"" + w.operator_jwt + "\"\nresolver: URL(\"" + http->url() + "\")\n";
    auto server = start_server(config);
    // The port may listen before start-up has finished (and checked the account server).
    for (int i = 0; i < 100 && server->log_text().find("Server is ready") == std::string::npos; ++i)
        std::this_thread::sleep_for(50ms);
    ASSERT_NE(server->log_text().find("Server is ready"), std::string::npos) << server->log_text();
    http.reset();
    EXPECT_EQ(Raw(*server).login(w.user(a)), violation);
    EXPECT_EQ(connect_creds(*server, w.user(a)), NATS_CONNECTION_AUTH_FAILED);
    // The server stays up and answers others.
    RawClient probe(server->port());
    EXPECT_TRUE(probe.read_info().contains("nonce"));
}

}  // namespace
}  // namespace nats::integration
