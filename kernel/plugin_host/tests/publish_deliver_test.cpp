// SDK 1.2's publish_deliver and publish_deliver_batch against an in-process
// server: bad input refused (nothing published), plugin subscriptions matched by
// the deliver subject but shown the message's own subject, counts and queue
// groups as publish_ex, a batch from a non-I/O thread in order, a service import
// on the deliver subject, and a link's "<reply>@<subject>" encoding both ways.
// What clients read on the wire: tests/integration/plugin_deliver_test.cpp.
#include <gtest/gtest.h>

#include <atomic>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

#include <asio.hpp>

#include "kernel/plugin_host/tests/host_fixture.hpp"

namespace nats::plugins {
namespace {

using namespace std::chrono_literals;

// SDK 1.2's members come after SDK 1.1's last one, in their declared order.
static_assert(offsetof(nmk_host_api, publish_deliver) > offsetof(nmk_host_api, on_all_started));
static_assert(offsetof(nmk_host_api, publish_deliver_batch) == offsetof(nmk_host_api, publish_deliver) + sizeof(void*));
static_assert(NMK_SDK_VERSION_MINOR >= 2);

std::string text(nmk_str v) { return {v.data, v.size}; }

// What subscribe_ex subscriptions received: "<subject> <reply> <headers> <payload>".
struct Inbox {
    std::mutex mutex;
    std::vector<std::string> items;
    void add(const nmk_message_ex* m) {
        std::lock_guard lock(mutex);
        items.push_back(text(m->subject) + " " + text(m->reply) + " " + text(m->headers) + " " + text(m->payload));
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
void to_inbox(void* user, const nmk_message_ex* m) { static_cast<Inbox*>(user)->add(m); }

nmk_message message(std::string_view subject, std::string_view payload, std::string_view reply = {},
                    std::string_view headers = {}) {
    return {nmk(""), nmk(subject), nmk(reply), nmk(headers), nmk(payload)};
}

class PublishDeliver : public HostFixture {
protected:
    explicit PublishDeliver(std::string config = {}) : HostFixture(std::move(config)) {
        EXPECT_EQ(api->account_handle(api->host, nmk(""), &global), NMK_OK);
    }
    std::uint64_t subscribe(std::string_view subject, Inbox& inbox, std::string_view queue = {},
                            nmk_account_handle account = 0) {
        std::uint64_t id = 0;
        EXPECT_EQ(api->subscribe_ex(api->host, account ? account : global, nmk(subject), nmk(queue), to_inbox, &inbox,
                                    &id),
                  NMK_OK);
        return id;
    }
    // Runs `fn` on an I/O thread (as a plugin callback does) and waits for it.
    void on_io_thread(const std::function<void()>& fn) {
        std::atomic<bool> done{false};
        asio::post(server->thread(0).context(), [&] {
            fn();
            server->thread(0).end_batch();
            done = true;
        });
        ASSERT_TRUE(eventually([&] { return done.load(); }));
    }

    nmk_account_handle global = 0;
};

TEST_F(PublishDeliver, TheTableHasTheCalls) {
    EXPECT_GE(api->sdk_minor, 2);
    EXPECT_NE(api->publish_deliver, nullptr);
    EXPECT_NE(api->publish_deliver_batch, nullptr);
}

TEST_F(PublishDeliver, BadInputIsRefusedAndNothingIsPublished) {
    Inbox inbox;
    subscribe(">", inbox);
    const nmk_message good = message("ORDERS.new", "x");
    nmk_publish_result result{};
    result.struct_size = sizeof result;
    // Deliver subjects: empty, wildcards, empty tokens, whitespace.
    for (std::string_view bad : {"", "_INBOX.*", "_INBOX.>", ">", "_INBOX..x", ".x", "x.", "_INBOX x", "a\tb"}) {
        EXPECT_EQ(api->publish_deliver(api->host, global, nmk(bad), &good, 0, &result), NMK_INVALID_ARGUMENT)
            << "'" << bad << "'";
    }
    // Unknown handles, unknown flags, no message, a bad subject or reply.
    EXPECT_EQ(api->publish_deliver(api->host, 0, nmk("_INBOX.x"), &good, 0, nullptr), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->publish_deliver(api->host, global + 1000, nmk("_INBOX.x"), &good, 0, nullptr), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->publish_deliver(api->host, global, nmk("_INBOX.x"), &good, 0x4, nullptr), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->publish_deliver(api->host, global, nmk("_INBOX.x"), nullptr, 0, nullptr), NMK_INVALID_ARGUMENT);
    const nmk_message wildcard = message("ORDERS.*", "x"), bad_reply = message("ORDERS.new", "x", "a..b");
    EXPECT_EQ(api->publish_deliver(api->host, global, nmk("_INBOX.x"), &wildcard, 0, nullptr), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->publish_deliver(api->host, global, nmk("_INBOX.x"), &bad_reply, 0, nullptr), NMK_INVALID_ARGUMENT);
    nmk_publish_result tiny{};
    tiny.struct_size = sizeof(std::uint32_t);  // does not reach `routed`
    EXPECT_EQ(api->publish_deliver(api->host, global, nmk("_INBOX.x"), &good, 0, &tiny), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->publish_deliver(nullptr, global, nmk("_INBOX.x"), &good, 0, nullptr), NMK_INVALID_ARGUMENT);

    // Batches: all or nothing.
    const nmk_message messages[] = {good, good};
    const nmk_str subjects[] = {nmk("_INBOX.a"), nmk("_INBOX.*")};
    EXPECT_EQ(api->publish_deliver_batch(api->host, global, subjects, messages, 2, 0), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->publish_deliver_batch(api->host, global, nullptr, messages, 2, 0), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->publish_deliver_batch(api->host, global, subjects, nullptr, 2, 0), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->publish_deliver_batch(api->host, 0, subjects, messages, 1, 0), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->publish_deliver_batch(api->host, global, subjects, messages, 1, 0x80), NMK_INVALID_ARGUMENT);
    EXPECT_EQ(api->publish_deliver_batch(api->host, global, nullptr, nullptr, 0, 0), NMK_OK);

    // A good publish afterwards is the only thing that arrives.
    EXPECT_EQ(api->publish_deliver(api->host, global, nmk("_INBOX.ok"), &good, 0, nullptr), NMK_OK);
    ASSERT_TRUE(eventually([&] { return inbox.size() == 1; }));
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(inbox.all(), std::vector<std::string>{"ORDERS.new   x"});
}

TEST_F(PublishDeliver, MatchedByTheDeliverSubjectShownAsItsOwn) {
    Inbox exact, wildcard, original;
    subscribe("_INBOX.x", exact);
    subscribe("_INBOX.*", wildcard);
    subscribe("ORDERS.>", original);
    const std::string headers = "NATS/1.0\r\nNats-Stream: ORDERS\r\n\r\n";
    const nmk_message m = message("ORDERS.new", "hello", "$JS.ACK.ORDERS.C1.1.1.1.1.0", headers);
    nmk_publish_result result{};
    result.struct_size = sizeof result;
    // Off the I/O threads: queued.
    ASSERT_EQ(api->publish_deliver(api->host, global, nmk("_INBOX.x"), &m, 0, &result), NMK_OK);
    EXPECT_EQ(result.routed, 0);
    ASSERT_TRUE(eventually([&] { return exact.size() == 1 && wildcard.size() == 1; }));
    const std::string expected = "ORDERS.new $JS.ACK.ORDERS.C1.1.1.1.1.0 " + headers + " hello";
    EXPECT_EQ(exact.all(), std::vector<std::string>{expected});
    EXPECT_EQ(wildcard.all(), std::vector<std::string>{expected});

    // On an I/O thread: routed before the call returns, counted as publish_ex counts.
    on_io_thread([&] {
        result = {};
        result.struct_size = sizeof result;
        EXPECT_EQ(api->publish_deliver(api->host, global, nmk("_INBOX.x"), &m, 0, &result), NMK_OK);
        EXPECT_EQ(result.routed, 1);
        EXPECT_EQ(result.receivers, 2u);
        EXPECT_EQ(exact.size(), 2u);
        // NO_ECHO: this plugin's own subscriptions are skipped.
        EXPECT_EQ(api->publish_deliver(api->host, global, nmk("_INBOX.x"), &m, NMK_PUBLISH_NO_ECHO, &result), NMK_OK);
        EXPECT_EQ(result.receivers, 0u);
    });
    std::this_thread::sleep_for(20ms);
    EXPECT_EQ(original.size(), 0u) << "not routed by the subject it shows";
}

TEST_F(PublishDeliver, AQueueGroupTakesEachMessageOnce) {
    Inbox a, b;
    subscribe("_INBOX.q", a, "workers");
    subscribe("_INBOX.q", b, "workers");
    constexpr std::uint32_t messages = 50;
    on_io_thread([&] {
        for (std::uint32_t i = 0; i < messages; ++i) {
            const std::string payload = std::to_string(i);
            const nmk_message m = message("ORDERS.q", payload);
            nmk_publish_result result{};
            result.struct_size = sizeof result;
            EXPECT_EQ(api->publish_deliver(api->host, global, nmk("_INBOX.q"), &m, 0, &result), NMK_OK);
            EXPECT_EQ(result.receivers, 1u);
        }
    });
    EXPECT_EQ(a.size() + b.size(), messages);
}

TEST_F(PublishDeliver, ABatchFromAnotherThreadArrivesInOrder) {
    Inbox one, two;
    subscribe("_INBOX.one", one);
    subscribe("_INBOX.two", two);
    constexpr std::size_t count = 2000;
    std::vector<std::string> subjects, payloads;
    for (std::size_t i = 0; i < count; ++i) {
        subjects.push_back("ORDERS." + std::to_string(i));
        payloads.push_back(std::to_string(i));
    }
    std::vector<nmk_message> messages;
    std::vector<nmk_str> delivers;
    for (std::size_t i = 0; i < count; ++i) {
        messages.push_back(message(subjects[i], payloads[i]));
        delivers.push_back(nmk(i % 2 ? "_INBOX.two" : "_INBOX.one"));
    }
    ASSERT_EQ(api->publish_deliver_batch(api->host, global, delivers.data(), messages.data(), count, 0), NMK_OK);
    ASSERT_TRUE(eventually([&] { return one.size() + two.size() == count; }));
    const auto got_one = one.all(), got_two = two.all();
    ASSERT_EQ(got_one.size(), count / 2);
    for (std::size_t i = 0; i < count; ++i) {
        const std::string expected = subjects[i] + "   " + payloads[i];
        EXPECT_EQ(i % 2 ? got_two[i / 2] : got_one[i / 2], expected) << i;
    }
    // The hand-off queue is empty again: every byte counted was released.
    for (std::size_t i = 0; i < server->thread_count(); ++i)
        EXPECT_TRUE(eventually([&] { return server->thread(i).handoff_bytes() == 0; })) << "thread " << i;
}

// A service import on the deliver subject forwards it routed by the mapped
// subject and still shown as its own (nats-server keeps pa.deliver through
// processServiceImport); a JetStream ack reply crosses it as it is.
class PublishDeliverImports : public PublishDeliver {
protected:
    PublishDeliverImports()
        : PublishDeliver("accounts {\n"
                         "  SVC: { exports: [ {service: \"deliver.>\"} ] }\n"
                         "  APP: { imports: [ {service: {account: SVC, subject: \"deliver.>\"}, to: \"in.>\"} ] }\n"
                         "}\n") {}
};

TEST_F(PublishDeliverImports, AServiceImportKeepsTheShownSubject) {
    nmk_account_handle app = 0, svc = 0;
    ASSERT_EQ(api->account_handle(api->host, nmk("APP"), &app), NMK_OK);
    ASSERT_EQ(api->account_handle(api->host, nmk("SVC"), &svc), NMK_OK);
    Inbox exporter;
    subscribe("deliver.>", exporter, {}, svc);
    const nmk_message m = message("ORDERS.new", "via-import", "$JS.ACK.ORDERS.C1.1.1.1.1.0");
    ASSERT_EQ(api->publish_deliver(api->host, app, nmk("in.c1"), &m, 0, nullptr), NMK_OK);
    ASSERT_TRUE(eventually([&] { return exporter.size() == 1; }));
    const auto got = exporter.all()[0];
    EXPECT_TRUE(got.starts_with("ORDERS.new $JS.ACK.ORDERS.C1.1.1.1.1.0 ")) << got;
    EXPECT_TRUE(got.ends_with(" via-import")) << got;
}

// A link gets a deliver-subject message under its deliver subject with the
// shown subject after '@' in the reply, as nats-server's routes carry it, and
// link_publish of such a message decodes it again.
struct LinkInbox {
    std::mutex mutex;
    std::vector<std::string> messages;  // "<subject> <reply> <payload>"
};
void link_message(void* self, std::uint64_t, const nmk_message* m) {
    auto* inbox = static_cast<LinkInbox*>(self);
    std::lock_guard lock(inbox->mutex);
    inbox->messages.push_back(text(m->subject) + " " + text(m->reply) + " " + text(m->payload));
}

TEST_F(PublishDeliver, ALinkCarriesTheShownSubjectInTheReply) {
    LinkInbox received;
    const nmk_link_callbacks callbacks{sizeof(nmk_link_callbacks), &received, nullptr, link_message};
    std::uint64_t link = 0, rid = 0;
    ASSERT_EQ(api->register_link(api->host, nmk("peer"), &callbacks, &link), NMK_OK);
    const nmk_interest remote{nmk("$G"), nmk("_INBOX.remote"), nmk(""), 1};
    ASSERT_EQ(api->add_remote_interest(api->host, link, &remote, &rid), NMK_OK);

    const nmk_message with_reply = message("ORDERS.new", "a", "$JS.ACK.ORDERS.C1.1.1.1.1.0");
    const nmk_message without = message("ORDERS.new", "b");
    ASSERT_EQ(api->publish_deliver(api->host, global, nmk("_INBOX.remote"), &with_reply, 0, nullptr), NMK_OK);
    ASSERT_EQ(api->publish_deliver(api->host, global, nmk("_INBOX.remote"), &without, 0, nullptr), NMK_OK);
    ASSERT_TRUE(eventually([&] {
        std::lock_guard lock(received.mutex);
        return received.messages.size() == 2;
    }));
    {
        std::lock_guard lock(received.mutex);
        EXPECT_EQ(received.messages, (std::vector<std::string>{
                                         "_INBOX.remote $JS.ACK.ORDERS.C1.1.1.1.1.0@ORDERS.new a",
                                         "_INBOX.remote  b",
                                     }));
    }

    // Coming back over the link: routed by the subject, shown as what follows '@'.
    Inbox local;
    subscribe("_INBOX.local", local);
    const nmk_message from_link{nmk("$G"), nmk("_INBOX.local"), nmk("$JS.ACK.ORDERS.C1.1.1.1.2.0@ORDERS.new"),
                                nmk(""), nmk("c")};
    ASSERT_EQ(api->link_publish(api->host, link, &from_link), NMK_OK);
    // Not an ack reply: left as it is.
    const nmk_message plain{nmk("$G"), nmk("_INBOX.local"), nmk("reply@ORDERS.new"), nmk(""), nmk("d")};
    ASSERT_EQ(api->link_publish(api->host, link, &plain), NMK_OK);
    ASSERT_TRUE(eventually([&] { return local.size() == 2; }));
    EXPECT_EQ(local.all(), (std::vector<std::string>{"ORDERS.new $JS.ACK.ORDERS.C1.1.1.1.2.0  c",
                                                     "_INBOX.local reply@ORDERS.new  d"}));
}

}  // namespace
}  // namespace nats::plugins
