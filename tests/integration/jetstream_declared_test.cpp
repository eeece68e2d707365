// Streams, consumers, KV buckets and object stores declared in the config (beyond
// nats-server, so these tests run on ours only): created at start-up, reconciled on
// SIGHUP (new ones created, allowed changes applied, the others reported and left,
// nothing deleted), used unchanged by the official C client, and checked by -t.
#include <signal.h>

#include <chrono>
#include <thread>

#include "tests/integration/jetstream_test_helpers.hpp"
#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

using namespace std::chrono_literals;

std::string declared_config(const test_support::TempDir& store, const std::string& extra_stream = {},
                            const std::string& orders_extra = R"(, max_age: "24h")") {
    return "jetstream {\n  store_dir: \"" + store.path().string() + "\"\n"
           "  streams: [\n"
           "    {name: ORDERS, subjects: [\"orders.>\"]" + orders_extra + "}\n" + extra_stream +
           "  ]\n"
           "  consumers: [{stream: ORDERS, durable_name: worker, ack_policy: explicit, ack_wait: \"45s\"}]\n"
           "  kv: [{bucket: settings, history: 5, ttl: \"1h\"}]\n"
           "  object_stores: [{bucket: files}]\n"
           "}\n";
}

void reload(ServerProcess& server, const std::string& config) {
    test_support::write_file(server.dir().file("server.conf"), config);
    const auto before = server.log_text().size();
    server.send_signal(SIGHUP);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (server.log_text().find("Reloaded server configuration", before) == std::string::npos &&
           std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(5ms);
}

TEST(JetStreamDeclared, StartUpCreatesEveryDeclaredAsset) {
    SKIP_UNLESS_PLUGIN_SERVER();
    test_support::TempDir store;
    auto server = start_server(declared_config(store));
    ASSERT_TRUE(wait_for_log(*server, "declared stream '$G > ORDERS' (jetstream.streams[0]) created")) << server->log_text();
    JsClient client(server->port());

    const json orders = client.reply_json("$JS.API.STREAM.INFO.ORDERS");
    ASSERT_FALSE(orders.contains("error")) << orders.dump();
    EXPECT_EQ(orders["config"]["max_age"], 86400LL * 1000000000);
    EXPECT_EQ(orders["config"]["subjects"], json::parse(R"(["orders.>"])"));

    const json worker = client.reply_json("$JS.API.CONSUMER.INFO.ORDERS.worker");
    ASSERT_FALSE(worker.contains("error")) << worker.dump();
    EXPECT_EQ(worker["config"]["ack_wait"], 45LL * 1000000000);
    EXPECT_EQ(worker["config"]["durable_name"], "worker");

    // The KV bucket and object store look as nats.go 1.22 would have made them.
    const json kv = client.reply_json("$JS.API.STREAM.INFO.KV_settings")["config"];
    EXPECT_EQ(kv["subjects"], json::parse(R"(["$KV.settings.>"])"));
    EXPECT_EQ(kv["max_msgs_per_subject"], 5);
    EXPECT_EQ(kv["max_age"], 3600LL * 1000000000);
    EXPECT_EQ(kv["duplicate_window"], 120LL * 1000000000);
    EXPECT_EQ(kv["discard"], "new");
    EXPECT_EQ(kv["allow_rollup_hdrs"], true);
    EXPECT_EQ(kv["deny_delete"], true);
    EXPECT_EQ(kv["allow_direct"], true);
    const json obj = client.reply_json("$JS.API.STREAM.INFO.OBJ_files")["config"];
    EXPECT_EQ(obj["subjects"], json::parse(R"(["$O.files.C.>","$O.files.M.>"])"));
    EXPECT_EQ(obj["discard"], "new");

    // The C client's KV API uses the declared bucket unchanged.
    auto nc = test_support::nats_connect(server->url());
    jsCtx* raw_js = nullptr;
    ASSERT_EQ(natsConnection_JetStream(&raw_js, nc.get(), nullptr), NATS_OK);
    JsCtxPtr js(raw_js);
    kvStore* raw_kv = nullptr;
    ASSERT_EQ(js_KeyValue(&raw_kv, js.get(), "settings"), NATS_OK);
    std::unique_ptr<kvStore, decltype(&kvStore_Destroy)> bucket(raw_kv, kvStore_Destroy);
    uint64_t revision = 0;
    ASSERT_EQ(kvStore_PutString(&revision, bucket.get(), "color", "blue"), NATS_OK);
    kvEntry* raw_entry = nullptr;
    ASSERT_EQ(kvStore_Get(&raw_entry, bucket.get(), "color"), NATS_OK);
    std::unique_ptr<kvEntry, decltype(&kvEntry_Destroy)> entry(raw_entry, kvEntry_Destroy);
    EXPECT_STREQ(kvEntry_ValueString(entry.get()), "blue");

    // A restart finds everything in place: nothing is created twice.
    server.reset();
    server = start_server(declared_config(store));
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(server->log_text().find(" created"), std::string::npos) << server->log_text();
}

TEST(JetStreamDeclared, ReloadCreatesUpdatesReportsAndNeverDeletes) {
    SKIP_UNLESS_PLUGIN_SERVER();
    test_support::TempDir store;
    auto server = start_server(declared_config(store));
    ASSERT_TRUE(wait_for_log(*server, "(jetstream.object_stores[0]) created")) << server->log_text();
    JsClient client(server->port());

    // A new stream, a changed max_age (allowed) and no KV bucket any more.
    std::string next = declared_config(store, "    {name: AUDIT, subjects: [\"audit.*\"], storage: memory}\n",
                                       R"(, max_age: "48h")");
    next.replace(next.find("  kv: ["), next.find("  object_stores") - next.find("  kv: ["), "");
    reload(*server, next);
    ASSERT_TRUE(wait_for_log(*server, "declared stream '$G > AUDIT' (jetstream.streams[1]) created")) << server->log_text();
    ASSERT_TRUE(wait_for_log(*server, "declared stream '$G > ORDERS' (jetstream.streams[0]) updated")) << server->log_text();
    EXPECT_EQ(client.reply_json("$JS.API.STREAM.INFO.ORDERS")["config"]["max_age"], 172800LL * 1000000000);
    EXPECT_EQ(client.reply_json("$JS.API.STREAM.INFO.AUDIT")["config"]["storage"], "memory");
    EXPECT_FALSE(client.reply_json("$JS.API.STREAM.INFO.KV_settings").contains("error")) << "left out, not deleted";

    // Storage cannot change: reported, the stream keeps its config, the server runs on.
    reload(*server, declared_config(store, {}, R"(, max_age: "48h", storage: memory)"));
    ASSERT_TRUE(wait_for_log(*server, "declared stream '$G > ORDERS' (jetstream.streams[0]) cannot be updated, it keeps its "
                                      "current config: stream configuration update can not change storage type"))
        << server->log_text();
    EXPECT_EQ(client.reply_json("$JS.API.STREAM.INFO.ORDERS")["config"]["storage"], "file");

    // A consumer change the API refuses is reported the same way.
    std::string consumer_change = declared_config(store, {}, R"(, max_age: "48h")");
    consumer_change.replace(consumer_change.find("ack_policy: explicit"), 20, "ack_policy: all");
    reload(*server, consumer_change);
    ASSERT_TRUE(wait_for_log(*server, "declared consumer '$G > ORDERS > worker' (jetstream.consumers[0]) cannot be updated"))
        << server->log_text();
    EXPECT_EQ(client.reply_json("$JS.API.CONSUMER.INFO.ORDERS.worker")["config"]["ack_policy"], "explicit");
}

TEST(JetStreamDeclared, ConfigCheckRefusesBadDeclarationsNamingThem) {
    SKIP_UNLESS_PLUGIN_SERVER();
    test_support::TempDir dir;
    const std::pair<const char*, const char*> cases[] = {
        {"jetstream { kv: [{bucket: \"bad name\"}] }",
         "config key 'jetstream.kv[0].bucket' 'bad name' is not a valid bucket name"},
        {"jetstream { kv: [{bucket: b, history: 65}] }", "config key 'jetstream.kv[0].history' must be between 1 and 64"},
        {"jetstream { consumers: [{stream: S, ack_policy: explicit}] }",
         "config key 'jetstream.consumers[0].durable_name' is required"},
        {"jetstream { streams: [{name: M, subjects: [x], mirror: {name: O}}] }",
         "config key 'jetstream.streams[0]' stream mirrors can not contain subjects"},
        {"jetstream { streams: [{name: S, max_age: \"soon\"}] }", "config key 'jetstream.streams[0].max_age' is not a duration"},
        {"jetstream { streams: [{name: S}, {name: S}] }",
         "config key 'jetstream.streams[1].name' declares stream 'S' a second time (first: jetstream.streams[0])"},
        {"jetstream { streams: {name: S} }", "config key 'jetstream.streams' must be a list"},
    };
    for (const auto& [text, expected] : cases) {
        test_support::write_file(dir.file("js.conf"), text);
        const test_support::ExitResult r = test_support::run_server_to_exit({"-t", "-c", dir.file("js.conf").string()}, 10s);
        ASSERT_TRUE(r.exit_code.has_value()) << text;
        EXPECT_EQ(*r.exit_code, 1) << text << "\n" << r.output;
        EXPECT_NE(r.output.find(expected), std::string::npos) << text << "\n" << r.output;
    }
    test_support::write_file(dir.file("good.conf"), "jetstream { store_dir: \"" + dir.path().string() +
                                                        "\", streams: [{name: S, subjects: [s]}], kv: [{bucket: b}] }");
    const test_support::ExitResult good = test_support::run_server_to_exit({"-t", "-c", dir.file("good.conf").string()}, 10s);
    ASSERT_TRUE(good.exit_code.has_value());
    EXPECT_EQ(*good.exit_code, 0) << good.output;
}

}  // namespace
}  // namespace nats::integration
