#pragma once
// An in-process server with a PluginHost and one plugin context ("unit"), for
// tests that call the host API the way a plugin does.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <string_view>
#include <thread>

#include "kernel/plugin_host/plugin_context.hpp"
#include "kernel/plugin_host/plugin_host.hpp"
#include "kernel/plugin_host/tests/test_dirs.hpp"

namespace nats::plugins {

inline bool eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(3)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return condition();
}

inline nmk_str nmk(std::string_view v) { return {v.data(), v.size()}; }

class HostFixture : public ::testing::Test {
protected:
    explicit HostFixture(std::string config_text = {}) {
        config::Options o;
        if (!config_text.empty()) o.raw = config::parse_config_string(config_text);
        o.host = "127.0.0.1";
        o.port = -1;
        o.store_dir = store.path.string();
        server = std::make_unique<server::Server>(o);
        server->start();
        host = std::make_unique<PluginHost>(*server);
        context = std::make_unique<PluginContext>(*host, "unit");
        api = context->api();
    }
    ~HostFixture() override {
        context.reset();
        host.reset();
        server->shutdown();
    }

    ScratchDir store;
    std::unique_ptr<server::Server> server;
    std::unique_ptr<PluginHost> host;
    std::unique_ptr<PluginContext> context;
    const nmk_host_api* api = nullptr;
};

}  // namespace nats::plugins
