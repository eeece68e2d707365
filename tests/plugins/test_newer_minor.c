/* Built "against" an SDK minor newer than the server's. */
#include "test_plugin.h"

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) { return (void*)host; }
static void destroy(void* instance) {}

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR + 1, "test_newer_minor", "1.0.0",
    "newer SDK minor", "", "", create, NULL, NULL, NULL, destroy};
TEST_PLUGIN_ENTRY(descriptor)
