// Pull requests' `idle_heartbeat` and `max_bytes`: the 100 Idle Heartbeat statuses a
// waiting request gets (repeated, restarted by a delivery, checked against expires) and
// the byte budget (messages while they fit, 409 Message Size Exceeds MaxBytes with what is
// left, a quiet end on an exact fit, the 408s carrying the bytes), in nats-server 2.9.10's
// bytes. Every test also runs against it (NMK_SERVER_BIN=/usr/sbin/nats-server).
#include <thread>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view no_progress_heartbeat = "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 0\r\nNats-Last-Stream: 0\r\n\r\n";

class JetStreamConsumerPullStatus : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = start_jetstream(store_);
        js_ = std::make_unique<JsClient>(server_->port());
        ASSERT_FALSE(js_->reply_json("$JS.API.STREAM.CREATE.W", R"({"name":"W","subjects":["w.>"],"storage":"memory"})")
                         .contains("error"));
        requester_ = std::make_unique<RawClient>(server_->port());
        requester_->connect({{"headers", true}});
        requester_->send("SUB in.pull 1\r\n");
        requester_->flush();
    }

    void durable(std::string_view name, std::string_view filter = {}) {
        std::string config = R"({"stream_name":"W","config":{"durable_name":")" + std::string(name) + R"(","ack_policy":"explicit")";
        if (!filter.empty()) config += R"(,"filter_subject":")" + std::string(filter) + "\"";
        const json reply = js_->reply_json("$JS.API.CONSUMER.DURABLE.CREATE.W." + std::string(name), config + "}}");
        ASSERT_FALSE(reply.contains("error")) << reply.dump();
    }

    // Sends a pull request answered to in.pull; returns when it was sent.
    std::chrono::steady_clock::time_point request(std::string_view consumer, std::string_view body) {
        requester_->send(pub("$JS.API.CONSUMER.MSG.NEXT.W." + std::string(consumer), body, "in.pull"));
        return std::chrono::steady_clock::now();
    }

    TimedFrame next(std::chrono::milliseconds timeout = 3s) {
        Frame f = requester_->read_frame(timeout);
        return {std::move(f), std::chrono::steady_clock::now()};
    }

    static double since(std::chrono::steady_clock::time_point from, const TimedFrame& f) {
        return std::chrono::duration<double>(f.at - from).count();
    }

    test_support::TempDir store_;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<JsClient> js_;
    std::unique_ptr<RawClient> requester_;
};

TEST_F(JetStreamConsumerPullStatus, HeartbeatsRepeatWhileTheRequestWaitsThenItTimesOut) {
    durable("D");
    const auto sent = request("D", R"({"batch":2,"expires":1000000000,"idle_heartbeat":200000000})");
    std::vector<TimedFrame> beats;
    TimedFrame f = next();
    while (f.frame.headers.rfind("NATS/1.0 100 Idle Heartbeat", 0) == 0) {
        EXPECT_EQ(f.frame.headers, no_progress_heartbeat);
        EXPECT_EQ(f.frame.subject, "in.pull");
        EXPECT_EQ(f.frame.payload, "");
        beats.push_back(std::move(f));
        f = next();
    }
    EXPECT_EQ(f.frame.headers, "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 2\r\nNats-Pending-Bytes: 0\r\n\r\n");
    EXPECT_GE(since(sent, f), 1.0 - 0.03);
    // Every 200 ms until the 1 s expiry: four (three when the last falls behind the expiry).
    ASSERT_GE(beats.size(), 3u);
    EXPECT_LE(beats.size(), 4u);
    EXPECT_GE(since(sent, beats[0]), 0.2 - 0.03);
    for (std::size_t i = 1; i < beats.size(); ++i) EXPECT_GE(seconds_between(beats[i - 1], beats[i]), 0.2 - 0.03);
}

TEST_F(JetStreamConsumerPullStatus, ADeliveryRestartsTheHeartbeatAndTheHeartbeatShowsIt) {
    durable("D");
    const auto sent = request("D", R"({"batch":3,"expires":1500000000,"idle_heartbeat":400000000})");
    std::this_thread::sleep_for(150ms);
    js_->reply("w.a", "one");
    const TimedFrame message = next();
    ASSERT_EQ(message.frame.payload, "one");
    // The next heartbeat is 400 ms after the delivery, not after the request.
    const TimedFrame beat = next();
    EXPECT_EQ(beat.frame.headers, "NATS/1.0 100 Idle Heartbeat\r\nNats-Last-Consumer: 1\r\nNats-Last-Stream: 1\r\n\r\n");
    EXPECT_GE(seconds_between(message, beat), 0.4 - 0.03);
    TimedFrame f = next();
    while (f.frame.headers.rfind("NATS/1.0 100 Idle Heartbeat", 0) == 0) f = next();
    EXPECT_EQ(f.frame.headers, "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 2\r\nNats-Pending-Bytes: 0\r\n\r\n");
    EXPECT_GE(since(sent, f), 1.5 - 0.03);
}

TEST_F(JetStreamConsumerPullStatus, HeartbeatMustBeAtMostHalfTheExpiry) {
    durable("D");
    request("D", R"({"batch":1,"idle_heartbeat":100000000})");  // no expiry at all
    EXPECT_EQ(next().frame.headers, "NATS/1.0 400 Bad Request - heartbeat value too large\r\n\r\n");
    request("D", R"({"batch":1,"expires":199999999,"idle_heartbeat":100000000})");
    EXPECT_EQ(next().frame.headers, "NATS/1.0 400 Bad Request - heartbeat value too large\r\n\r\n");
    // Exactly half is allowed; a negative heartbeat is none.
    request("D", R"({"batch":1,"expires":400000000,"idle_heartbeat":200000000})");
    EXPECT_EQ(next().frame.headers, no_progress_heartbeat);
    Frame f = next().frame;
    while (f.headers == no_progress_heartbeat) f = next().frame;  // one more may come at the expiry
    EXPECT_EQ(f.headers, "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 1\r\nNats-Pending-Bytes: 0\r\n\r\n");
    request("D", R"({"batch":4,"expires":300000000,"idle_heartbeat":-1})");
    EXPECT_EQ(next().frame.headers, "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 4\r\nNats-Pending-Bytes: 0\r\n\r\n");
}

TEST_F(JetStreamConsumerPullStatus, MaxBytesDeliversWhatFitsThenSaysWhatIsLeft) {
    for (int i = 0; i < 3; ++i) js_->reply("w.b", std::string(100, 'y'));
    durable("M", "w.b");
    request("M", R"({"batch":10,"max_bytes":300,"expires":2000000000})");
    const Frame one = next().frame;
    const Frame two = next().frame;
    ASSERT_EQ(one.payload, std::string(100, 'y'));
    ASSERT_EQ(two.payload, std::string(100, 'y'));
    // Counted: subject, ack reply, headers and payload.
    const std::size_t size = one.subject.size() + one.reply.size() + one.payload.size();
    ASSERT_EQ(size, two.subject.size() + two.reply.size() + two.payload.size());
    ASSERT_LT(2 * size, 300u);
    ASSERT_GT(3 * size, 300u);
    EXPECT_EQ(next().frame.headers, "NATS/1.0 409 Message Size Exceeds MaxBytes\r\nNats-Pending-Messages: 8\r\nNats-Pending-Bytes: " +
                                        std::to_string(300 - 2 * size) + "\r\n\r\n");
    // The third is still there for the next request.
    request("M", R"({"batch":1,"no_wait":true})");
    const Frame three = next().frame;
    EXPECT_EQ(ack_token(three.reply, 5), 3u);
}

TEST_F(JetStreamConsumerPullStatus, AnExactFitEndsTheRequestQuietly) {
    for (int i = 0; i < 3; ++i) js_->reply("w.b", std::string(100, 'z'));
    durable("P", "w.b");
    // Learn the size from a first request of one message, then ask for exactly two.
    request("P", R"({"batch":1})");
    const Frame first = next().frame;
    const std::size_t size = first.subject.size() + first.reply.size() + first.payload.size();
    request("P", R"({"batch":10,"max_bytes":)" + std::to_string(2 * size) + R"(,"expires":2000000000})");
    EXPECT_EQ(ack_token(next().frame.reply, 5), 2u);
    EXPECT_EQ(ack_token(next().frame.reply, 5), 3u);
    // Spent to the byte: no status follows, not even at the expiry.
    EXPECT_EQ(requester_->idle_for(2300ms), "");
}

TEST_F(JetStreamConsumerPullStatus, WaitingRequestsReportTheirUnspentBytes) {
    durable("E", "w.none");
    const auto sent = request("E", R"({"batch":4,"max_bytes":1000,"expires":300000000})");
    const TimedFrame timeout = next();
    EXPECT_EQ(timeout.frame.headers, "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 4\r\nNats-Pending-Bytes: 1000\r\n\r\n");
    EXPECT_GE(since(sent, timeout), 0.3 - 0.03);
    request("E", R"({"batch":4,"max_bytes":1000,"no_wait":true})");
    EXPECT_EQ(next().frame.headers, "NATS/1.0 404 No Messages\r\n\r\n");
    // A negative budget is no budget, and is reported as given.
    request("E", R"({"batch":4,"max_bytes":-5,"expires":300000000})");
    EXPECT_EQ(next().frame.headers, "NATS/1.0 408 Request Timeout\r\nNats-Pending-Messages: 4\r\nNats-Pending-Bytes: -5\r\n\r\n");
}

}  // namespace
}  // namespace nats::integration
