#include "round_trips.hpp"

#include "nats_handles.hpp"

#include <algorithm>

namespace nats::bench {

round_trip_phase time_round_trips(natsConnection* requester, const std::string& subject,
                                  const std::vector<char>& payload, std::chrono::duration<double> length,
                                  clock::time_point deadline) {
    round_trip_phase phase;
    const auto start = clock::now();
    const auto end = start + std::chrono::duration_cast<clock::duration>(length);
    if (end > deadline) phase.out_of_time = true;
    const auto stop_at = std::min(end, deadline);
    unsigned consecutive_failures = 0;
    while (clock::now() < stop_at) {
        natsMsg* reply = nullptr;
        const std::int64_t t0 = now_ns();
        const natsStatus s = natsConnection_Request(&reply, requester, subject.c_str(), payload.data(),
                                                    static_cast<int>(payload.size()),
                                                    std::min<std::int64_t>(5000, ms_until(deadline)));
        const std::int64_t t1 = now_ns();
        message_ptr owned(reply);
        if (s != NATS_OK) {
            ++phase.failures;
            phase.last_failure = natsStatus_GetText(s);
            if (s == NATS_CONNECTION_CLOSED || ++consecutive_failures == 10) break;
            continue;
        }
        consecutive_failures = 0;
        phase.samples_ns.push_back(static_cast<std::uint64_t>(t1 - t0));
    }
    phase.seconds = std::chrono::duration<double>(clock::now() - start).count();
    return phase;
}

}  // namespace nats::bench
