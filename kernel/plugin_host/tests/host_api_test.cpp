// The host API as a plugin calls it, against a running in-process server:
// argument checks, internal subscriptions and publishes from any thread,
// accounts, timers, posts, the blocking pool, extensions, metrics, links,
// authenticators' bookkeeping, and what a released (stopped) plugin may still do.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "kernel/plugin_host/plugin_context.hpp"
#include "kernel/plugin_host/plugin_host.hpp"
#include "kernel/plugin_host/tests/host_fixture.hpp"

namespace nats::plugins {
namespace {

using namespace std::chrono_literals;

nmk_str s(std::string_view v) { return {v.data(), v.size()}; }

// Messages an internal subscription received.
struct Inbox {
    std::mutex mutex;
    std::vector<std::string> items;  // "<account> <subject> <reply> <payload>"
    std::atomic<int> off_io_thread{0};
    void add(const nmk_message* m) {
        if (!server::IoThread::current()) ++off_io_thread;
        std::lock_guard lock(mutex);
        items.push_back(std::string(m->account.data, m->account.size) + " " +
                        std::string(m->subject.data, m->subject.size) + " " +
                        std::string(m->reply.data, m->reply.size) + " " +
                        std::string(m->payload.data, m->payload.size));
    }
    std::size_t size() {
        std::lock_guard lock(mutex);
        return items.size();
    }
    std::vector<std::string> all() {
        std::lock_guard lock(mutex);
        return items;
    }
};
void to_inbox(void* user, const nmk_message* m) { static_cast<Inbox*>(user)->add(m); }

class HostApi : public HostFixture {
protected:
    nmk_status publish(std::string_view account, std::string_view subject, std::string_view payload,
                       std::string_view reply = {}) {
        nmk_message m{s(account), s(subject), s(reply), {"", 0}, s(payload)};
        return api->publish(api->host, &m);
    }
    std::uint64_t subscribe(std::string_view account, std::string_view subject, Inbox& inbox,
                            std::string_view queue = {}) {
        std::uint64_t id = 0;
        EXPECT_EQ(api->subscribe(api->host, s(account), s(subject), s(queue), to_inbox, &inbox, &id), NMK_OK);
        return id;
    }

};

TEST_F(HostApi, TableDescribesItself) {
    EXPECT_EQ(api->struct_size, sizeof(nmk_host_api));
    EXPECT_EQ(api->sdk_major, NMK_SDK_VERSION_MAJOR);
    EXPECT_EQ(api->sdk_minor, NMK_SDK_VERSION_MINOR);
    EXPECT_EQ(api->host, context.get());
}

TEST_F(HostApi, SubscribeAndPublishFromAnyThread) {
    Inbox inbox;
    subscribe("", "orders.*", inbox);
    // From this (non-I/O) thread: routed on an I/O thread, where the callback runs.
    EXPECT_EQ(publish("", "orders.new", "one", "reply.1"), NMK_OK);
    EXPECT_EQ(publish("$G", "orders.old", "two"), NMK_OK);
    EXPECT_EQ(publish("", "other", "three"), NMK_OK);
    ASSERT_TRUE(eventually([&] { return inbox.size() == 2; }));
    EXPECT_EQ(inbox.all(), (std::vector<std::string>{"$G orders.new reply.1 one", "$G orders.old  two"}));
    EXPECT_EQ(inbox.off_io_thread, 0);
}

TEST_F(HostApi, ArgumentsAreChecked) {
    Inbox inbox;
    std::uint64_t id = 0;
    EXPECT_EQ(api->subscribe(api->host, s(""), s("bad..subject"), s(""), to_inbox, &inbox, &id), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->subscribe(api->host, s(""), s("ok"), s("bad queue"), to_inbox, &inbox, &id), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->subscribe(api->host, s(""), s("ok"), s(""), nullptr, &inbox, &id), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(publish("", "wild.*", "x"), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(publish("", "ok", "x", "bad reply"), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->publish(api->host, nullptr), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->unsubscribe(api->host, 12345), NMK_NOT_FOUND);
    EXPECT_EQ(api->set_timer(api->host, 1, 0, nullptr, nullptr), 0u);
    // A null host is refused, not dereferenced.
    EXPECT_EQ(api->unsubscribe(nullptr, 1), NMK_ERROR);
}

TEST_F(HostApi, UnsubscribeStopsDelivery) {
    Inbox inbox;
    const auto id = subscribe("", "tick", inbox);
    publish("", "tick", "1");
    ASSERT_TRUE(eventually([&] { return inbox.size() == 1; }));
    EXPECT_EQ(api->unsubscribe(api->host, id), NMK_OK);
    EXPECT_EQ(api->unsubscribe(api->host, id), NMK_NOT_FOUND);
    publish("", "tick", "2");
    Inbox marker;
    subscribe("", "marker", marker);
    publish("", "marker", "m");
    ASSERT_TRUE(eventually([&] { return marker.size() == 1; }));
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(inbox.size(), 1u);
}

// A callback that stays inside until told to leave.
struct Slow {
    std::atomic<bool> inside{false}, leave{false}, finished{false};
    std::atomic<int> calls{0};
};
void slow_message(void* user, const nmk_message*) {
    auto* slow = static_cast<Slow*>(user);
    ++slow->calls;
    slow->inside = true;
    while (!slow->leave) std::this_thread::sleep_for(1ms);
    slow->finished = true;
}
void slow_task(void* user) { slow_message(user, nullptr); }

TEST_F(HostApi, UnsubscribeReturnsOnlyAfterARunningCallback) {
    Slow slow;
    std::uint64_t id = 0;
    ASSERT_EQ(api->subscribe(api->host, s(""), s("slow"), s(""), slow_message, &slow, &id), NMK_OK);
    publish("", "slow", "x");
    ASSERT_TRUE(eventually([&] { return slow.inside.load(); }));
    std::thread releaser([&] {
        std::this_thread::sleep_for(50ms);
        slow.leave = true;
    });
    EXPECT_EQ(api->unsubscribe(api->host, id), NMK_OK);
    EXPECT_TRUE(slow.finished);  // the plugin may free the state now
    releaser.join();
    publish("", "slow", "y");
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(slow.calls, 1);
}

TEST_F(HostApi, CancelTimerReturnsOnlyAfterARunningCallback) {
    Slow slow;
    const auto id = api->set_timer(api->host, 1, 1, slow_task, &slow);
    ASSERT_TRUE(eventually([&] { return slow.inside.load(); }));
    std::thread releaser([&] {
        std::this_thread::sleep_for(50ms);
        slow.leave = true;
    });
    api->cancel_timer(api->host, id);
    EXPECT_TRUE(slow.finished);
    releaser.join();
    const int calls = slow.calls;
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(slow.calls, calls);
}

// Unsubscribes itself from its own callback (must not wait for itself).
struct OneShot {
    const nmk_host_api* api = nullptr;
    std::uint64_t id = 0;
    std::atomic<int> calls{0};
    std::atomic<int> status{-1};
};
void one_shot(void* user, const nmk_message*) {
    auto* o = static_cast<OneShot*>(user);
    ++o->calls;
    o->status = o->api->unsubscribe(o->api->host, o->id);
}

TEST_F(HostApi, UnsubscribeFromItsOwnCallback) {
    OneShot o;
    o.api = api;
    ASSERT_EQ(api->subscribe(api->host, s(""), s("once"), s(""), one_shot, &o, &o.id), NMK_OK);
    publish("", "once", "1");
    publish("", "once", "2");
    ASSERT_TRUE(eventually([&] { return o.status.load() == NMK_OK; }));
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(o.calls, 1);
}

TEST_F(HostApi, AccountsAreSeparate) {
    Inbox in_a, in_global;
    subscribe("A", "x", in_a);
    subscribe("", "x", in_global);
    publish("A", "x", "for-a");
    publish("", "x", "for-global");
    ASSERT_TRUE(eventually([&] { return in_a.size() == 1 && in_global.size() == 1; }));
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(in_a.all(), std::vector<std::string>{"A x  for-a"});
    EXPECT_EQ(in_global.all(), std::vector<std::string>{"$G x  for-global"});
    EXPECT_TRUE(server->find_account("A"));
    EXPECT_FALSE(server->find_account("B"));
}

TEST_F(HostApi, QueueGroupGetsEachMessageOnce) {
    Inbox one, two;
    subscribe("", "work", one, "workers");
    subscribe("", "work", two, "workers");
    for (int i = 0; i < 50; ++i) publish("", "work", std::to_string(i));
    ASSERT_TRUE(eventually([&] { return one.size() + two.size() == 50; }));
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(one.size() + two.size(), 50u);
}

// A subscriber that republishes what it gets, `hops` times: nested publishes
// are routed at once up to a depth, then on a later turn of the loop.
struct Relay {
    const nmk_host_api* api;
    std::atomic<int> hops{0};
    int limit = 0;
};
void relay(void* user, const nmk_message* m) {
    auto* r = static_cast<Relay*>(user);
    if (r->hops.fetch_add(1) + 1 >= r->limit) return;
    nmk_message again{m->account, m->subject, {"", 0}, {"", 0}, m->payload};
    r->api->publish(r->api->host, &again);
}

TEST_F(HostApi, NestedPublishesAreBoundedAndAllDelivered) {
    Relay r{api, {0}, 40};
    std::uint64_t id;
    ASSERT_EQ(api->subscribe(api->host, s(""), s("loop"), s(""), relay, &r, &id), NMK_OK);
    publish("", "loop", "go");
    EXPECT_TRUE(eventually([&] { return r.hops.load() == 40; }));
}

struct Counter {
    std::atomic<int> calls{0};
    std::atomic<int> on_io{0};
    std::uint64_t timer = 0;
    const nmk_host_api* api = nullptr;
};
void count(void* user) {
    auto* c = static_cast<Counter*>(user);
    if (server::IoThread::current()) ++c->on_io;
    ++c->calls;
}
void count_then_cancel(void* user) {
    auto* c = static_cast<Counter*>(user);
    if (++c->calls == 3) c->api->cancel_timer(c->api->host, c->timer);
}

TEST_F(HostApi, TimersPostsAndBlockingWork) {
    Counter once, repeat, posted, blocking;
    EXPECT_NE(api->set_timer(api->host, 5, 0, count, &once), 0u);
    repeat.api = api;
    repeat.timer = api->set_timer(api->host, 1, 2, count_then_cancel, &repeat);
    api->post(api->host, count, &posted);
    api->post_blocking(api->host, count, &blocking);
    ASSERT_TRUE(eventually([&] { return once.calls == 1 && repeat.calls == 3 && posted.calls == 1 && blocking.calls == 1; }));
    std::this_thread::sleep_for(30ms);
    EXPECT_EQ(once.calls, 1);
    EXPECT_EQ(repeat.calls, 3);  // cancelled from its own callback
    EXPECT_EQ(once.on_io, 1);
    EXPECT_EQ(posted.on_io, 1);
    EXPECT_EQ(blocking.on_io, 0);  // the worker pool is not an I/O thread
}

TEST_F(HostApi, CancelledTimerNeverFires) {
    Counter c;
    const auto id = api->set_timer(api->host, 50, 0, count, &c);
    api->cancel_timer(api->host, id);
    api->cancel_timer(api->host, id);  // twice is harmless
    std::this_thread::sleep_for(100ms);
    EXPECT_EQ(c.calls, 0);
}

TEST_F(HostApi, DataDirUnderStoreDir) {
    const nmk_str dir = api->data_dir(api->host);
    const std::string path(dir.data, dir.size);
    EXPECT_EQ(std::filesystem::path(path), store.path / "plugins" / "unit");
    EXPECT_TRUE(std::filesystem::is_directory(path));
}

struct Body {
    std::string text;
    int status = 0;
};
nmk_http_response_writer body_writer(Body& b) {
    return {&b, [](void* ctx, int status) { static_cast<Body*>(ctx)->status = status; }, [](void*, nmk_str) {},
            [](void* ctx, nmk_str bytes) { static_cast<Body*>(ctx)->text.append(bytes.data, bytes.size); }};
}

TEST_F(HostApi, QueryJson) {
    Body varz, subsz, accountz, none;
    auto w = body_writer(varz);
    ASSERT_EQ(api->query_json(api->host, s("varz"), s(""), &w), NMK_OK);
    EXPECT_EQ(varz.status, 200);
    const auto v = nlohmann::json::parse(varz.text);
    EXPECT_EQ(v["server_id"], server->server_id());
    EXPECT_EQ(v["connections"], 0);
    // The system imports every account gets are subscriptions too (as nats-server counts them).
    Body before;
    auto w1 = body_writer(before);
    ASSERT_EQ(api->query_json(api->host, s("subsz"), s(""), &w1), NMK_OK);
    const int baseline = nlohmann::json::parse(before.text)["num_subscriptions"].get<int>();
    Inbox inbox;
    subscribe("A", "q", inbox);
    auto w2 = body_writer(subsz);
    ASSERT_EQ(api->query_json(api->host, s("subsz"), s(""), &w2), NMK_OK);
    EXPECT_EQ(nlohmann::json::parse(subsz.text)["num_subscriptions"], baseline + 1);
    auto w3 = body_writer(accountz);
    ASSERT_EQ(api->query_json(api->host, s("accountz"), s(""), &w3), NMK_OK);
    EXPECT_EQ(nlohmann::json::parse(accountz.text)["accounts"], nlohmann::json::parse(R"(["$G","$SYS","A"])"));
    auto w4 = body_writer(none);
    EXPECT_EQ(api->query_json(api->host, s("nosuch"), s(""), &w4), NMK_NOT_FOUND);
    EXPECT_EQ(api->query_json(api->host, s("varz"), s(""), nullptr), NMK_INVALID_ARGUMENT);
}

TEST_F(HostApi, ExtensionsAndMetrics) {
    struct Table {
        std::uint32_t struct_size = sizeof(Table);
    } table;
    EXPECT_EQ(api->register_extension(api->host, s("store"), s("mem"), &table), NMK_NOT_FOUND);
    EXPECT_EQ(api->declare_kind(api->host, s("store"), 1), NMK_OK);
    EXPECT_EQ(api->declare_kind(api->host, s("store"), 1), NMK_ERROR);
    EXPECT_EQ(api->register_extension(api->host, s("store"), s("mem"), &table), NMK_OK);
    EXPECT_EQ(api->find_extension(api->host, s("store"), s("mem")), &table);
    EXPECT_EQ(api->find_extension(api->host, s("store"), s("disk")), nullptr);

    const auto id = api->metric_register(api->host, s("unit_things"), s("Things"), NMK_METRIC_GAUGE);
    ASSERT_NE(id, 0u);
    api->metric_set(api->host, id, 7);
    api->metric_add(api->host, id, 1);
    EXPECT_EQ(host->metrics().snapshot().at(0).value, 8);
    Body metricz;
    auto w = body_writer(metricz);
    ASSERT_EQ(api->query_json(api->host, s("metricz"), s(""), &w), NMK_OK);
    EXPECT_EQ(nlohmann::json::parse(metricz.text),
              nlohmann::json::parse(R"({"metrics":[{"name":"unit_things","help":"Things","type":"gauge","value":8,"plugin":"unit"}]})"));
    EXPECT_EQ(api->metric_register(api->host, s("bad name"), s(""), NMK_METRIC_GAUGE), 0u);
    EXPECT_EQ(api->metric_register(api->host, s("x"), s(""), static_cast<nmk_metric_type>(9)), 0u);
}

void endpoint(void*, const nmk_http_request*, const nmk_http_response_writer* w) {
    w->append_body(w->ctx, {"ok", 2});
}

TEST_F(HostApi, HttpEndpointsAreDispatchedByTheHost) {
    EXPECT_EQ(api->register_http_endpoint(api->host, s("/unitz"), endpoint, nullptr), NMK_OK);
    EXPECT_EQ(api->register_http_endpoint(api->host, s("/unitz"), endpoint, nullptr), NMK_ERROR);
    EXPECT_EQ(api->register_http_endpoint(api->host, s("relative"), endpoint, nullptr), NMK_INVALID_ARGUMENT);
    auto response = host->dispatch_http({"GET", "/unitz", "", ""});
    ASSERT_TRUE(response);
    EXPECT_EQ(response->body, "ok");
}

// A link that records what it is told.
struct LinkRecord {
    std::mutex mutex;
    std::vector<std::string> interest;
    std::vector<std::string> messages;
    nmk_link_callbacks callbacks{};
};
void link_interest(void* self, const nmk_interest* i, int added) {
    auto* r = static_cast<LinkRecord*>(self);
    std::lock_guard lock(r->mutex);
    r->interest.push_back((added ? "+" : "-") + std::string(i->account.data, i->account.size) + " " +
                          std::string(i->subject.data, i->subject.size));
}
void link_message(void* self, std::uint64_t rid, const nmk_message* m) {
    auto* r = static_cast<LinkRecord*>(self);
    std::lock_guard lock(r->mutex);
    r->messages.push_back(std::to_string(rid) + " " + std::string(m->payload.data, m->payload.size));
}

TEST_F(HostApi, LinksSeeInterestAndCarryMessagesOneWay) {
    LinkRecord record;
    record.callbacks = {sizeof(nmk_link_callbacks), &record, link_interest, link_message};
    std::uint64_t link = 0;
    ASSERT_EQ(api->register_link(api->host, s("loop"), &record.callbacks, &link), NMK_OK);

    // Local interest (an internal subscription here) is reported.
    Inbox local;
    const auto sub = subscribe("A", "local.>", local);
    api->unsubscribe(api->host, sub);
    {
        std::lock_guard lock(record.mutex);
        EXPECT_EQ(record.interest, (std::vector<std::string>{"+A local.>", "-A local.>"}));
    }

    nmk_interest remote{s("$G"), s("remote.*"), s(""), 1};
    std::uint64_t rid = 0;
    ASSERT_EQ(api->add_remote_interest(api->host, link, &remote, &rid), NMK_OK);
    nmk_interest bad{s("$G"), s("bad..x"), s(""), 1};
    EXPECT_EQ(api->add_remote_interest(api->host, link, &bad, &rid), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->add_remote_interest(api->host, link + 1000, &remote, &rid), NMK_NOT_FOUND);
    {
        std::lock_guard lock(record.mutex);
        EXPECT_EQ(record.interest.size(), 2u);  // remote interest is not local interest
    }

    Inbox here;
    subscribe("", "remote.a", here);
    publish("", "remote.a", "local-publish");
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(record.mutex);
        return record.messages.size() == 1;
    }));
    // From the link: local subscribers get it, the link does not.
    nmk_message from_link{s("$G"), s("remote.a"), {"", 0}, {"", 0}, s("from-link")};
    EXPECT_EQ(api->link_publish(api->host, link, &from_link), NMK_OK);
    ASSERT_TRUE(eventually([&] { return here.size() == 2; }));
    std::this_thread::sleep_for(20ms);
    {
        std::lock_guard lock(record.mutex);
        EXPECT_EQ(record.messages, std::vector<std::string>{std::to_string(rid) + " local-publish"});
    }
    EXPECT_EQ(api->remove_remote_interest(api->host, link, rid), NMK_OK);
    EXPECT_EQ(api->remove_remote_interest(api->host, link, rid), NMK_NOT_FOUND);
}

void never(void*, const nmk_auth_request*, nmk_auth_result*) {}

TEST_F(HostApi, AuthenticatorRegistration) {
    nmk_authenticator small{4, nullptr, nullptr, never};
    EXPECT_EQ(api->register_authenticator(api->host, s("a"), &small), NMK_INVALID_ARGUMENT);
    nmk_authenticator ok{sizeof(nmk_authenticator), nullptr, nullptr, never};
    EXPECT_EQ(api->register_authenticator(api->host, s(""), &ok), NMK_INVALID_ARGUMENT);
    EXPECT_FALSE(server->auth_required());
    EXPECT_EQ(api->register_authenticator(api->host, s("a"), &ok), NMK_OK);
    EXPECT_TRUE(server->auth_required());
    EXPECT_FALSE(server->nonce_required());
    nmk_auth_result result{};
    result.struct_size = sizeof result;
    result.decision = NMK_AUTH_ALLOW;
    EXPECT_EQ(api->complete_auth(api->host, 777, &result), NMK_NOT_FOUND);
    result.decision = NMK_AUTH_PENDING;
    EXPECT_EQ(api->complete_auth(api->host, 777, &result), NMK_INVALID_ARGUMENT);
    context->release();
    EXPECT_FALSE(server->auth_required());  // taken back with the plugin
}

TEST_F(HostApi, ReleasedPluginIsNeitherCalledNorServed) {
    Inbox inbox;
    subscribe("", "after", inbox);
    Counter timer;
    api->set_timer(api->host, 30, 0, count, &timer);
    context->release();
    publish("", "after", "x");  // refused: the plugin stopped
    Inbox outsider_inbox;
    PluginContext outsider(*host, "outsider");
    const nmk_host_api* other = outsider.api();
    std::uint64_t id;
    other->subscribe(other->host, s(""), s("after"), s(""), to_inbox, &outsider_inbox, &id);
    nmk_message m{s(""), s("after"), {"", 0}, {"", 0}, s("y")};
    other->publish(other->host, &m);
    ASSERT_TRUE(eventually([&] { return outsider_inbox.size() == 1; }));
    std::this_thread::sleep_for(60ms);
    EXPECT_EQ(inbox.size(), 0u);
    EXPECT_EQ(timer.calls, 0);
    EXPECT_EQ(api->subscribe(api->host, s(""), s("again"), s(""), to_inbox, &inbox, &id), NMK_ERROR);
    EXPECT_EQ(api->set_timer(api->host, 1, 0, count, &timer), 0u);
    EXPECT_EQ(api->declare_kind(api->host, s("late"), 1), NMK_ERROR);
}

// Posts made on an I/O thread (each from a subscription callback) and where they ran.
struct PostAffinity {
    const nmk_host_api* api = nullptr;
    std::atomic<int> callbacks{0}, ran{0}, same_thread{0}, after_callback{0};
    std::atomic<bool> in_callback{false};
};
struct PostedFrom {
    PostAffinity* affinity;
    server::IoThread* origin;
};
void note_posted(void* user) {
    std::unique_ptr<PostedFrom> from(static_cast<PostedFrom*>(user));
    if (server::IoThread::current() == from->origin) ++from->affinity->same_thread;
    if (!from->affinity->in_callback.load()) ++from->affinity->after_callback;
    ++from->affinity->ran;
}
void post_from_callback(void* user, const nmk_message*) {
    auto* a = static_cast<PostAffinity*>(user);
    a->in_callback = true;
    a->api->post(a->api->host, note_posted, new PostedFrom{a, server::IoThread::current()});
    std::this_thread::sleep_for(2ms);  // a task run elsewhere would overlap this
    a->in_callback = false;
    ++a->callbacks;
}

// With several I/O threads, so a task posted to whichever thread comes next would mostly
// land on another one.
class HostApiFourThreads : public HostApi {
protected:
    static void SetUpTestSuite() {
        if (const char* before = std::getenv("NMK_IO_THREADS")) saved_threads() = before;
        ::setenv("NMK_IO_THREADS", "4", 1);
    }
    static void TearDownTestSuite() {
        if (saved_threads().empty()) ::unsetenv("NMK_IO_THREADS");
        else ::setenv("NMK_IO_THREADS", saved_threads().c_str(), 1);
    }
    static std::string& saved_threads() {
        static std::string value;
        return value;
    }
};

TEST_F(HostApiFourThreads, PostFromAnIoThreadRunsThereAfterTheWorkInHand) {
    ASSERT_EQ(server->thread_count(), 4u);
    PostAffinity a;
    a.api = api;
    std::uint64_t id;
    ASSERT_EQ(api->subscribe(api->host, s(""), s("affinity"), s(""), post_from_callback, &a, &id), NMK_OK);
    for (int i = 0; i < 12; ++i) ASSERT_EQ(publish("", "affinity", "x"), NMK_OK);
    ASSERT_TRUE(eventually([&] { return a.ran.load() == 12; }));
    EXPECT_EQ(a.callbacks, 12);
    EXPECT_EQ(a.same_thread, 12);    // the posting I/O thread, not the next in turn
    EXPECT_EQ(a.after_callback, 12);  // once the callback that posted it returned
}

}  // namespace
}  // namespace nats::plugins
