#pragma once
// Shared by the plugin_*_test.cpp files: configs that load the test plugins
// from tests/plugins (built into build/lib), and a guard that skips these
// tests when $NMK_SERVER_BIN is a server without plugin support.
#include <filesystem>
#include <initializer_list>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/integration/integration_helpers.hpp"
#include "tests/support/temp_dir.hpp"

#ifndef NMK_TEST_PLUGIN_DIR
#error "tests/plugins/CMakeLists.txt defines NMK_TEST_PLUGIN_DIR for this target"
#endif

namespace nats::integration {

inline const std::string plugin_dir = NMK_TEST_PLUGIN_DIR;

inline std::string plugin_file(std::string_view name) { return plugin_dir + "/lib" + std::string(name) + ".so"; }

// True when the server under test is ours (it loads plugins).
inline bool server_loads_plugins() {
    static const bool ours = [] {
        auto r = test_support::run_server_to_exit({"--version"}, std::chrono::seconds(5));
        return r.output.find("nats-microkernel") != std::string::npos;
    }();
    return ours;
}

#define SKIP_UNLESS_PLUGIN_SERVER() \
    if (!::nats::integration::server_loads_plugins()) GTEST_SKIP() << "the server under test has no plugin support"

// True unless the server under test is ours and this build left out one of
// `plugins` (NMK_PLUGINS): nats-server has every feature built in.
inline bool server_has_plugins(std::initializer_list<std::string_view> plugins) {
    if (!server_loads_plugins()) return true;
    for (auto name : plugins)
        if (!std::filesystem::exists(plugin_file(name))) return false;
    return true;
}

#define SKIP_WITHOUT_PLUGINS(...)                                  \
    if (!::nats::integration::server_has_plugins({__VA_ARGS__})) \
    GTEST_SKIP() << "this build has no " #__VA_ARGS__ " plugin (NMK_PLUGINS)"

// plugins { path: [<test plugin dir>], load: [...] <extra> }
inline std::string plugins_block(const std::vector<std::string>& load, std::string_view extra = {}) {
    std::string out = "plugins {\n  path: [\"" + plugin_dir + "\"]\n  load: [";
    for (std::size_t i = 0; i < load.size(); ++i) out += (i ? ", \"" : "\"") + load[i] + "\"";
    out += "]\n";
    out.append(extra);
    return out + "\n}\n";
}

// Runs the server on `config` until it exits (start-up failures) or `timeout`.
inline test_support::ExitResult run_config_to_exit(std::string_view config, std::vector<std::string> extra_args = {},
                                                   std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    test_support::TempDir dir;
    test_support::write_file(dir.file("server.conf"), config);
    std::vector<std::string> args{"-c", dir.file("server.conf").string(), "-a", "127.0.0.1", "-p", "-1"};
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    return test_support::run_server_to_exit(args, timeout);
}

// Lines of `text` that contain `part`.
inline std::vector<std::string> lines_containing(const std::string& text, std::string_view part) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        std::string line = text.substr(start, end - start);
        if (line.find(part) != std::string::npos) out.push_back(line);
        start = end + 1;
    }
    return out;
}

// Waits until the server's output contains `text` (e.g. "Server is ready").
inline bool wait_for_log(test_support::ServerProcess& server, std::string_view text,
                         std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (server.log_text().find(text) != std::string::npos) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
}

// A server on `config`, once it logged that it is ready (plugins started).
inline std::unique_ptr<test_support::ServerProcess> start_plugin_server(std::string_view config) {
    auto server = start_server(config);
    if (!wait_for_log(*server, "Server is ready")) throw std::runtime_error("server not ready:\n" + server->log_text());
    return server;
}

inline bool has_line_matching(const std::string& text, const std::regex& pattern) {
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (std::regex_search(text.substr(start, end - start), pattern)) return true;
        start = end + 1;
    }
    return false;
}

}  // namespace nats::integration
