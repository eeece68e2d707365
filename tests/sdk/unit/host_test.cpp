// The Host wrapper and its RAII handles, against the FakeHost.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nats_sdk/plugin.hpp"
#include "nats_sdk/testing/fake_host.hpp"

namespace {

using namespace std::chrono_literals;
using nats_sdk::testing::FakeHost;

class HostTest : public ::testing::Test {
protected:
    FakeHost fake;
    nats_sdk::Host host{fake.api(), "host_test"};
};

TEST_F(HostTest, LogsAtEachLevelWithFormatting) {
    host.info("served {} requests", 3);
    host.error("boom {}", "now");
    host.log(nats_sdk::LogLevel::debug, "plain");
    const auto logs = fake.logs();
    ASSERT_EQ(logs.size(), 3u);
    EXPECT_EQ(logs[0].level, NMK_LOG_INFO);
    EXPECT_EQ(logs[0].text, "served 3 requests");
    EXPECT_EQ(logs[1].level, NMK_LOG_ERROR);
    EXPECT_EQ(logs[1].text, "boom now");
    EXPECT_EQ(logs[2].level, NMK_LOG_DEBUG);
}

TEST_F(HostTest, SubscriptionDeliversUntilDestroyed) {
    std::vector<std::string> got;
    {
        auto sub = host.subscribe("greet.*", [&](const nats_sdk::Message& m) {
            got.push_back(std::string(m.subject()) + "|" + std::string(m.payload()) + "|" + std::string(m.reply()));
        });
        EXPECT_TRUE(sub.active());
        EXPECT_NE(sub.id(), 0u);
        EXPECT_EQ(fake.deliver("greet.bob", "hi", "_INBOX.1"), 1u);
        EXPECT_EQ(fake.deliver("other", "x"), 0u);
    }
    EXPECT_EQ(fake.deliver("greet.bob", "again"), 0u);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(got[0], "greet.bob|hi|_INBOX.1");
    EXPECT_TRUE(fake.active_subscriptions().empty());
    EXPECT_TRUE(fake.misuse().empty());
}

TEST_F(HostTest, SubscriptionOptionsReachTheKernel) {
    auto sub = host.subscribe("jobs", [](const nats_sdk::Message&) {}, {.queue = "workers", .account = "ACC"});
    const auto subs = fake.active_subscriptions();
    ASSERT_EQ(subs.size(), 1u);
    EXPECT_EQ(subs[0].queue, "workers");
    EXPECT_EQ(subs[0].account, "ACC");
    EXPECT_EQ(fake.deliver("jobs", "x"), 0u) << "delivered across accounts";
    EXPECT_EQ(fake.deliver("jobs", "x", "", "ACC"), 1u);
}

TEST_F(HostTest, MovedSubscriptionKeepsOneRegistration) {
    int calls = 0;
    nats_sdk::Subscription outer;
    {
        auto inner = host.subscribe("a", [&](const nats_sdk::Message&) { ++calls; });
        outer = std::move(inner);
        EXPECT_FALSE(inner.active());
    }
    EXPECT_EQ(fake.deliver("a", ""), 1u);
    outer = host.subscribe("b", [&](const nats_sdk::Message&) { ++calls; });
    EXPECT_EQ(fake.deliver("a", ""), 0u) << "move-assignment did not end the old subscription";
    EXPECT_EQ(fake.deliver("b", ""), 1u);
    EXPECT_EQ(calls, 2);
    outer.unsubscribe();
    outer.unsubscribe();
    EXPECT_TRUE(fake.misuse().empty());
}

TEST_F(HostTest, UnsubscribingInsideItsOwnCallbackIsSafe) {
    auto holder = std::make_shared<nats_sdk::Subscription>();
    auto big = std::make_shared<std::string>(1000, 'x');  // something the lambda owns
    int calls = 0;
    *holder = host.subscribe("once", [holder_weak = std::weak_ptr(holder), big, &calls](const nats_sdk::Message&) {
        ++calls;
        if (auto h = holder_weak.lock()) {
            h->unsubscribe();  // frees this lambda's box only after the call returns
        }
        EXPECT_EQ(big->size(), 1000u);  // the captures are still alive here
    });
    EXPECT_EQ(fake.deliver("once", ""), 1u);
    EXPECT_EQ(fake.deliver("once", ""), 0u);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(big.use_count(), 1) << "the callback's box was not freed";
}

TEST_F(HostTest, ExceptionInACallbackIsLoggedNotPropagated) {
    auto sub = host.subscribe("bad", [](const nats_sdk::Message&) { throw std::runtime_error("handler broke"); });
    EXPECT_NO_THROW(fake.deliver("bad", ""));
    EXPECT_TRUE(fake.logged("handler broke", NMK_LOG_ERROR));
}

TEST_F(HostTest, FailedCallsThrowWithTheStatus) {
    EXPECT_THROW((void)host.subscribe("a..b", [](const nats_sdk::Message&) {}), nats_sdk::Error);
    fake.fail("subscribe", NMK_UNSUPPORTED);
    try {
        (void)host.subscribe("ok", [](const nats_sdk::Message&) {});
        FAIL();
    } catch (const nats_sdk::Error& e) {
        EXPECT_EQ(e.status(), NMK_UNSUPPORTED);
        EXPECT_STREQ(e.what(), "subscribe 'ok' failed: unsupported");
    }
    fake.fail("publish");
    EXPECT_THROW(host.publish("a", "b"), nats_sdk::Error);
    fake.fail("set_timer");
    EXPECT_THROW((void)host.every(10ms, [] {}), nats_sdk::Error);
    fake.fail("metric_register");
    EXPECT_THROW((void)host.counter("c", "help"), nats_sdk::Error);
}

TEST_F(HostTest, PublishAndRespond) {
    host.publish("out", "payload", "_INBOX.9");
    host.publish(nats_sdk::OutMessage{.subject = "h", .payload = "p", .headers = "NATS/1.0\r\nA: b\r\n\r\n",
                                      .account = "ACC"});
    bool responded = false;
    bool no_reply = true;
    auto sub = host.subscribe("req", [&](const nats_sdk::Message& m) {
        if (m.reply().empty()) {
            no_reply = host.respond(m, "x");
        } else {
            responded = host.respond(m, "answer");
        }
    });
    fake.deliver("req", "q", "_INBOX.reply", "");
    fake.deliver("req", "q");
    EXPECT_TRUE(responded);
    EXPECT_FALSE(no_reply);
    const auto out = fake.published();
    ASSERT_EQ(out.size(), 3u);
    EXPECT_EQ(out[0].subject, "out");
    EXPECT_EQ(out[0].reply, "_INBOX.9");
    EXPECT_EQ(out[1].account, "ACC");
    EXPECT_EQ(out[1].headers, "NATS/1.0\r\nA: b\r\n\r\n");
    EXPECT_EQ(out[2].subject, "_INBOX.reply");
    EXPECT_EQ(out[2].payload, "answer");
}

TEST_F(HostTest, TimersFireUntilCancelled) {
    int ticks = 0;
    int once = 0;
    auto repeating = host.every(100ms, [&] { ++ticks; });
    auto single = host.after(5ms, [&] { ++once; });
    const auto timers = fake.active_timers();
    ASSERT_EQ(timers.size(), 2u);
    EXPECT_EQ(timers[0].delay_ms, 100u);
    EXPECT_EQ(timers[0].repeat_ms, 100u);
    EXPECT_EQ(timers[1].repeat_ms, 0u);
    fake.fire_timers();
    fake.fire_timers();
    EXPECT_EQ(ticks, 2);
    EXPECT_EQ(once, 1);
    repeating.cancel();
    fake.fire_timers();
    EXPECT_EQ(ticks, 2);
    single.cancel();  // after a one-shot fired: allowed
    EXPECT_TRUE(fake.misuse().empty());
}

TEST_F(HostTest, TimerCancelledFromItsOwnCallback) {
    nats_sdk::Timer timer;
    int ticks = 0;
    timer = host.every(1ms, [&] {
        ++ticks;
        timer.cancel();
    });
    fake.fire_timers();
    fake.fire_timers();
    EXPECT_EQ(ticks, 1);
    EXPECT_FALSE(timer.active());
}

TEST_F(HostTest, PostedTasksRunOnceInOrder) {
    std::string order;
    host.post([&] { order += 'a'; });
    host.post_blocking([&] { order += 'b'; });
    host.post([&] { throw std::runtime_error("task failed"); });
    EXPECT_EQ(order, "");
    EXPECT_EQ(fake.run_tasks(), 3u);
    EXPECT_EQ(order, "ab");
    EXPECT_TRUE(fake.logged("task failed", NMK_LOG_ERROR));
    EXPECT_EQ(fake.run_tasks(), 0u);
}

TEST(HostLifetime, TasksTheKernelDroppedAreFreedWithTheHost) {
    auto captured = std::make_shared<int>(7);
    FakeHost fake;
    {
        nats_sdk::Host host(fake.api(), "dropper");
        host.post([captured] {});
        host.post_blocking([captured] {});
        EXPECT_EQ(captured.use_count(), 3);
    }
    EXPECT_EQ(captured.use_count(), 1) << "dropped tasks leaked";
    EXPECT_EQ(fake.pending_tasks(), 2u);  // never run: the Host that owned them is gone
}

TEST_F(HostTest, MetricsCountAndSet) {
    const auto requests = host.counter("requests_total", "Requests");
    const auto depth = host.gauge("queue_depth", "Depth");
    requests.increment();
    requests.add(4);
    depth.set(17);
    EXPECT_EQ(fake.metric("requests_total")->value, 5);
    EXPECT_EQ(fake.metric("requests_total")->type, NMK_METRIC_COUNTER);
    EXPECT_EQ(fake.metric("queue_depth")->value, 17);
    EXPECT_EQ(fake.metric("queue_depth")->type, NMK_METRIC_GAUGE);
    nats_sdk::Metric unset;
    unset.increment();  // a default Metric does nothing
    EXPECT_FALSE(static_cast<bool>(unset));
}

TEST_F(HostTest, QueryJsonAndDataDir) {
    fake.set_query_result("varz", R"({"server_id":"X","connections":2})");
    EXPECT_EQ(host.query_json("varz")["connections"], 2);
    EXPECT_THROW((void)host.query("nosuchtopic"), nats_sdk::Error);
    EXPECT_FALSE(host.data_dir().empty());
}

TEST_F(HostTest, HttpEndpointAnswersAndFailsClosed) {
    host.register_http_endpoint("/hello", [](const nats_sdk::HttpRequest& request, const nats_sdk::HttpResponse& response) {
        response.set_content_type("text/plain");
        response.write("hi ");
        response.write(request.query_param("name"));
    });
    host.register_http_endpoint("/broken", [](const nats_sdk::HttpRequest&, const nats_sdk::HttpResponse&) {
        throw std::runtime_error("no");
    });
    const auto ok = fake.http("/hello", "GET", "x=1&name=bob");
    EXPECT_EQ(ok.status, 200);
    EXPECT_EQ(ok.body, "hi bob");
    EXPECT_EQ(ok.content_type, "text/plain");
    EXPECT_EQ(fake.http("/broken").status, 500);
    EXPECT_THROW(host.register_http_endpoint("no-slash", [](const nats_sdk::HttpRequest&, const nats_sdk::HttpResponse&) {}),
                 nats_sdk::Error);
}

TEST(HttpRequest, QueryParam) {
    const nmk_http_request raw{nats_sdk::to_nmk("GET"), nats_sdk::to_nmk("/p"), nats_sdk::to_nmk("a=1&flag&b=&c=3"),
                               nats_sdk::to_nmk("")};
    const nats_sdk::HttpRequest request(raw);
    bool found = false;
    EXPECT_EQ(request.query_param("c"), "3");
    EXPECT_EQ(request.query_param("b", &found), "");
    EXPECT_TRUE(found);
    EXPECT_EQ(request.query_param("flag", &found), "");
    EXPECT_TRUE(found);
    EXPECT_EQ(request.query_param("zzz", &found), "");
    EXPECT_FALSE(found);
}

struct RecordingLink : nats_sdk::LinkHandler {
    std::vector<std::string> events;
    void on_local_interest(const nats_sdk::Interest& interest, bool added) override {
        events.push_back(std::string(added ? "+" : "-") + std::string(interest.subject));
    }
    void on_message(std::uint64_t id, const nats_sdk::Message& message) override {
        events.push_back(std::to_string(id) + ":" + std::string(message.payload()));
    }
};

TEST_F(HostTest, LinkRegistersAndForwards) {
    RecordingLink handler;
    const auto link = host.register_link("route", handler);
    const auto links = fake.links();
    ASSERT_EQ(links.size(), 1u);
    const auto remote = link.add_remote_interest({.account = "", .subject = "x.>"});
    link.publish({.subject = "x.y", .payload = "from afar"});
    link.remove_remote_interest(remote);
    EXPECT_THROW(link.remove_remote_interest(remote), nats_sdk::Error);
    // The kernel calls the plugin's table.
    const nmk_interest interest{nats_sdk::to_nmk("$G"), nats_sdk::to_nmk("a.b"), {}, 1};
    links[0].callbacks->on_local_interest(links[0].callbacks->self, &interest, 1);
    const nmk_message message{{}, nats_sdk::to_nmk("a.b"), {}, {}, nats_sdk::to_nmk("data")};
    links[0].callbacks->on_message(links[0].callbacks->self, 7, &message);
    ASSERT_EQ(handler.events.size(), 2u);
    EXPECT_EQ(handler.events[0], "+a.b");
    EXPECT_EQ(handler.events[1], "7:data");
    EXPECT_EQ(fake.published().back().link_id, link.id());
}

struct StoreTable {
    std::uint32_t struct_size;
    int (*answer)();
};

TEST_F(HostTest, ExtensionsDeclareRegisterFind) {
    host.declare_kind("test.store", 1);
    static const StoreTable table{sizeof(StoreTable), [] { return 42; }};
    host.register_extension("test.store", "memory", table);
    const auto* found = host.find_extension<StoreTable>("test.store", "memory");
    ASSERT_EQ(found, &table);
    EXPECT_TRUE(nats_sdk::has_member(*found, &StoreTable::answer));
    EXPECT_EQ(found->answer(), 42);
    EXPECT_EQ(host.find_extension<StoreTable>("test.store", "file"), nullptr);
    EXPECT_THROW(host.declare_kind("test.store", 1), nats_sdk::Error);
}

TEST_F(HostTest, HasChecksTheTableSize) {
    EXPECT_TRUE(host.has(&nmk_host_api::find_extension));
    EXPECT_TRUE(host.has(&nmk_host_api::log));
    // A kernel whose table ends before query_json (as an older minor's would).
    fake.mutable_api().struct_size = static_cast<std::uint32_t>(offsetof(nmk_host_api, query_json));
    EXPECT_FALSE(host.has(&nmk_host_api::query_json));
    EXPECT_FALSE(host.has(&nmk_host_api::find_extension));
    EXPECT_TRUE(host.has(&nmk_host_api::metric_set));
    // Present by size but not set.
    fake.mutable_api().struct_size = sizeof(nmk_host_api);
    fake.mutable_api().find_extension = nullptr;
    EXPECT_FALSE(host.has(&nmk_host_api::find_extension));
}

TEST(Version, CompatibilityRule) {
    EXPECT_TRUE(nats_sdk::is_compatible(1, 0, 1, 0));
    EXPECT_TRUE(nats_sdk::is_compatible(1, 3, 1, 2));
    EXPECT_FALSE(nats_sdk::is_compatible(1, 2, 1, 3)) << "plugin newer than the kernel";
    EXPECT_FALSE(nats_sdk::is_compatible(2, 0, 1, 0));
    EXPECT_FALSE(nats_sdk::is_compatible(1, 0, 2, 0));
    EXPECT_EQ(nats_sdk::sdk_version_major, NMK_SDK_VERSION_MAJOR);
}

}  // namespace
