#include "run_result.hpp"

#include <gtest/gtest.h>

namespace nats::bench {
namespace {

TEST(BenchRunResult, JsonCarriesModeOkAndFieldsInOrder) {
    config cfg;
    cfg.mode = mode::fanout;
    cfg.server = "nats://127.0.0.1:1";
    run_result r;
    r.fields["rate"] = 123.0;
    r.fields["dropped"] = 0;
    const auto j = nlohmann::ordered_json::parse(format_json(cfg, r));
    EXPECT_EQ(j["mode"], "fanout");
    EXPECT_EQ(j["server"], "nats://127.0.0.1:1");
    EXPECT_EQ(j["ok"], true);
    EXPECT_FALSE(j.contains("error"));
    EXPECT_EQ(j["rate"], 123.0);
    std::vector<std::string> keys;
    for (const auto& [k, v] : j.items()) keys.push_back(k);
    EXPECT_EQ(keys, (std::vector<std::string>{"mode", "server", "ok", "rate", "dropped"}));
    EXPECT_EQ(format_json(cfg, r).find('\n'), std::string::npos);
}

TEST(BenchRunResult, FailuresAccumulateAndShow) {
    config cfg;
    run_result r;
    r.fail("first");
    r.fail("second");
    EXPECT_FALSE(r.ok);
    EXPECT_EQ(r.error, "first; second");
    const auto j = nlohmann::json::parse(format_json(cfg, r));
    EXPECT_EQ(j["ok"], false);
    EXPECT_EQ(j["error"], "first; second");
    const std::string text = format_text(cfg, r);
    EXPECT_NE(text.find("INCOMPLETE"), std::string::npos);
    EXPECT_NE(text.find("first; second"), std::string::npos);
}

TEST(BenchRunResult, TextListsEachField) {
    config cfg;
    cfg.mode = mode::reqrep;
    run_result r;
    r.fields["p99_us"] = 41.5;
    r.fields["note"] = "x";
    const std::string text = format_text(cfg, r);
    EXPECT_NE(text.find("nats-bench reqrep"), std::string::npos);
    EXPECT_NE(text.find("p99_us: 41.5"), std::string::npos);
    EXPECT_NE(text.find("note: x"), std::string::npos);
}

TEST(BenchRunResult, RoundTo) {
    EXPECT_DOUBLE_EQ(round_to(1.23456, 2), 1.23);
    EXPECT_DOUBLE_EQ(round_to(1234567.6, 0), 1234568.0);
    EXPECT_DOUBLE_EQ(round_to(-2.5, 0), -3.0);
}

}  // namespace
}  // namespace nats::bench
