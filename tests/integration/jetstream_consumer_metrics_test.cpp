// JetStream's sampled ack metrics: `sample_freq` ("100%", "50", ...) makes acks of an
// explicit-ack consumer publish $JS.EVENT.METRIC.CONSUMER.ACK.<stream>.<consumer> with
// nats-server 2.9.10's JSON (member order, the domain when set), and the setting is
// parsed as its strconv.Atoi parses it (errors in its words). Every test also runs against
// nats-server 2.9.10 (NMK_SERVER_BIN=/usr/sbin/nats-server).
#include <regex>
#include <thread>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {
namespace {

using namespace std::chrono_literals;

// ack_time is how long the ack took: masked as 0 after the test has looked at it.
std::string mask_ack_time(std::string text) {
    static const std::regex ack_time(R"re("ack_time":\d+)re");
    return std::regex_replace(mask_event(std::move(text)), ack_time, "\"ack_time\":0");
}

std::int64_t ack_time_of(const Frame& metric) { return json::parse(metric.payload).at("ack_time").get<std::int64_t>(); }

class JetStreamConsumerMetrics : public ::testing::Test {
protected:
    void start(std::string_view config = {}) {
        server_ = start_jetstream(store_, config);
        js_ = std::make_unique<JsClient>(server_->port());
        ASSERT_FALSE(js_->reply_json("$JS.API.STREAM.CREATE.W", R"({"name":"W","subjects":["w.>"],"storage":"memory"})")
                         .contains("error"));
        metrics_ = std::make_unique<RawClient>(server_->port());
        metrics_->connect();
        metrics_->send("SUB $JS.EVENT.METRIC.> 9\r\n");
        metrics_->flush();
    }

    void consumer(std::string_view name, std::string_view extra) {
        const json reply = js_->reply_json(
            "$JS.API.CONSUMER.DURABLE.CREATE.W." + std::string(name),
            R"({"stream_name":"W","config":{"durable_name":")" + std::string(name) + R"(",)" + std::string(extra) + "}}");
        ASSERT_FALSE(reply.contains("error")) << reply.dump();
    }

    // Metrics that arrive within `window`.
    std::vector<Frame> metrics_for(std::chrono::milliseconds window) {
        std::vector<Frame> got;
        const auto deadline = std::chrono::steady_clock::now() + window;
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
            if (left <= 0ms) return got;
            try {
                Frame f = metrics_->read_frame(left);
                if (f.kind == Frame::Kind::msg) got.push_back(std::move(f));
            } catch (const std::runtime_error&) {
                return got;
            }
        }
    }

    test_support::TempDir store_;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<JsClient> js_;
    std::unique_ptr<RawClient> metrics_;
};

TEST_F(JetStreamConsumerMetrics, EveryAckIsSampledAtOneHundredPercent) {
    start();
    for (int i = 0; i < 3; ++i) js_->reply("w.a", "m");
    consumer("S", R"("ack_policy":"explicit","sample_freq":"100%")");
    const Frame one = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.S");
    std::this_thread::sleep_for(100ms);
    js_->request(one.reply, "+ACK");
    Frame metric = metrics_->read_frame(3s);
    EXPECT_EQ(metric.subject, "$JS.EVENT.METRIC.CONSUMER.ACK.W.S");
    EXPECT_EQ(mask_ack_time(metric.payload),
              R"({"type":"io.nats.jetstream.metric.v1.consumer_ack","id":"I","timestamp":"T","stream":"W","consumer":"S","consumer_seq":1,"stream_seq":1,"ack_time":0,"deliveries":1})");
    // Nanoseconds from the delivery to the ack: at least the 100 ms waited.
    EXPECT_GE(ack_time_of(metric), 100'000'000);
    EXPECT_LT(ack_time_of(metric), 10'000'000'000);

    // A redelivered message's metric counts its deliveries; the empty ack body acks too.
    const Frame two = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.S");
    js_->request(two.reply, "-NAK");  // answered once handled
    const Frame again = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.S");
    ASSERT_EQ(ack_token(again.reply, 4), 2u);
    js_->request(again.reply, "");
    metric = metrics_->read_frame(3s);
    EXPECT_EQ(mask_ack_time(metric.payload),
              R"({"type":"io.nats.jetstream.metric.v1.consumer_ack","id":"I","timestamp":"T","stream":"W","consumer":"S","consumer_seq":3,"stream_seq":2,"ack_time":0,"deliveries":2})");

    // +NXT acks (sampled) and asks for the next one.
    const Frame three = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.S");
    js_->raw().send(pub(three.reply, "+NXT", "_INBOX.js.nxt"));
    metric = metrics_->read_frame(3s);
    EXPECT_EQ(json::parse(metric.payload)["stream_seq"], 3);
}

TEST_F(JetStreamConsumerMetrics, OnlyAcksOfPendingMessagesOfExplicitConsumersAreSampled) {
    start();
    for (int i = 0; i < 4; ++i) js_->reply("w.a", "m");
    consumer("S", R"("ack_policy":"explicit","sample_freq":"100")");
    consumer("ALL", R"("ack_policy":"all","sample_freq":"100")");
    const Frame a = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.S");
    const Frame b = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.S");
    const Frame c = js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.S");
    js_->request(a.reply, "+WPI");   // progress, not an ack
    js_->request(b.reply, "+TERM");  // ends it, not sampled
    js_->raw().send(pub(c.reply, "-NAK"));
    js_->request(js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.ALL").reply, "+ACK");  // ack all: never sampled
    EXPECT_TRUE(metrics_for(400ms).empty());
    js_->request(a.reply, "+ACK");
    js_->request(a.reply, "+ACK");  // no longer pending: nothing
    const auto got = metrics_for(400ms);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(json::parse(got[0].payload)["stream_seq"], 1);
}

TEST_F(JetStreamConsumerMetrics, FiftyPercentSamplesSomeAcksButNotAll) {
    start();
    constexpr int count = 200;
    for (int i = 0; i < count; ++i) js_->reply("w.a", "m");
    consumer("H", R"("ack_policy":"explicit","sample_freq":"50")");
    js_->raw().send(pub("$JS.API.CONSUMER.MSG.NEXT.W.H", std::to_string(count), "_INBOX.js.batch"));
    std::string acks;
    for (int i = 0; i < count; ++i) {
        // The last ack asks for an answer: acks are handled in order, so it says all were.
        const Frame m = js_->raw().read_frame(3s);
        acks += i + 1 < count ? pub(m.reply, "+ACK") : pub(m.reply, "+ACK", "_INBOX.js.last");
    }
    js_->raw().send(acks);
    while (js_->raw().read_frame(3s).subject != "_INBOX.js.last") {
    }
    // Each ack is sampled with probability 51/100 (Go's rand.Int31n(100) <= 50): all or
    // none of 200 would take odds below 1e-58.
    const auto got = metrics_for(500ms);
    EXPECT_GT(got.size(), 0u);
    EXPECT_LT(got.size(), static_cast<std::size_t>(count));
}

TEST_F(JetStreamConsumerMetrics, ZeroAndAWrappedValueSampleNothing) {
    start();
    js_->reply("w.a", "m");
    consumer("Z", R"("ack_policy":"explicit","sample_freq":"0")");
    // Accepted (Go's int is 64 bits), kept as int32 by nats-server: 2^32 becomes 0.
    consumer("X", R"("ack_policy":"explicit","sample_freq":"4294967296")");
    js_->request(js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.Z").reply, "+ACK");
    js_->request(js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.X").reply, "+ACK");
    EXPECT_TRUE(metrics_for(500ms).empty());
}

TEST_F(JetStreamConsumerMetrics, AnUpdateChangesTheFrequency) {
    start();
    for (int i = 0; i < 2; ++i) js_->reply("w.a", "m");
    consumer("U", R"("ack_policy":"explicit")");
    js_->request(js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.U").reply, "+ACK");
    EXPECT_TRUE(metrics_for(300ms).empty());
    // A bad value is refused as at create; a good one takes effect for the next ack.
    const json refused = js_->reply_json("$JS.API.CONSUMER.DURABLE.CREATE.W.U",
                                         R"({"stream_name":"W","config":{"durable_name":"U","ack_policy":"explicit","sample_freq":"x"}})");
    EXPECT_EQ(refused["error"]["err_code"], 10095);
    consumer("U", R"("ack_policy":"explicit","sample_freq":"100%")");
    js_->request(js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.U").reply, "+ACK");
    const auto got = metrics_for(500ms);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_EQ(json::parse(got[0].payload)["stream_seq"], 2);
}

TEST_F(JetStreamConsumerMetrics, MetricsCarryTheDomain) {
    start("jetstream {\n  domain: hub\n}\n");
    js_->reply("w.a", "m");
    consumer("D", R"("ack_policy":"explicit","sample_freq":"100%")");
    js_->request(js_->pull("$JS.API.CONSUMER.MSG.NEXT.W.D").reply, "+ACK");
    EXPECT_EQ(mask_ack_time(metrics_->read_frame(3s).payload),
              R"({"type":"io.nats.jetstream.metric.v1.consumer_ack","id":"I","timestamp":"T","stream":"W","consumer":"D","consumer_seq":1,"stream_seq":1,"ack_time":0,"deliveries":1,"domain":"hub"})");
}

TEST_F(JetStreamConsumerMetrics, SampleFrequencyIsParsedAsGoAtoi) {
    start();
    const auto create = [&](std::string_view freq) {
        const std::string reply = js_->reply("$JS.API.CONSUMER.CREATE.W.F",
                                             R"({"stream_name":"W","config":{"name":"F","sample_freq":")" + std::string(freq) + R"("}})");
        js_->reply("$JS.API.CONSUMER.DELETE.W.F");
        const json doc = json::parse(reply);
        if (!doc.contains("error")) return doc["config"]["sample_freq"].get<std::string>();
        return doc["error"]["code"].dump() + " " + doc["error"]["err_code"].dump() + " " +
               doc["error"]["description"].get<std::string>();
    };
    const auto error = [](std::string_view detail) {
        return "400 10095 failed to parse consumer sampling configuration: " + std::string(detail);
    };
    EXPECT_EQ(create("50"), "50");
    EXPECT_EQ(create("50%"), "50%");
    EXPECT_EQ(create("+50"), "+50");
    EXPECT_EQ(create("250%"), "250%");
    // A negative number parses: the refusal then has no error to show.
    EXPECT_EQ(create("-1"), error("<nil>"));
    EXPECT_EQ(create("-1%"), error("<nil>"));
    EXPECT_EQ(create("abc"), error(R"(strconv.Atoi: parsing "abc": invalid syntax)"));
    EXPECT_EQ(create("5%%"), error(R"(strconv.Atoi: parsing "5%": invalid syntax)"));
    EXPECT_EQ(create("%"), error(R"(strconv.Atoi: parsing "": invalid syntax)"));
    EXPECT_EQ(create(" 50"), error(R"(strconv.Atoi: parsing " 50": invalid syntax)"));
    EXPECT_EQ(create("+"), error(R"(strconv.Atoi: parsing "+": invalid syntax)"));
    EXPECT_EQ(create("99999999999999999999"), error(R"(strconv.Atoi: parsing "99999999999999999999": value out of range)"));
    EXPECT_EQ(create("99999999999999999999x"), error(R"(strconv.Atoi: parsing "99999999999999999999x": value out of range)"));
    EXPECT_EQ(create("9223372036854775808"), error(R"(strconv.Atoi: parsing "9223372036854775808": value out of range)"));
    EXPECT_EQ(create("\\t1"), error(R"(strconv.Atoi: parsing "\t1": invalid syntax)"));
}

}  // namespace
}  // namespace nats::integration
