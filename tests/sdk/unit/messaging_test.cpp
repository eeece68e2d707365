// The SDK 1.1 wrappers (messaging.hpp, clients.hpp) against a stub host table (what
// they do against the FakeHost: fake_messaging_test.cpp):
// they refuse a kernel without the calls, pass handles and flags through,
// read results back, and hand callbacks the views the kernel gave.

#include <cstddef>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "nats_sdk/plugin.hpp"
#include "nats_sdk/testing/fake_host.hpp"

namespace {

// What the stub kernel saw, and what it answers.
struct Stub {
    nmk_host_api api{};
    std::vector<std::string> calls;
    nmk_message_ex_callback message_cb = nullptr;
    nmk_interest_callback interest_cb = nullptr;
    nmk_client_gone_callback gone_cb = nullptr;
    nmk_connection_callback connection_cb = nullptr;
    void* user = nullptr;
    std::uint32_t last_flags = 0;
    std::size_t last_count = 0;

    Stub() {
        api.struct_size = sizeof api;
        api.sdk_major = NMK_SDK_VERSION_MAJOR;
        api.sdk_minor = NMK_SDK_VERSION_MINOR;
        api.host = this;
        api.log = [](void*, nmk_log_level, nmk_str) {};
        api.unsubscribe = [](void* h, std::uint64_t) { return note(h, "unsubscribe"); };
        api.account_handle = [](void* h, nmk_str name, nmk_account_handle* out) {
            *out = nats_sdk::to_view(name) == "ORDERS" ? 7 : 1;
            return note(h, "account_handle");
        };
        api.publish_ex = [](void* h, nmk_account_handle a, const nmk_message* m, std::uint32_t flags,
                            nmk_publish_result* r) {
            self(h).last_flags = flags;
            r->routed = 1;
            r->receivers = 3;
            r->pressured = 1;
            r->overflowed = 2;
            return note(h, "publish_ex " + std::to_string(a) + " " + std::string(nats_sdk::to_view(m->subject)));
        };
        api.publish_batch = [](void* h, nmk_account_handle a, const nmk_message* m, std::size_t n, std::uint32_t) {
            self(h).last_count = n;
            return note(h, "publish_batch " + std::to_string(a) + " " + std::string(nats_sdk::to_view(m[n - 1].payload)));
        };
        api.subscribe_ex = [](void* h, nmk_account_handle, nmk_str, nmk_str, nmk_message_ex_callback cb, void* user,
                              std::uint64_t* id) {
            self(h).message_cb = cb;
            self(h).user = user;
            *id = 11;
            return note(h, "subscribe_ex");
        };
        api.has_interest = [](void* h, nmk_account_handle, nmk_str s, int* answer) {
            *answer = nats_sdk::to_view(s) == "busy" ? 1 : 0;
            return NMK_OK;
        };
        api.watch_interest = [](void* h, nmk_account_handle, nmk_str s, nmk_interest_callback cb, void* user,
                                std::uint64_t* id, int* now) {
            if (nats_sdk::to_view(s).find('*') != std::string_view::npos) return NMK_INVALID_ARGUMENT;
            self(h).interest_cb = cb;
            self(h).user = user;
            *id = 12;
            *now = 1;
            return NMK_OK;
        };
        api.watch_client = [](void* h, std::uint64_t client, nmk_client_gone_callback cb, void* user, std::uint64_t* id) {
            if (client == 0) return NMK_NOT_FOUND;
            self(h).gone_cb = cb;
            self(h).user = user;
            *id = 13;
            return NMK_OK;
        };
        api.watch_connections = [](void* h, nmk_connection_callback cb, void* user, std::uint64_t* id) {
            self(h).connection_cb = cb;
            self(h).user = user;
            *id = 14;
            return NMK_OK;
        };
        api.unwatch = [](void* h, std::uint64_t id) { return note(h, "unwatch " + std::to_string(id)); };
    }
    static Stub& self(void* h) { return *static_cast<Stub*>(h); }
    static nmk_status note(void* h, std::string what) {
        self(h).calls.push_back(std::move(what));
        return NMK_OK;
    }
};

TEST(Messaging, RefusesAKernelWithoutTheCalls) {
    nats_sdk::testing::FakeHost fake;
    fake.mutable_api().unwatch = nullptr;  // a table without the 1.1 messaging calls
    nats_sdk::Host host(fake.api(), "t");
    try {
        nats_sdk::Messaging messaging(host);
        FAIL() << "expected an Error";
    } catch (const nats_sdk::Error& e) {
        EXPECT_EQ(e.status(), NMK_UNSUPPORTED);
    }
    Stub stub;
    stub.api.struct_size = offsetof(nmk_host_api, account_handle);  // an SDK 1.0 kernel
    nats_sdk::Host old(&stub.api, "t");
    EXPECT_THROW(nats_sdk::Clients{old}, nats_sdk::Error);
}

TEST(Messaging, PublishPassesHandleAndFlagsAndReadsTheResult) {
    Stub stub;
    nats_sdk::Host host(&stub.api, "t");
    nats_sdk::Messaging messaging(host);
    const auto orders = messaging.account("ORDERS");
    EXPECT_EQ(orders.value, 7u);
    const auto r = messaging.publish(orders, {"a.b", "x"}, nats_sdk::publish_no_echo | nats_sdk::publish_no_overflow);
    EXPECT_TRUE(r.routed);
    EXPECT_EQ(r.receivers, 3u);
    EXPECT_EQ(r.pressured, 1u);
    EXPECT_EQ(r.overflowed, 2u);
    EXPECT_EQ(stub.last_flags, NMK_PUBLISH_NO_ECHO | NMK_PUBLISH_NO_OVERFLOW);
    const std::vector<nats_sdk::OutMessage> batch{{"b", "1"}, {"b", "2"}, {"b", "3"}};
    messaging.publish_batch(orders, batch);
    EXPECT_EQ(stub.last_count, 3u);
    EXPECT_EQ(stub.calls.back(), "publish_batch 7 3");
    EXPECT_TRUE(messaging.has_interest(orders, "busy"));
    EXPECT_FALSE(messaging.has_interest(orders, "idle"));
}

TEST(Messaging, SubscriptionCallbackSeesTheSenderAndUnsubscribes) {
    Stub stub;
    nats_sdk::Host host(&stub.api, "t");
    nats_sdk::Messaging messaging(host);
    std::uint64_t sender = 0;
    std::string subject;
    {
        auto sub = messaging.subscribe(messaging.account(""), "x.>", [&](const nats_sdk::MessageEx& m) {
            sender = m.client_id();
            subject = m.subject();
        });
        nmk_message_ex raw{};
        raw.struct_size = sizeof raw;
        raw.subject = nats_sdk::to_nmk("x.y");
        raw.client_id = 42;
        stub.message_cb(stub.user, &raw);
    }
    EXPECT_EQ(sender, 42u);
    EXPECT_EQ(subject, "x.y");
    EXPECT_EQ(stub.calls.back(), "unsubscribe");
}

TEST(Messaging, WatchesReportAndStop) {
    Stub stub;
    nats_sdk::Host host(&stub.api, "t");
    nats_sdk::Messaging messaging(host);
    std::vector<bool> seen;
    bool now = false;
    {
        auto watch = messaging.watch_interest(messaging.account(""), "a.b", [&](bool active) { seen.push_back(active); },
                                              &now);
        EXPECT_TRUE(now);
        stub.interest_cb(stub.user, 12, 0);
        stub.interest_cb(stub.user, 12, 1);
    }
    EXPECT_EQ(seen, (std::vector<bool>{false, true}));
    EXPECT_EQ(stub.calls.back(), "unwatch 12");
    try {
        (void)messaging.watch_interest(messaging.account(""), "a.*", [](bool) {});
        FAIL() << "expected an Error";
    } catch (const nats_sdk::Error& e) {
        EXPECT_EQ(e.status(), NMK_INVALID_ARGUMENT);
    }
}

TEST(Clients, GoneAndConnectionEventsReachTheCallables) {
    Stub stub;
    nats_sdk::Host host(&stub.api, "t");
    nats_sdk::Clients clients(host);
    std::uint64_t gone = 0;
    auto watch = clients.watch_client(5, [&](std::uint64_t id) { gone = id; });
    stub.gone_cb(stub.user, 13, 5);
    EXPECT_EQ(gone, 5u);
    EXPECT_THROW((void)clients.watch_client(0, [](std::uint64_t) {}), nats_sdk::Error);

    std::string line;
    auto all = clients.watch_connections([&](const nats_sdk::ConnectionEvent& e) {
        line = std::string(e.connected() ? "connect " : "disconnect ") + std::string(e.account()) + " " +
               std::string(e.reason()) + " " + std::to_string(e.in_msgs());
    });
    nmk_connection_event e{};
    e.struct_size = sizeof e;
    e.kind = NMK_CONNECTION_DISCONNECT;
    e.account = nats_sdk::to_nmk("$G");
    e.reason = nats_sdk::to_nmk("Client Closed");
    e.in_msgs = 9;
    stub.connection_cb(stub.user, &e);
    EXPECT_EQ(line, "disconnect $G Client Closed 9");
    all.stop();
    EXPECT_EQ(stub.calls.back(), "unwatch 14");
}

}  // namespace
