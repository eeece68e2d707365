// The jetstream plugin's outbox: what the core published leaves in the order it was
// queued, one sending thread at a time; emptied lists and large payload buffers are
// reused on the thread that sent them.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "bus/outbox.hpp"

namespace nmk::jetstream {
namespace {

std::vector<OutMessage> batch(int from, int count) {
    std::vector<OutMessage> out;
    for (int i = from; i < from + count; ++i) out.push_back({"A", "s." + std::to_string(i), {}, {}, {}, {}});
    return out;
}

TEST(Outbox, SendsInQueueOrder) {
    Outbox box;
    box.queue(batch(0, 3));
    box.queue(batch(3, 2));
    std::vector<std::string> sent;
    box.drain([&](const OutMessage& m) { sent.push_back(m.subject); });
    EXPECT_EQ(sent, (std::vector<std::string>{"s.0", "s.1", "s.2", "s.3", "s.4"}));
    box.drain([&](const OutMessage&) { ADD_FAILURE() << "nothing is left to send"; });
}

TEST(Outbox, ADrainerFindingAnotherOneSendingLeavesItToIt) {
    Outbox box;
    box.queue(batch(0, 1));
    std::vector<std::string> sent;
    std::atomic<bool> inner_returned{false};
    box.drain([&](const OutMessage& m) {
        sent.push_back(m.subject);
        if (m.subject != "s.0") return;
        // While this thread sends, another queues and tries to drain: it must not send
        // (that would overtake), and what it queued goes out from here, after s.0.
        std::thread other([&] {
            box.queue(batch(1, 2));
            box.drain([&](const OutMessage&) { ADD_FAILURE() << "a second sender"; });
            inner_returned = true;
        });
        other.join();
    });
    EXPECT_TRUE(inner_returned.load());
    EXPECT_EQ(sent, (std::vector<std::string>{"s.0", "s.1", "s.2"}));
}

TEST(Outbox, ListsAndLargePayloadBuffersAreReusedOnTheSameThread) {
    std::vector<OutMessage> list = batch(0, 100);
    list[0].payload = std::string(64 << 10, 'x');
    const char* buffer = list[0].payload.data();
    const std::size_t capacity = list.capacity();
    recycle_list(list);
    EXPECT_TRUE(list.empty());
    std::vector<OutMessage> again = take_spare_list();
    EXPECT_TRUE(again.empty());
    EXPECT_GE(again.capacity(), capacity) << "the emptied list comes back with its room";
    const std::string copy = copy_payload(std::string(32 << 10, 'y'));
    EXPECT_EQ(copy.data(), buffer) << "a large copy reuses a sent payload's buffer";
    EXPECT_EQ(copy, std::string(32 << 10, 'y'));
    const std::string small = copy_payload("tiny");
    EXPECT_EQ(small, "tiny");
}

}  // namespace
}  // namespace nmk::jetstream
