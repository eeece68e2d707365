// SDK 1.2's deliver-subject publishes in the C++ layer (Messaging::publish_deliver,
// publish_deliver_batch): refused with NMK_UNSUPPORTED on an SDK 1.1 kernel, and
// against the FakeHost routed by the deliver subject while receivers see the
// message's own subject, recorded with both, bad input refused as the kernel does.

#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nats_sdk/plugin.hpp"
#include "nats_sdk/testing/fake_host.hpp"

namespace {

using nats_sdk::testing::FakeClient;
using nats_sdk::testing::FakeHost;

template <class Fn>
nmk_status status_of(Fn&& fn) {
    try {
        fn();
    } catch (const nats_sdk::Error& e) {
        return e.status();
    }
    return NMK_OK;
}

TEST(Deliver, AnSdk11KernelHasNoDeliverCalls) {
    FakeHost fake;
    // A 1.1 kernel's table ends at on_all_started.
    fake.mutable_api().struct_size =
        static_cast<std::uint32_t>(offsetof(nmk_host_api, on_all_started) + sizeof(void*));
    nats_sdk::Host host(fake.api(), "t");
    EXPECT_FALSE(host.has(&nmk_host_api::publish_deliver));
    nats_sdk::Messaging messaging(host);  // the 1.1 calls are there
    const auto account = messaging.account("");
    EXPECT_EQ(status_of([&] { messaging.publish_deliver(account, "_INBOX.x", {"ORDERS.new", "x"}); }),
              NMK_UNSUPPORTED);
    const std::vector<nats_sdk::Delivery> batch{{"_INBOX.x", {"ORDERS.new", "x"}}};
    EXPECT_EQ(status_of([&] { messaging.publish_deliver_batch(account, batch); }), NMK_UNSUPPORTED);
    EXPECT_TRUE(fake.published().empty());
}

class FakeDeliver : public ::testing::Test {
protected:
    FakeHost fake;
    nats_sdk::Host host{fake.api(), "deliver_test"};
    nats_sdk::Messaging messaging{host};
    nats_sdk::AccountHandle account = messaging.account("");
};

TEST_F(FakeDeliver, RoutedByTheDeliverSubjectShownAsItsOwn) {
    EXPECT_TRUE(host.has(&nmk_host_api::publish_deliver));
    std::vector<std::string> seen;
    auto inbox = messaging.subscribe(account, "_INBOX.*", [&](const nats_sdk::MessageEx& m) {
        seen.push_back(std::string(m.subject()) + " " + std::string(m.reply()) + " " + std::string(m.payload()));
    });
    int by_subject = 0;
    auto orders = messaging.subscribe(account, "ORDERS.>", [&](const nats_sdk::MessageEx&) { ++by_subject; });
    FakeClient c;
    const auto client = fake.clients().connect(c);
    fake.clients().subscribe(client, "_INBOX.x", "workers");

    const auto r = messaging.publish_deliver(account, "_INBOX.x", {"ORDERS.new", "hello", "$JS.ACK.a"});
    EXPECT_TRUE(r.routed);
    EXPECT_EQ(r.receivers, 2u);  // the plugin's _INBOX.* and the client's queue group
    EXPECT_EQ(seen, std::vector<std::string>{"ORDERS.new $JS.ACK.a hello"});
    EXPECT_EQ(by_subject, 0);
    EXPECT_EQ(fake.clients().delivered_to(client), 1u);

    const std::vector<nats_sdk::Delivery> burst{{"_INBOX.x", {"ORDERS.1", "1"}}, {"_INBOX.y", {"ORDERS.2", "2"}}};
    messaging.publish_deliver_batch(account, burst, nats_sdk::publish_no_echo);
    EXPECT_EQ(seen.size(), 1u) << "no echo";
    EXPECT_EQ(fake.clients().delivered_to(client), 2u);  // only _INBOX.x is the client's

    const auto published = fake.published();
    ASSERT_EQ(published.size(), 3u);
    EXPECT_EQ(published[0].call, "publish_deliver");
    EXPECT_EQ(published[0].subject, "ORDERS.new");
    EXPECT_EQ(published[0].deliver_subject, "_INBOX.x");
    EXPECT_EQ(published[2].call, "publish_deliver_batch");
    EXPECT_EQ(published[2].deliver_subject, "_INBOX.y");
    EXPECT_EQ(published[2].flags, NMK_PUBLISH_NO_ECHO);
}

TEST_F(FakeDeliver, BadInputIsRefused) {
    for (const char* bad : {"", "_INBOX.*", "_INBOX.>", "a..b", "a b"}) {
        EXPECT_EQ(status_of([&] { messaging.publish_deliver(account, bad, {"ORDERS.new", "x"}); }),
                  NMK_INVALID_ARGUMENT)
            << bad;
    }
    EXPECT_EQ(status_of([&] { messaging.publish_deliver(account, "_INBOX.x", {"ORDERS.*", "x"}); }),
              NMK_INVALID_ARGUMENT);
    EXPECT_EQ(status_of([&] { messaging.publish_deliver({}, "_INBOX.x", {"ORDERS.new", "x"}); }),
              NMK_INVALID_ARGUMENT);
    EXPECT_EQ(status_of([&] { messaging.publish_deliver(account, "_INBOX.x", {"ORDERS.new", "x"}, 0x10); }),
              NMK_INVALID_ARGUMENT);
    const std::vector<nats_sdk::Delivery> one_bad{{"_INBOX.x", {"ORDERS.1", "1"}}, {"_INBOX.>", {"ORDERS.2", "2"}}};
    EXPECT_EQ(status_of([&] { messaging.publish_deliver_batch(account, one_bad); }), NMK_INVALID_ARGUMENT);
    EXPECT_TRUE(fake.published().empty()) << "all or nothing";
}

TEST_F(FakeDeliver, OffAnIoThreadItQueuesUntilTheTasksRun) {
    int got = 0;
    auto inbox = messaging.subscribe(account, "_INBOX.x", [&](const nats_sdk::MessageEx& m) {
        EXPECT_EQ(m.subject(), "ORDERS.new");
        ++got;
    });
    fake.messaging().set_on_io_thread(false);
    const auto r = messaging.publish_deliver(account, "_INBOX.x", {"ORDERS.new", "x"});
    EXPECT_FALSE(r.routed);
    EXPECT_EQ(got, 0);
    fake.run_tasks();
    EXPECT_EQ(got, 1);
}

}  // namespace
