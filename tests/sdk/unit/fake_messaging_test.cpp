// The SDK 1.1 messaging and client wrappers (messaging.hpp, clients.hpp) against the
// FakeHost, which answers them as the kernel does (fake_messaging.hpp): handles,
// publish_ex's flags and counts, batches, subscribe_ex's sender, interest and its
// watches, client and connection watches, and the bad input each call refuses.

#include <cstddef>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nats_sdk/plugin.hpp"
#include "nats_sdk/testing/fake_host.hpp"

namespace {

using nats_sdk::testing::FakeClient;
using nats_sdk::testing::FakeDelivery;
using nats_sdk::testing::FakeHost;
using nats_sdk::testing::FakeQueue;

class FakeMessagingTest : public ::testing::Test {
protected:
    // The status a wrapper call threw with (NMK_OK when it did not throw).
    template <class Fn>
    static nmk_status status_of(Fn&& fn) {
        try {
            fn();
        } catch (const nats_sdk::Error& e) {
            return e.status();
        }
        return NMK_OK;
    }
    std::uint64_t client(std::string account = "$G") {
        FakeClient c;
        c.account = std::move(account);
        return fake.clients().connect(c);
    }

    FakeHost fake;
    nats_sdk::Host host{fake.api(), "fake_messaging_test"};
    nats_sdk::Messaging messaging{host};
    nats_sdk::Clients clients{host};
    const nmk_host_api& api = *fake.api();
};

TEST_F(FakeMessagingTest, AccountHandlesAreStableAndCreateTheAccount) {
    const auto orders = messaging.account("ORDERS");
    EXPECT_TRUE(orders);
    EXPECT_EQ(messaging.account("ORDERS").value, orders.value);
    EXPECT_EQ(messaging.account("").value, messaging.account("$G").value);
    EXPECT_NE(messaging.account("$G").value, orders.value);
    EXPECT_EQ(fake.messaging().account_of(orders.value), "ORDERS");
    EXPECT_EQ(nats_sdk::Accounts(host).list(), (std::vector<std::string>{"$G", "ORDERS"}));
    EXPECT_EQ(api.account_handle(api.host, nats_sdk::to_nmk("X"), nullptr), NMK_INVALID_ARGUMENT);
}

TEST_F(FakeMessagingTest, PublishReachesOwnAndClientSubscriptionsUnlessNoEcho) {
    const auto account = messaging.account("");
    int plain = 0;
    int ex = 0;
    auto sub1 = host.subscribe("a.*", [&](const nats_sdk::Message&) { ++plain; });
    auto sub2 = messaging.subscribe(account, "a.>", [&](const nats_sdk::MessageEx&) { ++ex; });
    const auto c = client();
    fake.clients().subscribe(c, "a.b");
    auto r = messaging.publish(account, {"a.b", "x"});
    EXPECT_TRUE(r.routed);
    EXPECT_EQ(r.receivers, 3u);
    EXPECT_EQ(plain + ex, 2);
    EXPECT_EQ(fake.clients().delivered_to(c), 1u);

    r = messaging.publish(account, {"a.b", "y"}, nats_sdk::publish_no_echo);
    EXPECT_EQ(r.receivers, 1u);  // the client only
    EXPECT_EQ(plain + ex, 2);
    EXPECT_EQ(fake.clients().delivered_to(c), 2u);

    const auto published = fake.published();
    ASSERT_EQ(published.size(), 2u);
    EXPECT_EQ(published[1].call, "publish_ex");
    EXPECT_EQ(published[1].flags, NMK_PUBLISH_NO_ECHO);
    EXPECT_EQ(published[1].account, "$G");
    // Another account's subscribers never see it.
    EXPECT_EQ(messaging.publish(messaging.account("OTHER"), {"a.b", "z"}).receivers, 0u);
}

TEST_F(FakeMessagingTest, QueueGroupTakesItOnceAcrossPluginAndClients) {
    const auto account = messaging.account("");
    int got = 0;
    auto sub = messaging.subscribe(account, "q.>", [&](const nats_sdk::MessageEx&) { ++got; }, "workers");
    const auto c = client();
    fake.clients().subscribe(c, "q.>", "workers");
    EXPECT_EQ(messaging.publish(account, {"q.1", ""}).receivers, 1u);
    EXPECT_EQ(got, 1);
    EXPECT_EQ(fake.clients().delivered_to(c), 0u);
    // Without the plugin's member (no echo) the client member takes it.
    EXPECT_EQ(messaging.publish(account, {"q.2", ""}, nats_sdk::publish_no_echo).receivers, 1u);
    EXPECT_EQ(fake.clients().delivered_to(c), 1u);
}

TEST_F(FakeMessagingTest, PressuredAndFullClients) {
    const auto account = messaging.account("");
    std::vector<std::string> events;
    auto watch = clients.watch_connections([&](const nats_sdk::ConnectionEvent& e) {
        events.push_back(std::string(e.connected() ? "connect " : "disconnect ") + std::string(e.reason()));
    });
    const auto slow = client();
    const auto busy = client();
    fake.clients().subscribe(slow, "s");
    fake.clients().subscribe(busy, "s");
    fake.clients().set_queue(busy, FakeQueue::pressured);
    fake.clients().set_queue(slow, FakeQueue::full);

    auto r = messaging.publish(account, {"s", "1"}, nats_sdk::publish_no_overflow);
    EXPECT_EQ(r.receivers, 1u);
    EXPECT_EQ(r.pressured, 1u);
    EXPECT_EQ(r.overflowed, 1u);
    EXPECT_TRUE(fake.clients().connected(slow));  // skipped, not cut

    std::uint64_t gone = 0;
    auto gone_watch = clients.watch_client(slow, [&](std::uint64_t id) { gone = id; });
    r = messaging.publish(account, {"s", "2"});
    EXPECT_EQ(r.receivers, 1u);
    EXPECT_EQ(r.overflowed, 0u);
    EXPECT_FALSE(fake.clients().connected(slow));  // cut as a slow consumer
    EXPECT_EQ(gone, slow);
    EXPECT_EQ(events, (std::vector<std::string>{"connect ", "connect ", "disconnect Slow Consumer (Pending Bytes)"}));
}

TEST_F(FakeMessagingTest, OffAnIoThreadPublishesQueueInOrder) {
    const auto account = messaging.account("");
    std::vector<std::string> got;
    auto sub =
        messaging.subscribe(account, "o.*", [&](const nats_sdk::MessageEx& m) { got.emplace_back(m.payload()); });
    fake.messaging().set_on_io_thread(false);
    const auto r = messaging.publish(account, {"o.a", "1"});
    EXPECT_FALSE(r.routed);
    EXPECT_EQ(r.receivers, 0u);
    const std::vector<nats_sdk::OutMessage> batch{{"o.b", "2"}, {"o.c", "3"}};
    messaging.publish_batch(account, batch);
    EXPECT_TRUE(got.empty());
    EXPECT_EQ(fake.run_tasks(), 2u);  // one hand-off per call, the batch as one
    EXPECT_EQ(got, (std::vector<std::string>{"1", "2", "3"}));
}

TEST_F(FakeMessagingTest, NestedPublishesRouteInlineFourDeep) {
    const auto account = messaging.account("");
    int calls = 0;
    std::vector<bool> routed;
    auto sub = messaging.subscribe(account, "loop", [&](const nats_sdk::MessageEx&) {
        if (++calls < 10) routed.push_back(messaging.publish(account, {"loop", ""}).routed);
    });
    EXPECT_EQ(fake.deliver("loop", ""), 1u);
    EXPECT_EQ(calls, 4);
    // Innermost first: the fourth level's publish was queued.
    EXPECT_EQ(routed, (std::vector<bool>{false, true, true, true}));
    EXPECT_EQ(fake.pending_tasks(), 1u);
    fake.run_tasks();
    EXPECT_EQ(calls, 10);
}

TEST_F(FakeMessagingTest, BatchIsAllOrNothing) {
    const auto account = messaging.account("");
    int got = 0;
    auto sub = messaging.subscribe(account, ">", [&](const nats_sdk::MessageEx&) { ++got; });
    const std::vector<nats_sdk::OutMessage> bad{{"b.1", ""}, {"b..2", ""}, {"b.3", ""}};
    EXPECT_EQ(status_of([&] { messaging.publish_batch(account, bad); }), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(got, 0);
    EXPECT_TRUE(fake.published().empty());
    const std::vector<nats_sdk::OutMessage> good{{"b.1", ""}, {"b.2", "", "reply.to"}};
    messaging.publish_batch(account, good, nats_sdk::publish_no_overflow);
    EXPECT_EQ(got, 2);
    ASSERT_EQ(fake.published().size(), 2u);
    EXPECT_EQ(fake.published()[1].call, "publish_batch");
    EXPECT_EQ(fake.published()[1].reply, "reply.to");
    messaging.publish_batch(account, {});  // nothing to do is fine
    EXPECT_EQ(api.publish_batch(api.host, account.value, nullptr, 1, 0), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(status_of([&] { messaging.publish_batch(account, good, 0x80); }), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(status_of([&] { messaging.publish_batch({999}, good); }), NMK_INVALID_ARGUMENT);
}

TEST_F(FakeMessagingTest, PublishRefusesBadInput) {
    const auto account = messaging.account("");
    EXPECT_EQ(status_of([&] { messaging.publish({}, {"a", ""}); }), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(status_of([&] { messaging.publish({12345}, {"a", ""}); }), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(status_of([&] { messaging.publish(account, {"a.*", ""}); }), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(status_of([&] { messaging.publish(account, {"a", "", "bad reply"}); }), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(status_of([&] { messaging.publish(account, {"a", ""}, 0x4); }), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api.publish_ex(api.host, account.value, nullptr, 0, nullptr), NMK_INVALID_ARGUMENT);
    EXPECT_TRUE(fake.published().empty());
    // A result too short to hold `routed` is refused; NULL is fine.
    const nmk_message m{{}, nats_sdk::to_nmk("a"), {}, {}, {}};
    nmk_publish_result short_result{};
    short_result.struct_size = sizeof(std::uint32_t);
    EXPECT_EQ(api.publish_ex(api.host, account.value, &m, 0, &short_result), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api.publish_ex(api.host, account.value, &m, 0, nullptr), NMK_OK);
    // A failing host call throws with the call's name and the status.
    fake.fail("publish_ex", NMK_ERROR);
    try {
        messaging.publish(account, {"a", ""});
        FAIL() << "expected an Error";
    } catch (const nats_sdk::Error& e) {
        EXPECT_STREQ(e.what(), "publish_ex failed: error");
        EXPECT_EQ(e.status(), NMK_ERROR);
    }
}

TEST_F(FakeMessagingTest, SubscribeExSeesTheSenderAndEnds) {
    const auto orders = messaging.account("ORDERS");
    std::vector<std::string> seen;
    {
        auto sub = messaging.subscribe(orders, "o.>", [&](const nats_sdk::MessageEx& m) {
            EXPECT_EQ(m.raw().struct_size, sizeof(nmk_message_ex));
            EXPECT_EQ(m.account_handle().value, orders.value);
            seen.push_back(std::string(m.account()) + " " + std::string(m.subject()) + " " +
                           std::to_string(m.client_id()));
        });
        EXPECT_EQ(fake.deliver(FakeDelivery{"ORDERS", "o.1", {}, {}, "p", 42}), 1u);
        EXPECT_EQ(fake.deliver("o.2", "p", {}, "ORDERS"), 1u);
        EXPECT_EQ(fake.deliver("o.3", "p"), 0u);  // $G
        ASSERT_EQ(fake.active_subscriptions().size(), 1u);
        EXPECT_EQ(fake.active_subscriptions()[0].queue, "");
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"ORDERS o.1 42", "ORDERS o.2 0"}));
    EXPECT_TRUE(fake.active_subscriptions().empty());
    EXPECT_TRUE(fake.misuse().empty());

    auto ignore = [](const nats_sdk::MessageEx&) {};
    EXPECT_EQ(status_of([&] { (void)messaging.subscribe({77}, "x", ignore); }), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(status_of([&] { (void)messaging.subscribe(orders, "x..y", ignore); }), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(status_of([&] { (void)messaging.subscribe(orders, "x", ignore, "bad queue"); }),
              NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api.subscribe_ex(api.host, orders.value, nats_sdk::to_nmk("x"), {}, nullptr, nullptr, nullptr),
              NMK_INVALID_ARGUMENT);
}

TEST_F(FakeMessagingTest, HasInterestSeesClientsAndThePlugin) {
    const auto account = messaging.account("");
    EXPECT_FALSE(messaging.has_interest(account, "orders.new"));
    const auto c = client();
    const auto sub = fake.clients().subscribe(c, "orders.*");
    EXPECT_TRUE(messaging.has_interest(account, "orders.new"));
    EXPECT_FALSE(messaging.has_interest(messaging.account("OTHER"), "orders.new"));
    EXPECT_TRUE(fake.clients().unsubscribe(sub));
    EXPECT_FALSE(messaging.has_interest(account, "orders.new"));
    auto own = host.subscribe(">", [](const nats_sdk::Message&) {});
    EXPECT_TRUE(messaging.has_interest(account, "orders.new"));

    EXPECT_EQ(status_of([&] { (void)messaging.has_interest(account, "orders.*"); }), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(status_of([&] { (void)messaging.has_interest({5555}, "orders.new"); }), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api.has_interest(api.host, account.value, nats_sdk::to_nmk("a"), nullptr), NMK_INVALID_ARGUMENT);
}

TEST_F(FakeMessagingTest, InterestWatchReportsFirstAndLastSubscriber) {
    const auto account = messaging.account("");
    std::vector<bool> seen;
    bool now = true;
    {
        auto watch = messaging.watch_interest(account, "deliver.c1", [&](bool active) { seen.push_back(active); },
                                              &now);
        EXPECT_FALSE(now);
        const auto c = client();
        fake.clients().subscribe(c, "deliver.*");
        fake.clients().subscribe(c, "deliver.c1", "q");  // still active: no call
        auto own = host.subscribe("deliver.>", [](const nats_sdk::Message&) {});
        EXPECT_EQ(seen, (std::vector<bool>{true}));
        EXPECT_TRUE(fake.clients().disconnect(c));  // its subscriptions go, the plugin's stays
        EXPECT_EQ(seen, (std::vector<bool>{true}));
        own.unsubscribe();
        EXPECT_EQ(seen, (std::vector<bool>{true, false}));
    }
    // The watch ended with its handle.
    const auto c = client();
    fake.clients().subscribe(c, "deliver.c1");
    EXPECT_EQ(seen, (std::vector<bool>{true, false}));

    bool active_now = false;
    auto again = messaging.watch_interest(account, "deliver.c1", [](bool) {}, &active_now);
    EXPECT_TRUE(active_now);
    EXPECT_EQ(status_of([&] { (void)messaging.watch_interest(account, "deliver.*", [](bool) {}); }),
              NMK_INVALID_ARGUMENT);
    EXPECT_EQ(status_of([&] { (void)messaging.watch_interest({31337}, "a", [](bool) {}); }), NMK_INVALID_ARGUMENT);
    std::uint64_t id = 0;
    EXPECT_EQ(api.watch_interest(api.host, account.value, nats_sdk::to_nmk("a"), nullptr, nullptr, &id, nullptr),
              NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api.unwatch(api.host, 987654321), NMK_NOT_FOUND);
}

TEST_F(FakeMessagingTest, ClientWatchFiresOnceWhenTheClientGoes) {
    EXPECT_EQ(status_of([&] { (void)clients.watch_client(404, [](std::uint64_t) {}); }), NMK_NOT_FOUND);
    const auto c = client();
    std::vector<std::uint64_t> gone;
    std::uint64_t watch_id = 0;
    static std::vector<std::uint64_t>* sink = nullptr;
    sink = &gone;
    ASSERT_EQ(api.watch_client(
                  api.host, c, [](void*, std::uint64_t, std::uint64_t id) { sink->push_back(id); }, nullptr, &watch_id),
              NMK_OK);
    auto wrapped = clients.watch_client(c, [&](std::uint64_t id) { gone.push_back(id + 1000); });
    EXPECT_TRUE(fake.clients().disconnect(c));
    EXPECT_FALSE(fake.clients().disconnect(c));
    EXPECT_EQ(gone, (std::vector<std::uint64_t>{c, c + 1000}));
    EXPECT_EQ(api.unwatch(api.host, watch_id), NMK_NOT_FOUND);  // finished when it fired
    EXPECT_EQ(api.watch_client(api.host, c, nullptr, nullptr, &watch_id), NMK_INVALID_ARGUMENT);
    sink = nullptr;
}

TEST_F(FakeMessagingTest, ConnectionWatchSeesConnectAndDisconnect) {
    std::vector<std::string> lines;
    auto watch = clients.watch_connections([&](const nats_sdk::ConnectionEvent& e) {
        lines.push_back(std::string(e.connected() ? "connect " : "disconnect ") + std::to_string(e.client_id()) +
                        " " + std::string(e.account()) + " " + std::string(e.user()) + " " + std::string(e.name()) +
                        " " + std::string(e.reason()) + " in " + std::to_string(e.in_msgs()) + " out " +
                        std::to_string(e.out_msgs()));
        if (!e.connected()) {
            EXPECT_GE(e.stop(), e.start());
        }
    });
    FakeClient info;
    info.account = "SALES";
    info.user = "sam";
    info.name = "app";
    info.in_msgs = 3;
    const auto c = fake.clients().connect(info);
    FakeClient same;
    same.id = c;
    EXPECT_EQ(fake.clients().connect(same), 0u);  // already connected
    fake.clients().subscribe(c, "news");
    messaging.publish(messaging.account("SALES"), {"news", "x"});
    fake.clients().disconnect(c, "Client Closed");
    const std::string id = std::to_string(c);
    EXPECT_EQ(lines, (std::vector<std::string>{"connect " + id + " SALES sam app  in 0 out 0",
                                               "disconnect " + id + " SALES sam app Client Closed in 3 out 1"}));
    watch.stop();
    fake.clients().connect(FakeClient{});
    EXPECT_EQ(lines.size(), 2u);
    EXPECT_EQ(api.watch_connections(api.host, nullptr, nullptr, nullptr), NMK_INVALID_ARGUMENT);
}

// One status-to-exception rule for every wrapper: "<call> '<target>' failed: <status>".
TEST_F(FakeMessagingTest, FailedCallsThrowTheSameWay) {
    fake.fail("subscribe", NMK_NOT_FOUND);
    try {
        (void)host.subscribe("x", [](const nats_sdk::Message&) {});
        FAIL() << "expected an Error";
    } catch (const nats_sdk::Error& e) {
        EXPECT_STREQ(e.what(), "subscribe 'x' failed: not found");
        EXPECT_EQ(e.status(), NMK_NOT_FOUND);
    }
    fake.fail("watch_connections", NMK_UNSUPPORTED);
    try {
        (void)clients.watch_connections([](const nats_sdk::ConnectionEvent&) {});
        FAIL() << "expected an Error";
    } catch (const nats_sdk::Error& e) {
        EXPECT_STREQ(e.what(), "watch_connections failed: unsupported");
    }
}

// SDK 1.3: a plugin closes a client with -ERR and one of nats-server's closed reasons.
TEST_F(FakeMessagingTest, CloseSendsTheErrorAndReportsTheReason) {
    const auto id = client("A");
    std::string reason;
    auto watch = clients.watch_connections([&](const nats_sdk::ConnectionEvent& e) {
        if (!e.connected()) reason = std::string(e.reason());
    });
    ASSERT_TRUE(clients.can_close());
    EXPECT_TRUE(clients.close(id, NMK_CLOSE_CREDENTIALS_REVOKED, "User Authentication Revoked"));
    EXPECT_FALSE(fake.clients().connected(id));
    EXPECT_EQ(reason, "Credentials Revoked");
    EXPECT_EQ(fake.clients().closed_with_errors(), std::vector<std::string>{std::to_string(id) + " User Authentication Revoked"});
    EXPECT_FALSE(clients.close(id, NMK_CLOSE_CREDENTIALS_REVOKED));  // gone already: not found, no throw
}

// The kernel and FakeClients both read the closed reason from this one table.
TEST(CloseReasonText, NamesEachReasonAPluginMayCloseWith) {
    static_assert(nats_sdk::close_reason_text(NMK_CLOSE_CREDENTIALS_REVOKED) == "Credentials Revoked");
    EXPECT_EQ(nats_sdk::close_reason_text(NMK_CLOSE_AUTHENTICATION_VIOLATION), "Authentication Failure");
    EXPECT_EQ(nats_sdk::close_reason_text(NMK_CLOSE_AUTHENTICATION_EXPIRED), "Authentication Expired");
    EXPECT_EQ(nats_sdk::close_reason_text(NMK_CLOSE_MAX_ACCOUNT_CONNECTIONS), "Maximum Account Connections Exceeded");
    EXPECT_EQ(nats_sdk::close_reason_text(NMK_CLOSE_SERVER_SHUTDOWN), "Server Shutdown");
    EXPECT_EQ(nats_sdk::close_reason_text(0), "");
    EXPECT_EQ(nats_sdk::close_reason_text(99), "");
}

TEST_F(FakeMessagingTest, CloseRefusesAnUnknownReasonAndAnErrorThatWouldBreakTheLine) {
    const auto id = client();
    EXPECT_EQ(status_of([&] { clients.close(id, static_cast<nmk_close_reason>(99)); }), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(status_of([&] { clients.close(id, NMK_CLOSE_AUTHENTICATION_EXPIRED, "it's"); }), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(status_of([&] { clients.close(id, NMK_CLOSE_AUTHENTICATION_EXPIRED, "a\r\nPING"); }), NMK_INVALID_ARGUMENT);
    EXPECT_TRUE(fake.clients().connected(id));  // nothing happened
}

TEST_F(FakeMessagingTest, CloseOnAnOlderKernelSaysItIsUnsupported) {
    FakeHost older;
    older.mutable_api().close_client = nullptr;  // a 1.2 kernel's table
    nats_sdk::Host old_host(older.api(), "t");
    nats_sdk::Clients old_clients(old_host);
    EXPECT_FALSE(old_clients.can_close());
    EXPECT_EQ(status_of([&] { old_clients.close(1, NMK_CLOSE_AUTHENTICATION_EXPIRED); }), NMK_UNSUPPORTED);
}

}  // namespace
