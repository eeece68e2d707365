/* Versioned extension kinds, stop order and the all-started notice, in plain C
 * (SDK 1.1). Built three times (tests/plugins/CMakeLists.txt):
 *   test_kind_owner     declares "test.kind" at version 1.2. When every plugin has
 *                       started it publishes "kinds.all_started" ("<providers seen>").
 *                       In stop() it calls the provider's table and publishes
 *                       "kinds.owner_stop" with its answer ("provider running" or
 *                       "provider stopped"), or "no provider".
 *   test_kind_provider  (requires test_kind_owner) registers "mem" at version 1.0.
 *   test_kind_provider2 (requires test_kind_owner) registers "future" at version 2.0:
 *                       refused, so its start() fails with the kernel's status. */
#include "test_plugin.h"

#ifndef TEST_ROLE_OWNER
#define TEST_ROLE_OWNER 0
#endif
#ifndef TEST_KIND_MAJOR
#define TEST_KIND_MAJOR 1
#endif

typedef struct test_kind_table {
    uint32_t struct_size;
    int (*running)(void);
} test_kind_table;

static const nmk_host_api* host_api;
static int provider_running;
static int provider_status = -1;

static int running(void) { return provider_running; }
static const test_kind_table table = {sizeof(test_kind_table), running};

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) {
    host_api = host;
    if (host->struct_size <= offsetof(nmk_host_api, on_all_started)) {
        test_error(error, "the kernel has no SDK 1.1 host API");
        return NULL;
    }
    return (void*)host;
}

static void announce(void* user) {
    uint32_t version = 0;
    const void* found =
        host_api->find_extension_versioned(host_api->host, test_str("test.kind"), NMK_KIND_VERSION(1, 5),
                                           test_str("mem"), &version);
    char text[64];
    snprintf(text, sizeof text, "%s %u.%u", found ? "mem" : "none", NMK_KIND_VERSION_MAJOR(version),
             NMK_KIND_VERSION_MINOR(version));
    test_publish(host_api, "", test_str("kinds.all_started"), test_str(text));
}

static int start(void* instance, nmk_error_buffer error) {
    const nmk_host_api* host = (const nmk_host_api*)instance;
    if (TEST_ROLE_OWNER) {
        if (host->declare_kind(host->host, test_str("test.kind"), NMK_KIND_VERSION(1, 2)) != NMK_OK) {
            test_error(error, "declare_kind failed");
            return 1;
        }
        return host->on_all_started(host->host, announce, NULL) == NMK_OK ? 0 : 1;
    }
    provider_status = host->register_extension_versioned(host->host, test_str("test.kind"),
                                                         NMK_KIND_VERSION(TEST_KIND_MAJOR, 0), test_str(TEST_EXT_NAME),
                                                         &table);
    if (provider_status != NMK_OK) {
        char text[64];
        snprintf(text, sizeof text, "register_extension_versioned: status %d", provider_status);
        test_error(error, text);
        return 1;
    }
    provider_running = 1;
    return 0;
}

static void stop(void* instance) {
    const nmk_host_api* host = (const nmk_host_api*)instance;
    if (!TEST_ROLE_OWNER) {
        provider_running = 0;
        return;
    }
    const test_kind_table* provider = (const test_kind_table*)host->find_extension_versioned(
        host->host, test_str("test.kind"), NMK_KIND_VERSION(1, 0), test_str("mem"), NULL);
    const char* answer = !provider ? "no provider" : provider->running() ? "provider running" : "provider stopped";
    test_publish(host, "", test_str("kinds.owner_stop"), test_str(answer));
}

static void destroy(void* instance) {}

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR, TEST_NAME, "1.0.0",
    "extension kind test", TEST_ROLE_OWNER ? "" : "test.kind", TEST_REQUIRES, create, start, NULL, stop, destroy};
TEST_PLUGIN_ENTRY(descriptor)
