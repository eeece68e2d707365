#pragma once
// The nmk_host_api table: C entry points that forward to a PluginContext and
// turn any C++ exception into an error status, so nothing throws across the
// C boundary.
#include <nats_sdk/abi.h>

namespace nats::plugins {

class PluginContext;

nmk_host_api make_host_api(PluginContext* context);

}  // namespace nats::plugins
