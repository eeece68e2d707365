// `nats auth`'s store layout (nsc's), its claim edits and the configs it writes.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "auth_claims.hpp"
#include "auth_store.hpp"
#include "errors.hpp"
#include "libs/jwt/mint.hpp"
#include "libs/jwt/token.hpp"

namespace nats::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

class AuthStore : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/nats-cli-auth-XXXXXX";
        dir_ = ::mkdtemp(pattern);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

std::string message_of(const std::function<void()>& fn) {
    try {
        fn();
    } catch (const cli_error& e) {
        return e.what();
    }
    return "(no error)";
}

TEST_F(AuthStore, LaysFilesOutAsNsc) {
    auth_store store(dir_, dir_ / "keys", dir_ / "config");
    const auto op = nkeys::KeyPair::generate(nkeys::KeyType::operator_);
    store.create_operator("OP", jwt::encode(jwt::operator_claims("OP", op.public_key()), op));
    EXPECT_TRUE(fs::exists(dir_ / "stores/OP/OP.jwt"));
    EXPECT_TRUE(fs::is_directory(dir_ / "stores/OP/accounts"));
    EXPECT_EQ(json::parse(read_text_file(dir_ / "stores/OP/.nsc")),
              json({{"managed", false}, {"name", "OP"}, {"kind", "operator"}, {"version", "1"}}));
    store.write_account_jwt("OP", "APP", "a.b.c");
    store.write_user_jwt("OP", "APP", "alice", "u.v.w");
    EXPECT_EQ(read_text_file(dir_ / "stores/OP/accounts/APP/APP.jwt"), "a.b.c");
    EXPECT_EQ(read_text_file(dir_ / "stores/OP/accounts/APP/users/alice.jwt"), "u.v.w");
    EXPECT_EQ(store.operators(), std::vector<std::string>{"OP"});
    EXPECT_EQ(store.accounts("OP"), std::vector<std::string>{"APP"});
    EXPECT_EQ(store.users("OP", "APP"), std::vector<std::string>{"alice"});
    EXPECT_TRUE(store.has_user("OP", "APP", "alice"));
    EXPECT_FALSE(store.has_account("OP", "NOPE"));

    // Seeds: keys/keys/<K>/<XY>/<public>.nk, owner-only.
    const fs::path seed_file = store.store_key(op);
    const std::string pub = op.public_key();
    EXPECT_EQ(seed_file, dir_ / "keys/keys" / pub.substr(0, 1) / pub.substr(1, 2) / (pub + ".nk"));
    EXPECT_EQ(read_text_file(seed_file), op.seed());
    struct stat st {};
    ASSERT_EQ(::stat(seed_file.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(store.key(pub)->public_key(), pub);
    EXPECT_FALSE(store.key(nkeys::KeyPair::generate(nkeys::KeyType::user).public_key()));
    EXPECT_EQ(store.creds_path("OP", "APP", "alice"), dir_ / "keys/creds/OP/APP/alice.creds");

    EXPECT_FALSE(store.selected_operator());
    store.select_operator("OP");
    EXPECT_EQ(store.selected_operator(), "OP");
    EXPECT_EQ(json::parse(read_text_file(dir_ / "config/config.json"))["select_operator"], "OP");
}

TEST_F(AuthStore, EnvironmentPicksTheRoot) {
    ::setenv("NATS_AUTH_STORE", dir_.c_str(), 1);
    ::unsetenv("NKEYS_PATH");
    EXPECT_EQ(auth_store::from_environment("").root(), dir_);
    EXPECT_EQ(auth_store::from_environment("").keys_dir(), dir_ / "keys");
    EXPECT_EQ(auth_store::from_environment("/elsewhere").root(), fs::path("/elsewhere"));
    ::unsetenv("NATS_AUTH_STORE");
    ::setenv("XDG_DATA_HOME", "/data", 1);
    ::setenv("NKEYS_PATH", "/nkeys", 1);
    EXPECT_EQ(auth_store::from_environment("").root(), fs::path("/data/nats/nsc"));
    EXPECT_EQ(auth_store::from_environment("").keys_dir(), fs::path("/nkeys"));
    ::unsetenv("XDG_DATA_HOME");
    ::unsetenv("NKEYS_PATH");
}

TEST(AuthClaims, LimitValues) {
    EXPECT_EQ(parse_count_limit("connections", "10"), 10);
    EXPECT_EQ(parse_count_limit("connections", "-1"), -1);
    EXPECT_EQ(parse_count_limit("connections", "unlimited"), -1);
    EXPECT_EQ(message_of([] { parse_count_limit("connections", "ten"); }),
              "invalid value for --connections: \"ten\" (a whole number, -1 for unlimited)");
    EXPECT_EQ(message_of([] { parse_count_limit("connections", "-2"); }),
              "invalid value for --connections: \"-2\" (a whole number, -1 for unlimited)");
    EXPECT_EQ(parse_size_limit("payload", "1MB"), 1048576);
    EXPECT_EQ(parse_size_limit("payload", "512"), 512);
    EXPECT_EQ(parse_size_limit("payload", "-1"), -1);
    EXPECT_EQ(message_of([] { parse_size_limit("payload", "lots"); }),
              "invalid value for --payload: \"lots\" (a size such as 1024, 512K or 1MB, -1 for unlimited)");
}

TEST(AuthClaims, AccountLimits) {
    json claims = jwt::account_claims("A", "AKEY");
    account_limit_flags f;
    f.connections = "5";
    f.payload = "1K";
    f.jetstream = true;
    f.js_streams = "3";
    f.bearer = false;
    apply_account_limits(claims, f);
    const json& l = claims["nats"]["limits"];
    EXPECT_EQ(l["conn"], 5);
    EXPECT_EQ(l["payload"], 1024);
    EXPECT_EQ(l["subs"], -1);
    EXPECT_EQ(l["mem_storage"], -1);
    EXPECT_EQ(l["disk_storage"], -1);
    EXPECT_EQ(l["streams"], 3);
    EXPECT_EQ(l["consumer"], -1);
    EXPECT_EQ(claims["nats"]["disallow_bearer"], true);

    account_limit_flags sized;
    sized.js_memory = "1G";
    apply_account_limits(claims, sized);
    EXPECT_EQ(claims["nats"]["limits"]["mem_storage"], 1 << 30);
    account_limit_flags off;
    off.jetstream = false;
    apply_account_limits(claims, off);
    EXPECT_EQ(claims["nats"]["limits"]["mem_storage"], 0);
    EXPECT_EQ(claims["nats"]["limits"]["disk_storage"], 0);

    account_limit_flags bad;
    bad.subscriptions = "many";
    json untouched = jwt::account_claims("A", "AKEY");
    EXPECT_EQ(message_of([&] { apply_account_limits(untouched, bad); }),
              "invalid value for --subscriptions: \"many\" (a whole number, -1 for unlimited)");
}

TEST(AuthClaims, UserSettingsAndRevocation) {
    json claims = jwt::user_claims("u", "UKEY");
    user_flags f;
    f.pub_allow = {"app.>", "app.>"};
    f.sub_deny = {"secret.>"};
    f.bearer = true;
    f.expires = 1900000000;
    apply_user_flags(claims, f);
    EXPECT_EQ(claims["nats"]["pub"]["allow"], json({"app.>"}));
    EXPECT_EQ(claims["nats"]["sub"]["deny"], json({"secret.>"}));
    EXPECT_FALSE(claims["nats"]["sub"].contains("allow"));
    EXPECT_EQ(claims["nats"]["bearer_token"], true);
    EXPECT_EQ(claims["exp"], 1900000000);
    user_flags clear;
    clear.expires = 0;
    clear.bearer = false;
    apply_user_flags(claims, clear);
    EXPECT_FALSE(claims.contains("exp"));
    EXPECT_FALSE(claims["nats"].contains("bearer_token"));

    json account = jwt::account_claims("A", "AKEY");
    revoke_user(account, "UKEY", 1700000000);
    EXPECT_EQ(account["nats"]["revocations"], json({{"UKEY", 1700000000}}));
    add_signing_key(account, "ASK");
    add_signing_key(account, "ASK");
    EXPECT_EQ(signing_keys(account), std::vector<std::string>{"ASK"});
}

TEST(AuthClaims, MemResolverConfigAsNscWritesIt) {
    const std::string text =
        mem_resolver_config("OP", "OJWT", "ASYS", {{"SYS", "ASYS", "SJWT"}, {"APP", "AAPP", "AJWT"}});
    EXPECT_EQ(text,
              "// Operator \"OP\"\noperator: OJWT\n\nsystem_account: ASYS\n\nresolver: MEMORY\n\n"
              "resolver_preload: {\n  // Account \"APP\"\n  AAPP: AJWT\n\n  // Account \"SYS\"\n  ASYS: SJWT\n\n}\n");
    const std::string full = full_resolver_config("OP", "OJWT", {"SYS", "ASYS", "SJWT"}, "/var/jwt");
    EXPECT_NE(full.find("operator: OJWT\n"), std::string::npos);
    EXPECT_NE(full.find("system_account: ASYS\n"), std::string::npos);
    EXPECT_NE(full.find("resolver {\n    type: full\n    dir: \"/var/jwt\"\n"), std::string::npos);
    EXPECT_NE(full.find("resolver_preload: {\n    ASYS: SJWT,\n}\n"), std::string::npos);
}

} // namespace
} // namespace nats::cli
