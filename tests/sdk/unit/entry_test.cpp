// The descriptor trampolines made by make_descriptor() (what NATS_SDK_PLUGIN exports):
// exceptions become error returns, configs are parsed, versions are checked, lifecycle
// order is kept.

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nats_sdk/plugin.hpp"
#include "nats_sdk/testing/fake_host.hpp"
#include "nats_sdk/testing/plugin_loader.hpp"

namespace {

using nats_sdk::testing::FakeHost;
using nats_sdk::testing::PluginError;
using nats_sdk::testing::PluginInstance;

std::vector<std::string> events;

class Recorder : public nats_sdk::Plugin {
public:
    Recorder(nats_sdk::Host& host, const nlohmann::json& config) : Plugin(host) {
        if (config.value("fail_create", false)) {
            throw nats_sdk::ConfigError("fail_create was set");
        }
        if (config.value("throw_int", false)) {
            throw 42;
        }
        events.push_back("create " + config.dump());
    }
    ~Recorder() override { events.push_back("destroy"); }
    void start() override {
        events.push_back("start");
        if (config().value("fail_start", false)) {
            throw std::runtime_error("start refused");
        }
        subscription_ = host().subscribe("rec.>", [](const nats_sdk::Message&) {});
    }
    void stop() override {
        events.push_back("stop");
        if (config().value("fail_stop", false)) {
            throw std::runtime_error("stop broke");
        }
    }

private:
    nats_sdk::Subscription subscription_;
};

class HostOnly : public nats_sdk::Plugin {
public:
    explicit HostOnly(nats_sdk::Host& host) : Plugin(host) {}
    void reload(const nlohmann::json& config) override { events.push_back("reload " + config.dump()); }
};

constexpr nats_sdk::PluginInfo recorder_info{"recorder", "0.1.0", "records calls", "service", "a, b"};
constexpr nmk_plugin_descriptor recorder = nats_sdk::make_descriptor<Recorder, recorder_info>();
constexpr nats_sdk::PluginInfo host_only_info{"host_only", "0.1.0", "", "", ""};
constexpr nmk_plugin_descriptor host_only = nats_sdk::make_descriptor<HostOnly, host_only_info>();

class EntryTest : public ::testing::Test {
protected:
    void SetUp() override { events.clear(); }

    // create() with `config`; the error text when it fails, "" when it succeeded (the
    // instance is then destroyed).
    std::string create_error(const nmk_plugin_descriptor& d, const std::string& config) {
        char error[256];
        std::memset(error, 'X', sizeof error);
        void* instance = d.create(fake.api(), nats_sdk::to_nmk(config), nmk_error_buffer{error, sizeof error});
        if (instance != nullptr) {
            d.destroy(instance);
            return "";
        }
        return nats_sdk::testing::error_text(error, sizeof error);
    }

    FakeHost fake;
};

TEST_F(EntryTest, DescriptorCarriesTheDeclaration) {
    EXPECT_EQ(recorder.struct_size, sizeof(nmk_plugin_descriptor));
    EXPECT_EQ(recorder.sdk_major, NMK_SDK_VERSION_MAJOR);
    EXPECT_EQ(recorder.sdk_minor, NMK_SDK_VERSION_MINOR);
    EXPECT_STREQ(recorder.name, "recorder");
    EXPECT_STREQ(recorder.version, "0.1.0");
    EXPECT_STREQ(recorder.provides, "service");
    EXPECT_STREQ(nats_sdk::descriptor_requires(recorder), "a, b");
    EXPECT_EQ(nats_sdk::testing::descriptor_problem(recorder), "");
}

// SDK 1.1: a plugin serving a key and a flag, with a static validate().
class Served final : public nats_sdk::Plugin {
public:
    explicit Served(nats_sdk::Host& host) : Plugin(host) {}
    static void validate(const nlohmann::json& config) {
        nats_sdk::config::get<std::string>(config.value("greeter", nlohmann::json::object()), "text", "", "greeter");
    }
};
constexpr nmk_plugin_flag served_flags[] = {{"--greeting,-gr", NMK_FLAG_STRING, "greeter.text", "Greeting"}};
constexpr nats_sdk::PluginInfo served_info{"served", "1.0.0", "", "", "", "greeter",
                                           nats_sdk::detail::flag_data(served_flags),
                                           nats_sdk::detail::flag_count(served_flags)};
constexpr nmk_plugin_descriptor served = nats_sdk::make_descriptor<Served, served_info>();

TEST_F(EntryTest, ServedKeysFlagsAndValidateAreDeclared) {
    EXPECT_STREQ(served.config_keys, "greeter");
    ASSERT_EQ(served.flag_count, 1u);
    EXPECT_STREQ(served.flags[0].config_path, "greeter.text");
    ASSERT_NE(served.validate, nullptr);
    char error[256] = {};
    EXPECT_EQ(served.validate(nats_sdk::to_nmk(R"({"greeter":{"text":"hi"}})"), nmk_error_buffer{error, sizeof error}), 0);
    EXPECT_EQ(served.validate(nats_sdk::to_nmk(R"({"greeter":{"text":5}})"), nmk_error_buffer{error, sizeof error}), 1);
    EXPECT_STREQ(error, "config key 'greeter.text' must be a string");
    EXPECT_EQ(served.validate(nats_sdk::to_nmk("[1]"), nmk_error_buffer{error, sizeof error}), 1);
    // Without a static validate() or declarations the new members stay empty.
    EXPECT_EQ(recorder.validate, nullptr);
    EXPECT_STREQ(recorder.config_keys, "");
    EXPECT_EQ(recorder.flags, nullptr);
    EXPECT_EQ(recorder.flag_count, 0u);
}

TEST_F(EntryTest, FullLifecycleInOrder) {
    {
        PluginInstance instance(recorder, fake.api(), R"({"x":1})");
        instance.start();
        EXPECT_EQ(fake.active_subscriptions().size(), 1u);
        instance.reload(R"({"x":1})");
    }
    EXPECT_EQ(events, (std::vector<std::string>{"create {\"x\":1}", "start", "stop", "destroy"}));
    EXPECT_TRUE(fake.active_subscriptions().empty());
}

TEST_F(EntryTest, EmptyOrNullConfigReadsAsAnEmptyObject) {
    EXPECT_EQ(create_error(recorder, ""), "");
    EXPECT_EQ(create_error(recorder, "  \n"), "");
    EXPECT_EQ(create_error(recorder, "null"), "");
    EXPECT_EQ(events, (std::vector<std::string>{"create {}", "destroy", "create {}", "destroy", "create {}", "destroy"}));
}

TEST_F(EntryTest, BadConfigTextFailsCreateWithAMessage) {
    EXPECT_EQ(create_error(recorder, "{"), "the config block is not valid JSON");
    EXPECT_EQ(create_error(recorder, "[1]"), "the config block must be an object");
    EXPECT_EQ(create_error(recorder, R"({"fail_create":true})"), "fail_create was set");
    EXPECT_EQ(create_error(recorder, R"({"throw_int":true})"), "unknown exception");
    EXPECT_TRUE(events.empty());
}

TEST_F(EntryTest, ErrorBufferIsRespected) {
    char tiny[6];
    std::memset(tiny, 'X', sizeof tiny);
    EXPECT_EQ(recorder.create(fake.api(), nats_sdk::to_nmk("{"), nmk_error_buffer{tiny, 4}), nullptr);
    EXPECT_STREQ(tiny, "the");
    EXPECT_EQ(tiny[4], 'X');
    EXPECT_EQ(recorder.create(fake.api(), nats_sdk::to_nmk("{"), nmk_error_buffer{nullptr, 0}), nullptr);
}

TEST_F(EntryTest, IncompatibleKernelIsRefused) {
    fake.mutable_api().sdk_major = NMK_SDK_VERSION_MAJOR + 1;
    EXPECT_NE(create_error(recorder, "{}").find("cannot run a plugin built with SDK"), std::string::npos);
    fake.mutable_api().sdk_major = NMK_SDK_VERSION_MAJOR;
    fake.mutable_api().struct_size = 16;
    EXPECT_NE(create_error(recorder, "{}").find("host API table has 16 bytes"), std::string::npos);
    EXPECT_EQ(recorder.create(nullptr, nats_sdk::to_nmk("{}"), nmk_error_buffer{nullptr, 0}), nullptr);
    EXPECT_TRUE(events.empty());
}

TEST_F(EntryTest, StartFailureIsReportedAndStopIsNotCalled) {
    {
        PluginInstance instance(recorder, fake.api(), R"({"fail_start":true})");
        try {
            instance.start();
            FAIL() << "start succeeded";
        } catch (const PluginError& e) {
            EXPECT_STREQ(e.what(), "start failed: start refused");
        }
    }
    EXPECT_EQ(events.back(), "destroy");
    EXPECT_EQ(std::count(events.begin(), events.end(), "stop"), 0);
}

TEST_F(EntryTest, StartTwiceIsRefused) {
    PluginInstance instance(recorder, fake.api(), "{}");
    instance.start();
    EXPECT_THROW(instance.start(), PluginError);
}

TEST_F(EntryTest, StopExceptionIsLoggedAndDestroyStillRuns) {
    {
        PluginInstance instance(recorder, fake.api(), R"({"fail_stop":true})");
        instance.start();
    }
    EXPECT_TRUE(fake.logged("stop broke", NMK_LOG_ERROR));
    EXPECT_EQ(events.back(), "destroy");
}

TEST_F(EntryTest, DestroyWithoutStopStopsFirst) {
    void* instance = recorder.create(fake.api(), nats_sdk::to_nmk("{}"), nmk_error_buffer{nullptr, 0});
    ASSERT_NE(instance, nullptr);
    ASSERT_EQ(recorder.start(instance, nmk_error_buffer{nullptr, 0}), 0);
    recorder.destroy(instance);
    EXPECT_EQ(events, (std::vector<std::string>{"create {}", "start", "stop", "destroy"}));
}

TEST_F(EntryTest, DefaultReloadAcceptsOnlyTheSameConfig) {
    PluginInstance instance(recorder, fake.api(), R"({"a":1})");
    instance.start();
    EXPECT_NO_THROW(instance.reload(R"({"a":1})"));
    try {
        instance.reload(R"({"a":2})");
        FAIL();
    } catch (const PluginError& e) {
        EXPECT_NE(std::string(e.what()).find("cannot apply a changed config"), std::string::npos);
    }
    EXPECT_THROW(instance.reload("{"), PluginError);
}

TEST_F(EntryTest, OverriddenReloadAndHostOnlyConstructor) {
    PluginInstance instance(host_only, fake.api(), R"({"v":1})");
    instance.start();
    instance.reload(R"({"v":2})");
    EXPECT_EQ(events, (std::vector<std::string>{"reload {\"v\":2}"}));
}

// ----------------------------------------------------------- authenticators

class Echo : public nats_sdk::Authenticator {
public:
    using Authenticator::Authenticator;
    nats_sdk::AuthResult decide(const nats_sdk::AuthRequest& request) override {
        const auto user = request.user();
        if (!user) {
            return nats_sdk::AuthResult::defer();
        }
        if (*user == "throw") {
            throw std::runtime_error("decide broke");
        }
        if (*user == "later") {
            host().post_blocking([this, handle = request.pending_handle()] {
                host().complete_auth(handle, nats_sdk::AuthResult::allow("LATE", "later"));
            });
            return nats_sdk::AuthResult::pending();
        }
        auto result = nats_sdk::AuthResult::allow("ACC", std::string(*user));
        result.permissions = {{"publish", {{"allow", {"a.>"}}}}};
        result.max_payload = 1024;
        return result;
    }
    bool needs_nonce() const override { return true; }
};

constexpr nats_sdk::PluginInfo echo_info{"echo", "1", "", "authenticator", ""};
constexpr nmk_plugin_descriptor echo = nats_sdk::make_descriptor<Echo, echo_info>();

nmk_auth_result ask(const nmk_authenticator& table, const std::string& connect, std::uint64_t handle = 1) {
    nmk_auth_request request{};
    request.struct_size = sizeof request;
    request.connect_json = nats_sdk::to_nmk(connect);
    request.pending_handle = handle;
    nmk_auth_result result{};
    result.struct_size = sizeof result;
    table.authenticate(table.self, &request, &result);
    return result;
}

TEST_F(EntryTest, AuthenticatorIsRegisteredUnderThePluginName) {
    PluginInstance instance(echo, fake.api(), "{}");
    EXPECT_TRUE(fake.authenticators().empty()) << "registered before start";
    instance.start();
    const auto registered = fake.authenticators();
    ASSERT_EQ(registered.size(), 1u);
    EXPECT_EQ(registered[0].name, "echo");
    const auto& table = *registered[0].table;
    EXPECT_EQ(table.needs_nonce(table.self), 1);

    const auto allowed = ask(table, R"({"user":"carol"})");
    EXPECT_EQ(allowed.decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(nats_sdk::to_view(allowed.account), "ACC");
    EXPECT_EQ(nats_sdk::to_view(allowed.user), "carol");
    EXPECT_EQ(nats_sdk::to_view(allowed.permissions_json), R"({"publish":{"allow":["a.>"]}})");
    EXPECT_EQ(allowed.max_payload, 1024);
    EXPECT_EQ(allowed.max_subscriptions, -1);

    EXPECT_EQ(ask(table, "{}").decision, NMK_AUTH_DEFER);
    const auto failed = ask(table, R"({"user":"throw"})");
    EXPECT_EQ(failed.decision, NMK_AUTH_DENY) << "an exception must fail closed";
    EXPECT_TRUE(fake.logged("decide broke", NMK_LOG_ERROR));
}

TEST_F(EntryTest, PendingAnswerCompletesThroughTheHost) {
    PluginInstance instance(echo, fake.api(), "{}");
    instance.start();
    const auto& table = *fake.authenticators()[0].table;
    EXPECT_EQ(ask(table, R"({"user":"later"})", 77).decision, NMK_AUTH_PENDING);
    EXPECT_FALSE(fake.completed_auth(77));
    fake.run_tasks();
    const auto done = fake.completed_auth(77);
    ASSERT_TRUE(done);
    EXPECT_EQ(done->decision, NMK_AUTH_ALLOW);
    EXPECT_EQ(done->account, "LATE");
}

TEST_F(EntryTest, FailedRegistrationFailsStartAndStopsThePlugin) {
    fake.fail("register_authenticator");
    PluginInstance instance(echo, fake.api(), "{}");
    EXPECT_THROW(instance.start(), PluginError);
    EXPECT_FALSE(instance.started());
}

TEST_F(EntryTest, ResultWritesStayWithinStructSize) {
    PluginInstance instance(echo, fake.api(), "{}");
    instance.start();
    const auto& table = *fake.authenticators()[0].table;
    // A result table that ends after `decision` (as a smaller one would): nothing past it is written.
    nmk_auth_result result;
    std::memset(&result, 0x5A, sizeof result);
    result.struct_size = static_cast<std::uint32_t>(offsetof(nmk_auth_result, decision) + sizeof(nmk_auth_decision));
    nmk_auth_request request{};
    request.struct_size = sizeof request;
    const std::string connect = R"({"user":"dave"})";
    request.connect_json = nats_sdk::to_nmk(connect);
    table.authenticate(table.self, &request, &result);
    EXPECT_EQ(result.decision, NMK_AUTH_ALLOW);
    const auto* bytes = reinterpret_cast<const unsigned char*>(&result);
    for (std::size_t i = offsetof(nmk_auth_result, account); i < sizeof result; ++i) {
        ASSERT_EQ(bytes[i], 0x5A) << "byte " << i << " written";
    }
}

TEST(AuthRequest, ReadsOnlyWhatStructSizeCovers) {
    nmk_auth_request raw{};
    const std::string connect = R"({"user":"u","pass":"p","auth_token":"t"})";
    const std::string ip = "10.1.2.3";
    raw.connect_json = nats_sdk::to_nmk(connect);
    raw.client_ip = nats_sdk::to_nmk(ip);
    raw.client_port = 4000;
    raw.pending_handle = 9;
    raw.struct_size = static_cast<std::uint32_t>(offsetof(nmk_auth_request, client_ip));  // ends before client_ip
    const nats_sdk::AuthRequest partial(raw);
    EXPECT_EQ(partial.user(), "u");
    EXPECT_EQ(partial.client_ip(), "");
    EXPECT_EQ(partial.client_port(), 0);
    EXPECT_EQ(partial.pending_handle(), 0u);
    raw.struct_size = sizeof raw;
    const nats_sdk::AuthRequest full(raw);
    EXPECT_EQ(full.client_ip(), ip);
    EXPECT_EQ(full.client_port(), 4000);
    EXPECT_EQ(full.pending_handle(), 9u);
    EXPECT_EQ(full.password(), "p");
    EXPECT_EQ(full.token(), "t");
}

TEST(AuthRequest, MalformedConnectIsAnEmptyObject) {
    for (const std::string text : {"", "{", "[1]", "null", "\"s\"", R"({"user":5})"}) {
        const nats_sdk::AuthRequest request(text);
        EXPECT_FALSE(request.user()) << text;
        EXPECT_TRUE(request.connect().is_object()) << text;
    }
    EXPECT_FALSE(nats_sdk::AuthRequest("[1]").connect_is_object());
    EXPECT_TRUE(nats_sdk::AuthRequest(R"({"user":5})").connect_is_object());
    EXPECT_TRUE(nats_sdk::AuthRequest(R"({"user":5})").has_field("user"));
}

}  // namespace
