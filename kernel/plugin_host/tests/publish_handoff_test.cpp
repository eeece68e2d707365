// Publishes from a thread that is not an I/O thread wait in an I/O thread's
// queue until it routes them. That queue is bounded (Server::handoff_limit): a
// plugin publishing faster than the server routes is refused with NMK_ERROR,
// nothing of the refused call is published, and the queue takes publishes again
// once the thread has caught up.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <vector>

#include "kernel/plugin_host/tests/host_fixture.hpp"

namespace nats::plugins {
namespace {

using namespace std::chrono_literals;

struct Received {
    std::atomic<std::size_t> count{0}, bytes{0};
};
void count_message(void* user, const nmk_message* m) {
    auto* r = static_cast<Received*>(user);
    ++r->count;
    r->bytes += m->payload.size;
}

// Holds every I/O thread of the server until released, so nothing handed off is routed meanwhile.
struct BusyThreads {
    std::atomic<int> entered{0};
    std::atomic<bool> release{false};
    void hold_all(server::Server& server) {
        for (std::size_t i = 0; i < server.thread_count(); ++i) {
            asio::post(server.thread(i).context(), [this] {
                ++entered;
                const auto give_up = std::chrono::steady_clock::now() + 10s;
                while (!release && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(1ms);
            });
        }
    }
};

using PublishHandoff = HostFixture;

TEST_F(PublishHandoff, RefusedWhenTheQueueIsFullThenTakenAgain) {
    Received received;
    std::uint64_t sub = 0;
    ASSERT_EQ(api->subscribe(api->host, nmk(""), nmk("flood"), nmk(""), count_message, &received, &sub), NMK_OK);
    BusyThreads busy;
    busy.hold_all(*server);
    ASSERT_TRUE(eventually([&] { return busy.entered == static_cast<int>(server->thread_count()); }));

    // From this (non-I/O) thread every publish is handed to one I/O thread.
    const std::string payload(1 << 20, 'p');
    nmk_message m{nmk(""), nmk("flood"), nmk(""), nmk(""), nmk(payload)};
    std::size_t accepted = 0;
    nmk_status status = NMK_OK;
    while (accepted < 1000 && (status = api->publish(api->host, &m)) == NMK_OK) ++accepted;
    EXPECT_EQ(status, NMK_ERROR);
    const std::size_t per_message = payload.size() + 5 + server::Server::handoff_overhead;
    EXPECT_EQ(accepted, server::Server::handoff_limit / per_message);

    // A batch is refused whole; the SDK 1.1 calls answer the same way.
    nmk_account_handle global = 0;
    ASSERT_EQ(api->account_handle(api->host, nmk(""), &global), NMK_OK);
    const nmk_message small{nmk(""), nmk("flood"), nmk(""), nmk(""), nmk("x")};
    std::vector<nmk_message> batch(server::Server::handoff_limit / 1024, small);
    EXPECT_EQ(api->publish_batch(api->host, global, batch.data(), batch.size(), 0), NMK_ERROR);
    EXPECT_EQ(api->publish_ex(api->host, global, &m, 0, nullptr), NMK_ERROR);

    busy.release = true;
    ASSERT_TRUE(eventually([&] { return received.count == accepted; }, 5s));
    // Routed and released: room again.
    EXPECT_TRUE(eventually([&] { return api->publish(api->host, &small) == NMK_OK; }));
    EXPECT_TRUE(eventually([&] { return received.count == accepted + 1; }));
    EXPECT_EQ(received.bytes, accepted * payload.size() + 1) << "nothing refused was delivered";
    for (std::size_t i = 0; i < server->thread_count(); ++i) {
        EXPECT_TRUE(eventually([&] { return server->thread(i).handoff_bytes() == 0; })) << "thread " << i;
    }
}

// A single batch larger than the whole queue can never fit: refused, not split.
TEST_F(PublishHandoff, BatchLargerThanTheLimitIsRefused) {
    nmk_account_handle global = 0;
    ASSERT_EQ(api->account_handle(api->host, nmk(""), &global), NMK_OK);
    const std::string payload(1 << 20, 'b');
    const nmk_message big{nmk(""), nmk("big"), nmk(""), nmk(""), nmk(payload)};
    std::vector<nmk_message> batch(server::Server::handoff_limit / payload.size() + 1, big);
    EXPECT_EQ(api->publish_batch(api->host, global, batch.data(), batch.size(), 0), NMK_ERROR);
    EXPECT_EQ(api->publish_batch(api->host, global, batch.data(), 8, 0), NMK_OK);
}

}  // namespace
}  // namespace nats::plugins
