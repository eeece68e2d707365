// The test loader refuses what the kernel must refuse, with one sentence naming the file.

#include <string>

#include <gtest/gtest.h>

#include "nats_sdk/testing/plugin_loader.hpp"

namespace {

using nats_sdk::testing::PluginError;
using nats_sdk::testing::PluginLibrary;

std::string load_error(const std::string& path) {
    try {
        PluginLibrary library(path);
    } catch (const PluginError& e) {
        return e.what();
    }
    return "";
}

TEST(PluginLoader, LoadsAnExample) {
    PluginLibrary library(NATS_SDK_SERVICE_EXAMPLE);
    EXPECT_STREQ(library.descriptor().name, "service_example");
    EXPECT_EQ(library.path(), NATS_SDK_SERVICE_EXAMPLE);
}

TEST(PluginLoader, MissingFile) {
    const auto error = load_error("/nonexistent/libnothing.so");
    EXPECT_NE(error.find("cannot open plugin /nonexistent/libnothing.so"), std::string::npos) << error;
}

TEST(PluginLoader, NoEntrySymbol) {
    EXPECT_EQ(load_error(NATS_SDK_FIXTURE_NO_ENTRY),
              std::string("plugin ") + NATS_SDK_FIXTURE_NO_ENTRY + " does not export nmk_plugin_entry");
}

TEST(PluginLoader, OtherMajorIsRefused) {
    const auto error = load_error(NATS_SDK_FIXTURE_WRONG_MAJOR);
    EXPECT_NE(error.find("built with SDK " + std::to_string(NMK_SDK_VERSION_MAJOR + 1) + "." +
                         std::to_string(NMK_SDK_VERSION_MINOR)),
              std::string::npos)
        << error;
    EXPECT_NE(error.find(NATS_SDK_FIXTURE_WRONG_MAJOR), std::string::npos);
}

TEST(PluginLoader, NewerMinorIsRefused) {
    const auto error = load_error(NATS_SDK_FIXTURE_NEWER_MINOR);
    EXPECT_NE(error.find("which a kernel with SDK " + std::to_string(NMK_SDK_VERSION_MAJOR) + "." +
                         std::to_string(NMK_SDK_VERSION_MINOR) + " cannot run"),
              std::string::npos)
        << error;
}

TEST(PluginLoader, DescriptorProblems) {
    nmk_plugin_descriptor d{};
    d.struct_size = sizeof d;
    d.sdk_major = NMK_SDK_VERSION_MAJOR;
    d.sdk_minor = NMK_SDK_VERSION_MINOR;
    EXPECT_EQ(nats_sdk::testing::descriptor_problem(d), "descriptor has no name");
    d.name = "x";
    EXPECT_EQ(nats_sdk::testing::descriptor_problem(d), "descriptor lacks a lifecycle function");
    d.struct_size = 8;
    EXPECT_NE(nats_sdk::testing::descriptor_problem(d).find("descriptor has 8 bytes"), std::string::npos);
    // An older plugin minor is fine for a newer kernel.
    d.struct_size = sizeof d;
    d.sdk_minor = 0;
    EXPECT_EQ(nats_sdk::testing::descriptor_problem(d, NMK_SDK_VERSION_MAJOR, 5), "descriptor lacks a lifecycle function");
}

}  // namespace
