#include <gtest/gtest.h>

#include <fstream>

#include <nats_sdk/error.hpp>

#include "plugins/auth_jwt/account_block.hpp"
#include "plugins/auth_jwt/connect_window.hpp"
#include "plugins/auth_jwt/tests/test_keys.hpp"

namespace nats::auth_jwt {
namespace {

using testing::KeyPair;
using testing::KeyType;
using testing::World;

std::string config_error(const nlohmann::json& config) {
    try {
        read_settings(config);
    } catch (const nats_sdk::ConfigError& e) {
        return e.what();
    }
    return "";
}

TEST(JwtSettings, InlineOperatorMemoryResolverAndPreload) {
    World w;
    auto op_claims = jwt::operator_claims("OP", w.op.public_key());
    const auto signing = KeyPair::generate(KeyType::operator_);
    op_claims["nats"]["signing_keys"] = {signing.public_key()};
    op_claims["nats"]["system_account"] = w.account.public_key();
    const std::string op_jwt = jwt::encode(op_claims, w.op);
    const std::string account_jwt = jwt::encode(jwt::account_claims("A", w.account.public_key()), w.op);
    const Settings s = read_settings(
        {{"operator", op_jwt}, {"resolver", "MEMORY"}, {"resolver_preload", {{w.account.public_key(), account_jwt}}}});
    EXPECT_EQ(s.resolver.kind, ResolverSettings::Kind::memory);
    EXPECT_TRUE(s.trusts(w.op.public_key()));
    EXPECT_TRUE(s.trusts(signing.public_key()));
    EXPECT_EQ(s.system_account, w.account.public_key());
    EXPECT_EQ(s.preload.at(w.account.public_key()), account_jwt);

    // From a file, framed as nsc writes it; URL resolver.
    const std::string path = ::testing::TempDir() + "/op.jwt";
    std::ofstream(path) << "-----BEGIN NATS OPERATOR JWT-----\n" << op_jwt << "\n------END NATS OPERATOR JWT------\n";
    const Settings f = read_settings({{"operator", path}, {"resolver", "URL(http://127.0.0.1:9090/jwt/v1/accounts/)"}});
    EXPECT_EQ(f.resolver.kind, ResolverSettings::Kind::url);
    EXPECT_EQ(f.resolver.url, "http://127.0.0.1:9090/jwt/v1/accounts/");
}

TEST(JwtSettings, RefusesIncompleteOrBrokenConfigs) {
    World w;
    const std::string op_jwt = jwt::encode(jwt::operator_claims("OP", w.op.public_key()), w.op);
    EXPECT_EQ(config_error({{"operator", "/nonexistent/op.jwt"}, {"resolver", "MEMORY"}}),
              "config key 'operator': error parsing operator JWT: open /nonexistent/op.jwt: no such file or directory");
    EXPECT_EQ(config_error({{"operator", op_jwt}}),
              "config key 'operator': operators require an account resolver to be configured");
    EXPECT_EQ(config_error({{"operator", "eyJhbGciOi.broken"}, {"resolver", "MEMORY"}}),
              "config key 'operator': error parsing operator JWT: expected 3 chunks");
    EXPECT_EQ(config_error({{"operator", op_jwt}, {"resolver", "MEMORY"}, {"accounts", {{"A", nlohmann::json::object()}}}}),
              "config key 'operator': operators do not allow Accounts to be configured directly");
    EXPECT_EQ(config_error({{"operator", op_jwt}, {"resolver", "MEMORY"}, {"resolver_preload", {{"AXX", "e30.e30.e30"}}}}),
              "config key 'resolver_preload.AXX': preload account error for \"AXX\": not supported type \"\"");
    EXPECT_EQ(config_error({{"operator", op_jwt}, {"resolver", {{"type", "full"}}}}),
              "config key 'resolver': dir has no value and needs to point to a directory");
    EXPECT_EQ(config_error({{"operator", op_jwt}, {"resolver", "SOMETHING"}}),
              "config key 'resolver': resolver must be MEMORY, URL(<url>) or a {type: full|cache, dir: ...} block, got "
              "\"SOMETHING\"");
    EXPECT_EQ(config_error({{"trusted", "OBAD"}, {"resolver", "MEMORY"}}),
              "config key 'trusted': trusted Keys \"OBAD\" are required to be a valid public operator nkey");
    EXPECT_EQ(config_error({{"resolver", "MEMORY"}}),
              "config key 'resolver': the resolver needs trusted operators: set 'operator' (or 'trusted') too");
    auto with_sys = jwt::operator_claims("OP", w.op.public_key());
    with_sys["nats"]["system_account"] = w.account.public_key();
    EXPECT_EQ(config_error({{"operator", jwt::encode(with_sys, w.op)}, {"resolver", "MEMORY"},
                            {"system_account", KeyPair::generate(KeyType::account).public_key()}}),
              "config key 'operator': system_account in config and operator JWT must be identical");
}

TEST(ConnectWindow, SourceRanges) {
    EXPECT_TRUE(source_allowed({}, "1.2.3.4"));
    EXPECT_TRUE(source_allowed({"1.2.0.0/16"}, "1.2.3.4"));
    EXPECT_FALSE(source_allowed({"1.2.0.0/16"}, "1.3.3.4"));
    EXPECT_TRUE(source_allowed({"1.2.3.4"}, "1.2.3.4"));
    EXPECT_TRUE(source_allowed({"::1/128"}, "::1"));
    EXPECT_TRUE(source_allowed({"127.0.0.0/8"}, "::ffff:127.0.0.1"));
    EXPECT_FALSE(source_allowed({"127.0.0.0/8"}, "not an ip"));
}

TEST(ConnectWindow, ZoneOffsetsFromTheSystemsZoneFiles) {
    // 2026-01-15 12:00 UTC (winter) and 2026-07-15 12:00 UTC (summer).
    constexpr std::int64_t winter = 1768478400, summer = 1784116800;
    if (!std::ifstream("/usr/share/zoneinfo/Europe/Berlin")) GTEST_SKIP() << "no tzdata";
    EXPECT_EQ(utc_offset("Europe/Berlin", winter), 3600);
    EXPECT_EQ(utc_offset("Europe/Berlin", summer), 7200);
    EXPECT_EQ(utc_offset("America/New_York", winter), -5 * 3600);
    EXPECT_EQ(utc_offset("UTC", winter), 0);
    EXPECT_FALSE(utc_offset("Not/AZone", winter));
    EXPECT_FALSE(utc_offset("../../etc/passwd", winter));
    // 13:00 Berlin in winter is inside 12:30-14:00 there, with an hour left.
    const auto w = time_window({{"12:30:00", "14:00:00"}}, "Europe/Berlin", winter);
    ASSERT_TRUE(w);
    EXPECT_EQ(w->count(), 3600);
    EXPECT_FALSE(time_window({{"12:30:00", "14:00:00"}}, "UTC", winter));
    // Overnight windows run into the next day.
    EXPECT_TRUE(time_window({{"11:00:00", "01:00:00"}}, "UTC", winter));
}

TEST(AccountBlock, LimitsExportsImportsAndActivations) {
    World w;
    const auto importer_key = KeyPair::generate(KeyType::account);
    const auto outsider_key = KeyPair::generate(KeyType::account);
    AccountTable table;
    const auto exporter = w.account_with([&](auto& c) {
        c["nats"]["exports"] = {{{"subject", "public.>"}, {"type", "stream"}},
                                {{"subject", "private.>"}, {"type", "stream"}, {"token_req", true}},
                                {{"subject", "help"}, {"type", "service"}, {"response_threshold", 5000000000LL}}};
        c["nats"]["limits"]["conn"] = 5;
        c["nats"]["limits"]["mem_storage"] = 1048576;
        c["nats"]["limits"]["disk_storage"] = -1;
        c["nats"]["limits"]["streams"] = 3;
        c["nats"]["limits"]["consumer"] = -1;
    });
    table.put(exporter);
    const std::string activation =
        jwt::encode(jwt::activation_claims(importer_key.public_key(), "private.>", "stream"), w.account);
    const auto importer = w.account_with(
        [&](auto& c) {
            c["nats"]["imports"] = {
                {{"subject", "public.>"}, {"account", w.account.public_key()}, {"type", "stream"}, {"to", "from"}},
                {{"subject", "private.>"}, {"account", w.account.public_key()}, {"type", "stream"}, {"token", activation}},
                {{"subject", "help"}, {"account", w.account.public_key()}, {"type", "service"}, {"local_subject", "ask"}},
                {{"subject", "nothing"}, {"account", w.account.public_key()}, {"type", "service"}}};
        },
        &importer_key);
    table.put(importer);
    const auto outsider = w.account_with(
        [&](auto& c) {  // no activation for the private export
            c["nats"]["imports"] = {{{"subject", "private.>"}, {"account", w.account.public_key()}, {"type", "stream"}}};
        },
        &outsider_key);
    table.put(outsider);
    // Someone else's activation makes the whole account JWT invalid (nats-io/jwt's Import.Validate).
    EXPECT_THROW(w.account_with(
                     [&](auto& c) {
                         c["nats"]["imports"] = {{{"subject", "private.>"}, {"account", w.account.public_key()},
                                                  {"type", "stream"}, {"token", activation}}};
                     },
                     &outsider_key),
                 jwt::Error);

    const auto now = jwt::now_unix();
    const auto e = account_block(*exporter, table, now);
    EXPECT_EQ(e.block["limits"], nlohmann::json({{"max_connections", 5}, {"max_subscriptions", -1}, {"max_payload", -1}}));
    EXPECT_EQ(e.block["jetstream"],
              nlohmann::json({{"max_memory", 1048576}, {"max_file", -1}, {"max_streams", 3}, {"max_consumers", -1}}));
    ASSERT_EQ(e.block["exports"].size(), 3u);
    EXPECT_EQ(e.block["exports"][0], nlohmann::json({{"stream", "public.>"}}));
    EXPECT_EQ(e.block["exports"][1],
              nlohmann::json({{"stream", "private.>"}, {"accounts", {w.account.public_key(), importer_key.public_key()}}}));
    EXPECT_EQ(e.block["exports"][2], nlohmann::json({{"service", "help"}, {"response_type", "singleton"}, {"threshold", "5s"}}));

    const auto i = account_block(*importer, table, now);
    ASSERT_EQ(i.block["imports"].size(), 3u);
    EXPECT_EQ(i.block["imports"][0],
              nlohmann::json({{"stream", {{"account", w.account.public_key()}, {"subject", "public.>"}}}, {"prefix", "from"}}));
    EXPECT_EQ(i.block["imports"][2],
              nlohmann::json({{"service", {{"account", w.account.public_key()}, {"subject", "help"}}}, {"to", "ask"}}));
    ASSERT_EQ(i.skipped_imports.size(), 1u);
    EXPECT_NE(i.skipped_imports[0].find("no export"), std::string::npos);
    EXPECT_EQ(i.block["jetstream"], "disabled");

    const auto o = account_block(*outsider, table, now);
    EXPECT_TRUE(o.block["imports"].empty());
    ASSERT_EQ(o.skipped_imports.size(), 1u);
    EXPECT_NE(o.skipped_imports[0].find("activation token missing"), std::string::npos);

    const auto bare = bare_account_block(*exporter);
    EXPECT_FALSE(bare.contains("imports"));
    EXPECT_EQ(bare["exports"][1]["accounts"], nlohmann::json({w.account.public_key()}));
}

}  // namespace
}  // namespace nats::auth_jwt
