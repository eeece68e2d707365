#include "monitor_reader.hpp"

#include "http_get.hpp"
#include "json_scan.hpp"

#include <algorithm>

namespace nats::bench {

monitor_reader::monitor_reader(endpoint monitor, std::vector<std::string> paths, clock::time_point deadline)
    : monitor_(std::move(monitor)), deadline_(deadline) {
    for (auto& p : paths) {
        path_reads r;
        r.path = std::move(p);
        reads_.push_back(std::move(r));
    }
    thread_ = std::thread([this] { loop(); });
}

monitor_reader::~monitor_reader() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
}

std::vector<path_reads> monitor_reader::stop() {
    stopping_ = true;
    if (thread_.joinable()) thread_.join();
    return reads_;
}

void monitor_reader::loop() {
    if (reads_.empty()) return;
    unsigned consecutive_failures = 0;
    for (std::size_t i = 0; !stopping_ && clock::now() < deadline_; i = (i + 1) % reads_.size()) {
        path_reads& r = reads_[i];
        // One slow answer is a measurement; a hung one must not hold up the run.
        const auto until = std::min(deadline_, clock::now() + std::chrono::seconds(10));
        http_fetch f = http_get(monitor_, r.path, until);
        if (!f.ok) {
            ++r.failures;
            r.last_failure = f.error;
            if (++consecutive_failures == 5) return;
            continue;
        }
        consecutive_failures = 0;
        r.durations_ns.push_back(static_cast<std::uint64_t>(f.elapsed_ns));
        r.bytes = f.body.size();
        if (!r.total) r.total = find_json_uint(f.body, "total");
    }
}

}  // namespace nats::bench
