#include "config.hpp"

#include <gtest/gtest.h>

namespace nats::bench {
namespace {

config parse(std::vector<std::string> args) { return parse_args(args); }

TEST(BenchConfig, ModeIsRequired) { EXPECT_THROW(parse({"--msgs", "10"}), usage_error); }

TEST(BenchConfig, PerModeDefaults) {
    const config pubsub = parse({"--mode", "pubsub"});
    EXPECT_EQ(pubsub.subs, 1u);
    EXPECT_EQ(pubsub.msgs, default_msgs(mode::pubsub, 16));
    EXPECT_EQ(pubsub.window, auto_window(16));
    EXPECT_EQ(parse({"--mode", "fanout"}).subs, 4u);
    EXPECT_EQ(parse({"--mode", "queue"}).subs, 4u);
    EXPECT_EQ(parse({"--mode", "pub"}).subs, 0u);
    EXPECT_EQ(parse({"--mode", "reqrep"}).msgs, 20'000u);
    EXPECT_LT(default_msgs(mode::pub, 1024), default_msgs(mode::pub, 16));
}

TEST(BenchConfig, ReadsEveryOption) {
    const config c = parse({"--mode", "queue", "--server", "nats://127.0.0.1:5000", "--msgs", "1234", "--size",
                            "64", "--pubs", "2", "--subs", "3", "--timeout", "2.5", "--window", "99", "--iobuf",
                            "65536", "--subject", "a.b", "--json"});
    EXPECT_EQ(c.mode, mode::queue);
    EXPECT_EQ(c.server, "nats://127.0.0.1:5000");
    EXPECT_EQ(c.msgs, 1234u);
    EXPECT_EQ(c.size, 64u);
    EXPECT_EQ(c.pubs, 2u);
    EXPECT_EQ(c.subs, 3u);
    EXPECT_DOUBLE_EQ(c.timeout_s, 2.5);
    EXPECT_EQ(c.window, 99u);
    EXPECT_EQ(c.iobuf, 65536u);
    EXPECT_EQ(c.subject, "a.b");
    EXPECT_TRUE(c.json);
}

TEST(BenchConfig, IdleNeedsPidAndReadsConns) {
    EXPECT_THROW(parse({"--mode", "idle"}), usage_error);
    const config c = parse({"--mode", "idle", "--pid", "42", "--conns", "10", "--subs", "2", "--settle", "0"});
    EXPECT_EQ(c.pid, 42);
    EXPECT_EQ(c.conns, 10u);
    EXPECT_EQ(c.subs, 2u);
    EXPECT_EQ(c.settle_ms, 0u);
}

TEST(BenchConfig, RejectsBadNumbers) {
    for (const char* bad : {"", "-1", "+1", "1k", "abc", " 1", "1.5", "99999999999999999999999"})
        EXPECT_THROW(parse({"--mode", "pub", "--msgs", bad}), usage_error) << "'" << bad << "'";
    EXPECT_THROW(parse({"--mode", "pub", "--msgs", "0"}), usage_error);
    EXPECT_THROW(parse({"--mode", "pub", "--pubs", "0"}), usage_error);
    EXPECT_THROW(parse({"--mode", "pub", "--size", "999999999"}), usage_error);
    EXPECT_THROW(parse({"--mode", "pub", "--iobuf", "100"}), usage_error);
    for (const char* bad : {"0", "-3", "nan", "inf", "5000", "x"})
        EXPECT_THROW(parse({"--mode", "pub", "--timeout", bad}), usage_error) << bad;
}

TEST(BenchConfig, RejectsBadCombinations) {
    EXPECT_THROW(parse({"--mode", "queue", "--size", "4"}), usage_error);
    EXPECT_THROW(parse({"--mode", "pubsub", "--subs", "0"}), usage_error);
    EXPECT_THROW(parse({"--mode", "pub", "--msgs", "2", "--pubs", "3"}), usage_error);
}

TEST(BenchConfig, RejectsUnknownAndIncomplete) {
    EXPECT_THROW(parse({"--mode", "bogus"}), usage_error);
    EXPECT_THROW(parse({"--mode", "pub", "--nope", "1"}), usage_error);
    EXPECT_THROW(parse({"--mode"}), usage_error);
    EXPECT_THROW(parse({"--mode", "pub", "--server", ""}), usage_error);
    EXPECT_THROW(parse({"--mode", "pub", "--subject", "a b"}), usage_error);
    EXPECT_THROW(parse({"--help"}), usage_error);
}

TEST(BenchConfig, ConnzDefaults) {
    const config c = parse({"--mode", "connz", "--monitor", "http://127.0.0.1:8222"});
    EXPECT_EQ(c.conns, 10'000u);
    EXPECT_EQ(c.subs, 1u);
    EXPECT_DOUBLE_EQ(c.phase_s, 10);
    EXPECT_DOUBLE_EQ(c.timeout_s, default_connz_timeout(10));
    EXPECT_GE(c.timeout_s, 2 * c.phase_s + 60);
    EXPECT_EQ(c.read_paths, (std::vector<std::string>{"/connz?limit=10000", "/connz?subs=1"}));
}

TEST(BenchConfig, ConnzOptions) {
    const config c = parse({"--mode", "connz", "--monitor", "http://127.0.0.1:1", "--conns", "50", "--subs", "0",
                            "--phase", "2.5", "--timeout", "20", "--read-path", "/varz", "--read-path",
                            "/connz?sort=cid&limit=5"});
    EXPECT_EQ(c.conns, 50u);
    EXPECT_EQ(c.subs, 0u);
    EXPECT_DOUBLE_EQ(c.phase_s, 2.5);
    EXPECT_DOUBLE_EQ(c.timeout_s, 20);
    EXPECT_EQ(c.read_paths, (std::vector<std::string>{"/varz", "/connz?sort=cid&limit=5"}));
    // The default paths follow --conns.
    EXPECT_EQ(parse({"--mode", "connz", "--monitor", "http://127.0.0.1:1", "--conns", "7"}).read_paths.front(),
              "/connz?limit=7");
}

TEST(BenchConfig, ConnzRejectsBadInput) {
    EXPECT_THROW(parse({"--mode", "connz"}), usage_error);  // no --monitor
    EXPECT_THROW(parse({"--mode", "connz", "--monitor", "127.0.0.1:8222"}), usage_error);
    const std::vector<std::string> base{"--mode", "connz", "--monitor", "http://127.0.0.1:1"};
    auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        return parse(args);
    };
    for (const char* bad : {"0", "121", "-1", "x"}) EXPECT_THROW(with({"--phase", bad}), usage_error) << bad;
    for (const char* bad : {"", "connz", "/connz ?x", "/a\r\nHost: x"})
        EXPECT_THROW(with({"--read-path", bad}), usage_error) << bad;
    EXPECT_THROW(with({"--phase", "10", "--timeout", "15"}), usage_error);  // shorter than both phases
}

TEST(BenchConfig, WindowCoversManyBuffersButStaysBounded) {
    EXPECT_GE(auto_window(16), 100'000u);
    EXPECT_GE(auto_window(64u << 20), 1024u);
    EXPECT_LE(auto_window(1024) * (1024 + 48), 17u << 20);
}

}  // namespace
}  // namespace nats::bench
