#pragma once
// Everything a plugin author includes: the Host wrapper, RAII handles, the Plugin and
// Authenticator base classes, config helpers, the Go-compatible text formats (go_time.hpp,
// go_json.hpp) and the NATS_SDK_PLUGIN entry macro. Only the testing kit
// (nats_sdk/testing/) is included separately.
// Header-only C++20, compiled into the plugin; only abi.h's C types cross to the kernel.

#include "nats_sdk/abi.hpp"
#include "nats_sdk/accounts.hpp"
#include "nats_sdk/auth.hpp"
#include "nats_sdk/authenticator.hpp"
#include "nats_sdk/clients.hpp"
#include "nats_sdk/close_reason.hpp"
#include "nats_sdk/config.hpp"
#include "nats_sdk/constant_time.hpp"
#include "nats_sdk/entry.hpp"
#include "nats_sdk/error.hpp"
#include "nats_sdk/executors.hpp"
#include "nats_sdk/extension_kinds.hpp"
#include "nats_sdk/format.hpp"
#include "nats_sdk/event_id.hpp"
#include "nats_sdk/go_json.hpp"
#include "nats_sdk/go_query.hpp"
#include "nats_sdk/go_quote.hpp"
#include "nats_sdk/go_time.hpp"
#include "nats_sdk/headers.hpp"
#include "nats_sdk/host.hpp"
#include "nats_sdk/http.hpp"
#include "nats_sdk/link.hpp"
#include "nats_sdk/message.hpp"
#include "nats_sdk/messaging.hpp"
#include "nats_sdk/metric.hpp"
#include "nats_sdk/plugin_base.hpp"
#include "nats_sdk/strings.hpp"
#include "nats_sdk/subject.hpp"
#include "nats_sdk/subscription.hpp"
#include "nats_sdk/timer.hpp"
#include "nats_sdk/version.hpp"
