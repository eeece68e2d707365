// The plugin catalog: declarations read from descriptors (SDK 1.1), nothing
// opened until a question comes, SDK 1.0 plugins and broken files serving
// nothing, and kernel/config's questions answered from it.
#include <gtest/gtest.h>

#include <fstream>

#include "kernel/plugin_host/catalog.hpp"
#include "kernel/plugin_host/plugin_library.hpp"
#include "kernel/plugin_host/tests/test_dirs.hpp"

namespace nats::plugins {
namespace {

namespace fs = std::filesystem;

TEST(Catalog, ReadsKeysFlagsAndValidateFromTheDescriptor) {
    const auto library = PluginLibrary::open(test_plugin("test_served"));
    const Declarations d = read_declarations(library.descriptor(), library.path());
    EXPECT_EQ(d.plugin, "test_served");
    EXPECT_EQ(d.keys, std::vector<std::string>{"greeter"});  // flags' "greeter." adds nothing new
    ASSERT_EQ(d.flags.size(), 3u);
    EXPECT_EQ(d.flags[0].names, (std::vector<std::string>{"greeting", "gr"}));
    EXPECT_EQ(d.flags[0].flag.config_path, "greeter.text");
    EXPECT_EQ(d.flags[0].flag.type, config::PluginFlag::Type::string);
    EXPECT_EQ(d.flags[1].flag.type, config::PluginFlag::Type::integer);
    EXPECT_EQ(d.flags[2].flag.type, config::PluginFlag::Type::boolean);
    EXPECT_EQ(d.find_flag("gr"), &d.flags[0]);
    EXPECT_EQ(d.find_flag("greet"), nullptr);
    EXPECT_TRUE(d.serves_key("Greeter"));  // top-level keys match in any case
    EXPECT_NE(validate_function(library.descriptor()), nullptr);
}

// An SDK 1.0 descriptor ends at destroy(): the kernel reads nothing past it.
TEST(Catalog, SdkOnePointZeroPluginServesNothing) {
    const auto library = PluginLibrary::open(test_plugin("test_minor_zero"));
    const Declarations d = read_declarations(library.descriptor(), library.path());
    EXPECT_TRUE(d.keys.empty());
    EXPECT_TRUE(d.flags.empty());
    EXPECT_EQ(validate_function(library.descriptor()), nullptr);
}

TEST(Catalog, OpensNothingUntilAskedAndSkipsBrokenFiles) {
    ScratchDir dir;
    std::ofstream(dir.path / "libbroken.so") << "not a library";
    PluginCatalog catalog({}, {dir.path, fs::path(NMK_TEST_PLUGIN_DIR)});
    EXPECT_EQ(catalog.files_opened(), 0u);
    const Declarations* d = catalog.serving_key("greeter");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->plugin, "test_served");
    EXPECT_GT(catalog.files_opened(), 1u);
    EXPECT_EQ(catalog.serving_flag("greet_loud"), d);
    EXPECT_EQ(catalog.serving_key("no_such_key"), nullptr);  // every file read now
    const std::size_t opened = catalog.files_opened();
    EXPECT_EQ(catalog.serving_key("no_such_key_either"), nullptr);
    EXPECT_EQ(catalog.serving_flag("greet_loud"), d);
    EXPECT_EQ(catalog.files_opened(), opened);  // each file is read once
}

// The search path is read in order and only up to the first file that serves the
// name: plugins sorted after it are not opened (start-up time), and the answer is the
// one reading every file would give.
TEST(Catalog, StopsAtTheFirstFileThatServes) {
    ScratchDir dir;
    fs::copy_file(test_plugin("test_served"), dir.path / "libb_served.so");
    fs::copy_file(test_plugin("test_served"), dir.path / "libc_served_again.so");
    fs::copy_file(test_plugin("test_minor_zero"), dir.path / "liba_minor_zero.so");
    std::ofstream(dir.path / "libd_broken.so") << "not a library";
    PluginCatalog catalog({}, {dir.path});
    const Declarations* d = catalog.serving_key("greeter");
    ASSERT_NE(d, nullptr);
    EXPECT_EQ(d->path, dir.path / "libb_served.so");  // the first in order, as before
    EXPECT_EQ(catalog.files_opened(), 2u);            // liba_minor_zero, libb_served
    EXPECT_EQ(catalog.serving_flag("gr"), d);         // already read: nothing more opened
    EXPECT_EQ(catalog.files_opened(), 2u);
    EXPECT_EQ(catalog.serving_key("no_such_key"), nullptr);  // reads the rest, each once
    EXPECT_EQ(catalog.files_opened(), 4u);
    EXPECT_EQ(d->plugin, "test_served");  // earlier answers stay valid while more are read
    EXPECT_EQ(catalog.serving_key("no_such_key"), nullptr);
    EXPECT_EQ(catalog.files_opened(), 4u);
    EXPECT_EQ(catalog.everything().size(), 3u);  // the broken file serves nothing
}

TEST(Catalog, ExplicitFilesComeFirstAndAloneWhenTheyServe) {
    PluginCatalog catalog({test_plugin("test_served")}, {fs::path(NMK_TEST_PLUGIN_DIR)});
    ASSERT_NE(catalog.serving_key("greeter"), nullptr);
    EXPECT_EQ(catalog.files_opened(), 1u);
}

TEST(Catalog, ClaimsFindFlagsInThePathOfTheConfigFile) {
    ScratchDir dir;
    const fs::path conf = dir.path / "s.conf";
    std::ofstream(conf) << "plugins { path: \"" << NMK_TEST_PLUGIN_DIR << "\" }\n";
    CatalogClaims claims(dir.path / "no-default-dir", conf.string());
    const auto flag = claims.find_flag("greeting");
    ASSERT_TRUE(flag.has_value());
    EXPECT_EQ(flag->config_path, "greeter.text");
    EXPECT_EQ(flag->plugin, "test_served");
    EXPECT_FALSE(claims.find_flag("routes").has_value());  // no cluster plugin in the build
    if (fs::exists(fs::path(NMK_TEST_PLUGIN_DIR) / "libjetstream.so")) {
        const auto js = claims.find_flag("js");
        ASSERT_TRUE(js.has_value());
        EXPECT_EQ(js->plugin, "jetstream");
        EXPECT_EQ(js->config_path, "jetstream.enabled");
    }
    CatalogClaims nowhere(dir.path / "no-default-dir", "");
    EXPECT_FALSE(nowhere.find_flag("greeting").has_value());
}

}  // namespace
}  // namespace nats::plugins
