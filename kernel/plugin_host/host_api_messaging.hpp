#pragma once
// Fills the SDK 1.1 "messages, interest and clients" entries of a host API table.
#include <nats_sdk/abi.h>

namespace nats::plugins {

void add_messaging_api(nmk_host_api& api);

}  // namespace nats::plugins
