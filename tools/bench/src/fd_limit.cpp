#include "fd_limit.hpp"

#include <sys/resource.h>

#include <limits>

namespace nats::bench {
namespace {

constexpr std::uint64_t unlimited = std::numeric_limits<std::uint64_t>::max();

std::uint64_t from_rlim(rlim_t v) { return v == RLIM_INFINITY ? unlimited : static_cast<std::uint64_t>(v); }
rlim_t to_rlim(std::uint64_t v) { return v == unlimited ? RLIM_INFINITY : static_cast<rlim_t>(v); }

}  // namespace

std::optional<std::uint64_t> soft_limit_for(std::uint64_t soft, std::uint64_t hard, std::uint64_t needed) {
    if (soft >= needed) return std::nullopt;
    const std::uint64_t target = hard >= needed ? needed : hard;
    if (target <= soft) return std::nullopt;
    return target;
}

fd_limit raise_fd_limit(std::uint64_t needed) {
    rlimit lim{};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return {};
    if (const auto soft = soft_limit_for(from_rlim(lim.rlim_cur), from_rlim(lim.rlim_max), needed)) {
        rlimit raised = lim;
        raised.rlim_cur = to_rlim(*soft);
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
    }
    fd_limit out{from_rlim(lim.rlim_cur), from_rlim(lim.rlim_max), false};
    out.enough = out.soft >= needed;
    return out;
}

}  // namespace nats::bench
