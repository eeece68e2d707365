#include "publisher.hpp"

#include <cstring>
#include <thread>
#include <vector>

namespace nats::bench {
namespace {

constexpr std::uint64_t batch = 1024;  // messages between deadline and window checks

// Returns false if the deadline passed while waiting.
bool wait_for_window(const publish_plan& plan) {
    const std::uint64_t resume_at = plan.window - plan.window / 4;
    auto in_flight = [&] {
        const std::uint64_t published = plan.published_total->load(std::memory_order_relaxed);
        const std::uint64_t consumed = plan.consumed();
        return published > consumed ? published - consumed : 0;
    };
    if (in_flight() <= plan.window) return true;
    // Short sleeps: the pipeline keeps a full window of work meanwhile, and the
    // client stays off the CPU the server needs.
    while (in_flight() > resume_at) {
        if (clock::now() >= plan.deadline) return false;
        std::this_thread::sleep_for(std::chrono::microseconds(100));
    }
    return true;
}

}  // namespace

publish_outcome run_publisher(natsConnection* nc, const publish_plan& plan) {
    publish_outcome out;
    std::vector<char> payload(plan.size, 'x');
    const bool numbered = plan.size >= sizeof(std::uint64_t);
    std::uint64_t unreported = 0;
    for (std::uint64_t i = 0; i < plan.count; ++i) {
        if (numbered) {
            const std::uint64_t seq = plan.first_seq + i;
            std::memcpy(payload.data(), &seq, sizeof seq);
        }
        const natsStatus s =
            plan.reply.empty()
                ? natsConnection_Publish(nc, plan.subject.c_str(), payload.data(), static_cast<int>(plan.size))
                : natsConnection_PublishRequest(nc, plan.subject.c_str(), plan.reply.c_str(), payload.data(),
                                                static_cast<int>(plan.size));
        if (s != NATS_OK) {
            out.error = std::string("publish: ") + natsStatus_GetText(s);
            break;
        }
        ++out.sent;
        if (++unreported == batch) {
            if (plan.published_total != nullptr) plan.published_total->fetch_add(batch, std::memory_order_relaxed);
            unreported = 0;
            if (clock::now() >= plan.deadline) {
                out.error = "deadline reached while publishing";
                break;
            }
            if (plan.consumed && plan.window > 0 && !wait_for_window(plan)) {
                out.error = "deadline reached waiting for subscribers to catch up";
                break;
            }
        }
    }
    if (plan.published_total != nullptr) plan.published_total->fetch_add(unreported, std::memory_order_relaxed);
    const natsStatus s = natsConnection_FlushTimeout(nc, ms_until(plan.deadline));
    if (s != NATS_OK && out.error.empty()) out.error = std::string("final flush: ") + natsStatus_GetText(s);
    out.flushed_ns = now_ns();
    return out;
}

}  // namespace nats::bench
