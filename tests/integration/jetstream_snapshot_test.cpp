// STREAM.SNAPSHOT and STREAM.RESTORE over the raw protocol, as `nats stream backup` and
// `nats stream restore` drive them: the answers' bytes and error codes, the chunk
// messages with their ack subjects, the end marker, the flow control, the restore's
// chunk acks and final answer, and bad input (garbage, truncation, a chunk without a
// reply, an idle restore, a missing stream, chunk_size out of range).
//
// The snapshot's content is each server's own (nats-server's is a tarball of its block
// files), so a snapshot is always restored into the same kind of server; the suite
// passes against nats-server 2.9.10 too (NMK_SERVER_BIN=/usr/sbin/nats-server), except
// the few tests marked as ours.
#include <filesystem>
#include <functional>
#include <map>
#include <random>
#include <regex>
#include <thread>

#include "tests/integration/jetstream_test_helpers.hpp"

namespace nats::integration {
namespace {

bool reference_server() {
    return test_support::server_binary().find("build/bin") == std::string::npos && std::getenv("NMK_SERVER_BIN") != nullptr;
}

std::string error_reply(std::string_view type, int code, int err_code, std::string_view description,
                        std::string_view extra = {}) {
    return "{\"type\":\"io.nats.jetstream.api.v1." + std::string(type) + "\",\"error\":{\"code\":" + std::to_string(code) +
           ",\"err_code\":" + std::to_string(err_code) + ",\"description\":\"" + std::string(description) + "\"}" +
           std::string(extra) + "}";
}

// nats-server 2.9.10's own restore rebuilds the state from its block files and gets a
// few details wrong (an emptied stream's first_ts and a deleted last message's last_ts
// become 1970, a never-used stream's first_seq becomes 1). Against it, states are
// compared without those; ours must match exactly.
json comparable(json state) {
    if (reference_server()) {
        state.erase("first_ts");
        state.erase("last_ts");
        if (state.value("messages", 0) == 0) state.erase("first_seq");
    }
    return state;
}

struct Snapshot {
    json response;
    std::string bytes;
    std::vector<std::string> chunks;
    std::chrono::steady_clock::duration took{};  // from the request to the end marker
};

class JetStreamSnapshot : public ::testing::Test {
protected:
    void SetUp() override { start(); }
    void start(std::string_view config = {}, const test_support::TempDir* store = nullptr,
               const json& connect_options = json::object()) {
        client_.reset();
        server_.reset();
        server_ = start_jetstream(store ? *store : store_, config);
        client_ = std::make_unique<JsClient>(server_->port(), connect_options);
    }

    void create(std::string_view name, std::string_view body) {
        const json r = client_->reply_json("$JS.API.STREAM.CREATE." + std::string(name), body);
        ASSERT_FALSE(r.contains("error")) << r.dump();
    }
    json info(std::string_view name) { return client_->reply_json("$JS.API.STREAM.INFO." + std::string(name)); }
    void publish(std::string_view subject, std::string_view payload, std::string_view headers = {}) {
        const std::string ack = client_->reply(subject, payload, headers);
        ASSERT_EQ(ack.find("\"error\""), std::string::npos) << subject << ": " << ack;
    }

    // Takes a snapshot as the nats CLI does: a subscription on the deliver subject, the
    // request, every chunk acked (unless `ack` is false) until the end marker. Checks each
    // chunk's ack subject ($JS.SNAPSHOT.ACK.<stream>.<id>.<bytes>.<index>).
    Snapshot take(std::string_view stream, json request = json::object(), bool ack = true,
                  const std::function<void()>& after_first_chunk = {}) {
        const std::string deliver = "_snap.d" + std::to_string(++counter_);
        RawClient& raw = client_->raw();
        raw.send("SUB " + deliver + " 9" + std::to_string(counter_) + "\r\n");
        request["deliver_subject"] = deliver;
        const std::string reply = "_INBOX.js.snap" + std::to_string(counter_);
        const auto started = std::chrono::steady_clock::now();
        raw.send(pub("$JS.API.STREAM.SNAPSHOT." + std::string(stream), request.dump(), reply));
        Snapshot out;
        const std::regex ack_subject("\\$JS\\.SNAPSHOT\\.ACK\\." + std::string(stream) + "\\.[A-Za-z0-9]+\\.([0-9]+)\\.([0-9]+)");
        bool ended = false;
        for (int frames = 0; frames < 100'000 && !(ended && !out.response.is_null()); ++frames) {
            const Frame f = raw.read_frame(5s);
            if (f.kind != Frame::Kind::msg && f.kind != Frame::Kind::hmsg) continue;
            if (f.subject == reply) {
                out.response = json::parse(f.payload);
                if (out.response.contains("error")) return out;
                continue;
            }
            if (f.subject != deliver) continue;
            // nats-server sends the answer and the chunks through different queues, so
            // a chunk (even the end) may come first there; ours answers first.
            if (!reference_server()) EXPECT_FALSE(out.response.is_null()) << "a chunk came before the answer";
            if (f.payload.empty() && f.reply.empty()) {
                ended = true;  // the end marker
                out.took = std::chrono::steady_clock::now() - started;
                continue;
            }
            std::smatch m;
            EXPECT_TRUE(std::regex_match(f.reply, m, ack_subject)) << f.reply;
            if (m.size() == 3) {
                EXPECT_EQ(std::stoul(m[1].str()), f.payload.size());
                EXPECT_EQ(std::stoul(m[2].str()), out.chunks.size() + 1);
            }
            out.chunks.push_back(f.payload);
            out.bytes += f.payload;
            if (ack) raw.send(pub(f.reply, ""));
            if (out.chunks.size() == 1 && after_first_chunk) after_first_chunk();
        }
        raw.send("UNSUB 9" + std::to_string(counter_) + "\r\n");
        return out;
    }

    // Restores as the nats CLI does: the request, then the bytes in chunks, each waited
    // for, then the empty message whose reply gets the result. Returns the first error
    // answer or the final answer.
    std::string restore(std::string_view stream, const json& request, const std::string& bytes,
                        std::size_t chunk = 64 * 1024) {
        const std::string answer = client_->reply("$JS.API.STREAM.RESTORE." + std::string(stream), request.dump());
        const json r = json::parse(answer);
        if (r.contains("error")) return answer;
        const std::string deliver = r.at("deliver_subject");
        EXPECT_EQ(deliver.rfind("$JS.SNAPSHOT.RESTORE." + std::string(stream) + ".", 0), 0u) << deliver;
        for (std::size_t at = 0; at < bytes.size(); at += chunk) {
            const Frame f = client_->request(deliver, std::string_view(bytes).substr(at, chunk));
            if (!f.headers.empty()) return R"({"no_responders":true})";
            if (!f.payload.empty()) return f.payload;  // the restore ended early with this answer
        }
        return client_->request(deliver, "").payload;
    }
    static json restore_request(const Snapshot& s) {
        return json{{"config", s.response.at("config")}, {"state", s.response.at("state")}};
    }
    void remove(std::string_view name) {
        const json r = client_->reply_json("$JS.API.STREAM.DELETE." + std::string(name));
        ASSERT_EQ(r.value("success", false), true) << r.dump();
    }
    // Every message of `name` by sequence: (subject, headers, payload), or "gone".
    std::vector<std::string> messages(std::string_view name, std::uint64_t last) {
        std::vector<std::string> out;
        for (std::uint64_t seq = 1; seq <= last; ++seq) {
            const json r = client_->reply_json("$JS.API.STREAM.MSG.GET." + std::string(name),
                                               "{\"seq\":" + std::to_string(seq) + "}");
            out.push_back(r.contains("error") ? "gone" : r["message"].dump());
        }
        return out;
    }

    test_support::TempDir store_;
    std::unique_ptr<ServerProcess> server_;
    std::unique_ptr<JsClient> client_;
    int counter_ = 0;
};

constexpr std::string_view orders = R"({"name":"ORDERS","subjects":["orders.>"]})";

TEST_F(JetStreamSnapshot, SnapshotAnswersConfigAndStateThenAckedChunksAndTheEndMarker) {
    create("ORDERS", orders);
    for (int i = 0; i < 40; ++i) publish("orders." + std::to_string(i % 3), std::string(100 + i, 'a' + i % 26));
    const json before = info("ORDERS");
    const Snapshot s = take("ORDERS", json{{"chunk_size", 1024}});
    // The answer: the stream's config and state (nats-server's JSApiStreamSnapshotResponse).
    EXPECT_EQ(s.response.at("type"), "io.nats.jetstream.api.v1.stream_snapshot_response");
    EXPECT_EQ(s.response.at("config"), before.at("config"));
    EXPECT_EQ(s.response.at("state"), before.at("state"));
    EXPECT_EQ(s.response.size(), 3u) << s.response.dump();
    ASSERT_GE(s.chunks.size(), 2u);
    for (const auto& c : s.chunks) EXPECT_LE(c.size(), 1024u);
}

TEST_F(JetStreamSnapshot, RestoreBringsBackEveryMessageSequenceAndTime) {
    create("ORDERS", orders);
    for (int i = 1; i <= 30; ++i) {
        if (i % 7 == 0) publish("orders.h", "with headers " + std::to_string(i), "NATS/1.0\r\nX-Order: " + std::to_string(i) + "\r\n\r\n");
        else publish("orders." + std::to_string(i % 4), "order " + std::to_string(i));
    }
    for (int seq : {1, 12, 13, 30}) {  // the first, a gap, and the last
        const json r = client_->reply_json("$JS.API.STREAM.MSG.DELETE.ORDERS", "{\"seq\":" + std::to_string(seq) + "}");
        ASSERT_EQ(r.value("success", false), true) << r.dump();
    }
    const json before = info("ORDERS");
    const auto stored = messages("ORDERS", 30);
    const Snapshot s = take("ORDERS");
    ASSERT_FALSE(s.response.contains("error")) << s.response.dump();
    remove("ORDERS");

    const std::string answer = restore("ORDERS", restore_request(s), s.bytes, 200);
    const json restored = json::parse(answer);
    ASSERT_FALSE(restored.contains("error")) << answer;
    EXPECT_EQ(restored.at("type"), "io.nats.jetstream.api.v1.stream_create_response");
    EXPECT_EQ(restored.at("config"), before.at("config"));
    EXPECT_EQ(restored.at("created"), before.at("created"));
    EXPECT_EQ(comparable(restored.at("state")), comparable(before.at("state")));
    EXPECT_EQ(comparable(info("ORDERS").at("state")), comparable(before.at("state")));
    EXPECT_EQ(messages("ORDERS", 30), stored);
    // It takes publishes again, after the last sequence.
    EXPECT_EQ(client_->reply("orders.9", "next"), "{\"stream\":\"ORDERS\", \"seq\":31}");
}

TEST_F(JetStreamSnapshot, AnEmptyAndAPurgedStreamComeBackAsTheyWere) {
    create("EMPTY", R"({"name":"EMPTY","subjects":["empty"]})");
    create("PURGED", R"({"name":"PURGED","subjects":["purged"]})");
    for (int i = 0; i < 5; ++i) publish("purged", "x");
    ASSERT_EQ(client_->reply_json("$JS.API.STREAM.PURGE.PURGED").value("purged", 0), 5);
    for (const char* name : {"EMPTY", "PURGED"}) {
        const json before = info(name);
        const Snapshot s = take(name);
        remove(name);
        const json restored = json::parse(restore(name, restore_request(s), s.bytes));
        EXPECT_EQ(comparable(restored.at("state")), comparable(before.at("state"))) << name;
    }
    EXPECT_EQ(client_->reply("purged", "again"), "{\"stream\":\"PURGED\", \"seq\":6}");
}

TEST_F(JetStreamSnapshot, RestoredFileStreamSurvivesARestart) {
    create("ORDERS", orders);
    for (int i = 0; i < 10; ++i) publish("orders.a", "m" + std::to_string(i));
    const json before = info("ORDERS");
    const auto stored = messages("ORDERS", 10);
    const Snapshot s = take("ORDERS");
    remove("ORDERS");
    ASSERT_FALSE(json::parse(restore("ORDERS", restore_request(s), s.bytes)).contains("error"));
    client_.reset();
    server_.reset();
    start();
    EXPECT_EQ(comparable(info("ORDERS").at("state")), comparable(before.at("state")));
    EXPECT_EQ(messages("ORDERS", 10), stored);
}

TEST_F(JetStreamSnapshot, ChunksWaitForASubscriberThatComesJustAfterTheRequest) {
    create("ORDERS", orders);
    for (int i = 0; i < 20; ++i) publish("orders.a", std::string(1000, 'w'));
    const Snapshot reference = take("ORDERS");
    RawClient& raw = client_->raw();
    raw.send(pub("$JS.API.STREAM.SNAPSHOT.ORDERS", R"({"deliver_subject":"_late.d"})", "_INBOX.js.late"));
    std::this_thread::sleep_for(500ms);
    raw.send("SUB _late.d 77\r\n");
    std::string bytes;
    for (int frames = 0; frames < 1000; ++frames) {
        const Frame f = raw.read_frame(5s);
        if (f.subject != "_late.d") continue;
        if (f.payload.empty() && f.reply.empty()) break;
        bytes += f.payload;
        raw.send(pub(f.reply, ""));
    }
    EXPECT_EQ(bytes.size(), reference.bytes.size());
}

TEST_F(JetStreamSnapshot, ASealedStreamComesBackSealed) {
    create("ORDERS", orders);
    for (int i = 0; i < 3; ++i) publish("orders.a", "m" + std::to_string(i));
    json config = info("ORDERS")["config"];
    config["sealed"] = true;
    ASSERT_FALSE(client_->reply_json("$JS.API.STREAM.UPDATE.ORDERS", config.dump()).contains("error"));
    const json before = info("ORDERS");
    const Snapshot s = take("ORDERS");
    remove("ORDERS");
    const json restored = json::parse(restore("ORDERS", restore_request(s), s.bytes));
    ASSERT_FALSE(restored.contains("error")) << restored.dump();
    EXPECT_EQ(restored.at("config"), before.at("config"));
    EXPECT_EQ(restored["config"]["sealed"], true);
    EXPECT_EQ(restored["state"]["messages"], 3);
    EXPECT_EQ(json::parse(client_->reply("orders.a", "more"))["error"]["err_code"], 10109);  // still sealed
}

TEST_F(JetStreamSnapshot, SnapshotErrors) {
    create("ORDERS", orders);
    const auto snapshot = [&](std::string_view name, std::string_view body) {
        return client_->reply("$JS.API.STREAM.SNAPSHOT." + std::string(name), body);
    };
    EXPECT_EQ(snapshot("NOPE", R"({"deliver_subject":"x"})"), error_reply("stream_snapshot_response", 404, 10059, "stream not found"));
    EXPECT_EQ(snapshot("ORDERS", ""), error_reply("stream_snapshot_response", 400, 10003, "bad request"));
    EXPECT_EQ(snapshot("ORDERS", "{}"), error_reply("stream_snapshot_response", 400, 10003, "bad request"));
    EXPECT_EQ(snapshot("ORDERS", "{nope"), error_reply("stream_snapshot_response", 400, 10025, "invalid JSON"));
    EXPECT_EQ(snapshot("ORDERS", R"({"deliver_subject":5})"), error_reply("stream_snapshot_response", 400, 10025, "invalid JSON"));
    EXPECT_EQ(snapshot("ORDERS", R"({"deliver_subject":""})"),
              error_reply("stream_snapshot_response", 400, 10015, "deliver subject not valid"));
    EXPECT_EQ(snapshot("ORDERS", R"({"deliver_subject":"a..b"})"),
              error_reply("stream_snapshot_response", 400, 10015, "deliver subject not valid"));
    // The stream is looked up before the body is read.
    EXPECT_EQ(snapshot("NOPE", "{nope"), error_reply("stream_snapshot_response", 404, 10059, "stream not found"));
}

TEST_F(JetStreamSnapshot, RestoreErrors) {
    create("ORDERS", orders);
    const auto restore_answer = [&](std::string_view name, std::string_view body) {
        return client_->reply("$JS.API.STREAM.RESTORE." + std::string(name), body);
    };
    const std::string no_subject = ",\"deliver_subject\":\"\"";
    EXPECT_EQ(restore_answer("X", ""), error_reply("stream_restore_response", 400, 10003, "bad request", no_subject));
    EXPECT_EQ(restore_answer("X", "[1"), error_reply("stream_restore_response", 400, 10025, "invalid JSON", no_subject));
    EXPECT_EQ(restore_answer("X", R"({"config":{"name":5}})"),
              error_reply("stream_restore_response", 400, 10025, "invalid JSON", no_subject));
    EXPECT_EQ(restore_answer("ORDERS", R"({"config":{"name":"ORDERS","subjects":["orders.>"]}})"),
              error_reply("stream_restore_response", 400, 10130, "stream name already in use, cannot restore", no_subject));
    EXPECT_EQ(restore_answer("X", R"({"config":{"name":"X","subjects":["x"],"max_msgs_per_subject":-5,"storage":"disk"}})"),
              error_reply("stream_restore_response", 400, 10025, "invalid JSON", no_subject));
}

TEST_F(JetStreamSnapshot, GarbageTruncatedAndCorruptSnapshotsAreRefusedAndCreateNothing) {
    create("ORDERS", orders);
    for (int i = 0; i < 200; ++i) publish("orders.a", std::string(500, static_cast<char>('a' + i % 26)));
    const Snapshot s = take("ORDERS");
    remove("ORDERS");
    std::string corrupt = s.bytes;
    corrupt[corrupt.size() / 2] = static_cast<char>(corrupt[corrupt.size() / 2] ^ 0x55);
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"garbage", std::string(3000, 'g')},
        {"truncated", s.bytes.substr(0, s.bytes.size() * 2 / 3)},
        {"corrupt", corrupt},
    };
    for (const auto& [what, bytes] : cases) {
        const json r = json::parse(restore("ORDERS", restore_request(s), bytes));
        ASSERT_TRUE(r.contains("error")) << what << ": " << r.dump();
        EXPECT_EQ(r.at("type"), "io.nats.jetstream.api.v1.stream_create_response") << what;
        EXPECT_EQ(r["error"]["code"], 500) << what;
        EXPECT_EQ(r["error"]["err_code"], 10062) << what;
        EXPECT_EQ(r["error"]["description"].get<std::string>().rfind("restore failed: ", 0), 0u) << what << r.dump();
        EXPECT_EQ(info("ORDERS")["error"]["err_code"], 10059) << what << ": a failed restore left a stream";
    }
    // The good one still restores afterwards.
    EXPECT_FALSE(json::parse(restore("ORDERS", restore_request(s), s.bytes)).contains("error"));
    EXPECT_EQ(info("ORDERS")["state"]["messages"], 200);
}

TEST_F(JetStreamSnapshot, OurRefusalsSayWhy) {
    if (reference_server()) GTEST_SKIP() << "the snapshot's content and its error texts are ours";
    create("ORDERS", orders);
    publish("orders.a", "one");
    const Snapshot s = take("ORDERS");
    remove("ORDERS");
    const auto why = [&](const std::string& bytes) {
        return json::parse(restore("ORDERS", restore_request(s), bytes))["error"]["description"].get<std::string>();
    };
    EXPECT_EQ(why("garbage garbage garbage"), "restore failed: not a stream snapshot");
    EXPECT_EQ(why(s.bytes.substr(0, s.bytes.size() - 3)), "restore failed: snapshot is truncated (in a record)");
    EXPECT_EQ(why(std::string("\xff\x06\x00\x00S2sTwO", 10) + "tar"),
              "restore failed: snapshot is a nats-server snapshot (its block files), which this server cannot read");
    // A snapshot of ORDERS restored under another name is refused, as nats-server does.
    json other = restore_request(s);
    other["config"]["name"] = "OTHER";
    other["config"]["subjects"] = json::array({"other"});
    EXPECT_EQ(json::parse(restore("OTHER", other, s.bytes))["error"]["description"], "restore failed: stream names do not match");
}

TEST_F(JetStreamSnapshot, AChunkWithoutReplyEndsTheRestore) {
    const json r = json::parse(client_->reply("$JS.API.STREAM.RESTORE.ORDERS", R"({"config":{"name":"ORDERS","subjects":["o"]}})"));
    const std::string deliver = r.at("deliver_subject");
    client_->raw().send(pub(deliver, "no reply"));
    std::this_thread::sleep_for(300ms);
    // Nobody listens there any more: the request gets no responders.
    const Frame f = client_->request(deliver, "");
    EXPECT_EQ(f.kind, Frame::Kind::hmsg);
    EXPECT_EQ(f.headers, "NATS/1.0 503\r\n\r\n");
    EXPECT_EQ(info("ORDERS")["error"]["err_code"], 10059);
}

TEST_F(JetStreamSnapshot, AnIdleRestoreIsDroppedAfterFiveSeconds) {
    const json r = json::parse(client_->reply("$JS.API.STREAM.RESTORE.ORDERS", R"({"config":{"name":"ORDERS","subjects":["o"]}})"));
    const std::string deliver = r.at("deliver_subject");
    EXPECT_EQ(client_->request(deliver, "first chunk").payload, "");
    std::this_thread::sleep_for(3500ms);
    EXPECT_EQ(client_->request(deliver, "still here").payload, "");  // activity restarts the clock
    std::this_thread::sleep_for(6s);
    const Frame f = client_->request(deliver, "");
    EXPECT_EQ(f.headers, "NATS/1.0 503\r\n\r\n");
    EXPECT_EQ(info("ORDERS")["error"]["err_code"], 10059);
}

TEST_F(JetStreamSnapshot, TwoRestoresOfOneNameTheSecondToFinishIsRefused) {
    create("SRC", R"({"name":"SRC","subjects":["src"]})");
    publish("src", "x");
    const Snapshot s = take("SRC");
    remove("SRC");
    const std::string first = json::parse(client_->reply("$JS.API.STREAM.RESTORE.SRC", restore_request(s).dump()))["deliver_subject"];
    const std::string second = json::parse(client_->reply("$JS.API.STREAM.RESTORE.SRC", restore_request(s).dump()))["deliver_subject"];
    ASSERT_NE(first, second);
    EXPECT_EQ(client_->request(first, s.bytes).payload, "");
    EXPECT_EQ(client_->request(second, s.bytes).payload, "");
    EXPECT_FALSE(json::parse(client_->request(first, "").payload).contains("error"));
    EXPECT_EQ(client_->request(second, "").payload,
              error_reply("stream_create_response", 400, 10130, "stream name already in use, cannot restore"));
}

TEST_F(JetStreamSnapshot, ASnapshotOfAStreamBeingPublishedToIsConsistent) {
    create("ORDERS", orders);
    for (int i = 0; i < 300; ++i) publish("orders.a", std::string(1000, 'p'));
    std::atomic<bool> stop{false};
    std::thread publisher([&] {
        RawClient raw(server_->port());
        raw.connect();
        for (int i = 0; i < 20'000 && !stop; ++i) {
            raw.send(pub("orders.b", std::string(1000, 'q')));
            if (i % 100 == 99) raw.flush();  // paced by the server
        }
    });
    // Snapshot only once the publisher is going, and check it kept going meanwhile.
    for (int i = 0; i < 200 && info("ORDERS")["state"]["messages"].get<int>() <= 300; ++i) std::this_thread::sleep_for(10ms);
    const Snapshot s = take("ORDERS", json{{"chunk_size", 4096}});
    const json at_start = s.response.at("state");
    const auto after = info("ORDERS")["state"]["last_seq"].get<std::uint64_t>();
    stop = true;
    publisher.join();
    EXPECT_GT(after, at_start["last_seq"].get<std::uint64_t>()) << "nothing was published during the snapshot";
    remove("ORDERS");
    const json restored = json::parse(restore("ORDERS", restore_request(s), s.bytes));
    ASSERT_FALSE(restored.contains("error")) << restored.dump();
    const json state = restored.at("state");
    if (reference_server()) {
        // nats-server answers with the state at the request, then copies block files that
        // may have grown since: a whole stream, at least as long as the answer said.
        EXPECT_GE(state["last_seq"], at_start["last_seq"]);
        EXPECT_EQ(state["messages"], state["last_seq"].get<int>() - state["first_seq"].get<int>() + 1);
        return;
    }
    // Ours: exactly the stream as it was when the snapshot was answered.
    EXPECT_EQ(state, at_start);
}

TEST_F(JetStreamSnapshot, AClientThatNeverAcksStillGetsTheWholeSnapshot) {
    create("BIG", R"({"name":"BIG","subjects":["big"]})");
    // Random bytes: nats-server compresses its snapshot, and this must stay 8.6 MB, about
    // 200 KiB beyond the 8 MiB window.
    std::mt19937 random(7);
    for (int i = 0; i < 84; ++i) {
        std::string payload(100 * 1024, '\0');
        for (char& c : payload) c = static_cast<char>(random());
        publish("big", payload);
    }
    const json before = info("BIG");
    const Snapshot s = take("BIG", json{{"chunk_size", 1024}}, false);
    ASSERT_FALSE(s.response.contains("error"));
    // The window: once more than 8 MiB are unacked, each further chunk waits 10 ms for an
    // ack that never comes. A lower bound only, so a slow machine cannot fail it.
    std::size_t sent = 0;
    std::size_t waited = 0;
    for (const auto& c : s.chunks) {
        if (sent > 8u * 1024 * 1024) ++waited;
        sent += c.size();
    }
    ASSERT_GT(waited, 100u);
    EXPECT_GE(s.took, waited * 9ms) << waited << " chunks should each have waited 10 ms";
    remove("BIG");
    const json restored = json::parse(restore("BIG", restore_request(s), s.bytes, 512 * 1024));
    EXPECT_EQ(comparable(restored.at("state")), comparable(before.at("state")));
}

TEST_F(JetStreamSnapshot, AStreamDeletedDuringItsSnapshotEndsItWithoutTheEndRecord) {
    if (reference_server()) GTEST_SKIP() << "nats-server goes on reading the block files it has open";
    create("BIG", R"({"name":"BIG","subjects":["big"]})");
    const std::string payload(100 * 1024, 'd');
    for (int i = 0; i < 100; ++i) publish("big", payload);
    const Snapshot s = take("BIG", json::object(), false, [&] {
        // A second connection: this one is busy reading the chunks.
        JsClient other(server_->port());
        const json r = other.reply_json("$JS.API.STREAM.DELETE.BIG");
        ASSERT_EQ(r.value("success", false), true) << r.dump();
    });
    ASSERT_FALSE(s.response.contains("error"));
    EXPECT_LT(s.bytes.size(), 100u * payload.size());
    const json restored = json::parse(restore("BIG", restore_request(s), s.bytes, 512 * 1024));
    EXPECT_EQ(restored["error"]["err_code"], 10062) << restored.dump();
    EXPECT_EQ(info("BIG")["error"]["err_code"], 10059);
}

TEST_F(JetStreamSnapshot, ChunkSizeIsClampedToOneKiBToOneMiB) {
    if (reference_server()) GTEST_SKIP() << "nats-server 2.9.10 takes any chunk_size (a negative one crashes it)";
    create("ORDERS", orders);
    for (int i = 0; i < 30; ++i) publish("orders.a", std::string(1000, 'c'));
    const Snapshot tiny = take("ORDERS", json{{"chunk_size", 10}});
    ASSERT_GE(tiny.chunks.size(), 2u);
    EXPECT_EQ(tiny.chunks.front().size(), 1024u);
    const Snapshot negative = take("ORDERS", json{{"chunk_size", -1}});
    EXPECT_EQ(negative.chunks.front().size(), 1024u);
    const Snapshot huge = take("ORDERS", json{{"chunk_size", 1 << 30}});
    EXPECT_EQ(huge.chunks.size(), 1u);  // the whole 30 KB fits one chunk of at most 1 MiB
    EXPECT_EQ(huge.bytes, tiny.bytes);  // the same content, only cut differently
}

TEST_F(JetStreamSnapshot, RestoreGoesToTheStoreTheConfigAsksFor) {
    if (reference_server()) GTEST_SKIP() << "nats-server restores its block files; a memory config gets an empty stream";
    create("ORDERS", orders);
    for (int i = 0; i < 5; ++i) publish("orders.a", "m");
    const Snapshot s = take("ORDERS");
    remove("ORDERS");
    json request = restore_request(s);
    request["config"]["storage"] = "memory";
    const json restored = json::parse(restore("ORDERS", request, s.bytes));
    EXPECT_EQ(restored["config"]["storage"], "memory");
    EXPECT_EQ(restored["state"]["messages"], 5);
}

TEST_F(JetStreamSnapshot, SnapshotAndRestoreSendTheirAdvisories) {
    create("ORDERS", orders);
    publish("orders.a", "x");
    RawClient watcher(server_->port());
    watcher.connect();
    watcher.send("SUB $JS.EVENT.ADVISORY.STREAM.*.ORDERS 1\r\n");
    watcher.flush();
    const Snapshot s = take("ORDERS");
    remove("ORDERS");
    ASSERT_FALSE(json::parse(restore("ORDERS", restore_request(s), s.bytes)).contains("error"));
    std::map<std::string, json> seen;  // subject -> advisory (DELETED, SNAPSHOT_*, CREATED, RESTORE_*)
    for (int i = 0; i < 20 && seen.size() < 6; ++i) {
        const Frame f = watcher.read_frame(5s);
        if (f.kind == Frame::Kind::msg) seen[f.subject] = json::parse(f.payload);
    }
    const std::vector<std::pair<std::string, std::string>> expected = {
        {"SNAPSHOT_CREATE", "snapshot_create"}, {"SNAPSHOT_COMPLETE", "snapshot_complete"},
        {"RESTORE_CREATE", "restore_create"}, {"RESTORE_COMPLETE", "restore_complete"}};
    // Restoring creates the stream, with its CREATED advisory (addStream sends it).
    ASSERT_TRUE(seen.count("$JS.EVENT.ADVISORY.STREAM.CREATED.ORDERS"));
    EXPECT_EQ(seen["$JS.EVENT.ADVISORY.STREAM.CREATED.ORDERS"]["action"], "create");
    for (const auto& [subject, type] : expected) {
        const auto it = seen.find("$JS.EVENT.ADVISORY.STREAM." + subject + ".ORDERS");
        ASSERT_NE(it, seen.end()) << subject << " " << [&] {
            std::string keys;
            for (const auto& [k, v] : seen) keys += k + " ";
            return keys;
        }();
        EXPECT_EQ(it->second.at("type"), "io.nats.jetstream.advisory.v1." + type);
        EXPECT_EQ(it->second.at("stream"), "ORDERS");
        EXPECT_EQ(it->second.at("client").at("acc"), "$G");
    }
    EXPECT_EQ(seen["$JS.EVENT.ADVISORY.STREAM.SNAPSHOT_CREATE.ORDERS"]["state"]["messages"], 1);
    EXPECT_EQ(seen["$JS.EVENT.ADVISORY.STREAM.RESTORE_COMPLETE.ORDERS"]["bytes"], s.bytes.size());
}

TEST_F(JetStreamSnapshot, RestoreRespectsTheServersFileLimit) {
    // Its wouldExceedLimits compares used > max + size, which a restore never meets.
    if (reference_server()) GTEST_SKIP() << "nats-server 2.9.10's check of a restore against max_file_store never fires";
    create("BIG", R"({"name":"BIG","subjects":["big"]})");
    std::mt19937 random(3);
    for (int i = 0; i < 30; ++i) {
        std::string payload(10 * 1024, '\0');
        for (char& c : payload) c = static_cast<char>(random());
        publish("big", payload);
    }
    const Snapshot s = take("BIG");
    // The same kind of server, with room for less than the snapshot.
    test_support::TempDir small;
    start("jetstream { max_file_store: 100KB }", &small);
    const json r = json::parse(restore("BIG", restore_request(s), s.bytes, 16 * 1024));
    EXPECT_EQ(r, json::parse(error_reply("stream_create_response", 503, 10023, "insufficient resources"))) << r.dump();
    EXPECT_EQ(info("BIG")["error"]["err_code"], 10059);
}

TEST_F(JetStreamSnapshot, RestoreRespectsTheAccountsStorageLimit) {
    if (reference_server()) GTEST_SKIP() << "nats-server 2.9.10 checks only max_bytes against the account, not the data";
    create("BIG", R"({"name":"BIG","subjects":["big"]})");
    for (int i = 0; i < 30; ++i) publish("big", std::string(10 * 1024, 'a'));
    const Snapshot s = take("BIG");
    test_support::TempDir other;
    start(R"(accounts { A: { jetstream: { max_file: 100KB }, users: [{user: a, password: a}] } })", &other,
          json{{"user", "a"}, {"pass", "a"}});
    const json r = json::parse(restore("BIG", restore_request(s), s.bytes));
    EXPECT_EQ(r, json::parse(error_reply("stream_create_response", 400, 10002, "resource limits exceeded for account")))
        << r.dump();
    EXPECT_EQ(info("BIG")["error"]["err_code"], 10059);
}

TEST_F(JetStreamSnapshot, ARestoreCutShortLeavesNoStagedFileBehind) {
    const auto staging = store_.path() / "jetstream" / ".snap-staging";
    const json r = json::parse(client_->reply("$JS.API.STREAM.RESTORE.ORDERS", R"({"config":{"name":"ORDERS","subjects":["o"]}})"));
    EXPECT_EQ(client_->request(r.at("deliver_subject").get<std::string>(), std::string(5000, 's')).payload, "");
    if (!reference_server()) {
        // Staged on disk, not in memory.
        ASSERT_TRUE(std::filesystem::exists(staging));
        std::uintmax_t staged = 0;
        for (const auto& f : std::filesystem::directory_iterator(staging)) staged += f.file_size();
        EXPECT_EQ(staged, 5000u);
    }
    start();  // the server stops with the restore unfinished
    EXPECT_TRUE(!std::filesystem::exists(staging) || std::filesystem::is_empty(staging));
    EXPECT_EQ(info("ORDERS")["error"]["err_code"], 10059);
}

TEST(JetStreamSnapshotLimits, RestoreRespectsTheAccountsStreamLimit) {
    test_support::TempDir store;
    auto server = start_jetstream(store, R"(accounts { A: { jetstream: { max_streams: 1 }, users: [{user: a, password: a}] } })");
    JsClient client(server->port(), json{{"user", "a"}, {"pass", "a"}});
    ASSERT_FALSE(client.reply_json("$JS.API.STREAM.CREATE.ONE", R"({"name":"ONE","subjects":["one"]})").contains("error"));
    EXPECT_EQ(client.reply("$JS.API.STREAM.RESTORE.TWO", R"({"config":{"name":"TWO","subjects":["two"]}})"),
              error_reply("stream_restore_response", 400, 10027, "maximum number of streams reached", ",\"deliver_subject\":\"\""));
}

}  // namespace
}  // namespace nats::integration
