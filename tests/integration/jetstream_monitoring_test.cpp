// JetStream on the monitoring port: /jsz (plain, accounts, streams with config, acc=),
// the jetstream section of /varz, /healthz and its JetStream options, and the JetStream
// series of /metrics. Shapes and keys as nats-server 2.9.10 answers (the suite also runs
// against it: NMK_SERVER_BIN=/usr/sbin/nats-server).
#include "tests/integration/jetstream_test_helpers.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/net.hpp"

namespace nats::integration {
namespace {

using test_support::http_get;

class JetStreamMonitoring : public ::testing::Test {
protected:
    void SetUp() override {
        http_port_ = test_support::free_port();
        server_ = start_jetstream(store_, {}, {"-m", std::to_string(http_port_)});
        JsClient client(server_->port());
        ASSERT_FALSE(client.reply_json("$JS.API.STREAM.CREATE.ORDERS", R"({"name":"ORDERS","subjects":["orders.*"]})")
                         .contains("error"));
        client.reply("orders.1", "hello");
    }
    json get(const std::string& target) {
        const auto reply = http_get(http_port_, target);
        EXPECT_EQ(reply.status, 200) << target << ": " << reply.body;
        return reply.json_body();
    }

    test_support::TempDir store_;
    int http_port_ = 0;
    std::unique_ptr<ServerProcess> server_;
};

std::vector<std::string> keys_of(const json& object) {
    std::vector<std::string> out;
    for (auto it = object.begin(); it != object.end(); ++it) out.push_back(it.key());
    return out;
}

TEST_F(JetStreamMonitoring, JszTotalsAndConfig) {
    const auto reply = http_get(http_port_, "/jsz");
    ASSERT_EQ(reply.status, 200);
    // Member order as nats-server writes it (nlohmann sorts keys, so check the text).
    std::size_t at = 0;
    for (const char* key : {"\"server_id\"", "\"now\"", "\"config\"", "\"max_memory\"", "\"max_storage\"", "\"store_dir\"",
                            "\"memory\"", "\"storage\"", "\"reserved_memory\"", "\"reserved_storage\"", "\"accounts\"",
                            "\"ha_assets\"", "\"api\"", "\"streams\"", "\"consumers\"", "\"messages\"", "\"bytes\""}) {
        const auto next = reply.body.find(key, at);
        ASSERT_NE(next, std::string::npos) << key << " missing or out of order in\n" << reply.body;
        at = next;
    }
    const json jsz = reply.json_body();
    EXPECT_EQ(jsz["config"]["store_dir"], (store_.path() / "jetstream").string());
    EXPECT_EQ(jsz["streams"], 1);
    EXPECT_EQ(jsz["messages"], 1);
    EXPECT_EQ(jsz["bytes"], 43);
    EXPECT_EQ(jsz["storage"], 43);
    EXPECT_EQ(jsz["accounts"], 1);
    EXPECT_EQ(jsz["api"]["total"], 1);
    EXPECT_FALSE(jsz.contains("account_details"));
}

TEST_F(JetStreamMonitoring, JszAccountsStreamsConfig) {
    const json jsz = get("/jsz?accounts=1&streams=1&config=1");
    ASSERT_EQ(jsz["account_details"].size(), 1u);
    const json& account = jsz["account_details"][0];
    EXPECT_EQ(account["name"], "$G");
    EXPECT_EQ(account["storage"], 43);
    ASSERT_EQ(account["stream_detail"].size(), 1u);
    const json& stream = account["stream_detail"][0];
    EXPECT_EQ(stream["name"], "ORDERS");
    EXPECT_EQ(stream["config"]["subjects"], json::array({"orders.*"}));
    EXPECT_EQ(stream["state"]["messages"], 1);
    EXPECT_EQ(stream["cluster"]["leader"], jsz["server_id"]);
    // Without config=1 the stream carries no config.
    EXPECT_FALSE(get("/jsz?streams=1")["account_details"][0]["stream_detail"][0].contains("config"));
    EXPECT_FALSE(get("/jsz?acc=NOPE").contains("account_details"));
}

TEST_F(JetStreamMonitoring, JszConsumersShowPendingAndAckPending) {
    JsClient client(server_->port());
    ASSERT_FALSE(client.reply_json("$JS.API.CONSUMER.DURABLE.CREATE.ORDERS.C",
                                   R"({"stream_name":"ORDERS","config":{"durable_name":"C","ack_policy":"explicit"}})")
                     .contains("error"));
    client.reply("orders.2", "again");
    const Frame first = client.pull("$JS.API.CONSUMER.MSG.NEXT.ORDERS.C");  // delivered, not acked
    ASSERT_EQ(first.payload, "hello");
    const json jsz = get("/jsz?consumers=1");
    EXPECT_EQ(jsz["consumers"], 1);
    const json& stream = jsz["account_details"][0]["stream_detail"][0];
    ASSERT_EQ(stream["consumer_detail"].size(), 1u);
    const json& c = stream["consumer_detail"][0];
    EXPECT_EQ(c["name"], "C");
    EXPECT_FALSE(c.contains("config"));  // only with config=1
    EXPECT_EQ(c["num_pending"], 1);
    EXPECT_EQ(c["num_ack_pending"], 1);
    EXPECT_EQ(c["delivered"]["stream_seq"], 1);
    EXPECT_EQ(get("/jsz?consumers=1&config=1")["account_details"][0]["stream_detail"][0]["consumer_detail"][0]["config"]
                  ["durable_name"],
              "C");
}

TEST_F(JetStreamMonitoring, VarzHasTheJetStreamSection) {
    const json varz = get("/varz");
    ASSERT_TRUE(varz.contains("jetstream"));
    EXPECT_EQ(keys_of(varz["jetstream"]), (std::vector<std::string>{"config", "stats"}));
    EXPECT_EQ(varz["jetstream"]["config"]["store_dir"], (store_.path() / "jetstream").string());
    EXPECT_EQ(varz["jetstream"]["stats"]["storage"], 43);
}

TEST_F(JetStreamMonitoring, HealthzWithJetStream) {
    for (const char* target : {"/healthz", "/healthz?js-enabled-only=true", "/healthz?js-server-only=1"}) {
        const auto reply = http_get(http_port_, target);
        EXPECT_EQ(reply.status, 200) << target;
        EXPECT_EQ(reply.body, "{\"status\":\"ok\"}") << target;
    }
}

TEST_F(JetStreamMonitoring, MetricsCarryTheJetStreamSeries) {
    if (test_support::server_binary().find("build/bin") == std::string::npos &&
        std::getenv("NMK_SERVER_BIN") != nullptr) {
        GTEST_SKIP() << "/metrics is this server's (nats-server has prometheus-nats-exporter for it)";
    }
    const auto reply = http_get(http_port_, "/metrics");
    ASSERT_EQ(reply.status, 200);
    EXPECT_NE(reply.body.find("jetstream_server_total_streams{"), std::string::npos) << reply.body.substr(0, 2000);
    EXPECT_NE(reply.body.find("jetstream_server_jetstream_disabled{"), std::string::npos);
    EXPECT_NE(reply.body.find("jetstream_stream_total_messages{"), std::string::npos);
    JsClient client(server_->port());
    ASSERT_FALSE(client.reply_json("$JS.API.CONSUMER.DURABLE.CREATE.ORDERS.C",
                                   R"({"stream_name":"ORDERS","config":{"durable_name":"C","ack_policy":"explicit"}})")
                     .contains("error"));
    const auto with_consumer = http_get(http_port_, "/metrics");
    EXPECT_NE(with_consumer.body.find("jetstream_consumer_num_pending{"), std::string::npos);
    EXPECT_NE(with_consumer.body.find("consumer_name=\"C\""), std::string::npos);
}

}  // namespace
}  // namespace nats::integration
