// kill -9 while publishing with acks: after a restart every acknowledged message is
// there, with its payload, and the sequence has no gaps. The short form (3 cycles) runs
// in CI; NMK_CRASH_CYCLES=100 is the long form (README). Also runs against nats-server
// (whose page cache survives a killed process, so it passes too: the power-cut test is
// where the two differ).
#include <openssl/evp.h>
#include <signal.h>

#include <cstdlib>
#include <map>

#include "tests/integration/jetstream_test_helpers.hpp"
#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

int cycles() {
    const char* text = std::getenv("NMK_CRASH_CYCLES");
    const int n = text ? std::atoi(text) : 3;
    return n > 0 ? n : 3;
}

// Publishes with a window of in-flight requests until `stop_after` acks arrived, then
// kills the server without warning. Returns the acknowledged sequence -> payload.
std::map<std::uint64_t, std::string> publish_then_kill(ServerProcess& server, int cycle, int stop_after) {
    RawClient raw(server.port());
    raw.connect({{"headers", true}});
    raw.send("SUB _INBOX.crash.* 1\r\n");
    raw.flush();
    std::map<std::uint64_t, std::string> acked;
    std::map<std::string, std::string> sent;  // reply -> payload
    int next = 0;
    constexpr int window = 64;
    const auto send_one = [&] {
        const std::string payload = "c" + std::to_string(cycle) + "-m" + std::to_string(next);
        const std::string reply = "_INBOX.crash." + std::to_string(next++);
        sent[reply] = payload;
        raw.send(pub("crash.data", payload, reply));
    };
    for (int i = 0; i < window; ++i) send_one();
    while (static_cast<int>(acked.size()) < stop_after) {
        const Frame f = raw.read_frame(std::chrono::milliseconds(5000));
        if (f.kind != Frame::Kind::msg) continue;
        const json ack = json::parse(f.payload);
        EXPECT_FALSE(ack.contains("error")) << f.payload;
        if (ack.contains("seq")) acked[ack["seq"].get<std::uint64_t>()] = sent[f.subject];
        send_one();
    }
    server.send_signal(SIGKILL);
    server.wait_exit(std::chrono::seconds(5));
    return acked;
}

// The file storage backends: the file store, and RocksDB (ours only).
struct Backend {
    const char* name;
    const char* config;
};
class JetStreamCrash : public ::testing::TestWithParam<Backend> {
protected:
    void SetUp() override {
        if (std::string_view(GetParam().config).size() > 0) {
            SKIP_UNLESS_PLUGIN_SERVER();
            SKIP_WITHOUT_PLUGINS("store_rocksdb");
        }
    }
    std::unique_ptr<ServerProcess> start(const test_support::TempDir& store) {
        return start_jetstream(store, GetParam().config);
    }
};

TEST_P(JetStreamCrash, KillNineLosesNoAcknowledgedMessage) {
    test_support::TempDir store;
    std::map<std::uint64_t, std::string> all_acked;
    for (int cycle = 0; cycle < cycles(); ++cycle) {
        auto server = start(store);
        JsClient client(server->port());
        if (cycle == 0) {
            const json r = client.reply_json("$JS.API.STREAM.CREATE.CRASH", R"({"name":"CRASH","subjects":["crash.>"]})");
            ASSERT_FALSE(r.contains("error")) << r.dump();
        }
        // Everything acknowledged before the last kill is there.
        const json info = client.reply_json("$JS.API.STREAM.INFO.CRASH");
        ASSERT_FALSE(info.contains("error")) << info.dump();
        const auto& state = info["state"];
        const std::uint64_t last = state["last_seq"];
        if (!all_acked.empty()) EXPECT_GE(last, all_acked.rbegin()->first);
        EXPECT_EQ(state["messages"].get<std::uint64_t>(), last) << "a gap in the sequence after restart " << cycle;
        for (const auto& [seq, payload] : all_acked) {
            const json m = client.reply_json("$JS.API.STREAM.MSG.GET.CRASH", "{\"seq\":" + std::to_string(seq) + "}");
            ASSERT_TRUE(m.contains("message")) << "acked seq " << seq << " lost: " << m.dump();
        }
        auto acked = publish_then_kill(*server, cycle, 500 + 300 * (cycle % 3));
        all_acked.merge(acked);
    }
    // After one more restart: every acknowledged message, with its own payload.
    auto server = start(store);
    JsClient client(server->port());
    for (const auto& [seq, payload] : all_acked) {
        const json m = client.reply_json("$JS.API.STREAM.MSG.GET.CRASH", "{\"seq\":" + std::to_string(seq) + "}");
        ASSERT_TRUE(m.contains("message")) << "acked seq " << seq << " lost: " << m.dump();
        EXPECT_EQ(m["message"]["data"], base64(payload)) << "seq " << seq;
    }
    const json info = client.reply_json("$JS.API.STREAM.INFO.CRASH");
    EXPECT_EQ(info["state"]["messages"], info["state"]["last_seq"]);
}

INSTANTIATE_TEST_SUITE_P(Backends, JetStreamCrash,
                         ::testing::Values(Backend{"file", ""}, Backend{"rocksdb", "jetstream { file_backend: rocksdb }\n"}),
                         [](const ::testing::TestParamInfo<Backend>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace nats::integration
