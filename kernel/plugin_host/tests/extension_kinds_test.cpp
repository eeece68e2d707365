// Versioned extension kinds (SDK 1.1): another major is refused at
// registration and lookup; a provider is stopped only after the kind's owner;
// the all-started notice runs once every plugin has started.
#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "kernel/plugin_host/assembly.hpp"
#include "kernel/plugin_host/plugin_error.hpp"
#include "kernel/plugin_host/resolver.hpp"
#include "kernel/plugin_host/tests/host_fixture.hpp"

namespace nats::plugins {
namespace {

using namespace std::chrono_literals;

struct Table {
    std::uint32_t struct_size = sizeof(Table);
    int value = 0;
};

using ExtensionKinds = HostFixture;

TEST_F(ExtensionKinds, VersionsAreCheckedAtRegistrationAndLookup) {
    ASSERT_EQ(api->declare_kind(api->host, nmk("store"), NMK_KIND_VERSION(1, 2)), NMK_OK);
    Table same_major, older_minor, other_major;
    EXPECT_EQ(api->register_extension_versioned(api->host, nmk("store"), NMK_KIND_VERSION(1, 3), nmk("newer"),
                                                &same_major),
              NMK_OK);
    EXPECT_EQ(api->register_extension_versioned(api->host, nmk("store"), NMK_KIND_VERSION(1, 0), nmk("older"),
                                                &older_minor),
              NMK_OK);
    EXPECT_EQ(api->register_extension_versioned(api->host, nmk("store"), NMK_KIND_VERSION(2, 0), nmk("future"),
                                                &other_major),
              NMK_UNSUPPORTED);
    EXPECT_EQ(api->register_extension_versioned(api->host, nmk("nokind"), NMK_KIND_VERSION(1, 0), nmk("x"),
                                                &other_major),
              NMK_NOT_FOUND);
    EXPECT_EQ(api->register_extension_versioned(api->host, nmk("store"), NMK_KIND_VERSION(1, 0), nmk("newer"),
                                                &older_minor),
              NMK_ERROR);  // taken
    EXPECT_EQ(api->register_extension_versioned(api->host, nmk("store"), NMK_KIND_VERSION(1, 0), nmk(""), &older_minor),
              NMK_INVALID_ARGUMENT);

    std::uint32_t provider = 0;
    EXPECT_EQ(api->find_extension_versioned(api->host, nmk("store"), NMK_KIND_VERSION(1, 0), nmk("older"), &provider),
              &older_minor);
    EXPECT_EQ(provider, NMK_KIND_VERSION(1, 0));
    EXPECT_EQ(api->find_extension_versioned(api->host, nmk("store"), NMK_KIND_VERSION(1, 9), nmk(""), &provider),
              &same_major);  // empty name: the first
    EXPECT_EQ(provider, NMK_KIND_VERSION(1, 3));
    EXPECT_EQ(api->find_extension_versioned(api->host, nmk("store"), NMK_KIND_VERSION(2, 0), nmk("older"), nullptr),
              nullptr);
    EXPECT_EQ(api->find_extension_versioned(api->host, nmk("store"), NMK_KIND_VERSION(1, 0), nmk("future"), nullptr),
              nullptr);
    EXPECT_EQ(api->find_extension_versioned(api->host, nmk("nokind"), NMK_KIND_VERSION(1, 0), nmk(""), nullptr),
              nullptr);
    // SDK 1.0's unversioned registration still works, and reads back as version 0.
    Table plain;
    EXPECT_EQ(api->register_extension(api->host, nmk("store"), nmk("plain"), &plain), NMK_OK);
    provider = 99;
    EXPECT_EQ(api->find_extension_versioned(api->host, nmk("store"), NMK_KIND_VERSION(1, 0), nmk("plain"), &provider),
              &plain);
    EXPECT_EQ(provider, 0u);
}

// SDK 1.1's members only ever come after SDK 1.0's, in their declared order.
TEST(AbiLayout, Sdk11AccountsExecutorsKindsFollowSdk10) {
    static_assert(offsetof(nmk_host_api, account_list) > offsetof(nmk_host_api, find_extension));
    static_assert(offsetof(nmk_host_api, account_watch) == offsetof(nmk_host_api, account_list) + sizeof(void*));
    static_assert(offsetof(nmk_host_api, executor_create) == offsetof(nmk_host_api, account_list) + 5 * sizeof(void*));
    static_assert(offsetof(nmk_host_api, on_all_started) == offsetof(nmk_host_api, account_list) + 10 * sizeof(void*));
    static_assert(NMK_KIND_VERSION(1, 2) == 0x10002u && NMK_KIND_VERSION_MAJOR(0x30004u) == 3 &&
                  NMK_KIND_VERSION_MINOR(0x30004u) == 4);
    SUCCEED();
}

TEST(ExtensionRegistryOwners, ProvidersKnowWhomTheyServe) {
    ExtensionRegistry r;
    Table t;
    ASSERT_EQ(r.declare_kind("a.kind", NMK_KIND_VERSION(1, 0), "owner_a"), ExtensionRegistry::Result::ok);
    ASSERT_EQ(r.declare_kind("b.kind", NMK_KIND_VERSION(1, 0), "owner_b"), ExtensionRegistry::Result::ok);
    ASSERT_EQ(r.add("a.kind", "x", &t, "provider"), ExtensionRegistry::Result::ok);
    ASSERT_EQ(r.add("b.kind", "y", &t, "provider", NMK_KIND_VERSION(1, 1), true), ExtensionRegistry::Result::ok);
    ASSERT_EQ(r.add("b.kind", "z", &t, "owner_b"), ExtensionRegistry::Result::ok);  // its own kind: no dependency
    EXPECT_EQ(r.owners_served_by("provider"), (std::set<std::string>{"owner_a", "owner_b"}));
    EXPECT_TRUE(r.owners_served_by("owner_b").empty());
    r.remove_owner("owner_a");
    EXPECT_EQ(r.owners_served_by("provider"), (std::set<std::string>{"owner_b"}));
}

// Messages on a subject, through a context of the test's own.
struct Inbox {
    std::mutex mutex;
    std::vector<std::string> items;
    std::vector<std::string> all() {
        std::lock_guard lock(mutex);
        return items;
    }
};
void to_inbox(void* user, const nmk_message* m) {
    auto* inbox = static_cast<Inbox*>(user);
    std::lock_guard lock(inbox->mutex);
    inbox->items.emplace_back(std::string(m->subject.data, m->subject.size) + " " +
                              std::string(m->payload.data, m->payload.size));
}

class KindLifecycle : public HostFixture {
protected:
    std::vector<OpenedPlugin> open(std::initializer_list<const char*> names) {
        AssemblyPlan plan;
        plan.search_paths.push_back(NMK_TEST_PLUGIN_DIR);
        for (const char* n : names) plan.requests.push_back({n, test_plugin(n), "load", true});
        return open_plugins(plan);
    }
    void watch(Inbox& inbox) {
        std::uint64_t id;
        ASSERT_EQ(api->subscribe(api->host, nmk(""), nmk("kinds.>"), nmk(""), to_inbox, &inbox, &id), NMK_OK);
    }
};

TEST_F(KindLifecycle, ProviderOutlivesTheKindsOwnerAndAllStartedRunsOnce) {
    Inbox inbox;
    watch(inbox);
    PluginHost plugins(*server);
    plugins.create(open({"test_kind_provider"}), *server->options());  // the owner comes in through `requires`
    plugins.start();
    ASSERT_TRUE(eventually([&] { return inbox.all().size() == 1; }));
    // All started: the provider was already registered when the owner heard it.
    EXPECT_EQ(inbox.all()[0], "kinds.all_started mem 1.0");
    plugins.start();  // nothing new started: no second notice
    plugins.stop();
    ASSERT_TRUE(eventually([&] { return inbox.all().size() == 2; }));
    // Without the rule the provider (started last) would have stopped first.
    EXPECT_EQ(inbox.all()[1], "kinds.owner_stop provider running");
    plugins.destroy();
}

TEST_F(KindLifecycle, AnotherMajorIsRefusedAtStart) {
    PluginHost plugins(*server);
    plugins.create(open({"test_kind_provider2"}), *server->options());
    try {
        plugins.start();
        FAIL() << "start() should have failed";
    } catch (const PluginError& e) {
        EXPECT_NE(std::string(e.what()).find("register_extension_versioned: status 4"), std::string::npos) << e.what();
    }
    plugins.stop();
    plugins.destroy();
}

}  // namespace
}  // namespace nats::plugins
