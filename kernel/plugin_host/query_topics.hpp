#pragma once
// The query_json topics a plugin may ask for (nmk_host_api.query_json): the
// kernel's monitoring data (kernel/introspection) plus what only the plugin
// host knows: its plugins, their metrics and their HTTP endpoints.
#include <string_view>

#include <nats_sdk/abi.h>

namespace nats::plugins {

class PluginHost;

// Everything query_json answers, written through `out` (status, content type,
// body). The topics above plus:
//   metricz   plugin counters and gauges ({"metrics":[...]})
//   pluginz   {"plugins":[{"name","version","sdk","description","path","started"}]}
//   http      args "<METHOD> <path>[?query]": the endpoint another plugin registered
//             there answers (status, type, body); 404 "404 page not found" when none
// accountz?acc=<unknown> answers 400 "Account <name> does not exist" as nats-server.
// NMK_NOT_FOUND (nothing written) for an unknown topic.
nmk_status answer_query(PluginHost& host, std::string_view topic, std::string_view args,
                        const nmk_http_response_writer& out);

}  // namespace nats::plugins
