#include "cpu_meter.hpp"

#include "proc_status.hpp"

namespace nats::bench {

cpu_meter::cpu_meter(long server_pid) : pid_(server_pid), client_start_(own_cpu_seconds()) {
    if (pid_ > 0) server_start_ = read_cpu_seconds(pid_).value_or(-1);
}

void cpu_meter::stop() {
    client_used_ = own_cpu_seconds() - client_start_;
    if (server_start_ >= 0)
        if (const auto now = read_cpu_seconds(pid_)) server_used_ = *now - server_start_;
}

void cpu_meter::report(run_result& r) const {
    r.fields["client_cpu_s"] = round_to(client_used_, 3);
    if (server_used_ >= 0) r.fields["server_cpu_s"] = round_to(server_used_, 3);
}

}  // namespace nats::bench
