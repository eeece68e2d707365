// format(), constant_time_equals(), write_error(), config helpers.

#include <cstring>
#include <string>

#include <gtest/gtest.h>

#include "nats_sdk/config.hpp"
#include "nats_sdk/constant_time.hpp"
#include "nats_sdk/error.hpp"
#include "nats_sdk/format.hpp"

namespace {

using nats_sdk::format;

TEST(Format, ReplacesPlaceholdersInOrder) {
    EXPECT_EQ(format("served {} requests on {}", 42, std::string("greet.>")), "served 42 requests on greet.>");
    EXPECT_EQ(format("{}{}", 'a', 2.5), "a2.5");
    EXPECT_EQ(format("flag {}", true), "flag true");
}

TEST(Format, EscapedBraces) {
    EXPECT_EQ(format("{{}} {}", 1), "{} 1");
    EXPECT_EQ(format("open {{ close }}"), "open { close }");
    EXPECT_EQ(format(""), "");
}

// What the compile-time check refuses (a literal pattern with any of these does not
// compile; tests/sdk/CMakeLists.txt's sdk_format_rejects_* tests prove that part).
TEST(Format, PatternCheckFindsSpecsBracesAndCounts) {
    using nats_sdk::detail::PatternProblem;
    using nats_sdk::detail::scan_pattern;
    static_assert(scan_pattern("rate {} msgs/s", 1) == PatternProblem::none);
    static_assert(scan_pattern("{{literal}} {}", 1) == PatternProblem::none);
    static_assert(scan_pattern("rate {:.0f} msgs/s", 1) == PatternProblem::spec);
    static_assert(scan_pattern("{0} {1}", 2) == PatternProblem::spec);
    static_assert(scan_pattern("{:>8}", 1) == PatternProblem::spec);
    static_assert(scan_pattern("open { close", 0) == PatternProblem::brace);
    static_assert(scan_pattern("a } b", 0) == PatternProblem::brace);
    static_assert(scan_pattern("{} and {}", 1) == PatternProblem::count);
    static_assert(scan_pattern("none", 2) == PatternProblem::count);
    EXPECT_EQ(scan_pattern("{:.0f}", 1), PatternProblem::spec);
}

TEST(Format, RuntimePatternIsWrittenUnchangedWhenMalformed) {
    using nats_sdk::runtime_pattern;
    EXPECT_EQ(format(runtime_pattern("served {} on {}"), 3, "a.b"), "served 3 on a.b");
    EXPECT_EQ(format(runtime_pattern("rate {:.0f}/s"), 2.5), "rate {:.0f}/s");
    EXPECT_EQ(format(runtime_pattern("{} and {}"), 1), "{} and {}");
    EXPECT_EQ(format(runtime_pattern("none"), 1, 2), "none");
}

TEST(ConstantTime, EqualsOnlyForSameBytes) {
    using nats_sdk::constant_time_equals;
    EXPECT_TRUE(constant_time_equals("s3cret", "s3cret"));
    EXPECT_FALSE(constant_time_equals("s3cre", "s3cret"));
    EXPECT_FALSE(constant_time_equals("s3cretX", "s3cret"));
    EXPECT_FALSE(constant_time_equals("s3creT", "s3cret"));
    EXPECT_FALSE(constant_time_equals("", "s3cret"));
    EXPECT_FALSE(constant_time_equals("x", ""));
    EXPECT_TRUE(constant_time_equals("", ""));
    // A repetition of the secret must not pass (the loop wraps around the secret).
    EXPECT_FALSE(constant_time_equals("abab", "ab"));
    EXPECT_FALSE(constant_time_equals(std::string("a\0", 2), "a"));
}

TEST(WriteError, TruncatesAndTerminates) {
    char buffer[8];
    std::memset(buffer, 'G', sizeof buffer);
    nats_sdk::write_error(nmk_error_buffer{buffer, 5}, "a long message");
    EXPECT_STREQ(buffer, "a lo");
    EXPECT_EQ(buffer[5], 'G');
    nats_sdk::write_error(nmk_error_buffer{buffer, sizeof buffer}, "ok");
    EXPECT_STREQ(buffer, "ok");
    nats_sdk::write_error(nmk_error_buffer{nullptr, 10}, "ignored");
    nats_sdk::write_error(nmk_error_buffer{buffer, 0}, "ignored");
    EXPECT_STREQ(buffer, "ok");
}

TEST(WriteError, NeverSplitsAUtf8Sequence) {
    char buffer[4];
    nats_sdk::write_error(nmk_error_buffer{buffer, sizeof buffer}, "a\xc3\xa9\xc3\xa9");  // "aéé"
    EXPECT_STREQ(buffer, "a\xc3\xa9");
    nats_sdk::write_error(nmk_error_buffer{buffer, 3}, "a\xe2\x82\xac");  // "a€"
    EXPECT_STREQ(buffer, "a");
}

TEST(Config, GetRequireAndTypes) {
    namespace cfg = nats_sdk::config;
    const auto config = nlohmann::json::parse(R"({"subject":"a.b","count":5,"big":-1,"on":true,"name":7,"huge":300})");
    EXPECT_EQ(cfg::require<std::string>(config, "subject"), "a.b");
    EXPECT_EQ(cfg::get<int>(config, "count", 1), 5);
    EXPECT_EQ(cfg::get<int>(config, "absent", 1), 1);
    EXPECT_TRUE(cfg::get<bool>(config, "on", false));
    EXPECT_THROW(cfg::get<unsigned>(config, "big", 0u), nats_sdk::ConfigError);
    EXPECT_EQ(cfg::get<std::uint8_t>(config, "count", std::uint8_t{0}), 5);
    EXPECT_THROW(cfg::get<std::uint8_t>(config, "huge", std::uint8_t{0}), nats_sdk::ConfigError);
    try {
        cfg::get<std::string>(config, "name", "", "service");
        FAIL() << "accepted a number for a string";
    } catch (const nats_sdk::ConfigError& e) {
        EXPECT_STREQ(e.what(), "config key 'service.name' must be a string");
        EXPECT_EQ(e.status(), NMK_INVALID_ARGUMENT);
    }
    try {
        cfg::require<std::string>(config, "missing");
        FAIL();
    } catch (const nats_sdk::ConfigError& e) {
        EXPECT_STREQ(e.what(), "config key 'missing' is required");
    }
}

TEST(Config, UnknownKeysAndNonObjects) {
    namespace cfg = nats_sdk::config;
    const auto config = nlohmann::json::parse(R"({"subject":"a","subjcet":"typo"})");
    try {
        cfg::reject_unknown_keys(config, {"subject"});
        FAIL();
    } catch (const nats_sdk::ConfigError& e) {
        EXPECT_STREQ(e.what(), "unknown config key 'subjcet'");
    }
    EXPECT_NO_THROW(cfg::reject_unknown_keys(config, {"subject", "subjcet"}));
    EXPECT_THROW(cfg::get<int>(nlohmann::json::array(), "a", 1), nats_sdk::ConfigError);
    EXPECT_THROW(cfg::expect_object(nlohmann::json(3), "users[0]"), nats_sdk::ConfigError);
}

}  // namespace
