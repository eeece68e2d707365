#pragma once

#include "clock.hpp"
#include "endpoint.hpp"

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace nats::bench {

// What reading one monitor path in a loop produced.
struct path_reads {
    std::string path;
    std::vector<std::uint64_t> durations_ns;  // one per complete 200 response
    std::uint64_t bytes = 0;                  // body size of the last good response
    std::optional<std::uint64_t> total;       // "total" of the first good response (/connz: open connections)
    std::uint64_t failures = 0;
    std::string last_failure;
};

// One thread that fetches the given paths in turn, each as soon as the previous
// answer is complete, until stopped, the deadline, or 5 failures in a row.
class monitor_reader {
public:
    monitor_reader(endpoint monitor, std::vector<std::string> paths, clock::time_point deadline);
    ~monitor_reader();
    monitor_reader(const monitor_reader&) = delete;
    monitor_reader& operator=(const monitor_reader&) = delete;

    // Ends the loop after the fetch in progress (bounded by its own timeout) and
    // returns the results.
    std::vector<path_reads> stop();

private:
    void loop();

    const endpoint monitor_;
    const clock::time_point deadline_;
    std::vector<path_reads> reads_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

}  // namespace nats::bench
