#pragma once

#include <cstdint>
#include <optional>

namespace nats::bench {

// What RLIMIT_NOFILE allows, after raising the soft limit as far as needed.
struct fd_limit {
    std::uint64_t soft = 0;
    std::uint64_t hard = 0;
    bool enough = false;  // soft >= the descriptors asked for
};

// The soft limit to set so `needed` descriptors fit, given the current limits
// (RLIM_INFINITY as UINT64_MAX): nullopt when nothing needs changing, else the new
// soft limit, which is the hard limit when even that is too low.
std::optional<std::uint64_t> soft_limit_for(std::uint64_t soft, std::uint64_t hard, std::uint64_t needed);

// Raises this process's soft limit towards `needed` and reports the result.
fd_limit raise_fd_limit(std::uint64_t needed);

}  // namespace nats::bench
