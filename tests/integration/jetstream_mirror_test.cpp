// Stream mirrors and sources over the raw protocol: a mirror keeps its origin's
// sequences and times, sources gather several streams (with filters and start
// positions) and tag each message with Nats-Stream-Source, both follow new messages,
// survive a restart without duplicates, and reach another account through `external`
// prefixes. Every expectation is nats-server 2.9.10's; the suite also runs against it
// (NMK_SERVER_BIN=/usr/sbin/nats-server).
#include <chrono>
#include <thread>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {
namespace {

using namespace std::chrono_literals;

// Polls STREAM.INFO until the stream holds `messages` (bounded: 15 s, as a mirror may
// first need a retry of 2 s or so).
json wait_for_messages(JsClient& client, const std::string& stream, std::uint64_t messages) {
    json info;
    for (int i = 0; i < 150; ++i) {
        info = client.reply_json("$JS.API.STREAM.INFO." + stream);
        if (info.contains("state") && info["state"]["messages"] == messages) return info;
        std::this_thread::sleep_for(100ms);
    }
    ADD_FAILURE() << stream << " never reached " << messages << " messages: " << info.dump();
    return info;
}

json message(JsClient& client, const std::string& stream, std::uint64_t seq) {
    return client.reply_json("$JS.API.STREAM.MSG.GET." + stream, "{\"seq\":" + std::to_string(seq) + "}");
}

void create(JsClient& client, const std::string& name, const std::string& body) {
    const json r = client.reply_json("$JS.API.STREAM.CREATE." + name, body);
    ASSERT_FALSE(r.contains("error")) << r.dump();
}

void publish(JsClient& client, const std::string& subject, const std::string& payload, const std::string& headers = {}) {
    const json ack = client.reply_json(subject, payload, headers);
    ASSERT_FALSE(ack.contains("error")) << ack.dump();
}

TEST(JetStreamMirror, KeepsTheOriginsSequencesTimesAndHeadersAndFollowsNewMessages) {
    test_support::TempDir store;
    auto server = start_jetstream(store);
    JsClient client(server->port());
    create(client, "ORIGIN", R"({"name":"ORIGIN","subjects":["o.>"]})");
    for (int i = 1; i <= 5; ++i) publish(client, "o." + std::to_string(i), "m" + std::to_string(i));
    publish(client, "o.h", "with-headers", "NATS/1.0\r\nX-Order: 7\r\n\r\n");
    // Gaps in the origin stay gaps in the mirror.
    ASSERT_EQ(client.reply_json("$JS.API.STREAM.MSG.DELETE.ORIGIN", R"({"seq":2})").value("success", false), true);

    const json created = client.reply_json("$JS.API.STREAM.CREATE.M", R"({"name":"M","mirror":{"name":"ORIGIN"}})");
    ASSERT_FALSE(created.contains("error")) << created.dump();
    EXPECT_FALSE(created["config"].contains("subjects")) << created.dump();
    EXPECT_EQ(created["config"]["mirror"], json::parse(R"({"name":"ORIGIN"})"));

    json info = wait_for_messages(client, "M", 5);
    EXPECT_EQ(info["state"]["first_seq"], 1);
    EXPECT_EQ(info["state"]["last_seq"], 6);
    for (std::uint64_t seq : {1u, 3u, 6u}) {
        const json o = message(client, "ORIGIN", seq)["message"];
        const json m = message(client, "M", seq)["message"];
        EXPECT_EQ(m, o) << "seq " << seq;  // subject, data, headers and time
    }
    EXPECT_EQ(message(client, "M", 2)["error"]["err_code"], 10037);

    // New messages follow.
    publish(client, "o.7", "m7");
    info = wait_for_messages(client, "M", 6);
    EXPECT_EQ(info["state"]["last_seq"], 7);
    EXPECT_EQ(message(client, "M", 7)["message"]["data"], base64("m7"));

    // How the mirror is doing, in STREAM.INFO.
    ASSERT_TRUE(info.contains("mirror")) << info.dump();
    EXPECT_EQ(info["mirror"]["name"], "ORIGIN");
    EXPECT_EQ(info["mirror"]["lag"], 0);
    EXPECT_GE(info["mirror"]["active"].get<std::int64_t>(), 0);
    EXPECT_FALSE(info["mirror"].contains("error"));
    EXPECT_FALSE(info.contains("sources"));

    // The mirror's consumer is the origin's business alone: not listed, not counted.
    const json names = client.reply_json("$JS.API.CONSUMER.NAMES.ORIGIN");
    EXPECT_EQ(names["total"], 0) << names.dump();
    EXPECT_EQ(client.reply_json("$JS.API.STREAM.INFO.ORIGIN")["state"]["consumer_count"], 0);

    // A mirror takes no publishes of its own: it has no subjects.
    EXPECT_EQ(client.reply_json("$JS.API.STREAM.UPDATE.M", R"({"name":"M","mirror":{"name":"OTHER"}})")["error"]["err_code"],
              10055);
}

TEST(JetStreamMirror, StartsAtTheConfiguredSequenceAndWaitsForAMissingOrigin) {
    test_support::TempDir store;
    auto server = start_jetstream(store);
    JsClient client(server->port());
    // The origin does not exist yet: the mirror keeps asking, then catches up.
    create(client, "LATE", R"({"name":"LATE","mirror":{"name":"SRC","opt_start_seq":3}})");
    create(client, "SRC", R"({"name":"SRC","subjects":["src.*"]})");
    for (int i = 1; i <= 5; ++i) publish(client, "src.x", std::to_string(i));
    const json info = wait_for_messages(client, "LATE", 3);
    EXPECT_EQ(info["state"]["first_seq"], 3);
    EXPECT_EQ(info["state"]["last_seq"], 5);
}

// mirror_direct (inherited from an origin with allow_direct): once caught up, the
// mirror answers direct gets for its origin's name, so they keep working without it.
TEST(JetStreamMirror, AnswersDirectGetsForItsOrigin) {
    test_support::TempDir store;
    auto server = start_jetstream(store);
    JsClient client(server->port());
    create(client, "KV", R"({"name":"KV","subjects":["kv.>"],"allow_direct":true})");
    publish(client, "kv.a", "one");
    publish(client, "kv.a", "two");
    const json created = client.reply_json("$JS.API.STREAM.CREATE.RO", R"({"name":"RO","mirror":{"name":"KV"}})");
    EXPECT_EQ(created["config"]["mirror_direct"], true) << created.dump();
    wait_for_messages(client, "RO", 2);
    ASSERT_EQ(client.reply_json("$JS.API.STREAM.DELETE.KV").value("success", false), true);
    const Frame f = client.request("$JS.API.DIRECT.GET.KV.kv.a");
    EXPECT_EQ(f.payload, "two");
    EXPECT_NE(f.headers.find("Nats-Stream: RO\r\n"), std::string::npos) << f.headers;
    EXPECT_NE(f.headers.find("Nats-Sequence: 2\r\n"), std::string::npos) << f.headers;
}

TEST(JetStreamSources, GatherStreamsTaggingEachMessageWithItsOrigin) {
    test_support::TempDir store;
    auto server = start_jetstream(store);
    JsClient client(server->port());
    create(client, "A", R"({"name":"A","subjects":["a.*"]})");
    create(client, "B", R"({"name":"B","subjects":["b.*"]})");
    for (int i = 1; i <= 3; ++i) publish(client, "a.x", "a" + std::to_string(i));
    publish(client, "b.y", "b1", "NATS/1.0\r\nX-Kept: yes\r\n\r\n");
    publish(client, "b.y", "b2");

    create(client, "ALL", R"({"name":"ALL","subjects":["all.own"],"sources":[{"name":"A"},{"name":"B"}]})");
    json info = wait_for_messages(client, "ALL", 5);
    ASSERT_TRUE(info.contains("sources")) << info.dump();
    ASSERT_EQ(info["sources"].size(), 2u);
    EXPECT_EQ(info["sources"][0]["name"], "A");
    EXPECT_EQ(info["sources"][1]["name"], "B");
    EXPECT_FALSE(info.contains("mirror"));

    // Each message carries where it came from; the ones from A in A's order.
    int from_a = 0;
    for (std::uint64_t seq = 1; seq <= 5; ++seq) {
        const json m = message(client, "ALL", seq)["message"];
        if (m["subject"] == "a.x") {
            ++from_a;
            EXPECT_EQ(m["data"], base64("a" + std::to_string(from_a)));
            EXPECT_EQ(m["hdrs"], base64("NATS/1.0\r\nNats-Stream-Source: A " + std::to_string(from_a) + "\r\n\r\n"));
        } else if (m["data"] == base64("b1")) {
            EXPECT_EQ(m["hdrs"], base64("NATS/1.0\r\nX-Kept: yes\r\nNats-Stream-Source: B 1\r\n\r\n"));
        }
    }
    EXPECT_EQ(from_a, 3);

    // Its own subject still works beside them, and new origin messages follow.
    publish(client, "all.own", "mine");
    publish(client, "b.z", "b3");
    wait_for_messages(client, "ALL", 7);
}

TEST(JetStreamSources, FilterAndStartSequenceChooseWhatIsTaken) {
    test_support::TempDir store;
    auto server = start_jetstream(store);
    JsClient client(server->port());
    create(client, "EV", R"({"name":"EV","subjects":["ev.*"]})");
    for (int i = 1; i <= 6; ++i) publish(client, i % 2 ? "ev.odd" : "ev.even", std::to_string(i));
    create(client, "ODD", R"({"name":"ODD","sources":[{"name":"EV","filter_subject":"ev.odd","opt_start_seq":2}]})");
    wait_for_messages(client, "ODD", 2);  // 3 and 5
    EXPECT_EQ(message(client, "ODD", 1)["message"]["data"], base64("3"));
    EXPECT_EQ(message(client, "ODD", 2)["message"]["data"], base64("5"));

    // Adding a source by update starts it; removing one stops it.
    create(client, "OTHER", R"({"name":"OTHER","subjects":["other"]})");
    publish(client, "other", "o1");
    const json updated = client.reply_json(
        "$JS.API.STREAM.UPDATE.ODD",
        R"({"name":"ODD","sources":[{"name":"EV","filter_subject":"ev.odd","opt_start_seq":2},{"name":"OTHER"}]})");
    ASSERT_FALSE(updated.contains("error")) << updated.dump();
    wait_for_messages(client, "ODD", 3);
}

TEST(JetStreamSources, MirrorAndSourceResumeAfterARestartWithoutDuplicates) {
    test_support::TempDir store;
    {
        auto server = start_jetstream(store);
        JsClient client(server->port());
        create(client, "O", R"({"name":"O","subjects":["o"]})");
        for (int i = 1; i <= 3; ++i) publish(client, "o", std::to_string(i));
        create(client, "MIR", R"({"name":"MIR","mirror":{"name":"O"}})");
        create(client, "SRC", R"({"name":"SRC","sources":[{"name":"O"}]})");
        wait_for_messages(client, "MIR", 3);
        wait_for_messages(client, "SRC", 3);
    }
    auto server = start_jetstream(store);
    JsClient client(server->port());
    for (int i = 4; i <= 5; ++i) publish(client, "o", std::to_string(i));
    const json mirror = wait_for_messages(client, "MIR", 5);
    EXPECT_EQ(mirror["state"]["last_seq"], 5);
    wait_for_messages(client, "SRC", 5);
    // Nothing more arrives: no message was taken twice.
    std::this_thread::sleep_for(1500ms);
    EXPECT_EQ(client.reply_json("$JS.API.STREAM.INFO.SRC")["state"]["messages"], 5);
    EXPECT_EQ(message(client, "SRC", 5)["message"]["hdrs"], base64("NATS/1.0\r\nNats-Stream-Source: O 5\r\n\r\n"));
}

TEST(JetStreamSources, AnotherAccountsStreamThroughExternalPrefixes) {
    test_support::TempDir store;
    auto server = start_jetstream(store, R"(
accounts {
  A: {
    jetstream: enabled
    users: [{user: a, password: a}]
    exports: [{service: "$JS.API.>"}, {service: "$JS.FC.>"}, {stream: "deliver.>"}]
  }
  B: {
    jetstream: enabled
    users: [{user: b, password: b}]
    imports: [
      {service: {account: A, subject: "$JS.API.>"}, to: "JS.A.API.>"}
      {service: {account: A, subject: "$JS.FC.>"}}
      {stream: {account: A, subject: "deliver.>"}}
    ]
  }
}
)");
    JsClient a(server->port(), {{"user", "a"}, {"pass", "a"}});
    JsClient b(server->port(), {{"user", "b"}, {"pass", "b"}});
    create(a, "ORDERS", R"({"name":"ORDERS","subjects":["orders.*"]})");
    for (int i = 1; i <= 4; ++i) publish(a, "orders.new", std::to_string(i));
    create(b, "COPY",
           R"({"name":"COPY","mirror":{"name":"ORDERS","external":{"api":"JS.A.API","deliver":"deliver.b"}}})");
    create(b, "AGG",
           R"({"name":"AGG","sources":[{"name":"ORDERS","external":{"api":"JS.A.API","deliver":"deliver.b"}}]})");
    const json copy = wait_for_messages(b, "COPY", 4);
    EXPECT_EQ(copy["mirror"]["external"], json::parse(R"({"api":"JS.A.API","deliver":"deliver.b"})"));
    wait_for_messages(b, "AGG", 4);
    publish(a, "orders.new", "5");
    wait_for_messages(b, "COPY", 5);
    wait_for_messages(b, "AGG", 5);
    // The source header names the origin with a hash of its API prefix (nats-server's getHash).
    const json m = message(b, "AGG", 5)["message"];
    EXPECT_EQ(m["data"], base64("5"));
    EXPECT_EQ(m["hdrs"], base64("NATS/1.0\r\nNats-Stream-Source: ORDERS:3V17LQ3b 5\r\n\r\n"));
}

// What a mirror or source may not be, with nats-server's codes and texts.
TEST(JetStreamSources, BadConfigsAreRefusedAsNatsServerRefusesThem) {
    test_support::TempDir store;
    auto server = start_jetstream(store);
    JsClient client(server->port());
    create(client, "O", R"({"name":"O","subjects":["o.>"]})");
    const auto error = [&](const std::string& name, const std::string& body) {
        return client.reply_json("$JS.API.STREAM.CREATE." + name, body)["error"].dump();
    };
    EXPECT_EQ(error("M1", R"({"name":"M1","subjects":["x"],"mirror":{"name":"O"}})"),
              R"({"code":400,"description":"stream mirrors can not contain subjects","err_code":10034})");
    EXPECT_EQ(error("M2", R"({"name":"M2","mirror":{"name":"O"},"sources":[{"name":"O"}]})"),
              R"({"code":400,"description":"stream mirrors can not also contain other sources","err_code":10031})");
    EXPECT_EQ(error("M3", R"({"name":"M3","mirror":{"name":"O","filter_subject":"p.>"}})"),
              R"({"code":500,"description":"mirror 'O' filter subject 'p.>' does not overlap with any origin stream subject","err_code":10052})");
    EXPECT_EQ(error("M4", R"({"name":"M4","mirror":{"name":"M4"}})"),
              R"({"code":500,"description":"detected cycle","err_code":10052})");
    create(client, "S1", R"({"name":"S1","sources":[{"name":"S2"}]})");
    EXPECT_EQ(error("S2", R"({"name":"S2","sources":[{"name":"S1"}]})"),
              R"({"code":500,"description":"detected cycle","err_code":10052})");
    EXPECT_EQ(error("S3", R"({"name":"S3","sources":[{"name":"O","filter_subject":"q"}]})"),
              R"({"code":500,"description":"source 'O' filter subject 'q' does not overlap with any origin stream subject","err_code":10052})");
    EXPECT_EQ(error("S4", R"({"name":"S4","sources":[{"name":"O","external":{"api":"$JS.API","deliver":""}}]})"),
              R"({"code":400,"description":"stream external api prefix $JS.API must not overlap with $JS.API","err_code":10021})");
    EXPECT_EQ(error("S5", R"({"name":"S5","mirror":{"name":"O","opt_start_time":"yesterday"}})"),
              R"({"code":400,"description":"invalid JSON","err_code":10025})");
    EXPECT_EQ(error("S6", R"({"name":"S6","mirror":"O"})"), R"({"code":400,"description":"invalid JSON","err_code":10025})");
    EXPECT_EQ(error("S8", R"({"name":"S8","mirror":{"name":"O","external":{"api":"a.*","deliver":"x"}}})"),
              R"({"code":500,"description":"stream external api prefix \"a.*\" must be a valid subject without wildcards","err_code":10052})");
}

}  // namespace
}  // namespace nats::integration
