/* A plugin that only declares what it requires; built several times with
 * TEST_NAME and TEST_REQUIRES to make dependency graphs (a chain, a cycle, a
 * missing requirement). It logs when it starts and stops, for ordering tests. */
#include "test_plugin.h"

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) { return (void*)host; }
static int start(void* instance, nmk_error_buffer error) {
    test_log((const nmk_host_api*)instance, "started " TEST_NAME);
    return 0;
}
static void stop(void* instance) { test_log((const nmk_host_api*)instance, "stopped " TEST_NAME); }
static void destroy(void* instance) {}

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR, TEST_NAME, "1.0.0",
    "dependency test", "", TEST_REQUIRES, create, start, NULL, stop, destroy};
TEST_PLUGIN_ENTRY(descriptor)
