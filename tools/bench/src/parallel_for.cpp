#include "parallel_for.hpp"

#include "nats_handles.hpp"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

namespace nats::bench {

std::string parallel_for(std::size_t n, clock::time_point deadline, const std::function<void(std::size_t)>& task) {
    std::atomic<std::size_t> next{0};
    std::mutex failure_mu;
    std::string failure;
    std::vector<std::jthread> workers;
    for (std::size_t t = 0; t < std::min<std::size_t>(4, n); ++t)
        workers.emplace_back([&] {
            for (std::size_t i = next++; i < n; i = next++) {
                try {
                    if (clock::now() >= deadline) throw setup_error("deadline reached");
                    task(i);
                } catch (const setup_error& e) {
                    std::lock_guard lock(failure_mu);
                    if (failure.empty()) failure = e.what();
                    next = n;
                    return;
                }
            }
        });
    workers.clear();  // joins
    return failure;
}

}  // namespace nats::bench
