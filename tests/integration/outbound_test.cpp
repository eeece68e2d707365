// A connection's output is queued in fixed-size blocks and written many blocks per
// writev; these check what a client sees whatever the block edges: messages whose
// bytes straddle them, larger than a block, and written in pieces to a reader whose
// small socket buffer takes a little at a time. Runs against nats-server too
// (NMK_SERVER_BIN=/usr/sbin/nats-server).
#include <thread>

#include "tests/integration/plugin_test_helpers.hpp"

namespace nats::integration {
namespace {

// Distinct bytes per message, so a piece out of place shows.
std::string payload_for(std::size_t size, int seed) {
    std::string s(size, '\0');
    for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>('A' + (i * 31 + static_cast<std::size_t>(seed)) % 58);
    return s;
}

// Sizes just below, on and above the block sizes (512 B, 4 KiB, 64 KiB), and
// messages several blocks long.
const std::vector<std::size_t> edge_sizes = {0,     1,     511,   512,    513,    4095,   4096,
                                             4097,  65535, 65536, 65537,  131072, 200001, 1000000};

TEST(Outbound, MessagesAcrossBlockEdgesReachASlowReaderWhole) {
    auto server = start_server("max_payload: 1048576\n");
    RawClientOptions slow_options;
    slow_options.receive_buffer = 4096;  // the server's writes are cut short again and again
    slow_options.timeout = 20s;
    RawClient sub(server->port(), slow_options);
    sub.connect();
    sub.send("SUB edges 1\r\n");
    sub.flush();

    RawClientOptions options;
    options.timeout = 20s;
    RawClient publisher(server->port(), options);
    publisher.connect();
    std::vector<std::string> sent;
    std::string batch;
    for (int round = 0; round < 3; ++round) {
        for (std::size_t size : edge_sizes) {
            sent.push_back(payload_for(size, static_cast<int>(sent.size())));
            batch += pub("edges", sent.back());
        }
    }
    publisher.send(batch);
    EXPECT_TRUE(publisher.flush().empty());

    // Read slowly at first so the server's queue holds many blocks.
    std::this_thread::sleep_for(200ms);
    for (std::size_t i = 0; i < sent.size(); ++i) {
        const Frame f = sub.expect_msg();
        ASSERT_EQ(f.subject, "edges");
        ASSERT_EQ(f.payload.size(), sent[i].size()) << "message " << i;
        ASSERT_TRUE(f.payload == sent[i]) << "message " << i << " differs";
    }
    EXPECT_TRUE(sub.flush().empty());
}

// Small messages from several publishers interleave whole: each MSG line and its
// payload stay together however the blocks fill.
TEST(Outbound, ManySmallMessagesFromSeveralPublishersStayWhole) {
    auto server = start_server("");
    RawClientOptions options;
    options.timeout = 20s;
    RawClient sub(server->port(), options);
    sub.connect();
    sub.send("SUB many.* 1\r\n");
    sub.flush();
    constexpr int per_publisher = 3000;
    std::vector<std::thread> threads;
    for (int p = 0; p < 3; ++p) {
        threads.emplace_back([&, p] {
            RawClient publisher(server->port(), options);
            publisher.connect();
            std::string batch;
            for (int i = 0; i < per_publisher; ++i)
                batch += pub("many." + std::to_string(p), payload_for(static_cast<std::size_t>(i % 300), i));
            publisher.send(batch);
            publisher.flush();
        });
    }
    for (auto& t : threads) t.join();
    int next[3] = {0, 0, 0};
    for (int n = 0; n < 3 * per_publisher; ++n) {
        const Frame f = sub.expect_msg();
        const int p = f.subject.back() - '0';
        ASSERT_TRUE(p >= 0 && p < 3) << f.subject;
        const int i = next[p]++;
        ASSERT_TRUE(f.payload == payload_for(static_cast<std::size_t>(i % 300), i)) << f.subject << " #" << i;
    }
    EXPECT_TRUE(sub.flush().empty());
}

}  // namespace
}  // namespace nats::integration
