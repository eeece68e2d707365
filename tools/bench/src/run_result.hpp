#pragma once

#include "config.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace nats::bench {

// Outcome of one run. `fields` holds the measurements in display order; `ok` is
// false when the run was incomplete (drops, timeouts, duplicates) or failed.
struct run_result {
    bool ok = true;
    std::string error;
    nlohmann::ordered_json fields = nlohmann::ordered_json::object();

    void fail(const std::string& why) {
        ok = false;
        if (!error.empty()) error += "; ";
        error += why;
    }
};

// One JSON object on one line: mode, server, ok, error (if any), then the fields.
std::string format_json(const config& cfg, const run_result& r);

// Human-readable block, one measurement per line.
std::string format_text(const config& cfg, const run_result& r);

// Rounds to `digits` decimals so reports don't carry meaningless precision.
double round_to(double value, int digits);

}  // namespace nats::bench
