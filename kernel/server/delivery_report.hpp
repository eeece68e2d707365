#pragma once
// What a plugin's publish wants to know about one fan-out beyond "delivered":
// how many receiving clients are filling up, and whether to skip (rather than
// cut as a slow consumer) a client whose queue would overflow. Set for the
// duration of one routing on the routing thread; client delivery reads it
// through a thread_local pointer, so the message path shares nothing for it
// and pays one thread-local load when no report is asked for.
#include <cstdint>

namespace nats::server {

struct DeliveryReport {
    bool no_overflow = false;     // in: skip a client whose queue would pass max_pending
    std::uint32_t pressured = 0;  // out: receiving clients now past half of max_pending
    std::uint32_t overflowed = 0; // out: clients skipped because of no_overflow

    static DeliveryReport* current() { return slot(); }

    // Installs a report (or none) for a nested routing and restores the outer one.
    class Scope {
    public:
        explicit Scope(DeliveryReport* report) : saved_(slot()) { slot() = report; }
        ~Scope() { slot() = saved_; }
        Scope(const Scope&) = delete;
        Scope& operator=(const Scope&) = delete;

    private:
        DeliveryReport* saved_;
    };

private:
    static DeliveryReport*& slot() {
        thread_local DeliveryReport* report = nullptr;
        return report;
    }
};

}  // namespace nats::server
