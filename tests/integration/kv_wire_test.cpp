// What the KV clients' calls put on the wire, byte for byte as nats-server 2.9.10 answers:
// the bucket's stream, puts with the KV headers (compare-and-set, create-if-absent,
// tombstones, purge roll-ups), direct gets by subject, headers-only last-per-subject
// deliveries (MetaOnly watches and Keys), per-subject discard new and a sealed bucket.
// The suite also runs against nats-server (NMK_SERVER_BIN=/usr/sbin/nats-server).
#include <map>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {
namespace {

std::string pub_ack(std::string_view stream, int seq) {
    return "{\"stream\":\"" + std::string(stream) + "\", \"seq\":" + std::to_string(seq) + "}";
}

std::string pub_error(int code, int err_code, std::string_view description, std::string_view stream) {
    return "{\"error\":{\"code\":" + std::to_string(code) + ",\"err_code\":" + std::to_string(err_code) +
           ",\"description\":\"" + std::string(description) + "\"},\"stream\":\"" + std::string(stream) + "\",\"seq\":0}";
}

// "NATS/1.0\r\n<lines>\r\n"
std::string headers(std::initializer_list<std::string_view> lines) {
    std::string out = "NATS/1.0\r\n";
    for (auto line : lines) out += std::string(line) + "\r\n";
    return out + "\r\n";
}

// Nats-Time-Stamp's value replaced by T.
std::string mask_stamp(std::string text) {
    static const std::regex stamp("Nats-Time-Stamp: [^\r]*");
    return std::regex_replace(text, stamp, "Nats-Time-Stamp: T");
}

// The config libnats 3.4's js_CreateKeyValue sends for bucket `b` with history 3.
constexpr std::string_view bucket_request =
    R"({"name":"KV_b","subjects":["$KV.b.>"],"retention":"limits","max_consumers":-1,"max_msgs":-1,)"
    R"("max_bytes":-1,"max_age":0,"max_msgs_per_subject":3,"max_msg_size":-1,"discard":"new","storage":"file",)"
    R"("num_replicas":1,"duplicate_window":0,"allow_rollup_hdrs":true,"deny_delete":true,"allow_direct":true})";

class KvWire : public ::testing::Test {
protected:
    void SetUp() override {
        server_ = start_jetstream(store_);
        client_ = std::make_unique<JsClient>(server_->port());
    }
    void create(std::string_view name, std::string_view body) {
        const json r = client_->reply_json("$JS.API.STREAM.CREATE." + std::string(name), body);
        ASSERT_FALSE(r.contains("error")) << r.dump();
    }

    test_support::TempDir store_;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<JsClient> client_;
};

TEST_F(KvWire, BucketStreamAndItsHeaders) {
    EXPECT_EQ(mask_times(client_->reply("$JS.API.STREAM.CREATE.KV_b", bucket_request)),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_create_response\",\"config\":{\"name\":\"KV_b\","
              "\"subjects\":[\"$KV.b.\\u003e\"],\"retention\":\"limits\",\"max_consumers\":-1,\"max_msgs\":-1,"
              "\"max_bytes\":-1,\"max_age\":0,\"max_msgs_per_subject\":3,\"max_msg_size\":-1,\"discard\":\"new\","
              "\"storage\":\"file\",\"num_replicas\":1,\"duplicate_window\":120000000000,\"allow_direct\":true,"
              "\"mirror_direct\":false,\"sealed\":false,\"deny_delete\":true,\"deny_purge\":false,"
              "\"allow_rollup_hdrs\":true},\"created\":\"T\",\"state\":{\"messages\":0,\"bytes\":0,\"first_seq\":0,"
              "\"first_ts\":\"T\",\"last_seq\":0,\"last_ts\":\"T\",\"consumer_count\":0},\"did_create\":true}");
    EXPECT_EQ(client_->reply("$KV.b.k1", "v1"), pub_ack("KV_b", 1));
    EXPECT_EQ(client_->reply("$KV.b.k1", "v2"), pub_ack("KV_b", 2));
    EXPECT_EQ(client_->reply("$KV.b.k2", "w1"), pub_ack("KV_b", 3));
    // Update: compare-and-set on the key's last revision.
    const std::string cas2 = headers({"Nats-Expected-Last-Subject-Sequence: 2"});
    EXPECT_EQ(client_->reply("$KV.b.k1", "v3", cas2), pub_ack("KV_b", 4));
    EXPECT_EQ(client_->reply("$KV.b.k1", "v3", headers({"Nats-Expected-Last-Subject-Sequence: 1"})),
              pub_error(400, 10071, "wrong last sequence: 4", "KV_b"));
    // Create: revision 0 means "no value yet".
    const std::string absent = headers({"Nats-Expected-Last-Subject-Sequence: 0"});
    EXPECT_EQ(client_->reply("$KV.b.k3", "x", absent), pub_ack("KV_b", 5));
    EXPECT_EQ(client_->reply("$KV.b.k3", "x", absent), pub_error(400, 10071, "wrong last sequence: 5", "KV_b"));
    // Delete: a tombstone.
    EXPECT_EQ(client_->reply("$KV.b.k2", "", headers({"KV-Operation: DEL"})), pub_ack("KV_b", 6));

    // Direct gets answer with the stored headers first, then the stream's.
    Frame f = client_->request("$JS.API.DIRECT.GET.KV_b", R"({"last_by_subj":"$KV.b.k2"})");
    EXPECT_EQ(mask_stamp(f.headers), headers({"KV-Operation: DEL", "Nats-Stream: KV_b", "Nats-Subject: $KV.b.k2",
                                              "Nats-Sequence: 6", "Nats-Time-Stamp: T"}));
    EXPECT_EQ(f.payload, "");
    f = client_->request("$JS.API.DIRECT.GET.KV_b.$KV.b.k1");
    EXPECT_EQ(mask_stamp(f.headers), headers({"Nats-Expected-Last-Subject-Sequence: 2", "Nats-Stream: KV_b",
                                              "Nats-Subject: $KV.b.k1", "Nats-Sequence: 4", "Nats-Time-Stamp: T"}));
    EXPECT_EQ(f.payload, "v3");
    EXPECT_EQ(client_->request("$JS.API.DIRECT.GET.KV_b.$KV.b.nope").headers, "NATS/1.0 404 Message Not Found\r\n\r\n");
    f = client_->request("$JS.API.DIRECT.GET.KV_b", R"({"next_by_subj":"$KV.b.k1","seq":2})");
    EXPECT_EQ(mask_stamp(f.headers),
              headers({"Nats-Stream: KV_b", "Nats-Subject: $KV.b.k1", "Nats-Sequence: 2", "Nats-Time-Stamp: T"}));
    EXPECT_EQ(mask_times(client_->reply("$JS.API.STREAM.MSG.GET.KV_b", R"({"last_by_subj":"$KV.b.k2"})")),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_msg_get_response\",\"message\":{\"subject\":\"$KV.b.k2\","
              "\"seq\":6,\"hdrs\":\"TkFUUy8xLjANCktWLU9wZXJhdGlvbjogREVMDQoNCg==\",\"time\":\"T\"}}");

    // Purge: a roll-up marker replaces the key's history.
    EXPECT_EQ(client_->reply("$KV.b.k1", "", headers({"KV-Operation: PURGE", "Nats-Rollup: sub"})), pub_ack("KV_b", 7));
    const json state = client_->reply_json("$JS.API.STREAM.INFO.KV_b")["state"];
    EXPECT_EQ(state["messages"], 4);
    EXPECT_EQ(state["bytes"], 301);
    EXPECT_EQ(state["first_seq"], 3);
    EXPECT_EQ(state["num_subjects"], 3);
    EXPECT_EQ(state["num_deleted"], 1);
    // The stream refuses direct deletes; PurgeDeletes' filtered purges with keep work.
    EXPECT_EQ(client_->reply("$JS.API.STREAM.MSG.DELETE.KV_b", R"({"seq":3})"),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_msg_delete_response\",\"error\":{\"code\":500,"
              "\"err_code\":10057,\"description\":\"message delete not permitted\"}}");
    EXPECT_EQ(client_->reply("$JS.API.STREAM.PURGE.KV_b", R"({"filter":"$KV.b.k2","keep":1})"),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_purge_response\",\"success\":true,\"purged\":1}");
    EXPECT_EQ(client_->reply("$JS.API.STREAM.PURGE.KV_b", R"({"filter":"$KV.b.k3","keep":0})"),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_purge_response\",\"success\":true,\"purged\":1}");
}

TEST_F(KvWire, MetaOnlyWatchDeliversHeadersAndCountsDown) {
    create("KV_w", R"({"name":"KV_w","subjects":["$KV.w.>"],"max_msgs_per_subject":5,"discard":"new",)"
                   R"("allow_rollup_hdrs":true,"deny_delete":true,"allow_direct":true})");
    client_->reply("$KV.w.a", "1");
    client_->reply("$KV.w.b", "22");
    client_->reply("$KV.w.a", "333");
    client_->reply("$KV.w.c", "", headers({"KV-Operation: DEL"}));
    auto& raw = client_->raw();
    raw.send("SUB watch.x 9\r\n");
    // The create answer and the first deliveries may come in either order (nats-server
    // sends the answer first; the deliveries do not wait for it here): read both.
    raw.send(pub("$JS.API.CONSUMER.CREATE.KV_w",
                 R"({"stream_name":"KV_w","config":{"deliver_policy":"last_per_subject","ack_policy":"none",)"
                 R"("filter_subject":"$KV.w.>","headers_only":true,"deliver_subject":"watch.x","flow_control":true,)"
                 R"("idle_heartbeat":5000000000,"max_deliver":1,"mem_storage":true,"num_replicas":1}})",
                 "_INBOX.js.create"));
    json created;
    std::vector<Frame> deliveries;
    for (int i = 0; i < 20 && (created.is_null() || deliveries.size() < 3); ++i) {
        Frame f = raw.read_frame();
        if (f.subject == "_INBOX.js.create") created = json::parse(f.payload);
        else if (f.sid == "9") deliveries.push_back(f);
    }
    ASSERT_FALSE(created.is_null());
    ASSERT_FALSE(created.contains("error")) << created.dump();
    EXPECT_EQ(created["num_pending"], 3);
    EXPECT_EQ(created["delivered"]["stream_seq"], 1);
    const std::string name = created["name"];
    client_->raw().send(pub("$KV.w.d", "4444"));
    for (int i = 0; i < 20 && deliveries.size() < 4; ++i) {
        Frame f = raw.read_frame();
        if (f.sid == "9") deliveries.push_back(f);
    }
    // The last of each key in stream order; the ack reply's last token counts down to 0,
    // which the clients take as "initial values done".
    struct Expected {
        std::string subject, reply_tail, headers, pending;
    };
    const std::vector<Expected> expected = {
        {"$KV.w.b", ".1.2.1.", headers({"Nats-Msg-Size: 2"}), "2"},
        {"$KV.w.a", ".1.3.2.", headers({"Nats-Msg-Size: 3"}), "1"},
        {"$KV.w.c", ".1.4.3.", headers({"KV-Operation: DEL", "Nats-Msg-Size: 0"}), "0"},
        {"$KV.w.d", ".1.5.4.", headers({"Nats-Msg-Size: 4"}), "0"},
    };
    ASSERT_EQ(deliveries.size(), expected.size());
    for (std::size_t i = 0; i < expected.size(); ++i) {
        const Frame& f = deliveries[i];
        SCOPED_TRACE(f.line);
        EXPECT_EQ(f.subject, expected[i].subject);
        EXPECT_EQ(f.headers, expected[i].headers);
        EXPECT_EQ(f.payload, "");
        const std::string prefix = "$JS.ACK.KV_w." + name + expected[i].reply_tail;
        EXPECT_EQ(f.reply.rfind(prefix, 0), 0u) << f.reply;
        EXPECT_EQ(f.reply.substr(f.reply.rfind('.') + 1), expected[i].pending);
    }
}

TEST_F(KvWire, DirectGetRefusesBadRequestsWithNatsServersStatuses) {
    create("KV_d", R"({"name":"KV_d","subjects":["$KV.d.>"],"max_msgs_per_subject":1,"allow_direct":true})");
    client_->reply("$KV.d.k", "v");
    const auto status = [&](std::string_view subject, std::string_view body) {
        return client_->request(subject, body).headers;
    };
    const std::string empty = "NATS/1.0 408 Empty Request\r\n\r\n";
    const std::string malformed = "NATS/1.0 408 Malformed Request\r\n\r\n";
    const std::string bad = "NATS/1.0 408 Bad Request\r\n\r\n";
    EXPECT_EQ(status("$JS.API.DIRECT.GET.KV_d", ""), empty);
    EXPECT_EQ(status("$JS.API.DIRECT.GET.KV_d", "{}"), empty);
    EXPECT_EQ(status("$JS.API.DIRECT.GET.KV_d", R"({"seq":0})"), empty);
    EXPECT_EQ(status("$JS.API.DIRECT.GET.KV_d", "garbage"), malformed);
    EXPECT_EQ(status("$JS.API.DIRECT.GET.KV_d", R"({"seq":"1"})"), malformed);
    EXPECT_EQ(status("$JS.API.DIRECT.GET.KV_d", R"({"seq":1,"last_by_subj":"$KV.d.k"})"), bad);
    EXPECT_EQ(status("$JS.API.DIRECT.GET.KV_d", R"({"last_by_subj":"$KV.d.k","next_by_subj":"$KV.d.k"})"), bad);
    EXPECT_EQ(status("$JS.API.DIRECT.GET.KV_d.$KV.d.k", "x"), bad);  // the subject form takes no body
    EXPECT_EQ(client_->request("$JS.API.DIRECT.GET.KV_d", R"({"last_by_subj":"$KV.d.*"})").payload, "v");
}

TEST_F(KvWire, PerSubjectLimitWithDiscardNewRefusesTheNextValue) {
    create("PS", R"({"name":"PS","subjects":["ps.>"],"max_msgs_per_subject":2,"discard":"new",)"
                 R"("discard_new_per_subject":true,"max_msgs":100})");
    EXPECT_EQ(client_->reply("ps.a", "1"), pub_ack("PS", 1));
    EXPECT_EQ(client_->reply("ps.a", "2"), pub_ack("PS", 2));
    EXPECT_EQ(client_->reply("ps.a", "3"), pub_error(503, 10077, "maximum messages per subject exceeded", "PS"));
    EXPECT_EQ(client_->reply("ps.b", "1"), pub_ack("PS", 3));
    // A roll-up needs allow_rollup_hdrs.
    EXPECT_EQ(client_->reply("ps.a", "", headers({"Nats-Rollup: sub"})),
              pub_error(500, 10111, "rollup not permitted", "PS"));
}

// storeRawMsg's discard-new checks in nats-server 2.9.10: a value that replaces its key's
// only one (history 1) is let in at max_msgs, and at max_bytes when the replaced message is
// bigger; the byte check adds only the new headers and payload, and what goes over is
// trimmed from the front.
TEST_F(KvWire, AFullBucketStillTakesUpdatesOfItsKeys) {
    for (std::string storage : {"file", "memory"}) {
        SCOPED_TRACE(storage);
        const std::string m = "KV_m" + storage;
        const std::string subject = "$KV.m" + storage + ".";
        create(m, R"({"name":")" + m + R"(","subjects":[")" + subject + R"(>"],"storage":")" + storage +
                      R"(","max_msgs_per_subject":1,"max_msgs":3,"discard":"new","allow_rollup_hdrs":true})");
        for (int i = 0; i < 3; ++i) EXPECT_EQ(client_->reply(subject + "k" + std::to_string(i), "v"), pub_ack(m, i + 1));
        EXPECT_EQ(client_->reply(subject + "k3", "v"), pub_error(503, 10077, "maximum messages exceeded", m));
        EXPECT_EQ(client_->reply(subject + "k0", "w"), pub_ack(m, 4));  // replaces k0's value
        EXPECT_EQ(client_->reply(subject + "k1", "", headers({"Nats-Rollup: sub"})), pub_ack(m, 5));
        EXPECT_EQ(client_->reply(subject + "k1", "", headers({"Nats-Rollup: all"})), pub_ack(m, 6));
        const json state = client_->reply_json("$JS.API.STREAM.INFO." + m)["state"];
        EXPECT_EQ(state["messages"], 1);
        EXPECT_EQ(state["first_seq"], 6);
    }
    // max_bytes 200, values of 20 bytes on 8-byte subjects: 58 stored bytes each in a file
    // stream, 44 in memory.
    const std::map<std::string, std::vector<std::string>> expected = {
        {"file", {"1", "2", "3", "4", "5", "6", "7", "8"}},
        {"memory", {"1", "2", "3", "4", "5", "6", "7", "-"}},
    };
    for (const auto& [storage, acks] : expected) {
        SCOPED_TRACE(storage);
        const std::string f = storage == "file" ? "KV_f" : "KV_g";
        const std::string subject = storage == "file" ? "$KV.f." : "$KV.g.";
        create(f, R"({"name":")" + f + R"(","subjects":[")" + subject + R"(>"],"storage":")" + storage +
                      R"(","max_msgs_per_subject":1,"max_bytes":200,"discard":"new","allow_rollup_hdrs":true})");
        std::vector<std::string> got;
        const auto put = [&](const std::string& key, const std::string& value, const std::string& hdrs = {}) {
            const json r = json::parse(client_->reply(subject + key, value, hdrs));
            got.push_back(r.contains("error") ? std::string("-") : std::to_string(r["seq"].get<int>()));
            if (r.contains("error")) EXPECT_EQ(r["error"]["description"], "maximum bytes exceeded");
        };
        for (int i = 0; i < 6; ++i) put("k" + std::to_string(i), std::string(20, 'x'));
        put("k0", std::string(20, 'y'));
        put("k0", "", headers({"KV-Operation: PURGE", "Nats-Rollup: sub"}));
        EXPECT_EQ(got, acks);
        const json state = client_->reply_json("$JS.API.STREAM.INFO." + f)["state"];
        EXPECT_LE(state["bytes"].get<int>(), 200);
        if (storage == "file") {
            EXPECT_EQ(state["messages"], 2);
            EXPECT_EQ(state["bytes"], 151);
            EXPECT_EQ(state["first_seq"], 6);
        } else {
            EXPECT_EQ(state["messages"], 4);
            EXPECT_EQ(state["bytes"], 176);
            EXPECT_EQ(state["first_seq"], 4);
        }
    }
}

TEST_F(KvWire, ASealedBucketRefusesChanges) {
    create("KV_s", R"({"name":"KV_s","subjects":["$KV.s.>"],"max_msgs_per_subject":1,"allow_rollup_hdrs":true})");
    EXPECT_EQ(client_->reply("$KV.s.k", "v"), pub_ack("KV_s", 1));
    const json updated = client_->reply_json(
        "$JS.API.STREAM.UPDATE.KV_s",
        R"({"name":"KV_s","subjects":["$KV.s.>"],"max_msgs_per_subject":1,"allow_rollup_hdrs":true,"sealed":true})");
    ASSERT_FALSE(updated.contains("error")) << updated.dump();
    // Sealing also sets deny_delete and deny_purge.
    EXPECT_EQ(updated["config"]["deny_delete"], true);
    EXPECT_EQ(updated["config"]["deny_purge"], true);
    EXPECT_EQ(client_->reply("$KV.s.k", "w"), pub_error(400, 10109, "invalid operation on sealed stream", "KV_s"));
    EXPECT_EQ(client_->reply("$JS.API.STREAM.PURGE.KV_s"),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_purge_response\",\"error\":{\"code\":400,\"err_code\":10109,"
              "\"description\":\"invalid operation on sealed stream\"},\"purged\":0}");
    EXPECT_EQ(client_->reply("$JS.API.STREAM.MSG.DELETE.KV_s", R"({"seq":1})"),
              "{\"type\":\"io.nats.jetstream.api.v1.stream_msg_delete_response\",\"error\":{\"code\":400,"
              "\"err_code\":10109,\"description\":\"invalid operation on sealed stream\"}}");
    // Reads go on.
    EXPECT_EQ(client_->reply_json("$JS.API.STREAM.MSG.GET.KV_s", R"({"last_by_subj":"$KV.s.k"})")["message"]["data"],
              "dg==");
}

}  // namespace
}  // namespace nats::integration
