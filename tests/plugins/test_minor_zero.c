/* A working plugin built against the frozen SDK 1.0 header (sdk-1.0/): it must load on any 1.x server.
 * It logs the config block it was given, so tests can see what arrived. */
#include "test_plugin.h"

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) {
    char line[512];
    snprintf(line, sizeof line, "config %.*s", (int)config.size, config.data);
    test_log(host, line);
    return (void*)host;
}
static int start(void* instance, nmk_error_buffer error) {
    test_log((const nmk_host_api*)instance, "started");
    return 0;
}
static int reload(void* instance, nmk_str config, nmk_error_buffer error) {
    char line[512];
    snprintf(line, sizeof line, "reload %.*s", (int)config.size, config.data);
    test_log((const nmk_host_api*)instance, line);
    return 0;
}
static void stop(void* instance) { test_log((const nmk_host_api*)instance, "stopped"); }
static void destroy(void* instance) {}

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, 0, "test_minor_zero", "0.3.1",
    "SDK minor 0", "", "", create, start, reload, stop, destroy};
TEST_PLUGIN_ENTRY(descriptor)
