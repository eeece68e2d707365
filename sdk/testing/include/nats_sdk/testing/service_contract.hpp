#pragma once
// ServiceContract: the GoogleTest suite every plugin passes, whatever it provides.
//
// Include this header in exactly one source file of a test program and instantiate:
//
//   using nats_sdk::testing::ServiceContract;  // the macro needs the bare name
//   INSTANTIATE_TEST_SUITE_P(MyService, ServiceContract,
//       ::testing::Values(nats_sdk::testing::ServiceContractCase{
//           .name = "my_service", .library_path = "libmy_service.so",
//           .config_json = R"({"subject": "greet.>"})",
//           .invalid_configs = {R"({"subject": 5})"},
//           .expected_subscriptions = {"greet.>"}}),
//       nats_sdk::testing::case_name);
//
// What "provides" must register once started: "authenticator" an authenticator,
// "service" a subscription or an HTTP endpoint, "http" an HTTP endpoint, "link" a link,
// any other kind K an extension of kind K (or the declaration of K). A plugin that fills
// a kind another plugin owns (a stream store fills JetStream's "jetstream.store") names
// it in `declared_kinds`: each test's FakeHost declares it before creating the plugin, as
// the owner does, and the plugin must then register an extension of it.

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <ostream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nats_sdk/abi.hpp"
#include "nats_sdk/testing/case_name.hpp"
#include "nats_sdk/testing/fake_host.hpp"
#include "nats_sdk/testing/plugin_loader.hpp"

namespace nats_sdk::testing {

struct ServiceContractCase {
    std::string name;  // letters, digits and '_' (it names the tests)
    std::string library_path;
    std::string config_json;                          // a config block it accepts
    std::vector<std::string> invalid_configs;         // blocks create() must refuse
    std::vector<std::string> expected_subscriptions;  // subjects it subscribes to once started
    // Kinds other plugins own that this one fills, with their version: NMK_KIND_VERSION(1, 0).
    std::map<std::string, std::uint32_t> declared_kinds = {};
};

// Declares `kinds` on `host`, as their owners would before this plugin is created.
inline void declare_kinds(FakeHost& host, const std::map<std::string, std::uint32_t>& kinds) {
    for (const auto& [kind, version] : kinds) {
        const nmk_host_api* api = host.api();
        if (api->declare_kind(api->host, to_nmk(kind), version) != NMK_OK) {
            throw PluginError("the FakeHost refused to declare kind " + kind);
        }
    }
}

inline void PrintTo(const ServiceContractCase& c, std::ostream* out) { *out << c.name; }

inline std::vector<std::string> split_list(const char* text) {
    std::vector<std::string> out;
    std::stringstream in(text == nullptr ? "" : text);
    std::string item;
    while (std::getline(in, item, ',')) {
        const auto first = item.find_first_not_of(" \t");
        const auto last = item.find_last_not_of(" \t");
        if (first != std::string::npos) {
            out.push_back(item.substr(first, last - first + 1));
        }
    }
    return out;
}

// Why `host` does not show what the kind `kind` must register; empty when it does.
// `declared_for_it`: the test declared the kind, so declaring is not enough.
inline std::string missing_registration(const std::string& kind, const FakeHost& host, bool declared_for_it = false) {
    if (kind == "authenticator") {
        return host.authenticators().empty() ? "provides authenticator but registered none" : "";
    }
    if (kind == "service") {
        return host.active_subscriptions().empty() && host.http_endpoints().empty()
                   ? "provides service but has no subscription nor HTTP endpoint"
                   : "";
    }
    if (kind == "http") {
        return host.http_endpoints().empty() ? "provides http but registered no endpoint" : "";
    }
    if (kind == "link") {
        return host.links().empty() ? "provides link but registered none" : "";
    }
    for (const auto& e : host.extensions()) {
        if (e.kind == kind) {
            return "";
        }
    }
    if (!host.sdk11().providers(kind).empty()) {
        return "";
    }
    return !declared_for_it && host.declared_kinds().count(kind) != 0
               ? ""
               : "provides " + kind + " but registered no such extension";
}

// A subject that a subscription pattern matches: wildcards become tokens.
inline std::string concrete_subject(const std::string& pattern) {
    std::string out;
    for (const auto token : nats_sdk::subject::tokens(pattern)) {
        if (!out.empty()) {
            out += '.';
        }
        out += token == "*" ? "star" : token == ">" ? "rest.of.it" : std::string(token);
    }
    return out;
}

class ServiceContract : public ::testing::TestWithParam<ServiceContractCase> {
protected:
    void SetUp() override {
        library_ = std::make_unique<PluginLibrary>(GetParam().library_path);
    }

    const nmk_plugin_descriptor& descriptor() const { return library_->descriptor(); }

    std::unique_ptr<PluginInstance> create(FakeHost& host, const std::string& config) const {
        return std::make_unique<PluginInstance>(descriptor(), host.api(), config);
    }

    // create() must refuse `config` with a message and leave no trace.
    void expect_refused(const std::string& config) const {
        FakeHost host;
        declare_kinds(host, GetParam().declared_kinds);
        char error[PluginInstance::error_capacity] = {};
        void* instance = descriptor().create(host.api(), to_nmk(config), nmk_error_buffer{error, sizeof error});
        EXPECT_EQ(instance, nullptr) << "accepted the config " << config;
        if (instance != nullptr) {
            descriptor().destroy(instance);
            return;
        }
        EXPECT_FALSE(error_text(error, sizeof error).empty()) << "refused " << config << " without a message";
        EXPECT_TRUE(host.active_subscriptions().empty());
        EXPECT_TRUE(host.active_timers().empty());
    }

    static void expect_released_everything(const FakeHost& host) {
        for (const auto& sub : host.active_subscriptions()) {
            ADD_FAILURE() << "subscription to " << sub.subject << " still active after destroy";
        }
        for (const auto& timer : host.active_timers()) {
            if (timer.repeat_ms != 0 || timer.fired == 0) {
                ADD_FAILURE() << "timer " << timer.id << " still armed after destroy";
            }
        }
        for (const auto& problem : host.misuse()) {
            ADD_FAILURE() << "host misuse: " << problem;
        }
    }

    std::unique_ptr<PluginLibrary> library_;
};

TEST_P(ServiceContract, DescriptorIsWellFormed) {
    const auto& d = descriptor();
    EXPECT_GE(d.struct_size, sizeof(nmk_plugin_descriptor));
    ASSERT_NE(d.name, nullptr);
    const std::string name = d.name;
    EXPECT_FALSE(name.empty());
    EXPECT_EQ(name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-."),
              std::string::npos)
        << "name '" << name << "' is not usable as a config key";
    ASSERT_NE(d.version, nullptr);
    EXPECT_NE(std::strlen(d.version), 0u);
    EXPECT_NE(d.description, nullptr);
    EXPECT_NE(d.provides, nullptr);
    EXPECT_NE(descriptor_requires(d), nullptr);
    for (const auto& required : split_list(descriptor_requires(d))) {
        EXPECT_NE(required, name) << "a plugin cannot require itself";
    }
}

TEST_P(ServiceContract, BuiltWithACompatibleSdk) {
    EXPECT_EQ(descriptor_problem(descriptor()), "");
    EXPECT_EQ(descriptor().sdk_major, NMK_SDK_VERSION_MAJOR);
    EXPECT_LE(descriptor().sdk_minor, NMK_SDK_VERSION_MINOR);
}

TEST_P(ServiceContract, CreateStartStopDestroyIsClean) {
    FakeHost host;
    declare_kinds(host, GetParam().declared_kinds);
    {
        auto instance = create(host, GetParam().config_json);
        instance->start();
        instance->stop();
    }
    expect_released_everything(host);
    EXPECT_FALSE(host.logged("", NMK_LOG_ERROR)) << "logged an error on a clean run";
}

TEST_P(ServiceContract, RegistersWhatItProvides) {
    FakeHost host;
    declare_kinds(host, GetParam().declared_kinds);
    auto instance = create(host, GetParam().config_json);
    instance->start();
    for (const auto& kind : split_list(descriptor().provides)) {
        EXPECT_EQ(missing_registration(kind, host, GetParam().declared_kinds.count(kind) != 0), "");
    }
}

TEST_P(ServiceContract, SubscribesToTheExpectedSubjects) {
    FakeHost host;
    declare_kinds(host, GetParam().declared_kinds);
    auto instance = create(host, GetParam().config_json);
    instance->start();
    const auto subs = host.active_subscriptions();
    for (const auto& subject : GetParam().expected_subscriptions) {
        bool found = false;
        for (const auto& sub : subs) {
            found = found || sub.subject == subject;
        }
        EXPECT_TRUE(found) << "no subscription to " << subject;
    }
}

TEST_P(ServiceContract, ReloadWithTheSameConfigSucceeds) {
    FakeHost host;
    declare_kinds(host, GetParam().declared_kinds);
    auto instance = create(host, GetParam().config_json);
    instance->start();
    const auto before = host.active_subscriptions().size();
    instance->reload(GetParam().config_json);
    EXPECT_EQ(host.active_subscriptions().size(), before);
    for (const auto& kind : split_list(descriptor().provides)) {
        EXPECT_EQ(missing_registration(kind, host, GetParam().declared_kinds.count(kind) != 0), "");
    }
    instance.reset();
    expect_released_everything(host);
}

TEST_P(ServiceContract, ReloadWithAnInvalidConfigKeepsTheOldOne) {
    if (GetParam().invalid_configs.empty()) {
        GTEST_SKIP() << "the case lists no invalid config";
    }
    FakeHost host;
    declare_kinds(host, GetParam().declared_kinds);
    auto instance = create(host, GetParam().config_json);
    instance->start();
    const auto before = host.active_subscriptions();
    for (const auto& config : GetParam().invalid_configs) {
        EXPECT_THROW(instance->reload(config), PluginError) << "reload accepted " << config;
    }
    const auto after = host.active_subscriptions();
    ASSERT_EQ(after.size(), before.size());
    for (std::size_t i = 0; i < after.size(); ++i) {
        EXPECT_EQ(after[i].id, before[i].id);
    }
    instance->reload(GetParam().config_json);
}

TEST_P(ServiceContract, DestroyWithoutStartIsClean) {
    FakeHost host;
    declare_kinds(host, GetParam().declared_kinds);
    create(host, GetParam().config_json).reset();
    expect_released_everything(host);
}

TEST_P(ServiceContract, InvalidConfigsAreRefusedWithAMessage) {
    for (const auto& config : GetParam().invalid_configs) {
        expect_refused(config);
    }
}

TEST_P(ServiceContract, TextThatIsNotAConfigObjectIsRefused) {
    for (const std::string config : {"{", "{\"a\":", "not json", "[1,2]", "42", "\"text\""}) {
        expect_refused(config);
    }
}

TEST_P(ServiceContract, ErrorMessagesFitTheBuffer) {
    FakeHost host;
    declare_kinds(host, GetParam().declared_kinds);
    struct {
        char data[8];
        char guard[8];
    } buffer;
    std::memset(&buffer, 'G', sizeof buffer);
    void* instance = descriptor().create(host.api(), to_nmk("{"), nmk_error_buffer{buffer.data, sizeof buffer.data});
    EXPECT_EQ(instance, nullptr);
    EXPECT_NE(std::memchr(buffer.data, '\0', sizeof buffer.data), nullptr) << "message not NUL-terminated";
    EXPECT_EQ(std::string(buffer.guard, sizeof buffer.guard), std::string(sizeof buffer.guard, 'G'))
        << "wrote past the error buffer";
    if (instance != nullptr) {
        descriptor().destroy(instance);
    }
    EXPECT_EQ(descriptor().create(host.api(), to_nmk("{"), nmk_error_buffer{nullptr, 0}), nullptr);
}

TEST_P(ServiceContract, CallbacksSurviveArbitraryInput) {
    FakeHost host;
    declare_kinds(host, GetParam().declared_kinds);
    {
        auto instance = create(host, GetParam().config_json);
        instance->start();
        const std::string binary("\0\x01\xff\r\n", 5);
        for (const auto& sub : host.active_subscriptions()) {
            const std::string subject = concrete_subject(sub.subject);
            for (const std::string& payload : {std::string(), binary, std::string(1 << 20, 'p')}) {
                host.deliver(subject, payload, "", sub.account);
                host.deliver(subject, payload, "_INBOX.contract.1", sub.account);
            }
        }
        host.fire_timers();
        host.run_tasks();
        host.fire_timers();
        instance->reload(GetParam().config_json);
        host.run_tasks();
    }
    expect_released_everything(host);
}

}  // namespace nats_sdk::testing
