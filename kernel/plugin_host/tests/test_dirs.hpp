#pragma once
// Where the test plugins are (tests/plugins builds them into build/lib) and a
// scratch directory removed after each test.
#include <filesystem>
#include <random>
#include <string>

#include <nats_sdk/abi.h>

#ifndef NMK_TEST_PLUGIN_DIR
#error "tests/plugins/CMakeLists.txt defines NMK_TEST_PLUGIN_DIR for this target"
#endif

namespace nats::plugins {

inline std::filesystem::path test_plugin(const std::string& name) {
    return std::filesystem::path(NMK_TEST_PLUGIN_DIR) / ("lib" + name + ".so");
}

struct ScratchDir {
    ScratchDir() {
        std::random_device rd;
        path = std::filesystem::temp_directory_path() / ("nmk-plugins-" + std::to_string(rd()) + std::to_string(rd()));
        std::filesystem::create_directories(path);
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    std::filesystem::path path;
};

}  // namespace nats::plugins
