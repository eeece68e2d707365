#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "context_store.hpp"
#include "errors.hpp"

namespace nats::cli {
namespace {

namespace fs = std::filesystem;

class ContextStore : public ::testing::Test {
protected:
    void SetUp() override {
        char pattern[] = "/tmp/nats-cli-ctx-XXXXXX";
        dir_ = ::mkdtemp(pattern);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(ContextStore, SaveLoadSelectRemove) {
    context_store store(dir_);
    EXPECT_TRUE(store.names().empty());
    EXPECT_FALSE(store.selected());
    context_settings s;
    s.url = "nats://127.0.0.1:4333";
    s.user = "alice";
    s.password = "secret";
    s.description = "local";
    store.save("dev", s);
    store.save("prod", {});
    EXPECT_EQ(store.names(), (std::vector<std::string>{"dev", "prod"}));
    const auto loaded = store.load("dev");
    EXPECT_EQ(loaded.url, "nats://127.0.0.1:4333");
    EXPECT_EQ(loaded.user, "alice");
    EXPECT_EQ(loaded.password, "secret");
    EXPECT_EQ(loaded.description, "local");
    EXPECT_EQ(fs::status(store.path_of("dev")).permissions() & fs::perms::others_read, fs::perms::none);

    store.select("dev");
    EXPECT_EQ(store.selected(), "dev");
    store.remove("dev");
    EXPECT_FALSE(store.selected());
    EXPECT_EQ(store.names(), (std::vector<std::string>{"prod"}));
}

TEST_F(ContextStore, ReadsNatscliFilesAndKeepsUnknownKeys) {
    fs::create_directories(dir_ / "context");
    std::ofstream(dir_ / "context" / "cli.json")
        << R"({"description":"from natscli","url":"nats://x:1","token":"t","jetstream_domain":"hub","tls_first":true})";
    std::ofstream(dir_ / "context.txt") << "cli\n";
    context_store store(dir_);
    EXPECT_EQ(store.selected(), "cli");
    auto s = store.load("cli");
    EXPECT_EQ(s.token, "t");
    s.description = "changed";
    store.save("cli", s);
    std::ifstream in(dir_ / "context" / "cli.json");
    const auto j = nlohmann::json::parse(in);
    EXPECT_EQ(j["jetstream_domain"], "hub");
    EXPECT_EQ(j["tls_first"], true);
    EXPECT_EQ(j["description"], "changed");
}

TEST_F(ContextStore, RejectsUnknownAndInvalidNames) {
    context_store store(dir_);
    try {
        store.load("missing");
        FAIL();
    } catch (const cli_error& e) {
        EXPECT_STREQ(e.what(), "unknown context \"missing\"");
    }
    EXPECT_THROW(store.select("missing"), cli_error);
    EXPECT_THROW(store.save("../escape", {}), cli_error);
    EXPECT_THROW(store.save("a/b", {}), cli_error);
    EXPECT_FALSE(valid_context_name(""));
    EXPECT_TRUE(valid_context_name("my.ctx"));
    fs::create_directories(dir_ / "context");
    std::ofstream(dir_ / "context" / "broken.json") << "{not json";
    EXPECT_THROW(store.load("broken"), cli_error);
}

} // namespace
} // namespace nats::cli
