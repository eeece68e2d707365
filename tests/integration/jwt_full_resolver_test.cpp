// The `full` account resolver (issue 17): account JWTs kept in a directory and managed
// through the system account ($SYS.REQ.CLAIMS.UPDATE / LOOKUP / LIST / DELETE / PACK),
// as nats-server 2.9.10 answers them. Every test also runs against nats-server
// (NMK_SERVER_BIN), so the answers' JSON is checked against the real thing.
#include <filesystem>
#include <future>
#include <set>

#include <openssl/sha.h>

#include <functional>

#include "tests/integration/jwt_auth_helpers.hpp"
#include "tests/support/temp_dir.hpp"

namespace nats::integration {
namespace {

using namespace jwt_world;

// Operator mode with the full resolver in `dir`, the system account preloaded.
std::string full_config(const World& w, const Account& sys, const std::string& dir, bool allow_delete) {
    return "operator: \"" + w.operator_jwt + "\"\nsystem_account: " + sys.key.public_key() +
           "\nresolver: { type: full, dir: \"" + dir + "\", allow_delete: " + (allow_delete ? "true" : "false") +
           " }\nresolver_preload: {\n  " + sys.key.public_key() + ": \"" + sys.jwt + "\"\n}\n";
}

// A system-account client making requests.
struct Admin {
    Raw raw;
    int sid = 100;
    Admin(const ServerProcess& server, const World& w, const Account& sys) : raw(server) {
        EXPECT_EQ(raw.login(w.user(sys)), "PONG");
    }
    // Sends a request and returns the payloads of the replies that arrive within `wait`
    // (stops at the first when `one` is set).
    std::vector<std::string> request(const std::string& subject, const std::string& payload, bool one = true,
                                     std::chrono::milliseconds wait = 3s) {
        const std::string inbox = "_INBOX.admin." + std::to_string(++sid);
        raw.client.send("SUB " + inbox + " " + std::to_string(sid) + "\r\n" + pub(subject, payload, inbox));
        std::vector<std::string> out;
        while (true) {
            std::string line;
            try {
                line = raw.client.read_line(out.empty() ? wait : 500ms);
            } catch (const std::runtime_error&) {
                break;  // nothing (more) within the wait
            }
            if (line.rfind("MSG " + inbox, 0) != 0) break;
            const auto size = std::stoul(line.substr(line.rfind(' ') + 1));
            out.push_back(size == 0 ? std::string() : raw.client.read_line());
            if (size == 0) raw.client.read_line();  // the empty payload's CRLF
            if (one || (size == 0)) break;
        }
        return out;
    }
    json request_json(const std::string& subject, const std::string& payload) {
        const auto replies = request(subject, payload);
        if (replies.empty()) return json();
        return json::parse(replies.front());
    }
};

// A full resolver with SYS preloaded and A minted but not pushed (members in this order).
struct FullResolverServer {
    World w;
    Account& sys = w.account("SYS");
    Account& a = w.account("A");
    test_support::TempDir dir;
    std::unique_ptr<ServerProcess> server = start_server(full_config(w, sys, dir.file("jwt").string(), false));
};

TEST(JwtFullResolver, PushedAccountsAreStoredLookedUpListedAndSurviveARestart) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    World w;
    auto& sys = w.account("SYS");
    auto& a = w.account("A");
    test_support::TempDir dir;
    const std::string jwt_dir = dir.file("jwt").string();
    const User alice = w.user(a);
    {
        auto server = start_server(full_config(w, sys, jwt_dir, false));
        EXPECT_EQ(Raw(*server).login(alice), "-ERR 'Authorization Violation'") << "A is not known yet";
        Admin admin(*server, w, sys);
        const json pushed = admin.request_json("$SYS.REQ.CLAIMS.UPDATE", a.jwt);
        EXPECT_EQ(pushed["data"], json({{"account", a.key.public_key()}, {"code", 200}, {"message", "jwt updated"}}))
            << pushed.dump();
        EXPECT_TRUE(pushed.contains("server"));
        EXPECT_EQ(Raw(*server).login(alice), "PONG");

        const auto found = admin.request("$SYS.REQ.ACCOUNT." + a.key.public_key() + ".CLAIMS.LOOKUP", "");
        ASSERT_EQ(found.size(), 1u);
        EXPECT_EQ(found[0], a.jwt);
        EXPECT_TRUE(admin.request("$SYS.REQ.ACCOUNT." + KeyPair::generate(KeyType::account).public_key() +
                                      ".CLAIMS.LOOKUP", "", true, 500ms)
                        .empty())
            << "an unknown account gets no answer";

        const json listed = admin.request_json("$SYS.REQ.CLAIMS.LIST", "");
        std::set<std::string> keys;
        for (const auto& k : listed["data"]) keys.insert(k.get<std::string>());
        EXPECT_EQ(keys, (std::set<std::string>{a.key.public_key(), sys.key.public_key()})) << listed.dump();

        // A JWT for another account on this account's subject, and garbage.
        const json wrong = admin.request_json("$SYS.REQ.ACCOUNT." + a.key.public_key() + ".CLAIMS.UPDATE", sys.jwt);
        EXPECT_EQ(wrong["error"]["description"], "jwt update resulted in error - subject does not match jwt content")
            << wrong.dump();
        const json garbage = admin.request_json("$SYS.REQ.CLAIMS.UPDATE", "not a jwt");
        EXPECT_EQ(garbage["error"]["account"], "n/a") << garbage.dump();
        EXPECT_EQ(garbage["error"]["code"], 500);
    }
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(jwt_dir) / (a.key.public_key() + ".jwt")));
    auto server = start_server(full_config(w, sys, jwt_dir, false));
    EXPECT_EQ(Raw(*server).login(alice), "PONG") << "A came back from the directory";
}

// nats-io/jwt's Account.Validate, which the full resolver runs on a push
// (claimValidate): more imports or exports than the account's limits, or a
// wildcard export where the limits say `wildcards: false`, are refused and not
// stored. The wildcard rule applies only under an export limit, as there.
TEST(JwtFullResolver, PushesPastTheImportExportAndWildcardLimitsAreRefused) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    FullResolverServer s;
    Admin admin(*s.server, s.w, s.sys);
    const std::string a_key = s.a.key.public_key();
    const auto push = [&](const std::function<void(json&)>& edit) {
        auto claims = jwt::account_claims("A", a_key);
        edit(claims["nats"]);
        return admin.request_json("$SYS.REQ.CLAIMS.UPDATE", jwt::encode(claims, s.w.op));
    };
    const auto refused = [&](const json& answer, const std::string& errors) {
        EXPECT_EQ(answer["error"]["description"], "jwt validation failed - validation errors: [" + errors + "]")
            << answer.dump();
        EXPECT_EQ(answer["error"]["account"], a_key);
        EXPECT_EQ(answer["error"]["code"], 500);
    };
    const std::string wildcard = "the account contains wildcard exports that are not allowed by the operator";
    const std::string exports = "the account contains more exports than allowed by the operator";
    const std::string imports = "the account contains more imports than allowed by the operator";
    const json wildcard_export = {{"name", "orders"}, {"subject", "orders.>"}, {"type", "stream"}};
    const json literal_export = {{"name", "one"}, {"subject", "one"}, {"type", "stream"}};

    refused(push([&](json& n) {
                n["limits"]["exports"] = 5;
                n["limits"]["wildcards"] = false;
                n["exports"] = {wildcard_export};
            }),
            wildcard);
    refused(push([&](json& n) {
                n["limits"]["exports"] = 0;
                n["exports"] = {literal_export};
            }),
            exports);
    refused(push([&](json& n) {
                n["limits"]["exports"] = 0;
                n["limits"]["wildcards"] = false;
                n["exports"] = {wildcard_export};
            }),
            exports + " " + wildcard);
    refused(push([&](json& n) {
                n["limits"]["imports"] = 0;
                n["imports"] = {{{"name", "in"}, {"subject", "in"}, {"type", "stream"},
                                 {"account", KeyPair::generate(KeyType::account).public_key()}}};
            }),
            imports + " " + imports);  // nats-io/jwt checks it twice
    EXPECT_EQ(Raw(*s.server).login(s.w.user(s.a)), "-ERR 'Authorization Violation'") << "nothing was stored";

    // Allowed: wildcards on, or no export limit at all.
    EXPECT_EQ(push([&](json& n) {
                  n["limits"]["exports"] = 5;
                  n["exports"] = {wildcard_export};
              })["data"]["message"],
              "jwt updated");
    EXPECT_EQ(push([&](json& n) {
                  n["limits"]["wildcards"] = false;
                  n["exports"] = {wildcard_export};
              })["data"]["message"],
              "jwt updated");
    EXPECT_EQ(Raw(*s.server).login(s.w.user(s.a)), "PONG");
}

TEST(JwtFullResolver, DeleteNeedsAllowDeleteAndAnOperatorSignatureAndClosesTheAccountsClients) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    World w;
    auto& sys = w.account("SYS");
    auto& a = w.account("A");
    test_support::TempDir dir;
    const std::string jwt_dir = dir.file("jwt").string();
    auto delete_request = [&](const KeyPair& signer, const std::vector<std::string>& accounts) {
        json claims = {{"sub", signer.public_key()}, {"nats", {{"accounts", accounts}}}};
        return jwt::encode(claims, signer);
    };
    {
        auto server = start_server(full_config(w, sys, jwt_dir, false));
        Admin admin(*server, w, sys);
        ASSERT_EQ(admin.request_json("$SYS.REQ.CLAIMS.UPDATE", a.jwt)["data"]["message"], "jwt updated");
        const json refused = admin.request_json("$SYS.REQ.CLAIMS.DELETE", delete_request(w.op, {a.key.public_key()}));
        EXPECT_EQ(refused["error"]["description"], "delete accounts request by " + w.op.public_key() +
                                                       " failed - delete must be enabled in server config")
            << refused.dump();
    }
    auto server = start_server(full_config(w, sys, jwt_dir, true));
    Raw user(*server);
    ASSERT_EQ(user.login(w.user(a)), "PONG");
    Admin admin(*server, w, sys);
    const KeyPair stranger = KeyPair::generate(KeyType::operator_);
    EXPECT_EQ(admin.request_json("$SYS.REQ.CLAIMS.DELETE", delete_request(stranger, {a.key.public_key()}))["error"]
                                ["description"],
              "delete accounts request by " + stranger.public_key() + " failed - not trusted");
    EXPECT_EQ(admin.request_json("$SYS.REQ.CLAIMS.DELETE", delete_request(w.op, {sys.key.public_key()}))["error"]
                                ["description"],
              "delete accounts request by " + w.op.public_key() + " failed - not allowed to delete system account");
    EXPECT_EQ(admin.request_json("$SYS.REQ.CLAIMS.DELETE", delete_request(w.op, {"nonsense"}))["error"]["description"],
              "delete accounts request by " + w.op.public_key() + " failed - malformed request");

    const json deleted = admin.request_json("$SYS.REQ.CLAIMS.DELETE", delete_request(w.op, {a.key.public_key()}));
    EXPECT_EQ(deleted["data"], json({{"code", 200}, {"message", "deleted 1 accounts"}})) << deleted.dump();
    EXPECT_EQ(user.client.read_line(3s), "-ERR 'Account Authentication Expired'");
    EXPECT_TRUE(user.client.wait_closed(2s));
    EXPECT_EQ(Raw(*server).login(w.user(a)), "-ERR 'Authorization Violation'");
    EXPECT_TRUE(std::filesystem::exists(std::filesystem::path(jwt_dir) / (a.key.public_key() + ".jwt.deleted")));
}

TEST(JwtFullResolver, PackAnswersEveryJwtThenAnEmptyMessage) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    FullResolverServer s;
    const Account& sys = s.sys;
    const Account& a = s.a;
    Admin admin(*s.server, s.w, sys);
    ASSERT_EQ(admin.request_json("$SYS.REQ.CLAIMS.UPDATE", a.jwt)["data"]["message"], "jwt updated");
    const auto pack = admin.request("$SYS.REQ.CLAIMS.PACK", "", false);
    ASSERT_FALSE(pack.empty());
    EXPECT_EQ(pack.back(), "") << "the end of the pack";
    std::set<std::string> lines(pack.begin(), pack.end() - 1);
    EXPECT_EQ(lines, (std::set<std::string>{a.key.public_key() + "|" + a.jwt, sys.key.public_key() + "|" + sys.jwt}));

    // A PACK carrying the store's own hash (the XOR of each JWT's SHA-256) gets the end only.
    std::string hash(SHA256_DIGEST_LENGTH, '\0');
    for (const std::string* jwt : {&a.jwt, &sys.jwt}) {
        unsigned char digest[SHA256_DIGEST_LENGTH];
        SHA256(reinterpret_cast<const unsigned char*>(jwt->data()), jwt->size(), digest);
        for (std::size_t i = 0; i < hash.size(); ++i) hash[i] = static_cast<char>(hash[i] ^ digest[i]);
    }
    EXPECT_EQ(admin.request("$SYS.REQ.CLAIMS.PACK", hash, false), std::vector<std::string>{""});
}

// Both directory resolvers ask the system account for an account they lack
// ($SYS.REQ.ACCOUNT.<key>.CLAIMS.LOOKUP), so an account server listening there serves them;
// the cache then takes updates only for accounts it has.
TEST(JwtFullResolver, UnknownAccountsAreLookedUpInTheSystemAccountAndKept) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    for (const std::string type : {"full", "cache"}) {
        SCOPED_TRACE(type);
        World w;
        auto& sys = w.account("SYS");
        auto& a = w.account("A");
        auto& b = w.account("B");
        test_support::TempDir dir;
        const std::string config = "operator: \"" + w.operator_jwt + "\"\nsystem_account: " + sys.key.public_key() +
                                   "\nresolver: { type: " + type + ", dir: \"" + dir.file("jwt").string() +
                                   "\" }\nresolver_preload: {\n  " + sys.key.public_key() + ": \"" + sys.jwt + "\"\n}\n";
        auto server = start_server(config);
        Admin account_server(*server, w, sys);
        account_server.raw.client.send("SUB $SYS.REQ.ACCOUNT.*.CLAIMS.LOOKUP 7\r\nPING\r\n");
        ASSERT_EQ(account_server.raw.client.read_line(), "PONG");

        auto login = std::async(std::launch::async, [&] { return Raw(*server).login(w.user(a)); });
        // The server's lookup (skipping whatever else the subscription brings).
        std::string reply;
        for (int i = 0; i < 4 && reply.empty(); ++i) {
            const std::string line = account_server.raw.client.read_line(5s);
            if (line.rfind("MSG $SYS.REQ.ACCOUNT." + a.key.public_key() + ".CLAIMS.LOOKUP 7 ", 0) != 0) continue;
            const auto parts = line.substr(4);
            reply = parts.substr(parts.find(' ', parts.find(' ') + 1) + 1);
            reply = reply.substr(0, reply.find(' '));
            account_server.raw.client.read_line();  // the empty payload
        }
        ASSERT_FALSE(reply.empty());
        account_server.raw.client.send(pub(reply, a.jwt));
        EXPECT_EQ(login.get(), "PONG") << "A was fetched from the account server";
        EXPECT_TRUE(std::filesystem::exists(dir.file("jwt") / (a.key.public_key() + ".jwt")));

        // Nobody answers for B: refused once the lookup times out.
        EXPECT_EQ(Raw(*server).login(w.user(b)), "-ERR 'Authorization Violation'");
        Admin admin(*server, w, sys);
        const json pushed_b = admin.request_json("$SYS.REQ.ACCOUNT." + b.key.public_key() + ".CLAIMS.UPDATE", b.jwt);
        const json pushed_a = admin.request_json("$SYS.REQ.ACCOUNT." + a.key.public_key() + ".CLAIMS.UPDATE", a.jwt);
        if (type == "cache") {
            EXPECT_EQ(pushed_b["data"]["message"], "jwt update cache skipped") << pushed_b.dump();
            EXPECT_EQ(pushed_a["data"]["message"], "jwt updated cache") << pushed_a.dump();
        } else {
            EXPECT_EQ(pushed_b["data"]["message"], "jwt updated") << pushed_b.dump();
            EXPECT_EQ(pushed_a["data"]["message"], "jwt updated") << pushed_a.dump();
        }
    }
}

// nats-server's own lookups are not echoed to its own LOOKUP handler, so an account it lacks
// is not logged as a failed merge; another's LOOKUP of such an account is, as an error.
TEST(JwtFullResolver, OnlyAnotherClientsLookupOfAnUnknownAccountLogsAnError) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    FullResolverServer s;
    const auto& server = s.server;
    EXPECT_EQ(Raw(*server).login(s.w.user(s.a)), "-ERR 'Authorization Violation'") << "nobody answers the lookup";
    Admin admin(*server, s.w, s.sys);
    EXPECT_EQ(admin.request("$SYS.REQ.CLAIMS.LIST", "").size(), 1u);  // all that came before is handled
    EXPECT_EQ(server->log_text().find("Merging resulted in error"), std::string::npos) << server->log_text();

    const std::string key = s.a.key.public_key();
    EXPECT_TRUE(admin.request("$SYS.REQ.ACCOUNT." + key + ".CLAIMS.LOOKUP", "", true, 500ms).empty());
    ASSERT_TRUE(wait_for_log(*server, "Merging resulted in error: open ")) << server->log_text();
    const std::string log = server->log_text();
    const auto at = log.find("Merging resulted in error: open ");
    const std::string line = log.substr(log.rfind('\n', at) + 1, log.find('\n', at) - log.rfind('\n', at) - 1);
    EXPECT_NE(line.find("[ERR] "), std::string::npos) << line;
    EXPECT_NE(line.find("/" + key + ".jwt: no such file or directory"), std::string::npos) << line;
}

// The cache's ttl: a JWT's file goes that long after it was written (checked every ttl/2);
// the account the server loaded stays, so its clients and new logins carry on.
TEST(JwtFullResolver, ACacheTtlRemovesTheJwtFileButNotTheLoadedAccount) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    World w;
    auto& sys = w.account("SYS");
    auto& a = w.account("A");
    test_support::TempDir dir;
    const auto jwt_dir = dir.file("jwt");
    const std::string config = "operator: \"" + w.operator_jwt + "\"\nsystem_account: " + sys.key.public_key() +
                               "\nresolver: { type: cache, dir: \"" + jwt_dir.string() + "\", ttl: \"2s\" }\n" +
                               "resolver_preload: {\n  " + sys.key.public_key() + ": \"" + sys.jwt + "\"\n  " +
                               a.key.public_key() + ": \"" + a.jwt + "\"\n}\n";
    auto server = start_server(config);
    const auto file = jwt_dir / (a.key.public_key() + ".jwt");
    // The port can listen before the resolver has written the preloads (slow under ASan).
    for (int i = 0; i < 100 && !std::filesystem::exists(file); ++i) std::this_thread::sleep_for(50ms);
    ASSERT_TRUE(std::filesystem::exists(file));
    Raw client(*server);
    ASSERT_EQ(client.login(w.user(a)), "PONG");
    const auto started = std::chrono::steady_clock::now();
    while (std::filesystem::exists(file) && std::chrono::steady_clock::now() - started < 8s)
        std::this_thread::sleep_for(100ms);
    EXPECT_FALSE(std::filesystem::exists(file)) << "still there after 8 s";
    EXPECT_GE(std::chrono::steady_clock::now() - started, 1s);  // not at once
    client.client.send("PING\r\n");
    EXPECT_EQ(client.client.read_line(), "PONG");
    EXPECT_EQ(Raw(*server).login(w.user(a)), "PONG");
}

TEST(JwtFullResolver, ABadDirectoryOrCacheStopsStartUp) {
    SKIP_WITHOUT_PLUGINS("auth_jwt");
    if (!server_loads_plugins()) GTEST_SKIP() << "our start-up texts";
    World w;
    auto& sys = w.account("SYS");
    test_support::TempDir dir;
    test_support::write_file(dir.file("a-file"), "x");
    for (const auto& [resolver, expected] :
         std::vector<std::pair<std::string, std::string>>{
             {"{ type: full, dir: \"" + dir.file("a-file").string() + "/jwt\" }", "cannot create"},
             {"{ type: cache, dir: \"" + dir.file("c").string() + "\", ttl: \"soon\" }", "resolver.ttl"},
             {"{ type: cache, dir: \"" + dir.file("c").string() + "\", allow_delete: true }",
              "CACHE does not accept allow_delete"},
             {"{ type: full, dir: \"" + dir.file("d").string() + "\", ttl: \"1m\" }", "FULL does not accept ttl"}}) {
        const std::string config = "operator: \"" + w.operator_jwt + "\"\nsystem_account: " + sys.key.public_key() +
                                   "\nresolver: " + resolver + "\n";
        const auto run = run_config_to_exit(config);
        ASSERT_TRUE(run.exit_code.has_value());
        EXPECT_EQ(*run.exit_code, 1) << run.output;
        EXPECT_NE(run.output.find(expected), std::string::npos) << resolver << "\n" << run.output;
    }
}

}  // namespace
}  // namespace nats::integration
