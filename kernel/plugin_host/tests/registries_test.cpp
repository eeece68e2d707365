// The registries behind the host API: metrics, extension kinds, HTTP
// endpoints, and the gate that keeps calls out of a stopped plugin.
#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <vector>
#include <thread>

#include "kernel/plugin_host/blocking_pool.hpp"
#include "kernel/plugin_host/call_gate.hpp"
#include "kernel/plugin_host/extension_registry.hpp"
#include "kernel/plugin_host/http_registry.hpp"
#include "kernel/plugin_host/metrics.hpp"

namespace nats::plugins {
namespace {

using namespace std::chrono_literals;

TEST(Metrics, RegisterAddSetSnapshot) {
    MetricsRegistry m;
    const auto streams = m.register_metric("jetstream_streams", "Streams", MetricType::gauge, "jetstream");
    const auto bytes = m.register_metric("jetstream_bytes_total", "Bytes", MetricType::counter, "jetstream");
    ASSERT_NE(streams, 0u);
    ASSERT_NE(bytes, 0u);
    EXPECT_NE(streams, bytes);
    EXPECT_EQ(m.register_metric("jetstream_streams", "again", MetricType::gauge, "other"), streams);
    EXPECT_EQ(m.register_metric("jetstream_streams", "", MetricType::counter, "other"), 0u);  // other type
    EXPECT_TRUE(m.set(streams, 5));
    EXPECT_TRUE(m.add(streams, -2));
    EXPECT_TRUE(m.add(bytes, 10));
    EXPECT_TRUE(m.add(bytes, -3));  // counters never go down
    EXPECT_FALSE(m.add(99, 1));
    EXPECT_FALSE(m.set(0, 1));
    auto snap = m.snapshot();
    ASSERT_EQ(snap.size(), 2u);
    EXPECT_EQ(snap[0].name, "jetstream_streams");
    EXPECT_EQ(snap[0].value, 3);
    EXPECT_EQ(snap[0].owner, "jetstream");
    EXPECT_EQ(snap[1].value, 10);
    EXPECT_EQ(snap[1].type, MetricType::counter);
}

TEST(Metrics, Names) {
    EXPECT_TRUE(is_valid_metric_name("a_b:c9"));
    EXPECT_FALSE(is_valid_metric_name(""));
    EXPECT_FALSE(is_valid_metric_name("9lives"));
    EXPECT_FALSE(is_valid_metric_name("has space"));
    MetricsRegistry m;
    EXPECT_EQ(m.register_metric("bad name", "", MetricType::gauge, "x"), 0u);
}

TEST(Metrics, ConcurrentAddsAreCounted) {
    MetricsRegistry m;
    const auto id = m.register_metric("hits", "", MetricType::counter, "x");
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            for (int i = 0; i < 10000; ++i) m.add(id, 1);
        });
    for (auto& t : threads) t.join();
    EXPECT_EQ(m.snapshot()[0].value, 40000);
}

struct FakeStore {
    std::uint32_t struct_size = sizeof(FakeStore);
    int tag = 0;
};

TEST(Extensions, DeclareRegisterFind) {
    ExtensionRegistry r;
    FakeStore memory{sizeof(FakeStore), 1}, file{sizeof(FakeStore), 2};
    EXPECT_EQ(r.add("jetstream.store", "memory", &memory, "store_memory"), ExtensionRegistry::Result::unknown_kind);
    EXPECT_EQ(r.declare_kind("jetstream.store", 1, "jetstream"), ExtensionRegistry::Result::ok);
    EXPECT_EQ(r.declare_kind("jetstream.store", 1, "other"), ExtensionRegistry::Result::duplicate);
    EXPECT_EQ(r.kind_owner("jetstream.store"), "jetstream");
    EXPECT_EQ(r.find("jetstream.store", ""), nullptr);
    EXPECT_EQ(r.add("jetstream.store", "memory", &memory, "store_memory"), ExtensionRegistry::Result::ok);
    EXPECT_EQ(r.add("jetstream.store", "file", &file, "store_file"), ExtensionRegistry::Result::ok);
    EXPECT_EQ(r.add("jetstream.store", "file", &file, "store_file"), ExtensionRegistry::Result::duplicate);
    EXPECT_EQ(r.find("jetstream.store", "file"), &file);
    EXPECT_EQ(r.find("jetstream.store", ""), &memory);  // the first one
    EXPECT_EQ(r.find("jetstream.store", "rocksdb"), nullptr);
    EXPECT_EQ(r.find("other.kind", "file"), nullptr);
}

TEST(Extensions, InvalidTables) {
    ExtensionRegistry r;
    ASSERT_EQ(r.declare_kind("k", 1, "a"), ExtensionRegistry::Result::ok);
    EXPECT_EQ(r.declare_kind("", 1, "a"), ExtensionRegistry::Result::invalid);
    std::uint32_t zero_size = 0;
    EXPECT_EQ(r.add("k", "x", &zero_size, "b"), ExtensionRegistry::Result::invalid);
    EXPECT_EQ(r.add("k", "x", nullptr, "b"), ExtensionRegistry::Result::invalid);
    FakeStore ok;
    EXPECT_EQ(r.add("k", "", &ok, "b"), ExtensionRegistry::Result::invalid);
}

TEST(Extensions, WhatAnOwnerAddedGoesWithIt) {
    ExtensionRegistry r;
    FakeStore memory, file;
    r.declare_kind("jetstream.store", 1, "jetstream");
    r.add("jetstream.store", "memory", &memory, "store_memory");
    r.add("jetstream.store", "file", &file, "store_file");
    r.remove_owner("store_memory");
    EXPECT_EQ(r.find("jetstream.store", "memory"), nullptr);
    EXPECT_EQ(r.find("jetstream.store", "file"), &file);
    r.remove_owner("jetstream");  // the kind and everything in it
    EXPECT_EQ(r.find("jetstream.store", "file"), nullptr);
    EXPECT_EQ(r.declare_kind("jetstream.store", 2, "jetstream"), ExtensionRegistry::Result::ok);
}

void hello_handler(void* user, const nmk_http_request* request, const nmk_http_response_writer* response) {
    ++*static_cast<int*>(user);
    response->set_status(response->ctx, 201);
    response->set_content_type(response->ctx, {"text/plain", 10});
    std::string body = "path=" + std::string(request->path.data, request->path.size) +
                       " query=" + std::string(request->query.data, request->query.size);
    response->append_body(response->ctx, {body.data(), body.size()});
}

void throwing_handler(void*, const nmk_http_request*, const nmk_http_response_writer*) {
    throw std::runtime_error("handler bug");
}

TEST(Http, DispatchToTheRegisteredEndpoint) {
    HttpRegistry r;
    auto gate = std::make_shared<CallGate>();
    int calls = 0;
    EXPECT_TRUE(r.add("/hello", hello_handler, &calls, gate, "greeter"));
    EXPECT_FALSE(r.add("/hello", hello_handler, &calls, gate, "other"));  // taken
    EXPECT_FALSE(r.add("nohead", hello_handler, &calls, gate, "greeter"));
    EXPECT_FALSE(r.add("/null", nullptr, nullptr, gate, "greeter"));
    EXPECT_TRUE(r.has("/hello"));

    auto response = r.dispatch({"GET", "/hello", "a=1", ""});
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 201);
    EXPECT_EQ(response->content_type, "text/plain");
    EXPECT_EQ(response->body, "path=/hello query=a=1");
    EXPECT_EQ(calls, 1);
    EXPECT_FALSE(r.dispatch({"GET", "/nothing", "", ""}));

    // A stopped plugin is not called.
    gate->close();
    EXPECT_FALSE(r.dispatch({"GET", "/hello", "", ""}));
    EXPECT_EQ(calls, 1);
    r.remove_owner("greeter");
    EXPECT_FALSE(r.has("/hello"));
}

TEST(Http, ThrowingHandlerBecomes500) {
    HttpRegistry r;
    r.add("/bug", throwing_handler, nullptr, std::make_shared<CallGate>(), "buggy");
    auto response = r.dispatch({"GET", "/bug", "", ""});
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 500);
}

TEST(CallGate, CloseWaitsForCallsInside) {
    CallGate gate;
    std::atomic<bool> inside{false}, release{false}, finished{false};
    std::thread caller([&] {
        CallGate::Pass pass(gate);
        ASSERT_TRUE(pass);
        inside = true;
        while (!release) std::this_thread::sleep_for(1ms);
        finished = true;
    });
    while (!inside) std::this_thread::sleep_for(1ms);
    std::thread closer([&] { gate.close(); });
    std::this_thread::sleep_for(20ms);
    EXPECT_FALSE(finished);
    release = true;
    closer.join();
    EXPECT_TRUE(finished);  // close() returned only after the call left
    caller.join();
    CallGate::Pass late(gate);
    EXPECT_FALSE(late);
    EXPECT_FALSE(gate.is_open());
}

TEST(CallGate, CloseFromInsideItsOwnCallDoesNotWaitForItself) {
    CallGate outer, inner;
    {
        CallGate::Pass a(outer);
        CallGate::Pass b(inner);
        ASSERT_TRUE(a && b);
        inner.close();  // an unsubscribe from inside the subscription's callback
        EXPECT_FALSE(inner.is_open());
        CallGate::Pass again(inner);
        EXPECT_FALSE(again);
    }
    // Leaving cleared this thread's slot: closing the outer gate elsewhere does not wait.
    std::thread([&] { outer.close(); }).join();
    EXPECT_FALSE(outer.is_open());
}

TEST(CallGate, NestingDeeperThanTheSlotIsStillWaitedFor) {
    CallGate gate;
    std::atomic<bool> inside{false}, release{false}, finished{false};
    std::thread caller([&] {
        std::vector<std::unique_ptr<CallGate::Pass>> passes;
        for (std::size_t i = 0; i < CallGate::max_depth + 3; ++i) {
            passes.push_back(std::make_unique<CallGate::Pass>(gate));
            ASSERT_TRUE(*passes.back());
        }
        inside = true;
        while (!release) std::this_thread::sleep_for(1ms);
        finished = true;
        while (!passes.empty()) passes.pop_back();  // innermost first
    });
    while (!inside) std::this_thread::sleep_for(1ms);
    std::thread closer([&] { gate.close(); });
    std::this_thread::sleep_for(20ms);
    EXPECT_FALSE(finished);
    release = true;
    closer.join();
    EXPECT_TRUE(finished);
    caller.join();
}

TEST(CallGate, ManyThreadsPassWhileAnotherGateCloses) {
    // Threads hammer one gate; closing a different gate must not wait for them,
    // and closing theirs returns once they are out.
    CallGate busy, idle;
    std::atomic<bool> stop{false};
    std::atomic<int> passed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
        threads.emplace_back([&] {
            while (!stop) {
                CallGate::Pass pass(busy);
                if (!pass) break;
                passed.fetch_add(1, std::memory_order_relaxed);
            }
        });
    while (passed < 1000) std::this_thread::sleep_for(1ms);
    idle.close();
    busy.close();
    const int after_close = passed.load();
    std::this_thread::sleep_for(10ms);
    EXPECT_EQ(passed.load(), after_close);  // nobody got in after close() returned
    stop = true;
    for (auto& t : threads) t.join();
}

TEST(BlockingPool, RunsTasksOffTheCallingThreadUntilStopped) {
    BlockingPool pool(2);
    std::atomic<int> done{0};
    std::atomic<bool> same_thread{false};
    const auto caller = std::this_thread::get_id();
    for (int i = 0; i < 10; ++i) {
        EXPECT_EQ(pool.submit([&] {
            if (std::this_thread::get_id() == caller) same_thread = true;
            ++done;
        }), Submitted::queued);
    }
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (done < 10 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(done, 10);
    EXPECT_FALSE(same_thread);
    pool.stop();
    EXPECT_EQ(pool.submit([&] { ++done; }), Submitted::closed);
    pool.stop();  // twice is fine
    EXPECT_EQ(done, 10);
}

TEST(BlockingPool, TwoTasksCanBlockAtOnce) {
    BlockingPool pool(2);
    std::atomic<int> inside{0};
    std::atomic<bool> release{false};
    for (int i = 0; i < 2; ++i)
        pool.submit([&] {
            ++inside;
            while (!release) std::this_thread::sleep_for(1ms);
        });
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (inside < 2 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(inside, 2);
    release = true;
}

// A bounded pool takes at most max_queued waiting tasks; a refused task is not
// kept, and room comes back as the workers catch up.
TEST(BlockingPool, BoundedQueueRefusesWhenFullAndRecovers) {
    BlockingPool pool(1, 3);
    std::atomic<bool> entered{false}, release{false};
    std::atomic<int> done{0};
    ASSERT_EQ(pool.submit([&] {
        entered = true;
        while (!release) std::this_thread::sleep_for(1ms);
    }), Submitted::queued);
    const auto deadline = std::chrono::steady_clock::now() + 2s;
    while (!entered && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    ASSERT_TRUE(entered);  // the worker is busy: what follows waits in the queue
    for (int i = 0; i < 3; ++i) EXPECT_EQ(pool.submit([&] { ++done; }), Submitted::queued);
    EXPECT_EQ(pool.submit([&] { done += 100; }), Submitted::full);
    release = true;
    while (done < 3 && std::chrono::steady_clock::now() < deadline + 2s) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(pool.submit([&] { ++done; }), Submitted::queued);
    pool.drain();
    EXPECT_EQ(done, 4) << "the refused task never ran";
}

TEST(BlockingPool, UnboundedByDefault) {
    BlockingPool pool(1);
    std::atomic<bool> release{false};
    std::atomic<int> done{0};
    pool.submit([&] { while (!release) std::this_thread::sleep_for(1ms); });
    for (int i = 0; i < 100000; ++i) ASSERT_EQ(pool.submit([&] { ++done; }), Submitted::queued);
    release = true;
    pool.drain();
    EXPECT_EQ(done, 100000);
}

}  // namespace
}  // namespace nats::plugins
