/* create() refuses its config and says why. */
#include "test_plugin.h"

static void* create(const nmk_host_api* host, nmk_str config, nmk_error_buffer error) {
    test_error(error, "missing setting \"answer\"");
    return NULL;
}
static void destroy(void* instance) {}

static const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR, "test_create_fails", "1.0.0",
    "create fails", "", "", create, NULL, NULL, NULL, destroy};
TEST_PLUGIN_ENTRY(descriptor)
