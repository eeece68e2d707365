#pragma once
// Go's time.ParseDuration and Duration.String, because nats-server config files
// and its error messages use them ("1h30m", "500ms", "invalid ... of 10s").
// One implementation serves the kernel and the plugins: the SDK's.
#include <nats_sdk/go_time.hpp>

namespace nats::config {

using nats_sdk::format_go_duration;
using nats_sdk::parse_go_duration;

}  // namespace nats::config
