/* Claims an SDK major version the server does not speak. */
#include "test_plugin.h"

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) { return (void*)host; }
static void destroy(void* instance) {}

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR + 1, 0, "test_bad_major", "1.0.0",
    "wrong SDK major", "", "", create, NULL, NULL, NULL, destroy};
TEST_PLUGIN_ENTRY(descriptor)
