// Executors (SDK 1.1): serial queues keep post order and never overlap, on I/O
// threads; blocking executors are private, so one plugin's stuck work does not
// delay another's; destroying one drains it; so does the plugin's release.
#include <atomic>
#include <mutex>
#include <vector>

#include "kernel/plugin_host/plugin_executors.hpp"
#include "kernel/plugin_host/tests/host_fixture.hpp"

namespace nats::plugins {
namespace {

using namespace std::chrono_literals;

struct Log {
    std::mutex mutex;
    std::vector<int> order;
    std::atomic<int> inside{0}, overlaps{0}, off_io{0}, ran{0};
};
struct Step {
    Log* log;
    int value;
};
void record(void* user) {
    auto* step = static_cast<Step*>(user);
    Log& log = *step->log;
    if (log.inside.fetch_add(1) != 0) ++log.overlaps;
    if (!server::IoThread::current()) ++log.off_io;
    std::this_thread::sleep_for(std::chrono::microseconds(20));
    {
        std::lock_guard lock(log.mutex);
        log.order.push_back(step->value);
    }
    --log.inside;
    ++log.ran;
}

using Executors = HostFixture;

TEST_F(Executors, SerialKeepsPostOrderOnAnIoThreadOneAtATime) {
    const auto id = api->executor_create(api->host, NMK_EXECUTOR_SERIAL, 0);
    ASSERT_NE(id, 0u);
    Log log;
    std::vector<Step> steps;
    for (int i = 0; i < 300; ++i) steps.push_back({&log, i});
    for (auto& s : steps) ASSERT_EQ(api->executor_post(api->host, id, record, &s), NMK_OK);
    ASSERT_TRUE(eventually([&] { return log.ran == 300; }));
    EXPECT_EQ(log.overlaps, 0);
    EXPECT_EQ(log.off_io, 0);
    std::vector<int> want(300);
    for (int i = 0; i < 300; ++i) want[i] = i;
    EXPECT_EQ(log.order, want);
    EXPECT_EQ(api->executor_destroy(api->host, id), NMK_OK);
}

// A task that waits until told to go on.
struct Gate {
    std::atomic<bool> entered{false}, release{false};
};
// Bounded, so a failed assertion cannot leave a test waiting for ever on a drain.
void hold(void* user) {
    auto* g = static_cast<Gate*>(user);
    g->entered = true;
    const auto give_up = std::chrono::steady_clock::now() + 5s;
    while (!g->release && std::chrono::steady_clock::now() < give_up) std::this_thread::sleep_for(1ms);
}

TEST_F(Executors, BlockingExecutorsDoNotWaitForEachOther) {
    const auto slow = api->executor_create(api->host, NMK_EXECUTOR_BLOCKING, 1);
    const auto fast = api->executor_create(api->host, NMK_EXECUTOR_BLOCKING, 1);
    ASSERT_NE(slow, 0u);
    ASSERT_NE(fast, 0u);
    Gate stuck;
    ASSERT_EQ(api->executor_post(api->host, slow, hold, &stuck), NMK_OK);
    ASSERT_TRUE(eventually([&] { return stuck.entered.load(); }));
    // The shared pool too: a stuck post_blocking task there does not hold it up.
    Gate stuck_shared;
    api->post_blocking(api->host, hold, &stuck_shared);
    api->post_blocking(api->host, hold, &stuck_shared);
    Log log;
    Step step{&log, 7};
    ASSERT_EQ(api->executor_post(api->host, fast, record, &step), NMK_OK);
    EXPECT_TRUE(eventually([&] { return log.ran == 1; }, 1s));
    EXPECT_EQ(log.off_io, 1);  // a worker, not an I/O thread
    stuck.release = true;
    stuck_shared.release = true;
    EXPECT_EQ(api->executor_destroy(api->host, slow), NMK_OK);
    EXPECT_EQ(api->executor_destroy(api->host, fast), NMK_OK);
}

TEST_F(Executors, DestroyDrainsWhatIsQueued) {
    for (auto kind : {NMK_EXECUTOR_SERIAL, NMK_EXECUTOR_BLOCKING}) {
        const auto id = api->executor_create(api->host, kind, 1);
        ASSERT_NE(id, 0u);
        Gate first;
        ASSERT_EQ(api->executor_post(api->host, id, hold, &first), NMK_OK);
        ASSERT_TRUE(eventually([&] { return first.entered.load(); }));
        Log log;
        std::vector<Step> steps;
        for (int i = 0; i < 50; ++i) steps.push_back({&log, i});
        for (auto& s : steps) ASSERT_EQ(api->executor_post(api->host, id, record, &s), NMK_OK);
        std::thread releaser([&] {
            std::this_thread::sleep_for(30ms);
            first.release = true;
        });
        EXPECT_EQ(api->executor_destroy(api->host, id), NMK_OK);
        EXPECT_EQ(log.ran, 50) << "kind " << kind;  // every queued task ran before destroy returned
        EXPECT_EQ(log.overlaps, 0);
        releaser.join();
        // Destroyed: refused, and destroying again is unknown.
        Step late{&log, 99};
        EXPECT_EQ(api->executor_post(api->host, id, record, &late), NMK_NOT_FOUND);
        EXPECT_EQ(api->executor_destroy(api->host, id), NMK_NOT_FOUND);
        EXPECT_EQ(log.ran, 50);
    }
}

TEST_F(Executors, BadArgumentsAreRefused) {
    EXPECT_EQ(api->executor_create(api->host, static_cast<nmk_executor_kind>(7), 1), 0u);
    EXPECT_EQ(api->executor_create(api->host, NMK_EXECUTOR_BLOCKING, 65), 0u);
    const auto id = api->executor_create(api->host, NMK_EXECUTOR_SERIAL, 0);
    EXPECT_EQ(api->executor_post(api->host, id, nullptr, nullptr), NMK_INVALID_ARGUMENT);
    Log log;
    Step s{&log, 1};
    EXPECT_EQ(api->executor_post(api->host, 424242, record, &s), NMK_NOT_FOUND);
    EXPECT_EQ(api->executor_destroy(api->host, 424242), NMK_NOT_FOUND);
    EXPECT_EQ(api->executor_post(nullptr, id, record, &s), NMK_ERROR);
}

// Destroys its own executor from inside one of its tasks: no wait for itself,
// and the tasks queued behind it still run.
struct SelfDestroy {
    const nmk_host_api* api;
    std::uint64_t id = 0;
    std::atomic<int> status{-1};
    Log log;
};
void destroy_own(void* user) {
    auto* s = static_cast<SelfDestroy*>(user);
    s->status = s->api->executor_destroy(s->api->host, s->id);
}

TEST_F(Executors, DestroyFromItsOwnTask) {
    for (auto kind : {NMK_EXECUTOR_SERIAL, NMK_EXECUTOR_BLOCKING}) {
        SelfDestroy s{api};
        s.id = api->executor_create(api->host, kind, 1);
        Gate first;
        ASSERT_EQ(api->executor_post(api->host, s.id, hold, &first), NMK_OK);
        ASSERT_EQ(api->executor_post(api->host, s.id, destroy_own, &s), NMK_OK);
        std::vector<Step> steps;
        for (int i = 0; i < 10; ++i) steps.push_back({&s.log, i});
        for (auto& step : steps) ASSERT_EQ(api->executor_post(api->host, s.id, record, &step), NMK_OK);
        first.release = true;
        ASSERT_TRUE(eventually([&] { return s.status.load() == NMK_OK && s.log.ran == 10; })) << "kind " << kind;
    }
    // The pool retired from its own thread is joined when the plugin is released.
    context->release();
}

TEST_F(Executors, ReleaseDrainsBeforeTheGateShuts) {
    const auto serial = api->executor_create(api->host, NMK_EXECUTOR_SERIAL, 0);
    const auto blocking = api->executor_create(api->host, NMK_EXECUTOR_BLOCKING, 2);
    Gate first;
    ASSERT_EQ(api->executor_post(api->host, serial, hold, &first), NMK_OK);
    ASSERT_TRUE(eventually([&] { return first.entered.load(); }));
    Log log;
    std::vector<Step> steps;
    for (int i = 0; i < 40; ++i) steps.push_back({&log, i});
    for (int i = 0; i < 20; ++i) ASSERT_EQ(api->executor_post(api->host, serial, record, &steps[i]), NMK_OK);
    for (int i = 20; i < 40; ++i) ASSERT_EQ(api->executor_post(api->host, blocking, record, &steps[i]), NMK_OK);
    std::thread releaser([&] {
        std::this_thread::sleep_for(30ms);
        first.release = true;
    });
    context->release();  // what the host does after the plugin's stop()
    EXPECT_EQ(log.ran, 40);
    releaser.join();
    // Released: no new executor, no new task.
    EXPECT_EQ(api->executor_create(api->host, NMK_EXECUTOR_SERIAL, 0), 0u);
    Step late{&log, 99};
    EXPECT_EQ(api->executor_post(api->host, serial, record, &late), NMK_NOT_FOUND);
}

// A busy executor holds at most max_queued_tasks waiting tasks: further posts are
// refused with NMK_ERROR (the task is not taken) until it catches up.
void noop(void*) {}

TEST_F(Executors, QueueIsBoundedAndRecovers) {
    for (auto kind : {NMK_EXECUTOR_SERIAL, NMK_EXECUTOR_BLOCKING}) {
        const auto id = api->executor_create(api->host, kind, 1);
        ASSERT_NE(id, 0u);
        Gate first;
        ASSERT_EQ(api->executor_post(api->host, id, hold, &first), NMK_OK);
        ASSERT_TRUE(eventually([&] { return first.entered.load(); }));
        for (std::size_t i = 0; i < PluginExecutors::max_queued_tasks; ++i)
            ASSERT_EQ(api->executor_post(api->host, id, noop, nullptr), NMK_OK) << "kind " << kind << " task " << i;
        Log log;
        Step refused{&log, 1};
        EXPECT_EQ(api->executor_post(api->host, id, record, &refused), NMK_ERROR) << "kind " << kind;
        EXPECT_EQ(api->executor_post(api->host, id, record, &refused), NMK_ERROR) << "kind " << kind;
        first.release = true;
        Step later{&log, 2};
        EXPECT_TRUE(eventually([&] { return api->executor_post(api->host, id, record, &later) == NMK_OK; }))
            << "kind " << kind;
        EXPECT_EQ(api->executor_destroy(api->host, id), NMK_OK);
        EXPECT_EQ(log.order, std::vector<int>{2}) << "the refused tasks never ran";
    }
}

}  // namespace
}  // namespace nats::plugins
