// JetStream consumers over the raw protocol: the CONSUMER.* API answers, pull request
// statuses and the delivery wire form, byte for byte as nats-server 2.9.10 sends them
// (every test also runs against it with NMK_SERVER_BIN=/usr/sbin/nats-server).
#include <regex>
#include <thread>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {
namespace {

using namespace std::chrono_literals;

// Creation and activity times differ between runs: masked as "T".
std::string mask(std::string text) {
    static const std::regex stamp(R"re("(created|last_active)":"[^"]*")re");
    return std::regex_replace(mask_times(std::move(text)), stamp, "\"$1\":\"T\"");
}

class JetStreamConsumerApi : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = start_jetstream(store_);
        js_ = std::make_unique<JsClient>(server_->port());
        ASSERT_EQ(js_->reply_json("$JS.API.STREAM.CREATE.W", R"({"name":"W","subjects":["w.>"],"storage":"memory"})")
                      .value("did_create", false),
                  true);
    }

    std::string api(std::string_view subject, std::string_view body = {}) { return mask(js_->reply(subject, body)); }

    void publish(std::string_view subject, std::string_view body) { js_->reply(subject, body); }

    test_support::TempDir store_;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<JsClient> js_;
};

constexpr std::string_view durable_d_info =
    R"("stream_name":"W","name":"D","created":"T","config":{"durable_name":"D","deliver_policy":"all","ack_policy":"explicit","ack_wait":30000000000,"max_deliver":-1,"replay_policy":"instant","max_waiting":512,"max_ack_pending":1000,"num_replicas":0},"delivered":{"consumer_seq":0,"stream_seq":0},"ack_floor":{"consumer_seq":0,"stream_seq":0},"num_ack_pending":0,"num_redelivered":0,"num_waiting":0,"num_pending":0)";

TEST_F(JetStreamConsumerApi, CreateInfoNamesListDeleteAnswerAsNatsServer) {
    EXPECT_EQ(api("$JS.API.CONSUMER.DURABLE.CREATE.W.D",
                  R"({"stream_name":"W","config":{"durable_name":"D","ack_policy":"explicit"}})"),
              R"({"type":"io.nats.jetstream.api.v1.consumer_create_response",)" + std::string(durable_d_info) + "}");
    EXPECT_EQ(api("$JS.API.CONSUMER.CREATE.W.P", R"({"stream_name":"W","config":{"name":"P","ack_policy":"explicit","filter_subject":"w.a"}})"),
              R"({"type":"io.nats.jetstream.api.v1.consumer_create_response","stream_name":"W","name":"P","created":"T","config":{"name":"P","deliver_policy":"all","ack_policy":"explicit","ack_wait":30000000000,"max_deliver":-1,"filter_subject":"w.a","replay_policy":"instant","max_waiting":512,"max_ack_pending":1000,"inactive_threshold":5000000000,"num_replicas":0},"delivered":{"consumer_seq":0,"stream_seq":0},"ack_floor":{"consumer_seq":0,"stream_seq":0},"num_ack_pending":0,"num_redelivered":0,"num_waiting":0,"num_pending":0})");
    EXPECT_EQ(api("$JS.API.CONSUMER.INFO.W.D"),
              R"({"type":"io.nats.jetstream.api.v1.consumer_info_response",)" + std::string(durable_d_info) + "}");
    EXPECT_EQ(api("$JS.API.CONSUMER.NAMES.W"),
              R"({"type":"io.nats.jetstream.api.v1.consumer_names_response","total":2,"offset":0,"limit":1024,"consumers":["D","P"]})");
    const json list = json::parse(js_->reply("$JS.API.CONSUMER.LIST.W"));
    EXPECT_EQ(list["total"], 2);
    EXPECT_EQ(list["limit"], 256);
    ASSERT_EQ(list["consumers"].size(), 2u);
    EXPECT_EQ(list["consumers"][1]["config"]["filter_subject"], "w.a");
    EXPECT_EQ(json::parse(js_->reply("$JS.API.STREAM.INFO.W"))["state"]["consumer_count"], 2);
    EXPECT_EQ(json::parse(js_->reply("$JS.API.INFO"))["consumers"], 2);

    EXPECT_EQ(api("$JS.API.CONSUMER.DELETE.W.D"), R"({"type":"io.nats.jetstream.api.v1.consumer_delete_response","success":true})");
    EXPECT_EQ(api("$JS.API.CONSUMER.DELETE.W.D"),
              R"({"type":"io.nats.jetstream.api.v1.consumer_delete_response","error":{"code":404,"err_code":10014,"description":"consumer not found"}})");
    EXPECT_EQ(api("$JS.API.CONSUMER.INFO.W.D"),
              R"({"type":"io.nats.jetstream.api.v1.consumer_info_response","error":{"code":404,"err_code":10014,"description":"consumer not found"}})");
}

TEST_F(JetStreamConsumerApi, LegacyEphemeralGetsAGeneratedNameAndTheDefaultThreshold) {
    const json created = json::parse(js_->reply("$JS.API.CONSUMER.CREATE.W", R"({"stream_name":"W","config":{"deliver_subject":"dlv","ack_policy":"none"}})"));
    const std::string name = created.value("name", "");
    EXPECT_EQ(name.size(), 8u);
    EXPECT_FALSE(created["config"].contains("name"));  // the generated name is not put in the config
    EXPECT_EQ(created["config"]["inactive_threshold"], 5000000000LL);
    EXPECT_FALSE(created.contains("push_bound"));  // nobody listens on "dlv"
}

TEST_F(JetStreamConsumerApi, BadRequestsGetNatsServersErrors) {
    const auto create_error = [](std::string_view error) {
        return R"({"type":"io.nats.jetstream.api.v1.consumer_create_response","error":)" + std::string(error) + "}";
    };
    EXPECT_EQ(api("$JS.API.CONSUMER.CREATE.W.Q", R"({"stream_name":"W","config":{"name":"Q","filter_subject":"t.a"}})"),
              create_error(R"({"code":400,"err_code":10093,"description":"consumer filter subject is not a valid subset of the interest subjects"})"));
    EXPECT_EQ(api("$JS.API.CONSUMER.CREATE.W.Q", R"({"stream_name":"T","config":{"name":"Q"}})"),
              create_error(R"({"code":400,"err_code":10056,"description":"stream name in subject does not match request"})"));
    EXPECT_EQ(api("$JS.API.CONSUMER.CREATE.W.Q.w.b", R"({"stream_name":"W","config":{"name":"Q","filter_subject":"w.a"}})"),
              create_error(R"({"code":400,"err_code":10131,"description":"Consumer create request did not match filtered subject from create subject"})"));
    EXPECT_EQ(api("$JS.API.CONSUMER.CREATE.W.Q", R"({"stream_name":"W","config":{"name":"Q","deliver_policy":"last_per_subject"}})"),
              create_error(R"({"code":400,"err_code":10094,"description":"consumer delivery policy is deliver last per subject, but optional filter subject is not set"})"));
    EXPECT_EQ(api("$JS.API.CONSUMER.CREATE.W.Q", R"({"stream_name":"W","config":{"name":"Q","deliver_policy":"bogus"}})"),
              create_error(R"({"code":400,"err_code":10025,"description":"invalid JSON"})"));
    EXPECT_EQ(api("$JS.API.CONSUMER.CREATE.W.Q", "{not json"), create_error(R"({"code":400,"err_code":10025,"description":"invalid JSON"})"));
    EXPECT_EQ(api("$JS.API.CONSUMER.CREATE.X.Q", R"({"stream_name":"X","config":{"name":"Q"}})"),
              create_error(R"({"code":404,"err_code":10059,"description":"stream not found"})"));
    EXPECT_EQ(api("$JS.API.CONSUMER.DURABLE.CREATE.W.D", R"({"stream_name":"W","config":{"durable_name":"E"}})"),
              create_error(R"({"code":400,"err_code":10017,"description":"consumer name in subject does not match durable name in request"})"));
    EXPECT_EQ(api("$JS.API.CONSUMER.CREATE.W", R"({"stream_name":"W","config":{"durable_name":"E"}})"),
              create_error(R"({"code":400,"err_code":10020,"description":"consumer expected to be ephemeral but a durable name was set in request"})"));
    EXPECT_EQ(api("$JS.API.CONSUMER.CREATE.W.Q", R"({"stream_name":"W","config":{"name":"Q","deliver_subject":"w.x"}})"),
              create_error(R"({"code":400,"err_code":10081,"description":"consumer deliver subject forms a cycle"})"));
    EXPECT_EQ(api("$JS.API.CONSUMER.CREATE.W.Q", R"({"stream_name":"W","config":{"name":"Q","flow_control":true,"deliver_subject":"d"}})"),
              create_error(R"({"code":400,"err_code":10108,"description":"consumer with flow control also needs heartbeats"})"));
    EXPECT_EQ(api("$JS.API.CONSUMER.CREATE.W.Q", R"({"stream_name":"W","config":{"name":"Q","idle_heartbeat":1000000000}})"),
              create_error(R"({"code":400,"err_code":10088,"description":"consumer idle heartbeat requires a push based consumer"})"));
    EXPECT_EQ(api("$JS.API.CONSUMER.CREATE.W.Q", R"({"stream_name":"W","config":{"name":"Q","num_replicas":3}})"),
              create_error(R"({"code":500,"err_code":10074,"description":"replicas \u003e 1 not supported in non-clustered mode"})"));

    // An update may change only some fields.
    ASSERT_NE(js_->reply("$JS.API.CONSUMER.DURABLE.CREATE.W.D", R"({"stream_name":"W","config":{"durable_name":"D","ack_policy":"explicit"}})")
                  .find("\"name\":\"D\""),
              std::string::npos);
    EXPECT_EQ(api("$JS.API.CONSUMER.DURABLE.CREATE.W.D", R"({"stream_name":"W","config":{"durable_name":"D","ack_policy":"all"}})"),
              create_error(R"({"code":500,"err_code":10012,"description":"ack policy can not be updated"})"));
    const json updated = json::parse(js_->reply("$JS.API.CONSUMER.DURABLE.CREATE.W.D",
                                                R"({"stream_name":"W","config":{"durable_name":"D","ack_policy":"explicit","description":"new"}})"));
    EXPECT_EQ(updated["config"]["description"], "new");

    EXPECT_EQ(api("$JS.API.CONSUMER.NAMES.X"),
              R"({"type":"io.nats.jetstream.api.v1.consumer_names_response","error":{"code":404,"err_code":10059,"description":"stream not found"},"total":0,"offset":0,"limit":0,"consumers":[]})");
    EXPECT_EQ(api("$JS.API.CONSUMER.NAMES.W", "{bad"),
              R"({"type":"io.nats.jetstream.api.v1.consumer_names_response","error":{"code":400,"err_code":10025,"description":"invalid JSON"},"total":0,"offset":0,"limit":0,"consumers":[]})");
    EXPECT_EQ(api("$JS.API.CONSUMER.LEADER.STEPDOWN.W.D"),
              R"({"type":"io.nats.jetstream.api.v1.consumer_leader_stepdown_response","error":{"code":503,"err_code":10010,"description":"JetStream clustering support required"}})");
    EXPECT_EQ(api("$JS.API.CONSUMER.INFO.W.D", R"({"x":1})"),
              R"({"type":"io.nats.jetstream.api.v1.consumer_info_response","error":{"code":400,"err_code":10038,"description":"expected an empty request payload"}})");
}

TEST_F(JetStreamConsumerApi, MaxConsumersAndWorkQueueRules) {
    ASSERT_EQ(js_->reply_json("$JS.API.STREAM.CREATE.Q", R"({"name":"Q","subjects":["q.>"],"retention":"workqueue","max_consumers":2})")
                  .value("did_create", false),
              true);
    const auto create = [&](std::string_view name, std::string_view extra) {
        return js_->reply_json("$JS.API.CONSUMER.CREATE.Q." + std::string(name),
                               R"({"stream_name":"Q","config":{"name":")" + std::string(name) + "\"" + std::string(extra) + "}}");
    };
    EXPECT_EQ(create("A", R"(,"ack_policy":"none")")["error"]["err_code"], 10084);  // pull needs acks on a work queue
    EXPECT_EQ(create("A", R"(,"ack_policy":"all")")["error"]["err_code"], 10098);
    EXPECT_EQ(create("A", R"(,"ack_policy":"explicit","filter_subject":"q.a.>")")["name"], "A");
    EXPECT_EQ(create("B", R"(,"ack_policy":"explicit","filter_subject":"q.a.b")")["error"]["err_code"], 10100);
    EXPECT_EQ(create("B", R"(,"ack_policy":"explicit")")["error"]["err_code"], 10099);
    EXPECT_EQ(create("B", R"(,"ack_policy":"explicit","filter_subject":"q.b","deliver_policy":"new")")["error"]["err_code"], 10101);
    EXPECT_EQ(create("B", R"(,"ack_policy":"explicit","filter_subject":"q.b")")["name"], "B");
    EXPECT_EQ(create("C", R"(,"ack_policy":"explicit","filter_subject":"q.c")")["error"]["err_code"], 10026);
}

// Pull requests: the delivered message's wire form and the statuses.
TEST_F(JetStreamConsumerApi, PullDeliveriesAndStatuses) {
    publish("w.a", "one");
    publish("w.b", "two");
    ASSERT_EQ(js_->reply_json("$JS.API.CONSUMER.DURABLE.CREATE.W.D", R"({"stream_name":"W","config":{"durable_name":"D","ack_policy":"explicit"}})")
                  .value("num_pending", 0),
              2);
    Frame m = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.D");
    EXPECT_EQ(m.kind, Frame::Kind::msg);
    EXPECT_EQ(m.payload, "one");
    // The ack subject: $JS.ACK.<stream>.<consumer>.<delivered>.<sseq>.<cseq>.<ts>.<pending>
    EXPECT_TRUE(std::regex_match(m.reply, std::regex(R"(\$JS\.ACK\.W\.D\.1\.1\.1\.\d{19}\.1)"))) << m.reply;

    // no_wait with one left: the message, then 408 with what the request still wanted.
    js_->raw().send(pub("$JS.API.CONSUMER.MSG.NEXT.W.D", R"({"batch":5,"no_wait":true})", "_INBOX.js.nw"));
    m = js_->raw().read_frame();
    EXPECT_EQ(m.payload, "two");
    EXPECT_TRUE(std::regex_match(m.reply, std::regex(R"(\$JS\.ACK\.W\.D\.1\.2\.2\.\d{19}\.0)"))) << m.reply;
    m = js_->raw().read_frame();
    EXPECT_EQ(m.kind, Frame::Kind::hmsg);
    EXPECT_EQ(m.headers, "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 4\r\nNats-Pending-Bytes: 0\r\n\r\n");

    m = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.D", R"({"batch":5,"no_wait":true})");
    EXPECT_EQ(m.headers, "NATS/1.0 404 No Messages\r\n\r\n");
    m = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.D", R"({"batch":2,"expires":200000000})");
    EXPECT_EQ(m.headers, "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 2\r\nNats-Pending-Bytes: 0\r\n\r\n");
    m = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.D", R"({"batch":1,"expires":250000000,"idle_heartbeat":100000000})");
    EXPECT_EQ(m.headers, "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 2\r\nNats-Last-Stream: 2\r\n\r\n");
    m = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.D", R"({"batch":1,"expires":100000000,"idle_heartbeat":60000000})");
    EXPECT_EQ(m.headers, "NATS/1.0 400 Bad Request - heartbeat value too large\r\n\r\n");
    m = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.D", "{bad");
    EXPECT_EQ(m.headers.rfind("NATS/1.0 400 Bad Request - ", 0), 0u) << m.headers;

    const json info = json::parse(js_->reply("$JS.API.CONSUMER.INFO.W.D"));
    EXPECT_EQ(info["delivered"]["consumer_seq"], 2);
    EXPECT_EQ(info["delivered"]["stream_seq"], 2);
    EXPECT_TRUE(info["delivered"].contains("last_active"));
    EXPECT_EQ(info["num_ack_pending"], 2);
    EXPECT_EQ(info["num_pending"], 0);
}

TEST_F(JetStreamConsumerApi, PullLimitsGet409) {
    ASSERT_TRUE(js_->reply_json("$JS.API.CONSUMER.DURABLE.CREATE.W.L",
                                R"({"stream_name":"W","config":{"durable_name":"L","ack_policy":"explicit","max_waiting":1,"max_batch":3,"max_expires":1000000000,"max_bytes":100}})")
                    .contains("name"));
    EXPECT_EQ(js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.L", R"({"batch":4})").headers,
              "NATS/1.0 409 Exceeded MaxRequestBatch of 3\r\n\r\n");
    EXPECT_EQ(js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.L", R"({"batch":1,"expires":2000000000})").headers,
              "NATS/1.0 409 Exceeded MaxRequestExpires of 1s\r\n\r\n");
    EXPECT_EQ(js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.L", R"({"batch":1,"max_bytes":200})").headers,
              "NATS/1.0 409 Exceeded MaxRequestMaxBytes of 100\r\n\r\n");
    // One request may wait; the second is refused.
    js_->raw().send(pub("$JS.API.CONSUMER.MSG.NEXT.W.L", R"({"batch":1,"expires":900000000})", "_INBOX.js.first"));
    EXPECT_EQ(js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.L", R"({"batch":1,"expires":900000000})").headers,
              "NATS/1.0 409 Exceeded MaxWaiting\r\n\r\n");

    ASSERT_TRUE(js_->reply_json("$JS.API.CONSUMER.CREATE.W.PU",
                                R"({"stream_name":"W","config":{"name":"PU","deliver_subject":"dlv.pu","ack_policy":"explicit"}})")
                    .contains("name"));
    EXPECT_EQ(js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.PU").headers, "NATS/1.0 409 Consumer is push based\r\n\r\n");
}

TEST_F(JetStreamConsumerApi, MaxBytesEndsTheRequestWhenTheNextMessageDoesNotFit) {
    publish("w.a", std::string(50, 'x'));
    ASSERT_TRUE(js_->reply_json("$JS.API.CONSUMER.DURABLE.CREATE.W.B", R"({"stream_name":"W","config":{"durable_name":"B","ack_policy":"explicit"}})")
                    .contains("name"));
    const Frame m = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.B", R"({"batch":2,"max_bytes":10})");
    EXPECT_EQ(m.headers, "NATS/1.0 409 Message Size Exceeds MaxBytes\r\nNats-Pending-Messages: 2\r\nNats-Pending-Bytes: 10\r\n\r\n");
}

TEST_F(JetStreamConsumerApi, AcksNaksTermsAndRedeliveries) {
    publish("w.a", "one");
    publish("w.b", "two");
    ASSERT_TRUE(js_->reply_json("$JS.API.CONSUMER.DURABLE.CREATE.W.A",
                                R"({"stream_name":"W","config":{"durable_name":"A","ack_policy":"explicit","ack_wait":500000000,"max_deliver":3}})")
                    .contains("name"));
    RawClient events(server_->port());
    events.connect();
    events.send("SUB $JS.EVENT.> 9\r\n");
    events.flush();
    Frame one = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.A");
    ASSERT_EQ(one.payload, "one");
    // An ack with a reply subject is answered (with an empty message).
    const Frame acked = js_->request(one.reply, "+ACK");
    EXPECT_EQ(acked.payload, "");
    Frame two = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.A");
    ASSERT_EQ(two.payload, "two");
    js_->raw().send(pub(two.reply, "-NAK"));
    // Redelivered at once, counted: delivery count 2 in the ack subject.
    two = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.A");
    ASSERT_EQ(two.payload, "two");
    EXPECT_TRUE(std::regex_match(two.reply, std::regex(R"(\$JS\.ACK\.W\.A\.2\.2\.3\.\d{19}\.0)"))) << two.reply;
    // Not acked: ack_wait (500ms) later it comes a third time, then max_deliver stops it.
    two = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.A", R"({"batch":1,"expires":2000000000})");
    EXPECT_TRUE(std::regex_match(two.reply, std::regex(R"(\$JS\.ACK\.W\.A\.3\.2\.4\.\d{19}\.0)"))) << two.reply;
    Frame last = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.A", R"({"batch":1,"expires":1500000000})");
    EXPECT_EQ(last.headers, "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 1\r\nNats-Pending-Bytes: 0\r\n\r\n");

    json info = json::parse(js_->reply("$JS.API.CONSUMER.INFO.W.A"));
    EXPECT_EQ(info["num_ack_pending"], 0);
    EXPECT_EQ(info["num_redelivered"], 1);
    EXPECT_EQ(info["ack_floor"]["stream_seq"], 1);

    // The advisories that came meanwhile: a NAK and the max deliveries.
    bool nak = false, max_deliveries = false;
    for (int i = 0; i < 10 && !(nak && max_deliveries); ++i) {
        Frame f = events.read_frame(1s);
        if (f.subject == "$JS.EVENT.ADVISORY.CONSUMER.MSG_NAKED.W.A") nak = json::parse(f.payload)["stream_seq"] == 2;
        if (f.subject == "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.W.A")
            max_deliveries = json::parse(f.payload)["deliveries"] == 3;
    }
    EXPECT_TRUE(nak);
    EXPECT_TRUE(max_deliveries);

    // +TERM ends one for good; +NXT acks and asks for the next.
    publish("w.c", "three");
    publish("w.d", "four");
    Frame three = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.A");
    ASSERT_EQ(three.payload, "three");
    js_->raw().send(pub(three.reply, "+NXT", "_INBOX.js.nxt"));
    Frame four = js_->raw().read_frame();
    EXPECT_EQ(four.subject, "w.d");
    EXPECT_EQ(four.payload, "four");
    js_->request(four.reply, "+TERM");
    info = json::parse(js_->reply("$JS.API.CONSUMER.INFO.W.A"));
    EXPECT_EQ(info["num_ack_pending"], 0);
    EXPECT_EQ(info["ack_floor"]["stream_seq"], 4);
}

TEST_F(JetStreamConsumerApi, PushConsumerDeliversWithTheStreamSubjectAndHeartbeats) {
    publish("w.a", "one");
    RawClient sub(server_->port());
    sub.connect({{"headers", true}});
    sub.send("SUB dlv.p 7\r\n");
    sub.flush();
    ASSERT_TRUE(js_->reply_json("$JS.API.CONSUMER.CREATE.W.P",
                                R"({"stream_name":"W","config":{"name":"P","deliver_subject":"dlv.p","ack_policy":"explicit","idle_heartbeat":100000000,"flow_control":true}})")
                    .value("push_bound", false));
    Frame m = sub.read_frame();
    // Routed to the deliver subject, shown with the message's own subject.
    EXPECT_EQ(m.subject, "w.a");
    EXPECT_EQ(m.sid, "7");
    EXPECT_EQ(m.payload, "one");
    EXPECT_TRUE(std::regex_match(m.reply, std::regex(R"(\$JS\.ACK\.W\.P\.1\.1\.1\.\d{19}\.0)"))) << m.reply;
    m = sub.read_frame(1s);
    EXPECT_EQ(m.subject, "dlv.p");
    EXPECT_EQ(m.headers, "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 1\r\nNats-Last-Stream: 1\r\n\r\n");
    // A new message goes out as soon as it is stored.
    publish("w.b", "two");
    for (int i = 0; i < 5; ++i) {
        m = sub.read_frame(1s);
        if (m.subject == "w.b") break;
    }
    EXPECT_EQ(m.subject, "w.b");
    EXPECT_EQ(m.payload, "two");
}

// A push consumer's messages arrive in stream order, also across flow-control rounds (the
// client answers each request; deliveries then resume from whichever thread took the reply).
TEST_F(JetStreamConsumerApi, PushDeliveryStaysInOrderAcrossFlowControl) {
    constexpr int count = 20000;
    const std::string body(100, 'x');
    std::string burst;
    for (int i = 0; i < count; ++i) burst += pub("w.o", body);
    js_->raw().send(burst);
    js_->raw().flush();
    RawClient sub(server_->port());
    sub.connect({{"headers", true}});
    sub.send("SUB dlv.o 3\r\n");
    sub.flush();
    ASSERT_TRUE(js_->reply_json("$JS.API.CONSUMER.CREATE.W.O",
                                R"({"stream_name":"W","config":{"name":"O","deliver_subject":"dlv.o","ack_policy":"none","idle_heartbeat":1000000000,"flow_control":true}})")
                    .contains("name"));
    std::uint64_t expected = 1;
    int flow_control = 0;
    // Built once: a std::regex per frame made this test take a minute under ASan.
    const std::regex ack_reply(R"(\$JS\.ACK\.W\.O\.1\.(\d+)\.\d+\.\d+\.\d+)");
    while (expected <= count) {
        const Frame f = sub.read_frame(5s);
        if (f.kind == Frame::Kind::hmsg && f.headers.rfind("NATS/1.0 100 FlowControl Request", 0) == 0) {
            ++flow_control;
            sub.send(pub(f.reply, ""));
            continue;
        }
        if (f.kind == Frame::Kind::hmsg) continue;  // a heartbeat
        std::smatch m;
        ASSERT_TRUE(std::regex_match(f.reply, m, ack_reply)) << f.reply;
        ASSERT_EQ(std::stoull(m[1].str()), expected) << "out of order";
        ++expected;
    }
    EXPECT_GT(flow_control, 0);
}

TEST_F(JetStreamConsumerApi, HeadersOnlyCarriesTheSize) {
    publish("w.a", "12345");
    RawClient sub(server_->port());
    sub.connect({{"headers", true}});
    sub.send("SUB dlv.h 8\r\n");
    sub.flush();
    ASSERT_TRUE(js_->reply_json("$JS.API.CONSUMER.CREATE.W.H",
                                R"({"stream_name":"W","config":{"name":"H","deliver_subject":"dlv.h","headers_only":true}})")
                    .contains("name"));
    const Frame m = sub.read_frame();
    EXPECT_EQ(m.kind, Frame::Kind::hmsg);
    EXPECT_EQ(m.subject, "w.a");
    EXPECT_EQ(m.headers, "NATS/1.0\r\nNats-Msg-Size: 5\r\n\r\n");
    EXPECT_EQ(m.payload, "");
}

TEST_F(JetStreamConsumerApi, WorkQueueRemovesOnAckAndInterestKeepsUntilAllAcked) {
    ASSERT_TRUE(js_->reply_json("$JS.API.STREAM.CREATE.Q", R"({"name":"Q","subjects":["q.>"],"retention":"workqueue","storage":"memory"})")
                    .contains("config"));
    ASSERT_TRUE(js_->reply_json("$JS.API.CONSUMER.DURABLE.CREATE.Q.C", R"({"stream_name":"Q","config":{"durable_name":"C","ack_policy":"explicit"}})")
                    .contains("name"));
    publish("q.a", "job");
    const Frame job = js_->pull("$JS.API.CONSUMER.MSG.NEXT.Q.C");
    ASSERT_EQ(job.payload, "job");
    EXPECT_EQ(json::parse(js_->reply("$JS.API.STREAM.INFO.Q"))["state"]["messages"], 1);
    js_->request(job.reply, "+ACK");
    EXPECT_EQ(json::parse(js_->reply("$JS.API.STREAM.INFO.Q"))["state"]["messages"], 0);

    ASSERT_TRUE(js_->reply_json("$JS.API.STREAM.CREATE.I", R"({"name":"I","subjects":["i.>"],"retention":"interest","storage":"memory"})")
                    .contains("config"));
    publish("i.a", "nobody");  // no consumer yet: not kept
    EXPECT_EQ(json::parse(js_->reply("$JS.API.STREAM.INFO.I"))["state"]["messages"], 0);
    for (const char* name : {"X", "Y"}) {
        ASSERT_TRUE(js_->reply_json(std::string("$JS.API.CONSUMER.DURABLE.CREATE.I.") + name,
                                    std::string(R"({"stream_name":"I","config":{"durable_name":")") + name + R"(","ack_policy":"explicit"}})")
                        .contains("name"));
    }
    publish("i.a", "both");
    const Frame x = js_->pull("$JS.API.CONSUMER.MSG.NEXT.I.X");
    const Frame y = js_->pull("$JS.API.CONSUMER.MSG.NEXT.I.Y");
    js_->request(x.reply, "+ACK");
    EXPECT_EQ(json::parse(js_->reply("$JS.API.STREAM.INFO.I"))["state"]["messages"], 1);  // Y has not acked
    js_->request(y.reply, "+ACK");
    EXPECT_EQ(json::parse(js_->reply("$JS.API.STREAM.INFO.I"))["state"]["messages"], 0);
}

TEST_F(JetStreamConsumerApi, UnusedEphemeralGoesAway) {
    ASSERT_TRUE(js_->reply_json("$JS.API.CONSUMER.CREATE.W.E",
                                R"({"stream_name":"W","config":{"name":"E","inactive_threshold":300000000}})")
                    .contains("name"));
    EXPECT_EQ(json::parse(js_->reply("$JS.API.CONSUMER.NAMES.W"))["total"], 1);
    std::this_thread::sleep_for(1500ms);  // 300ms, plus nats-server's jitter of up to 1s
    EXPECT_EQ(json::parse(js_->reply("$JS.API.CONSUMER.NAMES.W"))["total"], 0);
}

}  // namespace
}  // namespace nats::integration
