// Run-time account blocks merged into a config's `accounts` section, then
// checked by the same parser as the file.
#include <gtest/gtest.h>

#include "kernel/accounts/accounts_config.hpp"
#include "kernel/accounts/runtime_accounts.hpp"
#include "kernel/config/value_json.hpp"

namespace nats::accounts {
namespace {

config::Value block(const char* json) {
    return config::from_json(nlohmann::json::parse(json), {"account \"RT\"", 0, 0});
}

TEST(RuntimeAccounts, AddsAndReplacesBlocksInAMapSection) {
    const auto raw = config::parse_config_string("port: 4222\naccounts { A: { limits: {max_connections: 1} }, B: {} }\n");
    const auto merged = with_account_blocks(raw, {{"A", block(R"({"limits":{"max_connections":9}})")},
                                                  {"RT", block(R"({"exports":[{"stream":"x.>"}]})")}});
    const auto parsed = parse_accounts(merged, "test.conf");
    ASSERT_EQ(parsed.accounts.size(), 3u);
    EXPECT_EQ(parsed.find("A")->limits.max_connections, 9);
    ASSERT_TRUE(parsed.find("RT"));
    EXPECT_EQ(parsed.find("RT")->stream_exports.size(), 1u);
    EXPECT_EQ(merged.find("port")->as_int(), 4222);  // the rest of the file stays
    const auto blocks = account_blocks_of(merged);
    EXPECT_EQ(blocks.size(), 3u);
    EXPECT_EQ(config::to_json(blocks.at("A")).dump(), R"({"limits":{"max_connections":9}})");
}

TEST(RuntimeAccounts, ListSectionAndNoSection) {
    const auto listed = with_account_blocks(config::parse_config_string("accounts: [A, B]\n"), {{"RT", block("{}")}});
    EXPECT_EQ(parse_accounts(listed, "t").accounts.size(), 3u);
    EXPECT_EQ(config::to_json(account_blocks_of(listed).at("B")).dump(), "{}");
    const auto none = with_account_blocks(config::parse_config_string("port: 1\n"), {{"RT", block("{}")}});
    EXPECT_EQ(parse_accounts(none, "t").accounts.size(), 1u);
    // Nothing given: the file as it is.
    const auto raw = config::parse_config_string("accounts: [A]\n");
    EXPECT_EQ(with_account_blocks(raw, {}), raw);
}

TEST(RuntimeAccounts, ErrorsNameTheRunTimeBlock) {
    const auto merged = with_account_blocks(config::parse_config_string("accounts { A: {} }\n"),
                                            {{"RT", block(R"({"imports":[{"stream":{"account":"NOPE","subject":"x"}}]})")}});
    try {
        parse_accounts(merged, "test.conf");
        FAIL();
    } catch (const config::ConfigError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("account \"RT\":0:0: ", 0), 0u) << e.what();
    }
}

TEST(ValueJson, FromJsonKeepsTypesAndPlacesEveryValue) {
    const auto v = config::from_json(nlohmann::json::parse(R"({"a":1,"b":[true,"s",1.5,null],"c":{"d":18446744073709551615}})"),
                                     {"here", 0, 0});
    EXPECT_EQ(v.find("a")->as_int(), 1);
    EXPECT_TRUE(v.find("b")->as_array()[0].as_bool());
    EXPECT_EQ(v.find("b")->as_array()[1].as_string(), "s");
    EXPECT_TRUE(v.find("b")->as_array()[3].is_null());
    EXPECT_TRUE(v.find("c")->find("d")->is_double());  // above INT64_MAX
    EXPECT_EQ(v.find("c")->find("d")->location().file, "here");
}

}  // namespace
}  // namespace nats::accounts
