// JetStream redelivery: a `backoff` list instead of ack_wait (its config rules and
// nats-server's refusals), max_deliver's MAX_DELIVERIES advisory and +TERM's
// MSG_TERMINATED advisory, in nats-server 2.9.10's bytes. Time bounds: "not sooner than"
// with a small margin, "not later than" generous. Every test also runs against
// nats-server 2.9.10 (NMK_SERVER_BIN=/usr/sbin/nats-server).
#include <regex>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {
namespace {

using namespace std::chrono_literals;

std::string mask_created(std::string text) {
    static const std::regex created(R"re("created":"[^"]*")re");
    return std::regex_replace(text, created, "\"created\":\"T\"");
}

class JetStreamConsumerRedelivery : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = start_jetstream(store_);
        js_ = std::make_unique<JsClient>(server_->port());
        ASSERT_FALSE(js_->reply_json("$JS.API.STREAM.CREATE.W", R"({"name":"W","subjects":["w.>"],"storage":"memory"})")
                         .contains("error"));
        events_ = std::make_unique<RawClient>(server_->port());
        events_->connect();
        events_->send("SUB $JS.EVENT.ADVISORY.CONSUMER.> 9\r\n");
        events_->flush();
    }

    std::unique_ptr<RawClient> subscriber(std::string_view deliver_subject) {
        auto sub = std::make_unique<RawClient>(server_->port());
        sub->connect({{"headers", true}});
        sub->send("SUB " + std::string(deliver_subject) + " 1\r\n");
        sub->flush();
        return sub;
    }

    // The next consumer advisory whose subject starts with `prefix`.
    Frame advisory(std::string_view prefix, std::chrono::milliseconds timeout = 3s) {
        const auto deadline = std::chrono::steady_clock::now() + timeout;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            Frame f = events_->read_frame(std::max(left, 1ms));
            if (f.kind == Frame::Kind::msg && f.subject.rfind(prefix, 0) == 0) return f;
        }
    }

    test_support::TempDir store_;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<JsClient> js_;
    std::unique_ptr<RawClient> events_;
};

constexpr std::string_view max_deliver_backoff_error =
    R"({"type":"io.nats.jetstream.api.v1.consumer_create_response","error":{"code":400,"err_code":10116,"description":"max deliver is required to be \u003e length of backoff values"}})";

TEST_F(JetStreamConsumerRedelivery, BackoffNeedsMaxDeliverAboveItsLengthAndReplacesAckWait) {
    const auto create = [&](std::string_view config) {
        return mask_created(js_->reply("$JS.API.CONSUMER.DURABLE.CREATE.W.A",
                                       R"({"stream_name":"W","config":{"durable_name":"A","ack_policy":"explicit",)" +
                                           std::string(config) + "}}"));
    };
    // max_deliver unset (-1), equal to the length, below it: refused.
    EXPECT_EQ(create(R"("backoff":[1000000000,2000000000])"), max_deliver_backoff_error);
    EXPECT_EQ(create(R"("backoff":[1000000000,2000000000],"max_deliver":2)"), max_deliver_backoff_error);
    EXPECT_EQ(create(R"("backoff":[1000000000,2000000000,3000000000],"max_deliver":1)"), max_deliver_backoff_error);
    // Not a list of integer nanoseconds: Go's decoder refuses it.
    constexpr std::string_view invalid_json =
        R"({"type":"io.nats.jetstream.api.v1.consumer_create_response","error":{"code":400,"err_code":10025,"description":"invalid JSON"}})";
    EXPECT_EQ(create(R"("backoff":["1s"],"max_deliver":5)"), invalid_json);
    EXPECT_EQ(create(R"("backoff":1000,"max_deliver":5)"), invalid_json);
    EXPECT_EQ(create(R"("backoff":[1.5],"max_deliver":5)"), invalid_json);
    // Accepted: ack_wait becomes the first backoff, whatever was asked.
    EXPECT_EQ(create(R"("backoff":[1000000000,2000000000],"max_deliver":3,"ack_wait":5000000000)"),
              R"({"type":"io.nats.jetstream.api.v1.consumer_create_response","stream_name":"W","name":"A","created":"T","config":{"durable_name":"A","deliver_policy":"all","ack_policy":"explicit","ack_wait":1000000000,"max_deliver":3,"backoff":[1000000000,2000000000],"replay_policy":"instant","max_waiting":512,"max_ack_pending":1000,"num_replicas":0},"delivered":{"consumer_seq":0,"stream_seq":0},"ack_floor":{"consumer_seq":0,"stream_seq":0},"num_ack_pending":0,"num_redelivered":0,"num_waiting":0,"num_pending":0})");
    // An update is held to the same rule.
    EXPECT_EQ(create(R"("backoff":[1000000000,2000000000,3000000000],"max_deliver":3)"), max_deliver_backoff_error);
    // An empty list is no backoff; null too.
    const json empty = js_->reply_json("$JS.API.CONSUMER.DURABLE.CREATE.W.E",
                                       R"({"stream_name":"W","config":{"durable_name":"E","ack_policy":"explicit","backoff":[],"max_deliver":1}})");
    EXPECT_EQ(empty["config"]["ack_wait"], 30000000000LL);
    EXPECT_FALSE(empty["config"].contains("backoff"));
    const json null = js_->reply_json("$JS.API.CONSUMER.DURABLE.CREATE.W.N",
                                      R"({"stream_name":"W","config":{"durable_name":"N","ack_policy":"explicit","backoff":null}})");
    EXPECT_EQ(null["config"]["max_deliver"], -1);
    EXPECT_FALSE(null["config"].contains("backoff"));
    // Neither the values nor the ack policy are checked: ack_wait is simply the first one.
    const json negative = js_->reply_json("$JS.API.CONSUMER.DURABLE.CREATE.W.G",
                                          R"({"stream_name":"W","config":{"durable_name":"G","ack_policy":"explicit","backoff":[-5,0],"max_deliver":5}})");
    EXPECT_EQ(negative["config"]["ack_wait"], -5);
    const json none = js_->reply_json("$JS.API.CONSUMER.DURABLE.CREATE.W.K",
                                      R"({"stream_name":"W","config":{"durable_name":"K","ack_policy":"none","backoff":[1000],"max_deliver":5}})");
    EXPECT_EQ(none["config"]["ack_wait"], 1000);
    EXPECT_EQ(none["config"]["backoff"], json::array({1000}));
}

TEST_F(JetStreamConsumerRedelivery, RedeliveriesFollowTheBackoffListThenMaxDeliveriesIsAdvised) {
    js_->reply("w.b", "again");
    auto sub = subscriber("dlv.b");
    // ack_wait 5 s is replaced by the list: 200 ms, 600 ms, then 1 s for every later one.
    ASSERT_FALSE(js_->reply_json("$JS.API.CONSUMER.CREATE.W.B",
                                 R"({"stream_name":"W","config":{"name":"B","deliver_subject":"dlv.b","ack_policy":"explicit","ack_wait":5000000000,"backoff":[200000000,600000000,1000000000],"max_deliver":4}})")
                     .contains("error"));
    std::vector<TimedFrame> got;
    for (int i = 0; i < 4; ++i) {
        got.push_back(next_message(*sub, 5s));
        EXPECT_EQ(ack_token(got.back().frame.reply, 4), static_cast<std::uint64_t>(i + 1)) << got.back().frame.reply;
        EXPECT_EQ(got.back().frame.payload, "again");
    }
    const double expected[] = {0.2, 0.6, 1.0};
    for (int i = 0; i < 3; ++i) {
        const double gap = seconds_between(got[i], got[i + 1]);
        EXPECT_GE(gap, expected[i] - 0.03) << "redelivery " << i + 1;
        EXPECT_LT(gap, expected[i] + 2.0) << "redelivery " << i + 1;  // far below ack_wait's 5 s
    }
    // The fourth delivery was the last: once its 1 s passed, the advisory, no fifth one.
    const Frame max = advisory("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.", 5s);
    const auto advised = std::chrono::steady_clock::now();
    EXPECT_GE(std::chrono::duration<double>(advised - got[3].at).count(), 1.0 - 0.03);
    EXPECT_EQ(max.subject, "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.W.B");
    EXPECT_EQ(mask_event(max.payload),
              R"({"type":"io.nats.jetstream.advisory.v1.max_deliver","id":"I","timestamp":"T","stream":"W","consumer":"B","stream_seq":1,"deliveries":4})");
    EXPECT_THROW(next_message(*sub, 1200ms), std::runtime_error);
    const json info = js_->reply_json("$JS.API.CONSUMER.INFO.W.B");
    EXPECT_EQ(info["config"]["ack_wait"], 200000000);
    EXPECT_EQ(info["num_ack_pending"], 0);
    EXPECT_EQ(info["num_redelivered"], 1);
    EXPECT_EQ(info["delivered"]["consumer_seq"], 4);
}

TEST_F(JetStreamConsumerRedelivery, PullConsumerAdvisesMaxDeliveriesWhenTheNextRequestComes) {
    js_->reply("w.p", "p");
    ASSERT_FALSE(js_->reply_json("$JS.API.CONSUMER.DURABLE.CREATE.W.P",
                                 R"({"stream_name":"W","config":{"durable_name":"P","ack_policy":"explicit","ack_wait":200000000,"max_deliver":2}})")
                     .contains("error"));
    EXPECT_EQ(ack_token(js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.P").reply, 4), 1u);
    const Frame second = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.P", R"({"batch":1,"expires":3000000000})");
    EXPECT_EQ(ack_token(second.reply, 4), 2u);
    // A third delivery is due after 200 ms, but max_deliver is 2: the request times out
    // and the advisory says how often it went out.
    const Frame timeout = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.P", R"({"batch":1,"expires":800000000})");
    EXPECT_EQ(timeout.headers, "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 1\r\nNats-Pending-Bytes: 0\r\n\r\n");
    EXPECT_EQ(mask_event(advisory("$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.W.P").payload),
              R"({"type":"io.nats.jetstream.advisory.v1.max_deliver","id":"I","timestamp":"T","stream":"W","consumer":"P","stream_seq":1,"deliveries":2})");
}

TEST_F(JetStreamConsumerRedelivery, TermEndsTheMessageWithAnAdvisoryAndNoRedelivery) {
    js_->reply("w.t", "one");
    js_->reply("w.t", "two");
    ASSERT_FALSE(js_->reply_json("$JS.API.CONSUMER.DURABLE.CREATE.W.T",
                                 R"({"stream_name":"W","config":{"durable_name":"T","ack_policy":"explicit","ack_wait":300000000}})")
                     .contains("error"));
    ASSERT_EQ(js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.T").payload, "one");
    const Frame two = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.T");
    ASSERT_EQ(two.payload, "two");
    // +TERM on the second, with a reply: answered like an ack.
    EXPECT_EQ(js_->request(two.reply, "+TERM").payload, "");
    const Frame term = advisory("$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.");
    EXPECT_EQ(term.subject, "$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.W.T");
    EXPECT_EQ(mask_event(term.payload),
              R"({"type":"io.nats.jetstream.advisory.v1.terminated","id":"I","timestamp":"T","stream":"W","consumer":"T","consumer_seq":2,"stream_seq":2,"deliveries":1})");
    // Only the unacked first one comes again after ack_wait; the terminated one never.
    const Frame again = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.T", R"({"batch":2,"expires":1500000000})");
    EXPECT_EQ(again.payload, "one");
    EXPECT_EQ(ack_token(again.reply, 4), 2u);
    // A TERM of a redelivered message carries its delivery count, and ends it too: the
    // request's second message never comes.
    js_->raw().send(pub(again.reply, "+TERM"));
    EXPECT_EQ(mask_event(advisory("$JS.EVENT.ADVISORY.CONSUMER.MSG_TERMINATED.").payload),
              R"({"type":"io.nats.jetstream.advisory.v1.terminated","id":"I","timestamp":"T","stream":"W","consumer":"T","consumer_seq":3,"stream_seq":1,"deliveries":2})");
    const Frame rest = js_->raw().read_frame(3s);
    EXPECT_EQ(rest.headers, "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 1\r\nNats-Pending-Bytes: 0\r\n\r\n")
        << rest.line << " " << rest.payload;
    const json info = js_->reply_json("$JS.API.CONSUMER.INFO.W.T");
    EXPECT_EQ(info["num_ack_pending"], 0);
    EXPECT_EQ(info["ack_floor"]["stream_seq"], 2);
}

}  // namespace
}  // namespace nats::integration
