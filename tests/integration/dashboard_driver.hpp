#pragma once
// The dashboard test driver: headless Chromium opened on /dashboard, driven over the
// DevTools protocol by a small Node.js script, which prints what the page shows.
#include <nlohmann/json.hpp>

#include <string>

namespace nats::integration {

// Why the dashboard cannot be driven here (chromium or node missing), or empty.
std::string dashboard_driver_missing();

// Opens http://127.0.0.1:<http_port>/dashboard?interval=<interval_ms> for wait_ms and
// returns {"page": {state, charts, tiles, plugins, scripts, jetstream}, "errors": [...]}
// ({"fatal": ...} if the browser could not be driven; a non-object if the output was not
// JSON). page.jetstream holds the JetStream section: hidden, summary, streams (cell texts
// per row) and consumers (per stream, cell texts per row).
nlohmann::json run_dashboard(int http_port, int interval_ms, int wait_ms);

}  // namespace nats::integration
