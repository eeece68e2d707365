// What each example does beyond the contracts, through its shared library and a FakeHost.

#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "nats_sdk/testing/authenticator_under_test.hpp"
#include "nats_sdk/testing/fake_host.hpp"
#include "nats_sdk/testing/plugin_loader.hpp"

namespace {

using nats_sdk::testing::AuthenticatorUnderTest;
using nats_sdk::testing::FakeHost;
using nats_sdk::testing::PluginError;
using nats_sdk::testing::PluginInstance;
using nats_sdk::testing::PluginLibrary;

TEST(AuthExample, DefersWithoutAUserField) {
    const auto auth = AuthenticatorUnderTest::load(NATS_SDK_AUTH_EXAMPLE, R"({"users":[{"user":"a","password":"pw-a-123"}]})");
    EXPECT_EQ(auth->ask("{}").decision, NMK_AUTH_DEFER);
    EXPECT_EQ(auth->ask(R"({"auth_token":"t"})").decision, NMK_AUTH_DEFER);
    EXPECT_EQ(auth->ask(R"({"user":7})").decision, NMK_AUTH_DENY);
    EXPECT_FALSE(auth->needs_nonce());
}

TEST(AuthExample, AllowedUserIsNamedAndDenialsSayWhy) {
    const auto auth = AuthenticatorUnderTest::load(NATS_SDK_AUTH_EXAMPLE, R"({"users":[{"user":"a","password":"pw-a-123"}]})");
    const auto allowed = auth->ask(R"({"user":"a","pass":"pw-a-123"})");
    EXPECT_EQ(allowed.decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(allowed.user, "a");
    EXPECT_EQ(allowed.account, "");
    EXPECT_EQ(allowed.permissions_json, "");
    EXPECT_EQ(auth->ask(R"({"user":"a","pass":"nope-999"})").deny_reason, "wrong password for user 'a'");
    EXPECT_EQ(auth->ask(R"({"user":"zed","pass":"nope-999"})").deny_reason, "unknown user 'zed'");
}

TEST(AuthExample, ReloadSwapsTheUserTable) {
    PluginLibrary library(NATS_SDK_AUTH_EXAMPLE);
    FakeHost host;
    PluginInstance instance(library.descriptor(), host.api(), R"({"users":[{"user":"a","password":"pw-a-123"}]})");
    instance.start();
    const auto auth = AuthenticatorUnderTest::wrap(*host.authenticators().at(0).table, &host);
    EXPECT_EQ(auth->ask(R"({"user":"b","pass":"pw-b-456","x":1})").decision, NMK_AUTH_DENY);
    instance.reload(R"({"users":[{"user":"b","password":"pw-b-456","account":"B"}]})");
    const auto b = auth->ask(R"({"user":"b","pass":"pw-b-456"})");
    EXPECT_EQ(b.decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(b.account, "B");
    EXPECT_EQ(auth->ask(R"({"user":"a","pass":"pw-a-123"})").decision, NMK_AUTH_DENY);
    EXPECT_THROW(instance.reload(R"({"users":"none"})"), PluginError);
    EXPECT_EQ(auth->ask(R"({"user":"b","pass":"pw-b-456"})").decision, NMK_AUTH_ALLOW) << "a failed reload changed the table";
}

TEST(AuthExample, ConfigErrorsNameTheKey) {
    PluginLibrary library(NATS_SDK_AUTH_EXAMPLE);
    FakeHost host;
    try {
        PluginInstance instance(library.descriptor(), host.api(), R"({"users":[{"user":"a","password":"p"},{"user":"b"}]})");
        FAIL();
    } catch (const PluginError& e) {
        EXPECT_STREQ(e.what(), "create failed: config key 'users[1].password' is required");
    }
}

class ServiceExample : public ::testing::Test {
protected:
    void start(const std::string& config) {
        instance = std::make_unique<PluginInstance>(library.descriptor(), host.api(), config);
        instance->start();
    }

    PluginLibrary library{NATS_SDK_SERVICE_EXAMPLE};
    FakeHost host;
    std::unique_ptr<PluginInstance> instance;
};

TEST_F(ServiceExample, RepliesHelloLastToken) {
    start(R"({"subject":"greet.>"})");
    EXPECT_EQ(host.deliver("greet.alice", "", "_INBOX.r1"), 1u);
    EXPECT_EQ(host.deliver("greet.team.bob", "ignored", "_INBOX.r2"), 1u);
    const auto out = host.published();
    ASSERT_EQ(out.size(), 2u);
    EXPECT_EQ(out[0].subject, "_INBOX.r1");
    EXPECT_EQ(out[0].payload, "hello alice");
    EXPECT_EQ(out[1].subject, "_INBOX.r2");
    EXPECT_EQ(out[1].payload, "hello bob");
}

TEST_F(ServiceExample, CountsRequestsAndTheTimerLogsTheCount) {
    start(R"({"subject":"svc.*","greeting":"hi","report_interval_ms":250})");
    host.deliver("svc.a", "", "_INBOX.1");
    host.deliver("svc.b", "", "");  // no reply subject: counted, nothing sent
    host.deliver("svc.c", "", "_INBOX.3");
    EXPECT_EQ(host.metric("service_example_requests")->value, 3);
    EXPECT_EQ(host.published().size(), 2u);
    EXPECT_EQ(host.published()[0].payload, "hi a");
    const auto timers = host.active_timers();
    ASSERT_EQ(timers.size(), 1u);
    EXPECT_EQ(timers[0].repeat_ms, 250u);
    host.fire_timers();
    EXPECT_TRUE(host.logged("served 3 requests", NMK_LOG_INFO));
}

TEST_F(ServiceExample, RepliesInTheRequestsAccountWithQueueGroup) {
    start(R"({"subject":"greet.*","queue":"greeters"})");
    const auto subs = host.active_subscriptions();
    ASSERT_EQ(subs.size(), 1u);
    EXPECT_EQ(subs[0].queue, "greeters");
    host.deliver("greet.x", "", "_INBOX.q");
    EXPECT_EQ(host.published().at(0).account, "$G");
}

TEST_F(ServiceExample, ReloadMovesTheSubscriptionAndKeepsTheCount) {
    start(R"({"subject":"greet.>"})");
    host.deliver("greet.a", "", "_INBOX.1");
    instance->reload(R"({"subject":"hello.>","greeting":"hey"})");
    EXPECT_EQ(host.deliver("greet.a", "", "_INBOX.2"), 0u);
    EXPECT_EQ(host.deliver("hello.b", "", "_INBOX.3"), 1u);
    EXPECT_EQ(host.published().back().payload, "hey b");
    EXPECT_EQ(host.active_subscriptions().size(), 1u);
    EXPECT_EQ(host.active_timers().size(), 1u);
    EXPECT_EQ(host.metric("service_example_requests")->value, 2);
    instance->reload(R"({"subject":"hello.>","greeting":"yo"})");  // greeting only: same subscription
    EXPECT_EQ(host.active_subscriptions().at(0).subject, "hello.>");
    host.deliver("hello.c", "", "_INBOX.4");
    EXPECT_EQ(host.published().back().payload, "yo c");
}

TEST_F(ServiceExample, FailedResubscribeKeepsTheOldConfig) {
    start(R"({"subject":"greet.>"})");
    host.fail("subscribe");
    EXPECT_THROW(instance->reload(R"({"subject":"other.>","greeting":"x"})"), PluginError);
    host.deliver("greet.z", "", "_INBOX.1");
    EXPECT_EQ(host.published().at(0).payload, "hello z");
}

TEST_F(ServiceExample, StopEndsSubscriptionAndTimer) {
    start("{}");
    EXPECT_EQ(host.active_subscriptions().at(0).subject, "greet.>") << "default subject";
    instance->stop();
    EXPECT_TRUE(host.active_subscriptions().empty());
    EXPECT_TRUE(host.active_timers().empty());
}

}  // namespace
