// The bounded queue of JetStream API requests: order kept, one drain asked for per
// idle period, refusals past the byte bound (logged once per run of refusals).
#include <gtest/gtest.h>

#include "bus/api_queue.hpp"

namespace nmk::jetstream {
namespace {

ApiRequest request(const std::string& subject, std::size_t payload = 0) {
    return ApiRequest{1, "A", subject, "_INBOX.x", {}, std::string(payload, 'x')};
}

TEST(ApiQueue, KeepsOrderAndAsksForOneDrainPerIdlePeriod) {
    ApiQueue queue(1 << 20);
    EXPECT_TRUE(queue.push(request("a")).schedule_drain);
    EXPECT_FALSE(queue.push(request("b")).schedule_drain) << "a drain is already asked for";
    auto batch = queue.take();
    ASSERT_EQ(batch.size(), 2u);
    EXPECT_EQ(batch[0].subject, "a");
    EXPECT_EQ(batch[1].subject, "b");
    EXPECT_FALSE(queue.push(request("c")).schedule_drain) << "the drain still runs until it finds the queue empty";
    EXPECT_EQ(queue.take().size(), 1u);
    EXPECT_TRUE(queue.take().empty());
    EXPECT_TRUE(queue.push(request("d")).schedule_drain) << "idle again: the next request asks for a drain";
}

TEST(ApiQueue, RefusesPastItsBoundAndTakesAgainOnceDrained) {
    const std::size_t one = request("s", 1000).bytes();
    ApiQueue queue(2 * one);
    EXPECT_TRUE(queue.push(request("s", 1000)).accepted);
    EXPECT_TRUE(queue.push(request("s", 1000)).accepted);
    const auto refused = queue.push(request("s", 1000));
    EXPECT_FALSE(refused.accepted);
    EXPECT_FALSE(refused.schedule_drain);
    EXPECT_TRUE(refused.first_refusal);
    EXPECT_FALSE(queue.push(request("s", 1000)).first_refusal) << "logged once per run of refusals";
    EXPECT_FALSE(queue.push(request("small")).accepted) << "full: even a small one waits for the drain";
    EXPECT_EQ(queue.take().size(), 2u);
    const auto again = queue.push(request("s", 1000));
    EXPECT_TRUE(again.accepted);
    EXPECT_FALSE(again.first_refusal);
    EXPECT_FALSE(queue.push(request("s", 1000)).first_refusal);
    EXPECT_TRUE(queue.push(request("s", 1000)).first_refusal) << "a new run of refusals is logged again";
}

}  // namespace
}  // namespace nmk::jetstream
