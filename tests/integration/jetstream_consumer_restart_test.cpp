// Consumers survive a restart: a clean stop (SIGTERM) and kill -9. What was acked stays
// acked (or, after kill -9, is at worst delivered again: at least once), nothing
// delivered and not acked is lost, and delivery continues where it stopped. Also run
// against nats-server 2.9.10 (which keeps consumer state in its store directory too).
#include <algorithm>
#include <csignal>
#include <set>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {
namespace {

using namespace std::chrono_literals;

// Five messages; a durable pull consumer gets three, acks the first two.
void prepare(JsClient& js) {
    ASSERT_FALSE(js.reply_json("$JS.API.STREAM.CREATE.R", R"({"name":"R","subjects":["r.>"]})").contains("error"));
    for (int i = 1; i <= 5; ++i) js.reply("r.x", "m" + std::to_string(i));
    ASSERT_FALSE(js.reply_json("$JS.API.CONSUMER.DURABLE.CREATE.R.C",
                               R"({"stream_name":"R","config":{"durable_name":"C","ack_policy":"explicit","ack_wait":1000000000}})")
                     .contains("error"));
    for (int i = 1; i <= 3; ++i) {
        const Frame m = js.pull("$JS.API.CONSUMER.MSG.NEXT.R.C");
        ASSERT_EQ(m.payload, "m" + std::to_string(i));
        if (i <= 2) js.request(m.reply, "+ACK");
    }
}

// After the restart: the consumer is there, m3 comes again (it was never acked), then m4, m5.
void check_after_restart(JsClient& js, bool exact) {
    const json info = js.reply_json("$JS.API.CONSUMER.INFO.R.C");
    ASSERT_FALSE(info.contains("error")) << info.dump();
    EXPECT_EQ(info["config"]["durable_name"], "C");
    EXPECT_EQ(info["config"]["ack_wait"], 1000000000);
    if (exact) {
        EXPECT_EQ(info["delivered"]["stream_seq"], 3);
        EXPECT_EQ(info["ack_floor"]["stream_seq"], 2);
        EXPECT_EQ(info["num_ack_pending"], 1);
        EXPECT_EQ(info["num_pending"], 2);
    }
    std::vector<std::string> got;
    for (int i = 0; i < 6 && got.size() < 3; ++i) {
        const Frame m = js.pull("$JS.API.CONSUMER.MSG.NEXT.R.C", R"({"batch":1,"expires":3000000000})");
        if (m.kind != Frame::Kind::msg) continue;  // a 408 while m3 waits out its ack_wait
        got.push_back(m.payload);
        js.request(m.reply, "+ACK");
    }
    if (exact) {
        // m3 waits out its ack_wait; m4 and m5 may come before it (nats-server sends them first).
        std::sort(got.begin(), got.end());
        EXPECT_EQ(got, (std::vector<std::string>{"m3", "m4", "m5"}));
    } else {
        // kill -9: at least once. m3, m4 and m5 all come; nothing before the last ack floor
        // is missing.
        const std::set<std::string> seen(got.begin(), got.end());
        EXPECT_TRUE(seen.count("m3") && seen.count("m4") && seen.count("m5")) << ::testing::PrintToString(got);
    }
    const json after = js.reply_json("$JS.API.CONSUMER.INFO.R.C");
    EXPECT_EQ(after["ack_floor"]["stream_seq"], 5);
    EXPECT_EQ(after["num_pending"], 0);
}

TEST(JetStreamConsumerRestart, CleanStopKeepsTheConsumerAndItsProgress) {
    test_support::TempDir store;
    {
        auto server = start_jetstream(store);
        JsClient js(server->port());
        prepare(js);
        server->send_signal(SIGTERM);
        server->wait_exit(10s);
    }
    auto server = start_jetstream(store);
    JsClient js(server->port());
    check_after_restart(js, true);
}

TEST(JetStreamConsumerRestart, KillNineKeepsTheConsumerAndLosesNoUnackedMessage) {
    test_support::TempDir store;
    {
        auto server = start_jetstream(store);
        JsClient js(server->port());
        prepare(js);
        std::this_thread::sleep_for(200ms);  // past the state writer's delay; a kill may still beat it
        server->send_signal(SIGKILL);
        server->wait_exit(10s);
    }
    auto server = start_jetstream(store);
    JsClient js(server->port());
    check_after_restart(js, false);
}

TEST(JetStreamConsumerRestart, DeletedConsumerStaysDeleted) {
    test_support::TempDir store;
    {
        auto server = start_jetstream(store);
        JsClient js(server->port());
        prepare(js);
        ASSERT_TRUE(js.reply_json("$JS.API.CONSUMER.DELETE.R.C").value("success", false));
        server->send_signal(SIGTERM);
        server->wait_exit(10s);
    }
    auto server = start_jetstream(store);
    JsClient js(server->port());
    EXPECT_EQ(js.reply_json("$JS.API.CONSUMER.INFO.R.C")["error"]["err_code"], 10014);
    EXPECT_EQ(js.reply_json("$JS.API.STREAM.INFO.R")["state"]["consumer_count"], 0);
}

}  // namespace
}  // namespace nats::integration
