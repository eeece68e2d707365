// From a plan to the plugins to load: requirements found by name and ordered
// first, and the errors (duplicate names, missing requirements, cycles).
#include <gtest/gtest.h>

#include "kernel/plugin_host/plugin_error.hpp"
#include "kernel/plugin_host/resolver.hpp"
#include "kernel/plugin_host/tests/test_dirs.hpp"

namespace nats::plugins {
namespace {

namespace fs = std::filesystem;

AssemblyPlan plan_of(std::initializer_list<const char*> names) {
    AssemblyPlan plan;
    plan.search_paths.push_back(NMK_TEST_PLUGIN_DIR);
    for (const char* n : names) plan.requests.push_back({n, test_plugin(n), "load", true});
    return plan;
}

std::vector<std::string> names_of(const std::vector<OpenedPlugin>& opened) {
    std::vector<std::string> out;
    for (const auto& p : opened) out.push_back(p.library.name());
    return out;
}

std::string resolve_error(const AssemblyPlan& plan) {
    try {
        open_plugins(plan);
    } catch (const PluginError& e) {
        return e.what();
    }
    return "resolved";
}

TEST(Resolver, RequirementsAreLoadedAndComeFirst) {
    auto opened = open_plugins(plan_of({"test_minor_zero", "test_needs_echo"}));
    EXPECT_EQ(names_of(opened), (std::vector<std::string>{"test_minor_zero", "test_echo", "test_needs_echo"}));
    EXPECT_EQ(opened[1].request.asked_by, "requires");
}

TEST(Resolver, AskedOrderIsKeptOtherwise) {
    auto opened = open_plugins(plan_of({"test_probe", "test_echo", "test_minor_zero"}));
    EXPECT_EQ(names_of(opened), (std::vector<std::string>{"test_probe", "test_echo", "test_minor_zero"}));
}

TEST(Resolver, RequirementAlreadyAskedForIsNotLoadedTwice) {
    auto opened = open_plugins(plan_of({"test_needs_echo", "test_echo"}));
    EXPECT_EQ(names_of(opened), (std::vector<std::string>{"test_echo", "test_needs_echo"}));
}

TEST(Resolver, MissingRequirement) {
    EXPECT_EQ(resolve_error(plan_of({"test_requires_missing"})),
              "plugin \"" + test_plugin("test_requires_missing").string() +
                  "\": requires plugin \"test_not_installed\", which is not installed (looked for "
                  "libtest_not_installed.so in the plugin search path)");
}

TEST(Resolver, Cycle) {
    EXPECT_EQ(resolve_error(plan_of({"test_cycle_a"})),
              "plugin \"" + test_plugin("test_cycle_a").string() +
                  "\": dependency cycle: test_cycle_a -> test_cycle_b -> test_cycle_a");
}

TEST(Resolver, TwoFilesWithTheSameName) {
    ScratchDir dir;
    const auto copy = dir.path / "libcopy.so";
    fs::copy_file(test_plugin("test_echo"), copy);
    AssemblyPlan plan = plan_of({"test_echo"});
    plan.requests.push_back({copy.string(), copy, "load", true});
    EXPECT_EQ(resolve_error(plan), "plugin \"" + copy.string() + "\": plugin name \"test_echo\" is already taken by \"" +
                                       test_plugin("test_echo").string() + "\"");
}

TEST(Resolver, SplitNames) {
    EXPECT_EQ(split_names(nullptr), std::vector<std::string>{});
    EXPECT_EQ(split_names(""), std::vector<std::string>{});
    EXPECT_EQ(split_names(" a, b ,,c\t"), (std::vector<std::string>{"a", "b", "c"}));
}

}  // namespace
}  // namespace nats::plugins
