#pragma once
// One authenticator plugin loaded from its shared object onto a FakeHost, started,
// and asked through the C ABI, the way the kernel asks it.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "nats_sdk/testing/authenticator_under_test.hpp"
#include "nats_sdk/testing/fake_host.hpp"
#include "nats_sdk/testing/plugin_loader.hpp"

namespace nats::plugin_tests {

using nats_sdk::testing::AuthAnswer;
using nats_sdk::testing::AuthenticatorUnderTest;
using nats_sdk::testing::ClientFacts;
using nats_sdk::testing::FakeHost;
using nats_sdk::testing::PluginError;
using nats_sdk::testing::PluginInstance;
using nats_sdk::testing::PluginLibrary;
using nlohmann::json;

class LoadedPlugin {
public:
    LoadedPlugin(const std::string& path, const json& config) : library_(path) {
        instance_ = std::make_unique<PluginInstance>(library_.descriptor(), host_.api(), config.dump());
        instance_->start();
        auth_ = AuthenticatorUnderTest::wrap(*host_.authenticators().at(0).table, &host_);
    }

    AuthAnswer ask(const json& connect, const ClientFacts& facts = {}) const { return auth_->ask(connect.dump(), facts); }
    AuthAnswer ask_text(std::string_view connect, const ClientFacts& facts = {}) const {
        return auth_->ask(connect, facts);
    }
    bool needs_nonce() const { return auth_->needs_nonce(); }
    void reload(const json& config) { instance_->reload(config.dump()); }
    const nmk_authenticator& table() const { return auth_->table(); }
    FakeHost& host() { return host_; }

    // Everything logged so far, one line each.
    std::string log_text() const {
        std::string out;
        for (const auto& record : host_.logs()) out += record.text + "\n";
        return out;
    }

private:
    PluginLibrary library_;
    FakeHost host_;
    std::unique_ptr<PluginInstance> instance_;
    std::unique_ptr<AuthenticatorUnderTest> auth_;
};

// create()'s refusal text for `config` ("" when it was accepted).
inline std::string create_error(const std::string& path, const json& config) {
    PluginLibrary library(path);
    FakeHost host;
    try {
        PluginInstance instance(library.descriptor(), host.api(), config.dump());
    } catch (const PluginError& e) {
        return e.what();
    }
    return "";
}

inline json permissions_of(const AuthAnswer& answer) {
    return answer.permissions_json.empty() ? json() : json::parse(answer.permissions_json);
}

}  // namespace nats::plugin_tests
