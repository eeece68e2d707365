// Many publishes to a stream in one write, as an async publisher sends them: our server
// syncs what one read brought once and sends the round's acks together, so this checks
// that nothing of that is lost or reordered: every publish gets its own ack, with the
// sequence it was stored under, in the order sent; also past the 256 publishes after
// which a sync is asked for without waiting for the end of the read, and for a memory
// stream (acked at once). Runs against nats-server 2.9.10 too (NMK_SERVER_BIN).
#include <string>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {
namespace {

class JetStreamPipelined : public ::testing::TestWithParam<const char*> {
protected:
    void SetUp() override {
        server_ = start_jetstream(store_);
        client_ = std::make_unique<JsClient>(server_->port());
    }

    test_support::TempDir store_;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<JsClient> client_;
};

TEST_P(JetStreamPipelined, EveryPublishOfOneWriteGetsItsAckInOrder) {
    const std::string storage = GetParam();
    const json created = client_->reply_json(
        "$JS.API.STREAM.CREATE.PIPE", R"({"name":"PIPE","subjects":["pipe.>"],"storage":")" + storage + "\"}");
    ASSERT_FALSE(created.contains("error")) << created.dump();

    RawClient publisher(server_->port());
    publisher.connect({{"headers", true}});
    publisher.send("SUB acks.* 1\r\n");
    publisher.flush();
    constexpr int count = 700;  // more than two rounds of 256 and a remainder
    std::string burst;
    for (int i = 1; i <= count; ++i) burst += pub("pipe." + std::to_string(i % 7), "m" + std::to_string(i), "acks." + std::to_string(i));
    publisher.send(burst);
    for (int i = 1; i <= count; ++i) {
        const Frame f = publisher.read_frame(std::chrono::seconds(10));
        ASSERT_EQ(f.kind, Frame::Kind::msg) << "ack " << i;
        EXPECT_EQ(f.subject, "acks." + std::to_string(i));
        EXPECT_EQ(f.payload, "{\"stream\":\"PIPE\", \"seq\":" + std::to_string(i) + "}");
    }
    EXPECT_TRUE(publisher.flush().empty());  // nothing more: one ack each

    const json info = client_->reply_json("$JS.API.STREAM.INFO.PIPE");
    EXPECT_EQ(info["state"]["messages"], count);
    EXPECT_EQ(info["state"]["last_seq"], count);
    const json last = client_->reply_json("$JS.API.STREAM.MSG.GET.PIPE", R"({"seq":700})");
    EXPECT_EQ(last["message"]["subject"], "pipe.0");
}

INSTANTIATE_TEST_SUITE_P(JetStreamStorage, JetStreamPipelined, ::testing::Values("file", "memory"));

}  // namespace
}  // namespace nats::integration
