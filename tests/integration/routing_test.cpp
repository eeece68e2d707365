// Subject routing end to end: '*' and '>' wildcards, queue groups,
// request/reply and the no-responders status, with raw sockets and libnats.
#include <atomic>
#include <cctype>
#include <map>
#include <thread>

#include "tests/integration/integration_helpers.hpp"

namespace nats::integration {
namespace {

using test_support::NatsConnectionPtr;
using test_support::NatsMsgPtr;
using test_support::nats_connect;
using test_support::nats_msg_data;
using test_support::nats_next_msg;
using test_support::nats_queue_subscribe_sync;
using test_support::nats_subscribe_sync;

// Publishes `subject` from `publisher` and returns the sids `subscriber` got it on.
std::multiset<std::string> delivered_sids(RawClient& publisher, RawClient& subscriber, const std::string& subject) {
    publisher.send(pub(subject, "x"));
    publisher.flush();
    std::multiset<std::string> sids;
    for (const auto& f : subscriber.flush()) {
        EXPECT_EQ(f.kind, Frame::Kind::msg) << f.line;
        EXPECT_EQ(f.subject, subject);
        sids.insert(f.sid);
    }
    return sids;
}

TEST(Routing, WildcardsMatchByToken) {
    auto server = start_server();
    RawClient sub(server->port());
    sub.connect();
    // sid: 1 foo.*   2 foo.>   3 >   4 *.bar   5 foo   6 foo.*.baz
    sub.send("SUB foo.* 1\r\nSUB foo.> 2\r\nSUB > 3\r\nSUB *.bar 4\r\nSUB foo 5\r\nSUB foo.*.baz 6\r\n");
    sub.flush();
    RawClient p(server->port());
    p.connect();
    using Sids = std::multiset<std::string>;
    EXPECT_EQ(delivered_sids(p, sub, "foo"), (Sids{"3", "5"}));
    EXPECT_EQ(delivered_sids(p, sub, "foo.bar"), (Sids{"1", "2", "3", "4"}));
    EXPECT_EQ(delivered_sids(p, sub, "foo.bar.baz"), (Sids{"2", "3", "6"}));
    EXPECT_EQ(delivered_sids(p, sub, "foo.bar.qux"), (Sids{"2", "3"}));
    EXPECT_EQ(delivered_sids(p, sub, "x.bar"), (Sids{"3", "4"}));
    EXPECT_EQ(delivered_sids(p, sub, "x.y.bar"), (Sids{"3"}));
    EXPECT_EQ(delivered_sids(p, sub, "bar"), (Sids{"3"}));
}

TEST(Routing, ReplySubjectIsPassedThrough) {
    auto server = start_server();
    RawClient sub(server->port());
    sub.connect();
    sub.send("SUB svc.* 4\r\n");
    sub.flush();
    RawClient p(server->port());
    p.connect();
    p.send(pub("svc.echo", "ping!", "_INBOX.abc.1"));
    const Frame m = sub.expect_msg();
    EXPECT_EQ(m.line, "MSG svc.echo 4 _INBOX.abc.1 5");
    EXPECT_EQ(m.payload, "ping!");
}

TEST(Routing, UnsubStopsDelivery) {
    auto server = start_server();
    RawClient c(server->port());
    c.connect();
    c.send("SUB foo 1\r\nSUB foo 2\r\nUNSUB 1\r\n" + pub("foo", "x"));
    const auto frames = c.flush();
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].sid, "2");
}

TEST(Routing, QueueGroupsDeliverEachMessageToOneMemberPerGroup) {
    auto server = start_server();
    constexpr int kMessages = 90;
    // Group "workers" has three members on three connections, group "audit"
    // two, and one plain subscriber listens too.
    std::vector<std::unique_ptr<RawClient>> workers, audit;
    for (int i = 0; i < 3; ++i) {
        workers.push_back(std::make_unique<RawClient>(server->port()));
        workers.back()->connect();
        workers.back()->send("SUB jobs.* workers 1\r\n");
        workers.back()->flush();
    }
    for (int i = 0; i < 2; ++i) {
        audit.push_back(std::make_unique<RawClient>(server->port()));
        audit.back()->connect();
        audit.back()->send("SUB jobs.> audit 1\r\n");
        audit.back()->flush();
    }
    RawClient plain(server->port());
    plain.connect();
    plain.send("SUB jobs.* 1\r\n");
    plain.flush();

    RawClient p(server->port());
    p.connect();
    std::string batch;
    for (int i = 0; i < kMessages; ++i) batch += pub("jobs.run", std::to_string(i));
    p.send(batch);
    p.flush();

    auto collect = [](std::vector<std::unique_ptr<RawClient>>& members) {
        std::map<std::string, int> seen; // payload -> times delivered in the group
        std::vector<int> per_member;
        for (auto& m : members) {
            int n = 0;
            for (const auto& f : m->flush()) {
                EXPECT_EQ(f.line.rfind("MSG jobs.run 1 ", 0), 0u) << f.line;
                ++seen[f.payload];
                ++n;
            }
            per_member.push_back(n);
        }
        return std::make_pair(seen, per_member);
    };
    for (auto* group : {&workers, &audit}) {
        const auto [seen, per_member] = collect(*group);
        EXPECT_EQ(seen.size(), static_cast<std::size_t>(kMessages));
        for (const auto& [payload, times] : seen) EXPECT_EQ(times, 1) << "payload " << payload;
        // The server picks a member at random per message: with 90 messages
        // every member gets some.
        for (int n : per_member) EXPECT_GT(n, 0);
    }
    EXPECT_EQ(plain.flush().size(), static_cast<std::size_t>(kMessages));
}

TEST(Routing, QueueGroupWithLibnats) {
    auto server = start_server();
    auto a = nats_connect(server->url());
    auto b = nats_connect(server->url());
    auto pub_conn = nats_connect(server->url());
    auto qa = nats_queue_subscribe_sync(a.get(), "orders", "q");
    auto qb = nats_queue_subscribe_sync(b.get(), "orders", "q");
    test_support::nats_check(natsConnection_Flush(a.get()), "flush a");
    test_support::nats_check(natsConnection_Flush(b.get()), "flush b");
    constexpr int kMessages = 40;
    for (int i = 0; i < kMessages; ++i) {
        test_support::nats_check(natsConnection_PublishString(pub_conn.get(), "orders", std::to_string(i).c_str()),
                                 "publish");
    }
    test_support::nats_check(natsConnection_Flush(pub_conn.get()), "flush publisher");
    std::set<std::string> got;
    int total = 0;
    for (auto* sub : {qa.get(), qb.get()}) {
        // Both flushes above were answered, so messages still pending arrive promptly.
        while (NatsMsgPtr m = nats_next_msg(sub, 300ms)) {
            got.insert(nats_msg_data(m.get()));
            ++total;
        }
    }
    EXPECT_EQ(total, kMessages);
    EXPECT_EQ(got.size(), static_cast<std::size_t>(kMessages));
}

TEST(Routing, WildcardSubscriptionWithLibnats) {
    auto server = start_server();
    auto nc = nats_connect(server->url());
    auto sub = nats_subscribe_sync(nc.get(), "metrics.>");
    for (const char* subject : {"metrics", "metrics.cpu", "metrics.cpu.core0", "other.cpu"}) {
        test_support::nats_check(natsConnection_PublishString(nc.get(), subject, subject), "publish");
    }
    test_support::nats_check(natsConnection_Flush(nc.get()), "flush");
    std::vector<std::string> subjects;
    while (NatsMsgPtr m = nats_next_msg(sub.get(), 300ms)) subjects.push_back(natsMsg_GetSubject(m.get()));
    EXPECT_EQ(subjects, (std::vector<std::string>{"metrics.cpu", "metrics.cpu.core0"}));
}

TEST(Routing, RequestReplyWithLibnats) {
    auto server = start_server();
    auto service = nats_connect(server->url());
    auto requests = nats_subscribe_sync(service.get(), "svc.upper");
    test_support::nats_check(natsConnection_Flush(service.get()), "flush service");

    std::atomic<bool> responder_ok{false};
    std::thread responder([&] {
        NatsMsgPtr req = nats_next_msg(requests.get(), 5s);
        if (!req || natsMsg_GetReply(req.get()) == nullptr) return;
        std::string text = nats_msg_data(req.get());
        for (char& ch : text) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        const char* reply = natsMsg_GetReply(req.get());
        responder_ok = natsConnection_PublishString(service.get(), reply, text.c_str()) == NATS_OK &&
                       natsConnection_Flush(service.get()) == NATS_OK;
    });

    auto client = nats_connect(server->url());
    natsMsg* raw_reply = nullptr;
    const natsStatus s = natsConnection_RequestString(&raw_reply, client.get(), "svc.upper", "hello", 5000);
    NatsMsgPtr reply(raw_reply);
    responder.join();
    ASSERT_EQ(s, NATS_OK) << natsStatus_GetText(s);
    EXPECT_TRUE(responder_ok);
    EXPECT_EQ(nats_msg_data(reply.get()), "HELLO");
}

TEST(Routing, NoRespondersWithLibnats) {
    auto server = start_server();
    auto client = nats_connect(server->url());
    natsMsg* raw_reply = nullptr;
    const auto start = std::chrono::steady_clock::now();
    const natsStatus s = natsConnection_RequestString(&raw_reply, client.get(), "nobody.home", "hi", 5000);
    NatsMsgPtr reply(raw_reply);
    EXPECT_EQ(s, NATS_NO_RESPONDERS) << natsStatus_GetText(s);
    // Answered by the server at once, not by the request timing out.
    EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

TEST(Routing, RawRequesterGetsLibnatsReply) {
    auto server = start_server();
    auto service = nats_connect(server->url());
    auto requests = nats_subscribe_sync(service.get(), "time.now");
    test_support::nats_check(natsConnection_Flush(service.get()), "flush");
    RawClient c(server->port());
    c.connect({{"headers", true}, {"no_responders", true}});
    c.send("SUB _INBOX.me 1\r\n" + pub("time.now", "", "_INBOX.me"));
    NatsMsgPtr req = nats_next_msg(requests.get(), 2s);
    ASSERT_TRUE(req);
    ASSERT_STREQ(natsMsg_GetReply(req.get()), "_INBOX.me");
    test_support::nats_check(natsConnection_PublishString(service.get(), "_INBOX.me", "noon"), "reply");
    const Frame m = c.expect_msg();
    EXPECT_EQ(m.line, "MSG _INBOX.me 1 4");
    EXPECT_EQ(m.payload, "noon");
}

} // namespace
} // namespace nats::integration
