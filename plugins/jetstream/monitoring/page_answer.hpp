// How the jetstream plugin answers its monitoring pages (/jsz, /varz/jetstream,
// /healthz): the JSON is built on the worker, which owns the state, and the HTTP
// thread waits for it here, bounded.
#pragma once

#include <chrono>
#include <future>
#include <string>

#include <nats_sdk/http.hpp>

namespace nmk::jetstream {

// Writes `page` as application/json once it is ready; 503 with
// {"status":"unavailable","error":"<why>"} when building it failed or it did not
// arrive within `wait`.
void answer_json_page(const nats_sdk::HttpResponse& res, std::future<std::string> page, std::chrono::milliseconds wait);

}  // namespace nmk::jetstream
