// The descriptor check the loader applies to every plugin: same SDK major,
// plugin minor not newer than the kernel's, a large enough descriptor, a name,
// create() and destroy().
#include <gtest/gtest.h>

#include "kernel/plugin_host/version_check.hpp"

namespace nats::plugins {
namespace {

void* create(const nmk_host_api*, nmk_str, nmk_error_buffer) { return nullptr; }
void destroy(void*) {}

nmk_plugin_descriptor good(std::uint16_t major, std::uint16_t minor) {
    nmk_plugin_descriptor d{};
    d.struct_size = sizeof d;
    d.sdk_major = major;
    d.sdk_minor = minor;
    d.name = "sample";
    d.version = "1.0.0";
    d.create = create;
    d.destroy = destroy;
    return d;
}

TEST(VersionCheck, SameVersionIsAccepted) {
    auto d = good(NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR);
    EXPECT_EQ(check_descriptor(&d), std::nullopt);
}

TEST(VersionCheck, OlderMinorIsAccepted) {
    // A kernel at 1.3 loads plugins built against 1.0 .. 1.3.
    for (std::uint16_t minor = 0; minor <= 3; ++minor) {
        auto d = good(1, minor);
        EXPECT_EQ(check_descriptor(&d, 1, 3), std::nullopt) << minor;
    }
}

TEST(VersionCheck, NewerMinorIsRefused) {
    auto d = good(1, 4);
    EXPECT_EQ(check_descriptor(&d, 1, 3), "built for SDK 1.4, newer than this server (SDK 1.3)");
}

TEST(VersionCheck, OtherMajorIsRefusedEitherWay) {
    auto newer = good(2, 0);
    EXPECT_EQ(check_descriptor(&newer, 1, 0), "SDK major version 2 is not supported by this server (SDK 1.0)");
    auto older = good(1, 7);
    EXPECT_EQ(check_descriptor(&older, 2, 1), "SDK major version 1 is not supported by this server (SDK 2.1)");
}

TEST(VersionCheck, MajorIsCheckedBeforeTheRest) {
    // A descriptor from another major may have another layout: nothing else is read.
    nmk_plugin_descriptor d{};
    d.struct_size = 4;
    d.sdk_major = 9;
    EXPECT_EQ(check_descriptor(&d, 1, 0), "SDK major version 9 is not supported by this server (SDK 1.0)");
}

TEST(VersionCheck, NullDescriptor) {
    EXPECT_EQ(check_descriptor(nullptr), "the entry point returned no descriptor");
}

TEST(VersionCheck, TooSmallDescriptor) {
    auto d = good(1, 0);
    d.struct_size = offsetof(nmk_plugin_descriptor, destroy);  // destroy() missing
    auto problem = check_descriptor(&d, 1, 0);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->rfind("descriptor is too small (" + std::to_string(d.struct_size) + " bytes", 0), 0u) << *problem;
}

TEST(VersionCheck, LargerDescriptorFromALaterMinorIsFine) {
    auto d = good(1, 0);
    d.struct_size = sizeof d + 64;  // what a 1.x plugin with more members reports (not read)
    EXPECT_EQ(check_descriptor(&d, 1, 0), std::nullopt);
}

TEST(VersionCheck, NameAndRequiredFunctions) {
    auto no_name = good(1, 0);
    no_name.name = nullptr;
    EXPECT_TRUE(check_descriptor(&no_name, 1, 0));
    auto bad_name = good(1, 0);
    bad_name.name = "has space";
    EXPECT_TRUE(check_descriptor(&bad_name, 1, 0));
    auto no_create = good(1, 0);
    no_create.create = nullptr;
    EXPECT_EQ(check_descriptor(&no_create, 1, 0), "descriptor has no create() function");
    auto no_destroy = good(1, 0);
    no_destroy.destroy = nullptr;
    EXPECT_EQ(check_descriptor(&no_destroy, 1, 0), "descriptor has no destroy() function");
}

TEST(VersionCheck, PluginNames) {
    EXPECT_TRUE(is_valid_plugin_name("jetstream"));
    EXPECT_TRUE(is_valid_plugin_name("store-file_2.1"));
    EXPECT_FALSE(is_valid_plugin_name(""));
    EXPECT_FALSE(is_valid_plugin_name("a/b"));
    EXPECT_FALSE(is_valid_plugin_name(std::string(65, 'a')));
    EXPECT_EQ(sdk_version_text(1, 12), "1.12");
}

// The kernel reads the descriptor by these offsets; they must never move.
TEST(AbiLayout, DescriptorMembersStayPut) {
    static_assert(offsetof(nmk_plugin_descriptor, struct_size) == 0);
    static_assert(offsetof(nmk_plugin_descriptor, sdk_major) == 4);
    static_assert(offsetof(nmk_plugin_descriptor, sdk_minor) == 6);
    static_assert(offsetof(nmk_plugin_descriptor, name) == 8);
    static_assert(offsetof(nmk_plugin_descriptor, requires_plugins) == 8 + 4 * sizeof(void*));
    static_assert(offsetof(nmk_plugin_descriptor, create) == 8 + 5 * sizeof(void*));
    static_assert(offsetof(nmk_plugin_descriptor, destroy) == 8 + 9 * sizeof(void*));
    // SDK 1.1 appended what a plugin serves and validate() after destroy().
    static_assert(offsetof(nmk_plugin_descriptor, config_keys) == 8 + 10 * sizeof(void*));
    static_assert(offsetof(nmk_plugin_descriptor, flags) == 8 + 11 * sizeof(void*));
    static_assert(offsetof(nmk_plugin_descriptor, flag_count) == 8 + 12 * sizeof(void*));
    static_assert(offsetof(nmk_plugin_descriptor, validate) == 8 + 13 * sizeof(void*));
    static_assert(sizeof(nmk_plugin_descriptor) == 8 + 14 * sizeof(void*));
    static_assert(offsetof(nmk_plugin_flag, type) == sizeof(void*));
    static_assert(offsetof(nmk_plugin_flag, config_path) == 2 * sizeof(void*));
    static_assert(sizeof(nmk_plugin_flag) == 4 * sizeof(void*));
    static_assert(offsetof(nmk_host_api, host) == 8);
    static_assert(offsetof(nmk_auth_result, decision) == 4);
    SUCCEED();
}

}  // namespace
}  // namespace nats::plugins
