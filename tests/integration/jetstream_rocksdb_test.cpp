// JetStream on the RocksDB store (`jetstream { file_backend: rocksdb }`, ours only):
// streams, messages and consumer state come back after a restart, and a backend this
// build does not know is refused at start-up and by -t. The kill -9 test runs on it too
// (jetstream_crash_test.cpp).
#include "tests/integration/jetstream_test_helpers.hpp"
#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

constexpr const char* rocksdb_config = "jetstream { file_backend: rocksdb }\n";

TEST(JetStreamRocksDb, StreamsMessagesAndConsumersSurviveARestart) {
    SKIP_UNLESS_PLUGIN_SERVER();
    SKIP_WITHOUT_PLUGINS("store_rocksdb");
    test_support::TempDir store;
    {
        auto server = start_jetstream(store, rocksdb_config);
        EXPECT_TRUE(wait_for_log(*server, "File storage on: rocksdb")) << server->log_text();
        JsClient client(server->port());
        ASSERT_FALSE(client.reply_json("$JS.API.STREAM.CREATE.R", R"({"name":"R","subjects":["r.*"],"max_msgs_per_subject":3})")
                         .contains("error"));
        for (int i = 1; i <= 20; ++i) client.reply("r." + std::to_string(i % 4), "m" + std::to_string(i));
        ASSERT_FALSE(client.reply_json("$JS.API.CONSUMER.DURABLE.CREATE.R.D",
                                       R"({"stream_name":"R","config":{"durable_name":"D","ack_policy":"explicit"}})")
                         .contains("error"));
        // Take and ack the first four.
        for (int i = 0; i < 4; ++i) {
            const Frame m = client.pull("$JS.API.CONSUMER.MSG.NEXT.R.D", R"({"batch":1})");
            client.raw().send(pub(m.reply, "+ACK"));
        }
        client.raw().flush();
        std::this_thread::sleep_for(std::chrono::milliseconds(200));  // the state writer runs every 50 ms
    }
    auto server = start_jetstream(store, rocksdb_config);
    JsClient client(server->port());
    const json info = client.reply_json("$JS.API.STREAM.INFO.R");
    ASSERT_FALSE(info.contains("error")) << info.dump();
    EXPECT_EQ(info["state"]["messages"], 12);  // 3 per subject, 4 subjects
    EXPECT_EQ(info["state"]["last_seq"], 20);
    EXPECT_EQ(info["state"]["num_subjects"], 4);
    EXPECT_EQ(client.reply_json("$JS.API.STREAM.MSG.GET.R", R"({"last_by_subj":"r.3"})")["message"]["data"], base64("m19"));
    const json consumer = client.reply_json("$JS.API.CONSUMER.INFO.R.D");
    ASSERT_FALSE(consumer.contains("error")) << consumer.dump();
    EXPECT_EQ(consumer["ack_floor"]["stream_seq"], 12);  // the fourth stored message
    EXPECT_EQ(consumer["num_pending"], 8);
    EXPECT_EQ(client.reply("r.1", "after"), "{\"stream\":\"R\", \"seq\":21}");
}

TEST(JetStreamRocksDb, AnUnknownBackendIsRefused) {
    SKIP_UNLESS_PLUGIN_SERVER();
    test_support::TempDir dir;
    test_support::write_file(dir.file("bad.conf"), "jetstream { file_backend: leveldb }\n");
    for (const bool check_only : {true, false}) {
        std::vector<std::string> args{"-c", dir.file("bad.conf").string(), "-p", "-1"};
        if (check_only) args.insert(args.begin(), "-t");
        const auto r = test_support::run_server_to_exit(args, std::chrono::seconds(10));
        ASSERT_TRUE(r.exit_code.has_value());
        EXPECT_EQ(*r.exit_code, 1) << r.output;
        EXPECT_NE(r.output.find("config key 'jetstream.file_backend' must be file or rocksdb, got 'leveldb'"), std::string::npos)
            << r.output;
    }
}

}  // namespace
}  // namespace nats::integration
