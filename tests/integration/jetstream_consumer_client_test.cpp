// JetStream consumers through the official C client (libnats 3.4): pull subscriptions
// with Fetch, push subscriptions with callbacks and acks, ordered consumers, queue push,
// each against our server and against nats-server 2.9.10.
#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {
namespace {

using namespace std::chrono_literals;
using test_support::nats_check;
using test_support::nats_connect;


class JetStreamConsumerClient : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = start_jetstream(store_);
        nc_ = nats_connect(server_->url());
        jsCtx* js = nullptr;
        nats_check(natsConnection_JetStream(&js, nc_.get(), nullptr), "JetStream context");
        js_.reset(js);
    }

    void add_stream(const char* name, const char* subject, jsRetentionPolicy retention = js_LimitsPolicy) {
        jsStreamConfig cfg;
        jsStreamConfig_Init(&cfg);
        cfg.Name = name;
        const char* subjects[] = {subject};
        cfg.Subjects = subjects;
        cfg.SubjectsLen = 1;
        cfg.Retention = retention;
        jsStreamInfo* si = nullptr;
        nats_check(js_AddStream(&si, js_.get(), &cfg, nullptr, nullptr), "js_AddStream");
        jsStreamInfo_Destroy(si);
    }

    void publish(const char* subject, const std::string& payload) {
        jsPubAck* pa = nullptr;
        nats_check(js_Publish(&pa, js_.get(), subject, payload.data(), static_cast<int>(payload.size()), nullptr, nullptr),
                   "js_Publish");
        jsPubAck_Destroy(pa);
    }

    ConsumerInfoPtr consumer_info(const char* stream, const char* consumer) {
        jsConsumerInfo* ci = nullptr;
        nats_check(js_GetConsumerInfo(&ci, js_.get(), stream, consumer, nullptr, nullptr), "js_GetConsumerInfo");
        return ConsumerInfoPtr(ci);
    }

    test_support::TempDir store_;
    std::unique_ptr<ServerProcess> server_;
    test_support::NatsConnectionPtr nc_;
    JsCtxPtr js_;
};

TEST_F(JetStreamConsumerClient, PullSubscribeFetchesInBatchesAndAcks) {
    add_stream("ORDERS", "orders.>");
    for (int i = 1; i <= 25; ++i) publish("orders.new", "order-" + std::to_string(i));

    natsSubscription* raw = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    nats_check(js_PullSubscribe(&raw, js_.get(), "orders.>", "worker", nullptr, nullptr, &jerr), "js_PullSubscribe");
    SubPtr sub(raw);
    int seen = 0;
    while (seen < 25) {
        natsMsgList list{};
        nats_check(natsSubscription_Fetch(&list, sub.get(), 10, 5000, &jerr), "Fetch");
        ASSERT_GT(list.Count, 0);
        for (int i = 0; i < list.Count; ++i) {
            ++seen;
            EXPECT_EQ(std::string(natsMsg_GetSubject(list.Msgs[i])), "orders.new");
            EXPECT_EQ(std::string(natsMsg_GetData(list.Msgs[i]), natsMsg_GetDataLength(list.Msgs[i])),
                      "order-" + std::to_string(seen));
            jsMsgMetaData* meta = nullptr;
            nats_check(natsMsg_GetMetaData(&meta, list.Msgs[i]), "metadata");
            EXPECT_EQ(meta->Sequence.Stream, static_cast<uint64_t>(seen));
            EXPECT_EQ(meta->NumPending, static_cast<uint64_t>(25 - seen));
            EXPECT_EQ(std::string(meta->Consumer), "worker");
            jsMsgMetaData_Destroy(meta);
            nats_check(natsMsg_AckSync(list.Msgs[i], nullptr, &jerr), "AckSync");
        }
        natsMsgList_Destroy(&list);
    }
    // Nothing left: a Fetch times out.
    natsMsgList empty{};
    EXPECT_EQ(natsSubscription_Fetch(&empty, sub.get(), 5, 300, &jerr), NATS_TIMEOUT);
    natsMsgList_Destroy(&empty);

    const auto ci = consumer_info("ORDERS", "worker");
    EXPECT_EQ(ci->Delivered.Stream, 25u);
    EXPECT_EQ(ci->AckFloor.Stream, 25u);
    EXPECT_EQ(ci->NumAckPending, 0);
    EXPECT_EQ(ci->NumPending, 0u);
}

TEST_F(JetStreamConsumerClient, PushSubscribeWithCallbackAutoAcks) {
    add_stream("EVENTS", "events.>");
    struct State {
        std::mutex mutex;
        std::vector<std::string> got;
    } state;
    natsSubscription* raw = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Config.Durable = "audit";
    nats_check(js_Subscribe(
                   &raw, js_.get(), "events.>",
                   [](natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
                       auto* s = static_cast<State*>(closure);
                       std::lock_guard lock(s->mutex);
                       s->got.emplace_back(natsMsg_GetSubject(msg));
                       natsMsg_Destroy(msg);
                   },
                   &state, nullptr, &so, &jerr),
               "js_Subscribe");
    SubPtr sub(raw);
    for (int i = 0; i < 20; ++i) publish(i % 2 ? "events.b" : "events.a", "e" + std::to_string(i));
    for (int i = 0; i < 100; ++i) {
        {
            std::lock_guard lock(state.mutex);
            if (state.got.size() >= 20) break;
        }
        std::this_thread::sleep_for(50ms);
    }
    {
        std::lock_guard lock(state.mutex);
        ASSERT_EQ(state.got.size(), 20u);
        EXPECT_EQ(state.got[0], "events.a");
        EXPECT_EQ(state.got[1], "events.b");
    }
    // The library acks after the callback: the consumer's floor reaches the end.
    for (int i = 0; i < 50; ++i) {
        if (consumer_info("EVENTS", "audit")->AckFloor.Stream == 20u) break;
        std::this_thread::sleep_for(50ms);
    }
    const auto ci = consumer_info("EVENTS", "audit");
    EXPECT_EQ(ci->AckFloor.Stream, 20u);
    EXPECT_EQ(ci->NumAckPending, 0);
    EXPECT_TRUE(ci->PushBound);
}

TEST_F(JetStreamConsumerClient, NakRedeliversAndMetadataCountsIt) {
    add_stream("TASKS", "tasks.>", js_WorkQueuePolicy);
    publish("tasks.x", "job");
    natsSubscription* raw = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    nats_check(js_PullSubscribe(&raw, js_.get(), "tasks.>", "w", nullptr, nullptr, &jerr), "js_PullSubscribe");
    SubPtr sub(raw);
    natsMsgList first{};
    nats_check(natsSubscription_Fetch(&first, sub.get(), 1, 5000, &jerr), "Fetch");
    ASSERT_EQ(first.Count, 1);
    nats_check(natsMsg_Nak(first.Msgs[0], nullptr), "Nak");
    natsMsgList_Destroy(&first);
    natsMsgList again{};
    nats_check(natsSubscription_Fetch(&again, sub.get(), 1, 5000, &jerr), "Fetch again");
    ASSERT_EQ(again.Count, 1);
    jsMsgMetaData* meta = nullptr;
    nats_check(natsMsg_GetMetaData(&meta, again.Msgs[0]), "metadata");
    EXPECT_EQ(meta->NumDelivered, 2u);
    EXPECT_EQ(meta->Sequence.Stream, 1u);
    jsMsgMetaData_Destroy(meta);
    nats_check(natsMsg_AckSync(again.Msgs[0], nullptr, &jerr), "AckSync");
    natsMsgList_Destroy(&again);
    // Work queue: the acked job is gone from the stream.
    jsStreamInfo* si = nullptr;
    nats_check(js_GetStreamInfo(&si, js_.get(), "TASKS", nullptr, nullptr), "stream info");
    EXPECT_EQ(si->State.Msgs, 0u);
    jsStreamInfo_Destroy(si);
}

TEST_F(JetStreamConsumerClient, OrderedConsumerReplaysEverythingInOrder) {
    add_stream("LOG", "log.>");
    for (int i = 1; i <= 50; ++i) publish("log.line", std::to_string(i));
    natsSubscription* raw = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Ordered = true;
    nats_check(js_SubscribeSync(&raw, js_.get(), "log.>", nullptr, &so, &jerr), "ordered js_SubscribeSync");
    SubPtr sub(raw);
    for (int i = 1; i <= 50; ++i) {
        natsMsg* m = nullptr;
        nats_check(natsSubscription_NextMsg(&m, sub.get(), 5000), "NextMsg");
        EXPECT_EQ(std::string(natsMsg_GetData(m), natsMsg_GetDataLength(m)), std::to_string(i));
        natsMsg_Destroy(m);
    }
}

TEST_F(JetStreamConsumerClient, QueuePushSharesTheMessages) {
    add_stream("JOBS", "jobs.>");
    std::atomic<int> a{0}, b{0};
    const auto count = [](natsConnection*, natsSubscription*, natsMsg* msg, void* closure) {
        static_cast<std::atomic<int>*>(closure)->fetch_add(1);
        natsMsg_Destroy(msg);
    };
    natsSubscription* ra = nullptr;
    natsSubscription* rb = nullptr;
    jsErrCode jerr = static_cast<jsErrCode>(0);
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Queue = "crew";
    nats_check(js_Subscribe(&ra, js_.get(), "jobs.>", count, &a, nullptr, &so, &jerr), "queue a");
    SubPtr sa(ra);
    nats_check(js_Subscribe(&rb, js_.get(), "jobs.>", count, &b, nullptr, &so, &jerr), "queue b");
    SubPtr sb(rb);
    for (int i = 0; i < 40; ++i) publish("jobs.run", "j");
    for (int i = 0; i < 100 && a + b < 40; ++i) std::this_thread::sleep_for(50ms);
    EXPECT_EQ(a + b, 40);  // each message to one member only
}

}  // namespace
}  // namespace nats::integration
