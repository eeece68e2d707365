/* Creates fine, then start() fails with a reason. */
#include "test_plugin.h"

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) { return (void*)host; }
static int start(void* instance, nmk_error_buffer error) {
    test_error(error, "cannot open port 1: permission denied");
    return 1;
}
static void stop(void* instance) {}
static void destroy(void* instance) {}

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR, "test_start_fails", "1.0.0",
    "start fails", "", "", create, start, NULL, stop, destroy};
TEST_PLUGIN_ENTRY(descriptor)
