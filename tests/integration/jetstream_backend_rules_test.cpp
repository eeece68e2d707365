// `jetstream { file_backends: [...] }` (ours only; issue 16): file streams placed on the
// file or the RocksDB store by account and stream name patterns, first rule first,
// `file_backend` for the rest. Checked where it matters: which store's files hold each
// stream, that each comes back from its own store after a restart, and that a rule
// this build cannot serve stops start-up and -t with one line.
#include "tests/integration/jetstream_test_helpers.hpp"
#include "tests/integration/plugin_test_helpers.hpp"

#include <filesystem>

namespace nats::integration {
namespace {

namespace fs = std::filesystem;

constexpr const char* rules_config = R"(
jetstream {
  file_backends: [
    { account: "TELEMETRY", backend: rocksdb }
    { stream: "KV_*", backend: rocksdb }
    { account: "A*", stream: "LOG?", backend: rocksdb }
  ]
}
accounts {
  APP: { jetstream: enabled, users: [{user: app, password: app}] }
  TELEMETRY: { jetstream: enabled, users: [{user: tel, password: tel}] }
}
)";

json login(const std::string& user) { return {{"user", user}, {"pass", user}}; }

void create_and_fill(JsClient& client, const std::string& stream, int messages) {
    const json created = client.reply_json("$JS.API.STREAM.CREATE." + stream,
                                           R"({"name":")" + stream + R"(","subjects":[")" + stream + R"(.>"]})");
    ASSERT_FALSE(created.contains("error")) << created.dump();
    for (int i = 1; i <= messages; ++i) {
        const std::string ack = client.reply(stream + ".x", "m" + std::to_string(i));
        ASSERT_NE(ack.find("\"seq\":" + std::to_string(i)), std::string::npos) << ack;
    }
}

json stream_state(JsClient& client, const std::string& stream) {
    const json info = client.reply_json("$JS.API.STREAM.INFO." + stream);
    EXPECT_FALSE(info.contains("error")) << info.dump();
    return info["state"];
}

// The file store keeps a stream in <store>/jetstream/<account>/streams/<stream>.
bool in_file_store(const test_support::TempDir& store, const std::string& account, const std::string& stream) {
    return fs::is_directory(store.path() / "jetstream" / account / "streams" / stream);
}

TEST(JetStreamBackendRules, StreamsGoWhereTheFirstMatchingRuleSaysAndComeBackFromThere) {
    SKIP_UNLESS_PLUGIN_SERVER();
    SKIP_WITHOUT_PLUGINS("store_rocksdb");
    test_support::TempDir store;
    {
        auto server = start_jetstream(store, rules_config);
        EXPECT_TRUE(wait_for_log(*server, "File storage on rocksdb for account 'TELEMETRY', stream '*'"))
            << server->log_text();
        JsClient app(server->port(), login("app"));
        create_and_fill(app, "ORDERS", 3);  // no rule: file_backend (file)
        create_and_fill(app, "KV_cfg", 4);  // second rule
        create_and_fill(app, "LOG1", 5);    // third rule (A* and LOG?)
        create_and_fill(app, "LOG12", 2);   // LOG? takes one character: file
        JsClient tel(server->port(), login("tel"));
        create_and_fill(tel, "METRICS", 6);  // first rule
        create_and_fill(tel, "LOG1", 1);     // TELEMETRY matches the first rule before the third fails

        EXPECT_TRUE(in_file_store(store, "APP", "ORDERS"));
        EXPECT_TRUE(in_file_store(store, "APP", "LOG12"));
        EXPECT_FALSE(in_file_store(store, "APP", "KV_cfg"));
        EXPECT_FALSE(in_file_store(store, "APP", "LOG1"));
        EXPECT_FALSE(in_file_store(store, "TELEMETRY", "METRICS"));
        EXPECT_FALSE(in_file_store(store, "TELEMETRY", "LOG1"));
        EXPECT_TRUE(fs::is_directory(store.path() / "jetstream" / "rocksdb"));

        // Deleting a RocksDB stream deletes it there (it does not come back below).
        create_and_fill(app, "KV_gone", 1);
        EXPECT_FALSE(app.reply_json("$JS.API.STREAM.DELETE.KV_gone").contains("error"));
    }
    auto server = start_jetstream(store, rules_config);
    JsClient app(server->port(), login("app"));
    EXPECT_EQ(stream_state(app, "ORDERS")["messages"], 3);
    EXPECT_EQ(stream_state(app, "KV_cfg")["messages"], 4);
    EXPECT_EQ(stream_state(app, "LOG1")["messages"], 5);
    EXPECT_EQ(stream_state(app, "LOG12")["messages"], 2);
    EXPECT_EQ(app.reply_json("$JS.API.STREAM.INFO.KV_gone")["error"]["err_code"], 10059);  // stream not found
    JsClient tel(server->port(), login("tel"));
    EXPECT_EQ(stream_state(tel, "METRICS")["messages"], 6);
    EXPECT_EQ(stream_state(tel, "LOG1")["messages"], 1);
    // And they keep taking publishes where they are.
    EXPECT_EQ(tel.reply("METRICS.x", "after"), "{\"stream\":\"METRICS\", \"seq\":7}");
    EXPECT_EQ(app.reply("KV_cfg.x", "after"), "{\"stream\":\"KV_cfg\", \"seq\":5}");
}

TEST(JetStreamBackendRules, AStreamStaysInItsStoreWhenTheRulesChange) {
    SKIP_UNLESS_PLUGIN_SERVER();
    SKIP_WITHOUT_PLUGINS("store_rocksdb");
    test_support::TempDir store;
    {
        auto server = start_jetstream(store, "jetstream { file_backends: [ { stream: \"R*\", backend: rocksdb } ] }\n");
        JsClient client(server->port());
        create_and_fill(client, "RATES", 3);
    }
    // The rule now sends R* to the file store, and RocksDB stays loaded for another
    // pattern: RATES is still found in RocksDB, where its data is.
    auto server = start_jetstream(store, "jetstream { file_backends: [ { stream: \"Z*\", backend: rocksdb } ] }\n");
    JsClient client(server->port());
    EXPECT_EQ(stream_state(client, "RATES")["messages"], 3);
    EXPECT_FALSE(in_file_store(store, "$G", "RATES"));
    EXPECT_EQ(client.reply("RATES.x", "after"), "{\"stream\":\"RATES\", \"seq\":4}");
}

TEST(JetStreamBackendRules, AStoreNoSettingNamesAnyMoreIsReportedAtStartUp) {
    SKIP_UNLESS_PLUGIN_SERVER();
    SKIP_WITHOUT_PLUGINS("store_rocksdb");
    test_support::TempDir store;
    {
        auto server = start_jetstream(store, "jetstream { file_backend: rocksdb }\n");
        JsClient client(server->port());
        create_and_fill(client, "KEPT", 2);
    }
    auto server = start_jetstream(store);
    EXPECT_TRUE(wait_for_log(*server, "holds a RocksDB store that no setting names: its streams are not served"))
        << server->log_text();
    JsClient client(server->port());
    EXPECT_EQ(client.reply_json("$JS.API.STREAM.INFO.KEPT")["error"]["err_code"], 10059);
}

TEST(JetStreamBackendRules, BadRulesStopStartUpAndTheConfigCheck) {
    SKIP_UNLESS_PLUGIN_SERVER();
    const std::pair<const char*, const char*> cases[] = {
        {"file_backends: [ { stream: \"KV_*\", backend: leveldb } ]",
         "config key 'jetstream.file_backends[0].backend' must be file or rocksdb, got 'leveldb'"},
        {"file_backends: [ { stream: \"KV_*\" } ]",
         "config key 'jetstream.file_backends[0]' names no backend (backend: file or rocksdb)"},
        {"file_backends: [ { backend: file }, { sream: \"X\", backend: rocksdb } ]",
         "config key 'jetstream.file_backends[1].sream' is not a rule field (account, stream, backend)"},
        {"file_backends: { stream: \"X\", backend: rocksdb }",
         "config key 'jetstream.file_backends' must be a list of { account, stream, backend } rules"},
        {"file_backends: [ \"rocksdb\" ]", "config key 'jetstream.file_backends[0]' must be a map"},
        {"file_backends: [ { account: \"\", backend: rocksdb } ]",
         "config key 'jetstream.file_backends[0].account' must not be empty"},
        {"file_backends: [ { stream: 5, backend: rocksdb } ]",
         "config key 'jetstream.file_backends[0].stream' must be a string"},
    };
    test_support::TempDir dir;
    for (const auto& [block, expected] : cases) {
        test_support::write_file(dir.file("bad.conf"), std::string("jetstream { ") + block + " }\n");
        for (const bool check_only : {true, false}) {
            std::vector<std::string> args{"-c", dir.file("bad.conf").string(), "-p", "-1", "-sd", dir.path().string()};
            if (check_only) args.insert(args.begin(), "-t");
            const auto r = test_support::run_server_to_exit(args, std::chrono::seconds(10));
            ASSERT_TRUE(r.exit_code.has_value()) << block;
            EXPECT_EQ(*r.exit_code, 1) << block << "\n" << r.output;
            EXPECT_NE(r.output.find(expected), std::string::npos) << block << "\n" << r.output;
        }
    }
}

}  // namespace
}  // namespace nats::integration
