#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "plugins/auth_jwt/task_gate.hpp"

namespace nats::auth_jwt {
namespace {

TEST(TaskGate, CloseWaitsForTasksInsideAndRefusesNewOnes) {
    TaskGate gate;
    std::atomic<bool> inside{false}, finished{false};
    std::thread task([&] {
        TaskGate::Pass pass(gate);
        ASSERT_TRUE(pass.entered);
        inside = true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        finished = true;
    });
    while (!inside) std::this_thread::yield();
    gate.close();
    EXPECT_TRUE(finished) << "close() returned while a task was inside";
    task.join();
    TaskGate::Pass late(gate);
    EXPECT_FALSE(late.entered);
}

}  // namespace
}  // namespace nats::auth_jwt
