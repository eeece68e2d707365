#include "run_progress.hpp"

#include "clock.hpp"

namespace nats::bench {

void run_progress::finish_one() {
    const std::int64_t t = now_ns();
    std::lock_guard lock(mu_);
    ++finished_;
    if (complete_locked()) finished_ns_.store(t, std::memory_order_release);
    cv_.notify_all();
}

}  // namespace nats::bench
