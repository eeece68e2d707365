// JetStream push consumers that pace their deliveries: `rate_limit_bps` (Go's token bucket:
// a burst of the stream's max_msg_size, or the server's max_payload, then the rate) and
// `replay_policy: original` (the gaps the messages were stored with, until the consumer
// has caught up). Time bounds are one-sided where the machine's load could stretch them:
// "not sooner than" is exact up to a small margin, "not later than" is generous.
// Every test also runs against nats-server 2.9.10 (NMK_SERVER_BIN=/usr/sbin/nats-server).
#include <thread>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {
namespace {

using namespace std::chrono_literals;

class JetStreamConsumerPacing : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = start_jetstream(store_);
        js_ = std::make_unique<JsClient>(server_->port());
    }

    void create(std::string_view subject, std::string_view body) {
        const json reply = js_->reply_json(subject, body);
        ASSERT_FALSE(reply.contains("error")) << reply.dump();
    }

    // A client subscribed to `deliver_subject` before the consumer exists.
    std::unique_ptr<RawClient> subscriber(std::string_view deliver_subject) {
        auto sub = std::make_unique<RawClient>(server_->port());
        sub->connect({{"headers", true}});
        sub->send("SUB " + std::string(deliver_subject) + " 1\r\n");
        sub->flush();
        return sub;
    }

    static std::size_t wire_size(const Frame& f) {
        // What the limiter counts: subject, ack reply, headers and payload.
        return f.subject.size() + f.reply.size() + f.headers.size() + f.payload.size();
    }

    test_support::TempDir store_;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<JsClient> js_;
};

TEST_F(JetStreamConsumerPacing, RateLimitSpendsTheBurstThenPacesToTheRate) {
    // max_msg_size 1000 makes the burst 1000 bytes; 10 messages of ~240 bytes at
    // 16000 bps (2000 bytes/s) then need (total - 1000) / 2000 seconds at least.
    create("$JS.API.STREAM.CREATE.R", R"({"name":"R","subjects":["r.>"],"storage":"memory","max_msg_size":1000})");
    constexpr int count = 10;
    for (int i = 0; i < count; ++i) js_->reply("r.a", std::string(200, 'x'));
    auto sub = subscriber("dlv.r");
    create("$JS.API.CONSUMER.CREATE.R.L",
           R"({"stream_name":"R","config":{"name":"L","deliver_subject":"dlv.r","rate_limit_bps":16000}})");
    std::vector<TimedFrame> got;
    std::size_t total = 0;
    for (int i = 0; i < count; ++i) {
        got.push_back(next_message(*sub, 10s));
        total += wire_size(got.back().frame);
        EXPECT_EQ(ack_token(got.back().frame.reply, 5), static_cast<std::uint64_t>(i + 1));
    }
    const double minimum = (static_cast<double>(total) - 1000.0) / 2000.0;
    ASSERT_GT(minimum, 0.5);
    const double took = seconds_between(got.front(), got.back());
    EXPECT_GE(took, minimum - 0.05) << "paced too fast";
    EXPECT_LT(took, minimum + 5.0);
}

TEST_F(JetStreamConsumerPacing, RateLimitBurstIsTheServersMaxPayloadWithoutMaxMsgSize) {
    // 80 bps is 10 bytes/s: paced, five messages of ~240 bytes would take two minutes.
    // Without max_msg_size the burst is max_payload (1 MiB), so they all go at once.
    create("$JS.API.STREAM.CREATE.W", R"({"name":"W","subjects":["w.>"],"storage":"memory"})");
    for (int i = 0; i < 5; ++i) js_->reply("w.a", std::string(200, 'y'));
    auto sub = subscriber("dlv.w");
    create("$JS.API.CONSUMER.CREATE.W.B", R"({"stream_name":"W","config":{"name":"B","deliver_subject":"dlv.w","rate_limit_bps":80}})");
    for (int i = 0; i < 5; ++i) EXPECT_EQ(ack_token(next_message(*sub, 5s).frame.reply, 5), static_cast<std::uint64_t>(i + 1));
}

TEST(JetStreamConsumerRateBurst, AConfiguredMaxPayloadIsTheBurst) {
    // max_payload 600: two messages of ~240 bytes fit the bucket, the third owes ~120
    // bytes at 10 bytes/s (80 bps) and cannot come within 1.5 s.
    test_support::TempDir store;
    auto server = start_jetstream(store, "max_payload: 600\n");
    JsClient js(server->port());
    ASSERT_FALSE(js.reply_json("$JS.API.STREAM.CREATE.W", R"({"name":"W","subjects":["w.>"],"storage":"memory"})").contains("error"));
    for (int i = 0; i < 3; ++i) js.reply("w.a", std::string(200, 'z'));
    RawClient sub(server->port());
    sub.connect({{"headers", true}});
    sub.send("SUB dlv.m 1\r\n");
    sub.flush();
    ASSERT_FALSE(js.reply_json("$JS.API.CONSUMER.CREATE.W.M",
                               R"({"stream_name":"W","config":{"name":"M","deliver_subject":"dlv.m","rate_limit_bps":80}})")
                     .contains("error"));
    EXPECT_EQ(ack_token(next_message(sub, 5s).frame.reply, 5), 1u);
    EXPECT_EQ(ack_token(next_message(sub, 5s).frame.reply, 5), 2u);
    EXPECT_THROW(next_message(sub, 1500ms), std::runtime_error);
}

TEST_F(JetStreamConsumerPacing, ARateUpdateStartsAFreshBucketAfterTheHeldMessage) {
    // 800 bps is 100 bytes/s: four of ~240 bytes fit the 1000-byte burst, the fifth owes
    // ~200 bytes and is held for ~2 s. An update to a high rate does not cut that wait
    // short (nats-server sleeps through it), but what comes after uses the new rate.
    create("$JS.API.STREAM.CREATE.R", R"({"name":"R","subjects":["r.>"],"storage":"memory","max_msg_size":1000})");
    for (int i = 0; i < 5; ++i) js_->reply("r.a", std::string(200, 'x'));
    auto sub = subscriber("dlv.u");
    const std::string config = R"({"stream_name":"R","config":{"name":"U","deliver_subject":"dlv.u","rate_limit_bps":)";
    create("$JS.API.CONSUMER.CREATE.R.U", config + "800}}");
    std::vector<TimedFrame> got;
    std::size_t total = 0;
    for (int i = 0; i < 4; ++i) {
        got.push_back(next_message(*sub, 5s));
        total += wire_size(got.back().frame);
    }
    create("$JS.API.CONSUMER.CREATE.R.U", config + "80000000}}");
    EXPECT_EQ(js_->reply_json("$JS.API.CONSUMER.INFO.R.U")["config"]["rate_limit_bps"], 80000000);
    got.push_back(next_message(*sub, 10s));
    total += wire_size(got.back().frame);
    const double owed = (static_cast<double>(total) - 1000.0) / 100.0;
    ASSERT_GT(owed, 1.5);
    EXPECT_GE(seconds_between(got.front(), got.back()), owed - 0.05) << "the held message was let go early";
    // The new bucket is full: the next five go at once (1200 bytes at 10 MB/s).
    for (int i = 0; i < 5; ++i) js_->reply("r.a", std::string(200, 'x'));
    const TimedFrame first = next_message(*sub, 5s);
    TimedFrame last = first;
    for (int i = 1; i < 5; ++i) last = next_message(*sub, 5s);
    EXPECT_LT(seconds_between(first, last), 1.0);
}

TEST_F(JetStreamConsumerPacing, NoHeartbeatWhileAMessageIsHeldOneRightAfter) {
    // nats-server waits for a replay gap (or the rate limit) with the message in hand and
    // sends no idle heartbeat meanwhile; the one that fell due follows the message.
    create("$JS.API.STREAM.CREATE.P", R"({"name":"P","subjects":["p.>"],"storage":"memory"})");
    js_->reply("p.a", "one");
    std::this_thread::sleep_for(1200ms);
    js_->reply("p.a", "two");
    auto sub = subscriber("dlv.h");
    create("$JS.API.CONSUMER.CREATE.P.H",
           R"({"stream_name":"P","config":{"name":"H","deliver_subject":"dlv.h","replay_policy":"original","idle_heartbeat":200000000}})");
    EXPECT_EQ(sub->read_frame(5s).payload, "one");
    const Frame two = sub->read_frame(5s);
    EXPECT_EQ(two.payload, "two") << two.headers;
    EXPECT_EQ(sub->read_frame(5s).headers, "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 2\r\nNats-Last-Stream: 2\r\n\r\n");
    // Idle now: heartbeats as usual.
    EXPECT_EQ(sub->read_frame(5s).headers, "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 2\r\nNats-Last-Stream: 2\r\n\r\n");
}

TEST_F(JetStreamConsumerPacing, PullConsumersReplayTheGapsToo) {
    create("$JS.API.STREAM.CREATE.P", R"({"name":"P","subjects":["p.>"],"storage":"memory"})");
    for (int i = 0; i < 3; ++i) {
        if (i > 0) std::this_thread::sleep_for(400ms);
        js_->reply("p.a", std::to_string(i));
    }
    create("$JS.API.CONSUMER.DURABLE.CREATE.P.D",
           R"({"stream_name":"P","config":{"durable_name":"D","ack_policy":"explicit","replay_policy":"original"}})");
    RawClient puller(server_->port());
    puller.connect({{"headers", true}});
    puller.send("SUB in.replay 1\r\n");
    puller.flush();
    puller.send(pub("$JS.API.CONSUMER.MSG.NEXT.P.D", R"({"batch":3,"expires":5000000000})", "in.replay"));
    std::vector<TimedFrame> got;
    for (int i = 0; i < 3; ++i) got.push_back(next_message(puller, 5s));
    for (int i = 1; i < 3; ++i) {
        const double stored = static_cast<double>(ack_token(got[i].frame.reply, 7) - ack_token(got[i - 1].frame.reply, 7)) / 1e9;
        EXPECT_GE(seconds_between(got[i - 1], got[i]), stored - 0.05) << "message " << i;
        EXPECT_LT(seconds_between(got[i - 1], got[i]), stored + 2.0) << "message " << i;
    }
}

TEST_F(JetStreamConsumerPacing, ReplayOriginalKeepsTheStoredGapsAndInstantDoesNot) {
    create("$JS.API.STREAM.CREATE.P", R"({"name":"P","subjects":["p.>"],"storage":"memory"})");
    constexpr int count = 4;
    for (int i = 0; i < count; ++i) {
        if (i > 0) std::this_thread::sleep_for(400ms);
        js_->reply("p.a", std::to_string(i));
    }
    auto original = subscriber("dlv.o");
    create("$JS.API.CONSUMER.CREATE.P.O",
           R"({"stream_name":"P","config":{"name":"O","deliver_subject":"dlv.o","replay_policy":"original"}})");
    std::vector<TimedFrame> replayed;
    for (int i = 0; i < count; ++i) replayed.push_back(next_message(*original, 5s));
    double stored_total = 0;
    for (int i = 1; i < count; ++i) {
        // The stored gap, from the times in the ack subjects.
        const double stored = static_cast<double>(ack_token(replayed[i].frame.reply, 7) -
                                                  ack_token(replayed[i - 1].frame.reply, 7)) / 1e9;
        stored_total += stored;
        ASSERT_GE(stored, 0.39);
        const double gap = seconds_between(replayed[i - 1], replayed[i]);
        EXPECT_GE(gap, stored - 0.05) << "message " << i;
        EXPECT_LT(gap, stored + 2.0) << "message " << i;
    }

    auto instant = subscriber("dlv.i");
    create("$JS.API.CONSUMER.CREATE.P.I", R"({"stream_name":"P","config":{"name":"I","deliver_subject":"dlv.i"}})");
    const TimedFrame first = next_message(*instant, 5s);
    TimedFrame last = first;
    for (int i = 1; i < count; ++i) last = next_message(*instant, 5s);
    EXPECT_LT(seconds_between(first, last), stored_total / 2) << "instant replay kept the gaps";
}

TEST_F(JetStreamConsumerPacing, ReplayEndsOnceCaughtUpWithWhatTheStreamHeldAtTheStart) {
    // The stream is empty when the consumer starts, so there is nothing to replay: what
    // comes later goes out as soon as it can, whatever its stored gaps (nats-server's
    // o.replay ends at the first wait once the consumer is past the start's last sequence).
    create("$JS.API.STREAM.CREATE.P", R"({"name":"P","subjects":["p.>"],"storage":"memory"})");
    create("$JS.API.CONSUMER.CREATE.P.O",
           R"({"stream_name":"P","config":{"name":"O","deliver_subject":"dlv.late","replay_policy":"original"}})");
    // nats-server notes the stream's last sequence when the consumer's delivery loop
    // starts, shortly after the create answer: let it start before the first message.
    std::this_thread::sleep_for(300ms);
    js_->reply("p.a", "one");
    std::this_thread::sleep_for(1000ms);
    js_->reply("p.a", "two");
    // Interest only now: both are waiting, and may arrive before a PONG would (no flush).
    RawClient sub(server_->port());
    sub.connect({{"headers", true}});
    sub.send("SUB dlv.late 1\r\n");
    const TimedFrame one = next_message(sub, 5s);
    const TimedFrame two = next_message(sub, 5s);
    EXPECT_EQ(one.frame.payload, "one");
    EXPECT_EQ(two.frame.payload, "two");
    EXPECT_GE(ack_token(two.frame.reply, 7) - ack_token(one.frame.reply, 7), 990'000'000u);
    EXPECT_LT(seconds_between(one, two), 0.5) << "a caught-up consumer still replayed the gap";
}

}  // namespace
}  // namespace nats::integration
