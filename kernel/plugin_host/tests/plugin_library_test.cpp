// Opening plugin files: each way a file can fail to be a usable plugin gives a
// PluginError naming the file and the reason.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "kernel/plugin_host/plugin_error.hpp"
#include "kernel/plugin_host/plugin_library.hpp"
#include "kernel/plugin_host/version_check.hpp"
#include "kernel/plugin_host/tests/test_dirs.hpp"

namespace nats::plugins {
namespace {

std::string open_error(const std::filesystem::path& file) {
    try {
        PluginLibrary::open(file);
    } catch (const PluginError& e) {
        return e.what();
    }
    return "opened";
}

TEST(PluginLibrary, OpensAWorkingPlugin) {
    auto lib = PluginLibrary::open(test_plugin("test_echo"));
    EXPECT_EQ(lib.name(), "test_echo");
    EXPECT_EQ(lib.version(), "1.2.0");
    EXPECT_EQ(lib.sdk_version(), sdk_version_text(NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR));
    EXPECT_EQ(lib.path(), test_plugin("test_echo"));
    // Moving keeps it loaded and usable.
    PluginLibrary moved = std::move(lib);
    EXPECT_STREQ(moved.descriptor().name, "test_echo");
}

TEST(PluginLibrary, PluginBuiltAgainstMinorZeroOpens) {
    auto lib = PluginLibrary::open(test_plugin("test_minor_zero"));
    EXPECT_EQ(lib.descriptor().sdk_minor, 0);
}

TEST(PluginLibrary, MissingFile) {
    const auto file = std::filesystem::path(NMK_TEST_PLUGIN_DIR) / "libdoes_not_exist.so";
    EXPECT_EQ(open_error(file), "plugin \"" + file.string() + "\": file not found");
}

TEST(PluginLibrary, DirectoryIsNotAPlugin) {
    EXPECT_EQ(open_error(NMK_TEST_PLUGIN_DIR), std::string("plugin \"") + NMK_TEST_PLUGIN_DIR + "\": not a regular file");
}

TEST(PluginLibrary, FileThatIsNotASharedObject) {
    ScratchDir dir;
    const auto file = dir.path / "libtext.so";
    std::ofstream(file) << "just text\n";
    const std::string error = open_error(file);
    EXPECT_EQ(error.rfind("plugin \"" + file.string() + "\": not a loadable shared library (", 0), 0u) << error;
    // The loader's own words, without the file name repeated.
    EXPECT_EQ(error.find(file.string() + ":"), std::string::npos) << error;
}

TEST(PluginLibrary, NoEntrySymbol) {
    EXPECT_EQ(open_error(test_plugin("test_no_entry")),
              "plugin \"" + test_plugin("test_no_entry").string() +
                  "\": no entry symbol \"nmk_plugin_entry\" (not a plugin for this server)");
}

TEST(PluginLibrary, VersionProblemsComeFromTheCheck) {
    const std::string major = open_error(test_plugin("test_bad_major"));
    EXPECT_NE(major.find("\": SDK major version " + std::to_string(NMK_SDK_VERSION_MAJOR + 1) + " is not supported"),
              std::string::npos)
        << major;
    const std::string minor = open_error(test_plugin("test_newer_minor"));
    EXPECT_NE(minor.find("\": built for SDK " + sdk_version_text(NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR + 1)),
              std::string::npos)
        << minor;
}

}  // namespace
}  // namespace nats::plugins
