#pragma once

#include "run_result.hpp"

namespace nats::bench {

// CPU used by this client and, given its pid, the server between start and stop.
// Shows who was the bottleneck: on a 2-core machine a client near one full core
// limits what the server can show.
class cpu_meter {
public:
    explicit cpu_meter(long server_pid);
    void stop();
    // Adds client_cpu_s (and server_cpu_s) to the result's fields.
    void report(run_result& r) const;

private:
    long pid_;
    double client_start_ = 0, client_used_ = 0;
    double server_start_ = -1, server_used_ = -1;
};

}  // namespace nats::bench
