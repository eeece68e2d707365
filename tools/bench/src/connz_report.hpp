#pragma once

#include "run_result.hpp"

#include <string>

namespace nats::bench {

// The connz scenario's two phases side by side (without and with monitor reads,
// and their ratio), then one line per monitor path read, from the fields
// run_connz stores. Rows whose fields are missing are left out.
std::string format_connz_table(const run_result& r);

}  // namespace nats::bench
