#pragma once

#include "clock.hpp"

#include <cstddef>
#include <functional>
#include <string>

namespace nats::bench {

// Runs task(i) for i in [0, n) on a few threads: each connection handshake or
// close mostly waits on the server, and thousands in a row would dominate the run
// time. A task reports failure by throwing setup_error; the first one stops the
// rest and its message is returned (empty on success). Tasks not started by the
// deadline count as a failure.
std::string parallel_for(std::size_t n, clock::time_point deadline, const std::function<void(std::size_t)>& task);

}  // namespace nats::bench
