// JetStream streams over the raw protocol: the API's answers (type, field order, Go's
// bytes, error codes and texts), the PubAck bytes, the Nats-* publish headers, limits,
// purge, message get/delete, direct get, restart. Every expectation is nats-server
// 2.9.10's answer; the suite also runs against it (NMK_SERVER_BIN=/usr/sbin/nats-server).
#include <map>
#include <thread>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {
namespace {

// The config nats-server 2.9.10 answers for {"name":"<name>","subjects":[<subjects>]}.
std::string default_config(std::string_view name, std::string_view subjects_json, std::string_view storage = "file") {
    return "{\"name\":\"" + std::string(name) + "\",\"subjects\":" + std::string(subjects_json) +
           ",\"retention\":\"limits\",\"max_consumers\":-1,\"max_msgs\":-1,\"max_bytes\":-1,\"max_age\":0,"
           "\"max_msgs_per_subject\":-1,\"max_msg_size\":-1,\"discard\":\"old\",\"storage\":\"" +
           std::string(storage) +
           "\",\"num_replicas\":1,\"duplicate_window\":120000000000,\"allow_direct\":false,\"mirror_direct\":false,"
           "\"sealed\":false,\"deny_delete\":false,\"deny_purge\":false,\"allow_rollup_hdrs\":false}";
}

std::string error_reply(std::string_view type, int code, int err_code, std::string_view description,
                        std::string_view extra = {}) {
    return "{\"type\":\"io.nats.jetstream.api.v1." + std::string(type) + "\",\"error\":{\"code\":" + std::to_string(code) +
           ",\"err_code\":" + std::to_string(err_code) + ",\"description\":\"" + std::string(description) + "\"}" +
           std::string(extra) + "}";
}

class JetStreamStreams : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = start_jetstream(store_);
        client_ = std::make_unique<JsClient>(server_->port());
    }
    void create(std::string_view name, std::string_view body) {
        const json r = client_->reply_json("$JS.API.STREAM.CREATE." + std::string(name), body);
        ASSERT_FALSE(r.contains("error")) << r.dump();
    }
    json state(std::string_view name) { return client_->reply_json("$JS.API.STREAM.INFO." + std::string(name))["state"]; }

    test_support::TempDir store_;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<JsClient> client_;
};

TEST_F(JetStreamStreams, InfoAdvertisesJetStream) {
    RawClient raw(server_->port());
    EXPECT_EQ(raw.read_info().value("jetstream", false), true);
}

TEST_F(JetStreamStreams, AccountInfoOfAFreshServer) {
    EXPECT_EQ(client_->reply("$JS.API.INFO"),
              "{\"type\":\"io.nats.jetstream.api.v1.account_info_response\",\"memory\":0,\"storage\":0,\"streams\":0,"
              "\"consumers\":0,\"limits\":{\"max_memory\":-1,\"max_storage\":-1,\"max_streams\":-1,\"max_consumers\":-1,"
              "\"max_ack_pending\":-1,\"memory_max_stream_bytes\":-1,\"storage_max_stream_bytes\":-1,"
              "\"max_bytes_required\":false},\"api\":{\"total\":0,\"errors\":0}}");
    client_->reply("$JS.API.STREAM.INFO.NOPE");
    const json again = client_->reply_json("$JS.API.INFO");
    EXPECT_EQ(again["api"]["total"], 2);
    EXPECT_EQ(again["api"]["errors"], 1);
}

TEST_F(JetStreamStreams, CreateAnswersTheDefaultedConfig) {
    const std::string r = client_->reply("$JS.API.STREAM.CREATE.ORDERS", R"({"name":"ORDERS","subjects":["orders.*"]})");
    EXPECT_EQ(mask_times(r), "{\"type\":\"io.nats.jetstream.api.v1.stream_create_response\",\"config\":" +
                                 default_config("ORDERS", "[\"orders.*\"]") +
                                 ",\"created\":\"T\",\"state\":{\"messages\":0,\"bytes\":0,\"first_seq\":0,\"first_ts\":\"T\","
                                 "\"last_seq\":0,\"last_ts\":\"T\",\"consumer_count\":0},\"did_create\":true}");
    EXPECT_NE(r.find("\"first_ts\":\"0001-01-01T00:00:00Z\""), std::string::npos) << r;
    // The same config again is accepted (2.9.10 says did_create again); another is not.
    EXPECT_EQ(mask_times(client_->reply("$JS.API.STREAM.CREATE.ORDERS", R"({"name":"ORDERS","subjects":["orders.*"]})")),
              mask_times(r));
    EXPECT_EQ(client_->reply("$JS.API.STREAM.CREATE.ORDERS", R"({"name":"ORDERS","subjects":["other.*"]})"),
              error_reply("stream_create_response", 400, 10058, "stream name already in use with a different configuration"));
}

TEST_F(JetStreamStreams, CreateRefusesBadRequests) {
    const auto create = [&](std::string_view name, std::string_view body) {
        return client_->reply("$JS.API.STREAM.CREATE." + std::string(name), body);
    };
    const std::string type = "stream_create_response";
    EXPECT_EQ(create("X", "{bad"), error_reply(type, 400, 10025, "invalid JSON"));
    EXPECT_EQ(create("X", R"({"name":"X","retention":"foo"})"), error_reply(type, 400, 10025, "invalid JSON"));
    EXPECT_EQ(create("X", R"({"name":"X","max_msgs":1.5})"), error_reply(type, 400, 10025, "invalid JSON"));
    EXPECT_EQ(create("X", R"({"name":"Y"})"), error_reply(type, 400, 10056, "stream name in subject does not match request"));
    EXPECT_EQ(create("X", R"({"name":"X","max_age":5})"), error_reply(type, 500, 10052, "max age needs to be \\u003e= 100ms"));
    EXPECT_EQ(create("X", R"({"name":"X","num_replicas":3})"),
              error_reply(type, 500, 10074, "replicas \\u003e 1 not supported in non-clustered mode"));
    EXPECT_EQ(create("X", R"({"name":"X","sealed":true})"),
              error_reply(type, 500, 10052, "stream configuration for create can not be sealed"));
    EXPECT_EQ(create("X", R"({"name":"X","subjects":["a","a"]})"), error_reply(type, 500, 10052, "duplicate subjects detected"));
    EXPECT_EQ(create("X", R"({"name":"X","subjects":["$JS.API.x"]})"),
              error_reply(type, 500, 10052, "subjects overlap with jetstream api"));
    EXPECT_EQ(create("X", R"({"name":"X","subjects":["a.*","a.b"]})"),
              error_reply(type, 500, 10052, "subject \\\"a.*\\\" overlaps with \\\"a.b\\\""));
    EXPECT_EQ(create("X", R"({"name":"X","deny_purge":true,"allow_rollup_hdrs":true})"),
              error_reply(type, 500, 10052, "roll-ups require the purge permission"));
    create("A", R"({"name":"A","subjects":["a.>"]})");
    EXPECT_EQ(create("B", R"({"name":"B","subjects":["a.b"]})"), error_reply(type, 400, 10065, "subjects overlap with an existing stream"));
    // Nothing was half-created.
    EXPECT_EQ(client_->reply("$JS.API.STREAM.NAMES"),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_names_response\",\"total\":1,\"offset\":0,\"limit\":1024,\"streams\":[\"A\"]}");
}

TEST_F(JetStreamStreams, MemberNamesMatchCaseInsensitivelyAsGoDoes) {
    const json r = client_->reply_json("$JS.API.STREAM.CREATE.S4", R"({"Name":"S4","SUBJECTS":["q"],"Storage":"memory"})");
    EXPECT_EQ(r["config"]["subjects"], json::array({"q"}));
    EXPECT_EQ(r["config"]["storage"], "memory");
}

TEST_F(JetStreamStreams, PubAckBytesAndDedup) {
    create("ORDERS", R"({"name":"ORDERS","subjects":["orders.*"]})");
    EXPECT_EQ(client_->reply("orders.1", "hello"), "{\"stream\":\"ORDERS\", \"seq\":1}");
    const std::string id = "NATS/1.0\r\nNats-Msg-Id: abc\r\n\r\n";
    EXPECT_EQ(client_->reply("orders.2", "x", id), "{\"stream\":\"ORDERS\", \"seq\":2}");
    EXPECT_EQ(client_->reply("orders.2", "x", id), "{\"stream\":\"ORDERS\", \"seq\":2,\"duplicate\": true}");
    const json s = state("ORDERS");
    EXPECT_EQ(s["messages"], 2);
    // nats-server's file store counts 30 bytes per message (34 with headers) beside
    // subject, headers and payload: 30+8+5 and 34+8+30+1.
    EXPECT_EQ(s["bytes"], 43 + 73);
}

TEST_F(JetStreamStreams, PublishWithoutAStreamHasNoResponders) {
    const Frame f = client_->request("nowhere", "x");
    EXPECT_EQ(f.kind, Frame::Kind::hmsg);
    EXPECT_EQ(f.headers, "NATS/1.0 503\r\n\r\n");
}

TEST_F(JetStreamStreams, ExpectedHeaders) {
    create("S", R"({"name":"S","subjects":["s.*"]})");
    client_->reply("s.a", "1");
    const auto err = [](int code, int err_code, std::string_view text) {
        return "{\"error\":{\"code\":" + std::to_string(code) + ",\"err_code\":" + std::to_string(err_code) +
               ",\"description\":\"" + std::string(text) + "\"},\"stream\":\"S\",\"seq\":0}";
    };
    EXPECT_EQ(client_->reply("s.a", "2", "NATS/1.0\r\nNats-Expected-Stream: T\r\n\r\n"), err(400, 10060, "expected stream does not match"));
    EXPECT_EQ(client_->reply("s.a", "2", "NATS/1.0\r\nNats-Expected-Last-Sequence: 5\r\n\r\n"), err(400, 10071, "wrong last sequence: 1"));
    EXPECT_EQ(client_->reply("s.a", "2", "NATS/1.0\r\nNats-Expected-Last-Sequence: 1\r\n\r\n"), "{\"stream\":\"S\", \"seq\":2}");
    EXPECT_EQ(client_->reply("s.b", "3", "NATS/1.0\r\nNats-Expected-Last-Subject-Sequence: 1\r\n\r\n"),
              err(400, 10071, "wrong last sequence: 0"));
    EXPECT_EQ(client_->reply("s.b", "3", "NATS/1.0\r\nNats-Expected-Last-Subject-Sequence: 0\r\n\r\n"), "{\"stream\":\"S\", \"seq\":3}");
    EXPECT_EQ(client_->reply("s.a", "4", "NATS/1.0\r\nNats-Msg-Id: m4\r\n\r\n"), "{\"stream\":\"S\", \"seq\":4}");
    EXPECT_EQ(client_->reply("s.a", "5", "NATS/1.0\r\nNats-Expected-Last-Msg-Id: other\r\n\r\n"), err(400, 10070, "wrong last msg ID: m4"));
    EXPECT_EQ(client_->reply("s.a", "5", "NATS/1.0\r\nNats-Expected-Last-Msg-Id: m4\r\n\r\n"), "{\"stream\":\"S\", \"seq\":5}");
    EXPECT_EQ(client_->reply("s.a", "6", "NATS/1.0\r\nNats-Rollup: sub\r\n\r\n"), err(500, 10111, "rollup not permitted"));
}

TEST_F(JetStreamStreams, LimitsDiscardOldAndNew) {
    create("OLD", R"({"name":"OLD","subjects":["old"],"max_msgs":2})");
    for (int i = 1; i <= 3; ++i) client_->reply("old", std::to_string(i));
    json s = state("OLD");
    EXPECT_EQ(s["messages"], 2);
    EXPECT_EQ(s["first_seq"], 2);
    EXPECT_EQ(s["last_seq"], 3);

    create("NEW", R"({"name":"NEW","subjects":["new"],"max_msgs":2,"discard":"new"})");
    client_->reply("new", "1");
    client_->reply("new", "2");
    EXPECT_EQ(client_->reply("new", "3"),
              "{\"error\":{\"code\":503,\"err_code\":10077,\"description\":\"maximum messages exceeded\"},\"stream\":\"NEW\",\"seq\":0}");
    EXPECT_EQ(state("NEW")["messages"], 2);

    create("PER", R"({"name":"PER","subjects":["per.*"],"max_msgs_per_subject":1})");
    client_->reply("per.a", "1");
    client_->reply("per.a", "2");
    client_->reply("per.b", "3");
    s = state("PER");
    EXPECT_EQ(s["messages"], 2);
    EXPECT_EQ(s["first_seq"], 2);

    create("SIZE", R"({"name":"SIZE","subjects":["size"],"max_msg_size":4})");
    EXPECT_EQ(client_->reply("size", "12345"),
              "{\"error\":{\"code\":400,\"err_code\":10054,\"description\":\"message size exceeds maximum allowed\"},\"stream\":\"SIZE\",\"seq\":0}");
}

TEST_F(JetStreamStreams, MaxAgeExpiresOldMessages) {
    create("AGE", R"({"name":"AGE","subjects":["age"],"max_age":1000000000})");
    client_->reply("age", "old");
    std::this_thread::sleep_for(1200ms);
    client_->reply("age", "new");
    // Expiry runs within about a second of a message's deadline.
    json s;
    for (int i = 0; i < 40; ++i) {
        s = state("AGE");
        if (s["messages"] == 1) break;
        std::this_thread::sleep_for(100ms);
    }
    EXPECT_EQ(s["messages"], 1);
    EXPECT_EQ(s["first_seq"], 2);
    EXPECT_EQ(client_->reply_json("$JS.API.INFO")["storage"], s["bytes"]);
}

TEST_F(JetStreamStreams, InfoWithSubjectsAndDeletedDetails) {
    create("DET", R"({"name":"DET","subjects":["det.*"]})");
    for (const char* subject : {"det.a", "det.b", "det.a", "det.c", "det.a"}) client_->reply(subject, "x");
    client_->reply("$JS.API.STREAM.MSG.DELETE.DET", R"({"seq":2})");
    client_->reply("$JS.API.STREAM.MSG.DELETE.DET", R"({"seq":4})");
    const json info = client_->reply_json("$JS.API.STREAM.INFO.DET", R"({"deleted_details":true,"subjects_filter":"det.*"})");
    EXPECT_EQ(info["state"]["num_deleted"], 2);
    EXPECT_EQ(info["state"]["deleted"], json::array({2, 4}));
    EXPECT_EQ(info["state"]["subjects"], json({{"det.a", 3}}));
    EXPECT_EQ(info["total"], 1);
    EXPECT_EQ(info["limit"], 100000);
    const json plain = client_->reply_json("$JS.API.STREAM.INFO.DET");
    EXPECT_FALSE(plain["state"].contains("deleted"));
    EXPECT_FALSE(plain["state"].contains("subjects"));
    EXPECT_EQ(plain["state"]["num_subjects"], 1);
}

TEST_F(JetStreamStreams, InterestRetentionWithoutConsumersKeepsNothing) {
    create("I", R"({"name":"I","subjects":["i"],"retention":"interest"})");
    EXPECT_EQ(client_->reply("i", "a"), "{\"stream\":\"I\", \"seq\":1}");
    EXPECT_EQ(client_->reply("i", "b"), "{\"stream\":\"I\", \"seq\":2}");
    json s = state("I");
    EXPECT_EQ(s["messages"], 0);
    EXPECT_EQ(s["first_seq"], 3);
    EXPECT_EQ(s["last_seq"], 2);
    create("W", R"({"name":"W","subjects":["w"],"retention":"workqueue"})");
    client_->reply("w", "a");
    EXPECT_EQ(state("W")["messages"], 1);
}

TEST_F(JetStreamStreams, RollupKeepsTheLatest) {
    create("R", R"({"name":"R","subjects":["r.*"],"allow_rollup_hdrs":true})");
    client_->reply("r.a", "1");
    client_->reply("r.a", "2");
    client_->reply("r.b", "3");
    EXPECT_EQ(client_->reply("r.a", "4", "NATS/1.0\r\nNats-Rollup: sub\r\n\r\n"), "{\"stream\":\"R\", \"seq\":4}");
    EXPECT_EQ(state("R")["messages"], 2);
    EXPECT_EQ(client_->reply("r.c", "5", "NATS/1.0\r\nNats-Rollup: all\r\n\r\n"), "{\"stream\":\"R\", \"seq\":5}");
    const json s = state("R");
    EXPECT_EQ(s["messages"], 1);
    EXPECT_EQ(s["first_seq"], 5);
}

TEST_F(JetStreamStreams, NamesListAndFilters) {
    EXPECT_EQ(client_->reply("$JS.API.STREAM.NAMES"),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_names_response\",\"total\":0,\"offset\":0,\"limit\":1024,\"streams\":null}");
    EXPECT_EQ(client_->reply("$JS.API.STREAM.LIST"),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_list_response\",\"total\":0,\"offset\":0,\"limit\":256,\"streams\":[]}");
    create("B", R"({"name":"B","subjects":["b.>"]})");
    create("A", R"({"name":"A","subjects":["a.>"]})");
    EXPECT_EQ(client_->reply_json("$JS.API.STREAM.NAMES")["streams"], json::array({"A", "B"}));
    EXPECT_EQ(client_->reply_json("$JS.API.STREAM.NAMES", R"({"subject":"b.x"})")["streams"], json::array({"B"}));
    EXPECT_EQ(client_->reply("$JS.API.STREAM.NAMES", R"({"offset":5})"),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_names_response\",\"total\":2,\"offset\":2,\"limit\":1024,\"streams\":null}");
    const json list = client_->reply_json("$JS.API.STREAM.LIST");
    ASSERT_EQ(list["streams"].size(), 2u);
    EXPECT_EQ(list["streams"][0]["config"]["name"], "A");
}

TEST_F(JetStreamStreams, InfoDeleteAndErrors) {
    EXPECT_EQ(client_->reply("$JS.API.STREAM.INFO.NOPE"),
              error_reply("stream_info_response", 404, 10059, "stream not found", ",\"total\":0,\"offset\":0,\"limit\":0"));
    EXPECT_EQ(client_->reply("$JS.API.STREAM.DELETE.NOPE"), error_reply("stream_delete_response", 404, 10059, "stream not found"));
    EXPECT_EQ(client_->reply("$JS.API.STREAM.PURGE.NOPE"),
              error_reply("stream_purge_response", 404, 10059, "stream not found", ",\"purged\":0"));
    create("D", R"({"name":"D","subjects":["d"]})");
    client_->reply("d", "1");
    EXPECT_EQ(mask_times(client_->reply("$JS.API.STREAM.INFO.D")),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_info_response\",\"total\":0,\"offset\":0,\"limit\":0,\"config\":" +
                  default_config("D", "[\"d\"]") +
                  ",\"created\":\"T\",\"state\":{\"messages\":1,\"bytes\":32,\"first_seq\":1,\"first_ts\":\"T\",\"last_seq\":1,"
                  "\"last_ts\":\"T\",\"num_subjects\":1,\"consumer_count\":0}}");
    EXPECT_EQ(client_->reply("$JS.API.STREAM.DELETE.D"), "{\"type\":\"io.nats.jetstream.api.v1.stream_delete_response\",\"success\":true}");
    EXPECT_EQ(client_->reply_json("$JS.API.STREAM.INFO.D")["error"]["err_code"], 10059);
    // Its subject has no stream any more.
    EXPECT_EQ(client_->request("d", "2").headers, "NATS/1.0 503\r\n\r\n");
}

TEST_F(JetStreamStreams, UpdateRules) {
    create("U", R"({"name":"U","subjects":["u"],"storage":"memory"})");
    EXPECT_EQ(client_->reply("$JS.API.STREAM.UPDATE.U", R"({"name":"U","subjects":["u"],"storage":"file"})"),
              error_reply("stream_update_response", 500, 10052, "stream configuration update can not change storage type"));
    const json r = client_->reply_json("$JS.API.STREAM.UPDATE.U", R"({"name":"U","subjects":["u","v"],"storage":"memory","max_msgs":5})");
    ASSERT_FALSE(r.contains("error")) << r.dump();
    EXPECT_EQ(r["type"], "io.nats.jetstream.api.v1.stream_update_response");
    EXPECT_EQ(r["config"]["max_msgs"], 5);
    EXPECT_EQ(client_->reply("v", "x"), "{\"stream\":\"U\", \"seq\":1}");
}

TEST_F(JetStreamStreams, PurgeAndMessageGetDelete) {
    create("P", R"({"name":"P","subjects":["p.*"]})");
    for (int i = 1; i <= 6; ++i) client_->reply(i % 2 ? "p.odd" : "p.even", std::to_string(i));
    EXPECT_EQ(mask_times(client_->reply("$JS.API.STREAM.MSG.GET.P", R"({"seq":1})")),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_msg_get_response\",\"message\":{\"subject\":\"p.odd\",\"seq\":1,"
              "\"data\":\"MQ==\",\"time\":\"T\"}}");
    EXPECT_EQ(client_->reply_json("$JS.API.STREAM.MSG.GET.P", R"({"last_by_subj":"p.even"})")["message"]["seq"], 6);
    EXPECT_EQ(client_->reply_json("$JS.API.STREAM.MSG.GET.P", R"({"seq":3,"next_by_subj":"p.even"})")["message"]["seq"], 4);
    EXPECT_EQ(client_->reply("$JS.API.STREAM.MSG.GET.P", R"({"seq":99})"),
              error_reply("stream_msg_get_response", 404, 10037, "no message found"));
    EXPECT_EQ(client_->reply("$JS.API.STREAM.MSG.GET.P", "{}"), error_reply("stream_msg_get_response", 400, 10003, "bad request"));
    EXPECT_EQ(client_->reply("$JS.API.STREAM.MSG.DELETE.P", R"({"seq":2})"),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_msg_delete_response\",\"success\":true}");
    EXPECT_EQ(client_->reply_json("$JS.API.STREAM.MSG.DELETE.P", R"({"seq":2})")["error"]["description"], "sequence 2 not found");
    EXPECT_EQ(client_->reply("$JS.API.STREAM.PURGE.P", R"({"filter":"p.odd","keep":1})"),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_purge_response\",\"success\":true,\"purged\":2}");
    EXPECT_EQ(client_->reply("$JS.API.STREAM.PURGE.P", R"({"seq":2,"keep":1})"),
              error_reply("stream_purge_response", 400, 10003, "bad request", ",\"purged\":0"));
    EXPECT_EQ(client_->reply("$JS.API.STREAM.PURGE.P"), "{\"type\":\"io.nats.jetstream.api.v1.stream_purge_response\",\"success\":true,\"purged\":3}");
    const json s = state("P");
    EXPECT_EQ(s["messages"], 0);
    EXPECT_EQ(s["first_seq"], 7);
    EXPECT_EQ(s["last_seq"], 6);
}

TEST_F(JetStreamStreams, DenyDeleteAndPurge) {
    create("N", R"({"name":"N","subjects":["n"],"deny_delete":true,"deny_purge":true})");
    client_->reply("n", "1");
    EXPECT_EQ(client_->reply("$JS.API.STREAM.PURGE.N"),
              error_reply("stream_purge_response", 500, 10110, "stream purge not permitted", ",\"purged\":0"));
    EXPECT_EQ(client_->reply("$JS.API.STREAM.MSG.DELETE.N", R"({"seq":1})"),
              error_reply("stream_msg_delete_response", 500, 10057, "message delete not permitted"));
}

TEST_F(JetStreamStreams, DirectGet) {
    create("KV", R"({"name":"KV","subjects":["kv.>"],"allow_direct":true})");
    client_->reply("kv.a", "one");
    client_->reply("kv.a", "two", "NATS/1.0\r\nX-Y: z\r\n\r\n");
    Frame f = client_->request("$JS.API.DIRECT.GET.KV.kv.a");
    EXPECT_EQ(f.payload, "two");
    EXPECT_NE(f.headers.find("X-Y: z\r\n"), std::string::npos);
    EXPECT_NE(f.headers.find("Nats-Sequence: 2\r\n"), std::string::npos) << f.headers;
    f = client_->request("$JS.API.DIRECT.GET.KV", R"({"seq":1})");
    EXPECT_EQ(f.payload, "one");
    EXPECT_EQ(f.headers.substr(0, f.headers.find("Nats-Time-Stamp")),
              "NATS/1.0\r\nNats-Stream: KV\r\nNats-Subject: kv.a\r\nNats-Sequence: 1\r\n");
    EXPECT_EQ(client_->request("$JS.API.DIRECT.GET.KV", R"({"seq":9})").headers, "NATS/1.0 404 Message Not Found\r\n\r\n");
    // A stream without allow_direct does not answer.
    create("ND", R"({"name":"ND","subjects":["nd"]})");
    client_->reply("nd", "x");
    EXPECT_TRUE(client_->silent("$JS.API.DIRECT.GET.ND", R"({"seq":1})", 300ms));
}

TEST_F(JetStreamStreams, RepublishSendsTheStoredMessageAgain) {
    // nats-server 2.9.10's mappings: the destination names the source's wildcards ($1).
    EXPECT_EQ(client_->reply_json("$JS.API.STREAM.CREATE.BAD", R"({"name":"BAD","subjects":["b.>"],"republish":{"src":"b.*","dest":"copy.*"}})")["error"]["description"],
              "stream configuration for republish not valid");
    create("RP", R"({"name":"RP","subjects":["r.>"],"republish":{"src":"r.*","dest":"copy.$1"}})");
    RawClient watcher(server_->port());
    watcher.connect({{"headers", true}});
    watcher.send("SUB copy.> 1\r\n");
    watcher.flush();
    client_->reply("r.a", "x");
    client_->reply("r.a", "y", "NATS/1.0\r\nK: v\r\n\r\n");
    client_->reply("r.b.c", "not republished: the source is r.*");
    Frame f = watcher.expect_hmsg();
    EXPECT_EQ(f.subject, "copy.a");
    EXPECT_EQ(f.headers, "NATS/1.0\r\nNats-Stream: RP\r\nNats-Subject: r.a\r\nNats-Sequence: 1\r\nNats-Last-Sequence: 0\r\n\r\n");
    EXPECT_EQ(f.payload, "x");
    f = watcher.expect_hmsg();
    EXPECT_EQ(f.payload, "y");
    EXPECT_NE(f.headers.find("K: v\r\n"), std::string::npos);
    EXPECT_NE(f.headers.find("Nats-Sequence: 2\r\n"), std::string::npos);
    EXPECT_NE(f.headers.find("Nats-Last-Sequence: 1\r\n"), std::string::npos);
    EXPECT_TRUE(only(watcher.flush(), Frame::Kind::hmsg).empty());
}

TEST_F(JetStreamStreams, AdvisoriesForStreamActionsAndTheApiAudit) {
    RawClient watcher(server_->port());
    watcher.connect({{"headers", true}});
    watcher.send("SUB $JS.EVENT.ADVISORY.> 1\r\n");
    watcher.flush();
    create("ADV", R"({"name":"ADV","subjects":["adv"]})");
    client_->reply("$JS.API.STREAM.UPDATE.ADV", R"({"name":"ADV","subjects":["adv"],"max_msgs":3})");
    client_->reply("$JS.API.STREAM.DELETE.ADV");
    std::map<std::string, json> by_subject;
    std::vector<json> audits;
    for (int i = 0; i < 6; ++i) {
        const Frame f = watcher.expect_msg();
        const json event = json::parse(f.payload);
        if (f.subject == "$JS.EVENT.ADVISORY.API") audits.push_back(event);
        else by_subject[f.subject] = event;
    }
    ASSERT_EQ(by_subject.size(), 3u);
    for (const auto& [subject, action] :
         {std::pair<std::string, std::string>{"$JS.EVENT.ADVISORY.STREAM.CREATED.ADV", "create"},
          {"$JS.EVENT.ADVISORY.STREAM.UPDATED.ADV", "modify"},
          {"$JS.EVENT.ADVISORY.STREAM.DELETED.ADV", "delete"}}) {
        const json& e = by_subject[subject];
        EXPECT_EQ(e["type"], "io.nats.jetstream.advisory.v1.stream_action") << subject;
        EXPECT_EQ(e["stream"], "ADV");
        EXPECT_EQ(e["action"], action);
        EXPECT_EQ(e["id"].get<std::string>().size(), 22u);
        EXPECT_TRUE(e.contains("timestamp"));
    }
    ASSERT_EQ(audits.size(), 3u);
    EXPECT_EQ(audits[0]["type"], "io.nats.jetstream.advisory.v1.api_audit");
    EXPECT_EQ(audits[0]["subject"], "$JS.API.STREAM.CREATE.ADV");
    EXPECT_EQ(audits[0]["request"], R"({"name":"ADV","subjects":["adv"]})");
    EXPECT_EQ(json::parse(audits[0]["response"].get<std::string>())["did_create"], true);
    EXPECT_EQ(audits[0]["client"]["acc"], "$G");
}

TEST(JetStreamRestart, StreamsAndMessagesSurviveARestart) {
    test_support::TempDir store;
    {
        auto server = start_jetstream(store);
        JsClient client(server->port());
        client.reply("$JS.API.STREAM.CREATE.KEEP", R"({"name":"KEEP","subjects":["keep.*"],"max_msgs_per_subject":5})");
        for (int i = 0; i < 20; ++i) ASSERT_EQ(client.reply("keep." + std::to_string(i % 3), "m" + std::to_string(i)).find("error"), std::string::npos);
        client.reply("$JS.API.STREAM.MSG.DELETE.KEEP", R"({"seq":18})");
    }
    auto server = start_jetstream(store);
    JsClient client(server->port());
    const json info = client.reply_json("$JS.API.STREAM.INFO.KEEP");
    ASSERT_FALSE(info.contains("error")) << info.dump();
    EXPECT_EQ(info["config"]["max_msgs_per_subject"], 5);
    EXPECT_EQ(info["state"]["messages"], 14);
    EXPECT_EQ(info["state"]["last_seq"], 20);
    EXPECT_EQ(client.reply_json("$JS.API.STREAM.MSG.GET.KEEP", R"({"seq":20})")["message"]["data"], "bTE5");
    EXPECT_EQ(client.reply("keep.x", "new"), "{\"stream\":\"KEEP\", \"seq\":21}");
}

TEST(JetStreamRestart, DedupSurvivesARestart) {
    test_support::TempDir store;
    const std::string id = "NATS/1.0\r\nNats-Msg-Id: order-7\r\n\r\n";
    {
        auto server = start_jetstream(store);
        JsClient client(server->port());
        client.reply("$JS.API.STREAM.CREATE.DD", R"({"name":"DD","subjects":["dd"]})");
        EXPECT_EQ(client.reply("dd", "x", id), "{\"stream\":\"DD\", \"seq\":1}");
    }
    auto server = start_jetstream(store);
    JsClient client(server->port());
    // A publisher retrying after the restart is told it is a duplicate, not stored twice.
    EXPECT_EQ(client.reply("dd", "x", id), "{\"stream\":\"DD\", \"seq\":1,\"duplicate\": true}");
    EXPECT_EQ(client.reply("dd", "y", "NATS/1.0\r\nNats-Expected-Last-Msg-Id: order-7\r\n\r\n"),
              "{\"stream\":\"DD\", \"seq\":2}");
}

TEST(JetStreamAccounts, AnAccountWithoutJetStreamIsToldSo) {
    test_support::TempDir store;
    auto server = start_jetstream(store, R"(
accounts {
  JS: { jetstream: enabled, users: [{user: a, password: a}] }
  NOJS: { users: [{user: b, password: b}] }
}
)");
    JsClient with(server->port(), {{"user", "a"}, {"pass", "a"}});
    EXPECT_EQ(with.reply_json("$JS.API.INFO")["type"], "io.nats.jetstream.api.v1.account_info_response");
    EXPECT_FALSE(with.reply_json("$JS.API.INFO").contains("error"));
    JsClient without(server->port(), {{"user", "b"}, {"pass", "b"}});
    EXPECT_EQ(without.reply("$JS.API.INFO"), error_reply("account_info_response", 503, 10039, "JetStream not enabled for account"));
}

}  // namespace
}  // namespace nats::integration
