// JetStream streams through the official C client (libnats 3.4's js_* API): the calls an
// application makes, unchanged, against our server and against nats-server 2.9.10.
#include <atomic>
#include <thread>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {
namespace {

using test_support::nats_check;
using test_support::nats_connect;
using test_support::nats_msg_data;

class JetStreamClient : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = start_jetstream(store_);
        nc_ = nats_connect(server_->url());
        jsCtx* js = nullptr;
        nats_check(natsConnection_JetStream(&js, nc_.get(), nullptr), "JetStream context");
        js_.reset(js);
    }

    StreamInfoPtr add_stream(const char* name, const char* subject, jsStorageType storage, jsErrCode* err = nullptr) {
        jsStreamConfig cfg;
        jsStreamConfig_Init(&cfg);
        cfg.Name = name;
        const char* subjects[] = {subject};
        cfg.Subjects = subjects;
        cfg.SubjectsLen = 1;
        cfg.Storage = storage;
        cfg.AllowDirect = true;
        jsStreamInfo* si = nullptr;
        jsErrCode code = static_cast<jsErrCode>(0);
        const natsStatus s = js_AddStream(&si, js_.get(), &cfg, nullptr, &code);
        if (err != nullptr) *err = code;
        if (s != NATS_OK && err == nullptr) nats_check(s, "js_AddStream");
        return StreamInfoPtr(si);
    }

    test_support::TempDir store_;
    std::unique_ptr<ServerProcess> server_;
    test_support::NatsConnectionPtr nc_;
    JsCtxPtr js_;
};

TEST_F(JetStreamClient, AddPublishInfoGetDelete) {
    for (jsStorageType storage : {js_FileStorage, js_MemoryStorage}) {
        SCOPED_TRACE(storage == js_FileStorage ? "file" : "memory");
        const std::string name = storage == js_FileStorage ? "FILE" : "MEM";
        const std::string subject = name + ".>";
        auto si = add_stream(name.c_str(), subject.c_str(), storage);
        ASSERT_NE(si, nullptr);
        EXPECT_EQ(si->Config->Storage, storage);
        EXPECT_EQ(si->State.Msgs, 0u);

        for (int i = 1; i <= 50; ++i) {
            jsPubAck* pa = nullptr;
            const std::string data = "msg " + std::to_string(i);
            nats_check(js_Publish(&pa, js_.get(), (name + ".a").c_str(), data.data(), static_cast<int>(data.size()), nullptr,
                                  nullptr),
                       "js_Publish");
            PubAckPtr ack(pa);
            EXPECT_EQ(ack->Sequence, static_cast<uint64_t>(i));
            EXPECT_STREQ(ack->Stream, name.c_str());
            EXPECT_FALSE(ack->Duplicate);
        }
        jsStreamInfo* raw = nullptr;
        nats_check(js_GetStreamInfo(&raw, js_.get(), name.c_str(), nullptr, nullptr), "js_GetStreamInfo");
        StreamInfoPtr info(raw);
        EXPECT_EQ(info->State.Msgs, 50u);
        EXPECT_EQ(info->State.FirstSeq, 1u);
        EXPECT_EQ(info->State.LastSeq, 50u);

        natsMsg* m = nullptr;
        nats_check(js_GetMsg(&m, js_.get(), name.c_str(), 7, nullptr, nullptr), "js_GetMsg");
        EXPECT_EQ(nats_msg_data(MsgPtr(m).get()), "msg 7");
        nats_check(js_GetLastMsg(&m, js_.get(), name.c_str(), (name + ".a").c_str(), nullptr, nullptr), "js_GetLastMsg");
        EXPECT_EQ(nats_msg_data(MsgPtr(m).get()), "msg 50");
        jsDirectGetMsgOptions dg;
        jsDirectGetMsgOptions_Init(&dg);
        dg.Sequence = 3;
        nats_check(js_DirectGetMsg(&m, js_.get(), name.c_str(), nullptr, &dg), "js_DirectGetMsg");
        EXPECT_EQ(nats_msg_data(MsgPtr(m).get()), "msg 3");

        nats_check(js_DeleteMsg(js_.get(), name.c_str(), 3, nullptr, nullptr), "js_DeleteMsg");
        nats_check(js_PurgeStream(js_.get(), name.c_str(), nullptr, nullptr), "js_PurgeStream");
        nats_check(js_GetStreamInfo(&raw, js_.get(), name.c_str(), nullptr, nullptr), "js_GetStreamInfo");
        info.reset(raw);
        EXPECT_EQ(info->State.Msgs, 0u);
        EXPECT_EQ(info->State.FirstSeq, 51u);
        nats_check(js_DeleteStream(js_.get(), name.c_str(), nullptr, nullptr), "js_DeleteStream");
        jsErrCode err = static_cast<jsErrCode>(0);
        EXPECT_EQ(js_GetStreamInfo(&raw, js_.get(), name.c_str(), nullptr, &err), NATS_NOT_FOUND);
    }
}

TEST_F(JetStreamClient, ErrorCodesReachTheClient) {
    add_stream("S", "s.>", js_FileStorage);
    jsErrCode err = static_cast<jsErrCode>(0);
    jsStreamConfig cfg;
    jsStreamConfig_Init(&cfg);
    cfg.Name = "S";
    const char* other[] = {"other"};
    cfg.Subjects = other;
    cfg.SubjectsLen = 1;
    jsStreamInfo* si = nullptr;
    EXPECT_NE(js_AddStream(&si, js_.get(), &cfg, nullptr, &err), NATS_OK);
    EXPECT_EQ(err, JSStreamNameExistErr);

    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.ExpectLastSeq = 9;
    jsPubAck* pa = nullptr;
    err = static_cast<jsErrCode>(0);
    EXPECT_NE(js_Publish(&pa, js_.get(), "s.x", "x", 1, &po, &err), NATS_OK);
    EXPECT_EQ(err, JSStreamWrongLastSequenceErr);

    jsPubOptions_Init(&po);
    po.MsgId = "once";
    nats_check(js_Publish(&pa, js_.get(), "s.x", "x", 1, &po, nullptr), "first");
    PubAckPtr first(pa);
    nats_check(js_Publish(&pa, js_.get(), "s.x", "x", 1, &po, nullptr), "again");
    PubAckPtr again(pa);
    EXPECT_EQ(again->Sequence, first->Sequence);
    EXPECT_TRUE(again->Duplicate);
}

TEST_F(JetStreamClient, AsyncPublishWindowIsAcknowledgedInOrder) {
    add_stream("ASYNC", "async", js_FileStorage);
    constexpr int count = 2000;
    for (int i = 0; i < count; ++i) {
        nats_check(js_PublishAsync(js_.get(), "async", "payload", 7, nullptr), "js_PublishAsync");
    }
    jsPubOptions po;
    jsPubOptions_Init(&po);
    po.MaxWait = 10000;
    nats_check(js_PublishAsyncComplete(js_.get(), &po), "js_PublishAsyncComplete");
    jsStreamInfo* raw = nullptr;
    nats_check(js_GetStreamInfo(&raw, js_.get(), "ASYNC", nullptr, nullptr), "js_GetStreamInfo");
    StreamInfoPtr info(raw);
    EXPECT_EQ(info->State.Msgs, static_cast<uint64_t>(count));
    EXPECT_EQ(info->State.LastSeq, static_cast<uint64_t>(count));
}

}  // namespace
}  // namespace nats::integration
