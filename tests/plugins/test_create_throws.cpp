// A C++ plugin whose create() lets an exception escape (a bug the kernel must survive).
#include <stdexcept>

#include "test_plugin.h"

namespace {

void* create(const nmk_host_api*, nmk_str, nmk_error_buffer) { throw std::runtime_error("boom in create"); }
void destroy(void*) {}

const nmk_plugin_descriptor descriptor = {
    sizeof(nmk_plugin_descriptor), NMK_SDK_VERSION_MAJOR, NMK_SDK_VERSION_MINOR, "test_create_throws", "1.0.0",
    "create throws", "", "", create, nullptr, nullptr, nullptr, destroy};

}  // namespace

extern "C" TEST_PLUGIN_ENTRY(descriptor)
