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

TEST(BenchConfig, JetStreamDefaults) {
    const config sync = parse({"--mode", "js-sync"});
    EXPECT_EQ(sync.mode, mode::js_sync);
    EXPECT_EQ(sync.size, 128u);  // the message size, not core's 16
    EXPECT_EQ(sync.storage, storage::file);
    EXPECT_EQ(sync.msgs, 10'000u);
    EXPECT_EQ(sync.window, 256u);
    EXPECT_TRUE(sync.stream.empty());
    const config async = parse({"--mode", "js-async"});
    EXPECT_EQ(async.window, 256u);
    EXPECT_EQ(async.msgs, 200'000u);
    EXPECT_EQ(parse({"--mode", "js-fill", "--pid", "1"}).window, 1024u);
    EXPECT_EQ(parse({"--mode", "js-fill", "--pid", "1"}).msgs, 1'000'000u);
    EXPECT_EQ(parse({"--mode", "js-streams", "--pid", "1"}).streams, 200u);
    const config disk = parse({"--mode", "fdatasync", "--dir", "/tmp"});
    EXPECT_EQ(disk.size, 128u);
    EXPECT_EQ(disk.msgs, 2'000u);
    EXPECT_EQ(disk.dir, "/tmp");
    EXPECT_TRUE(is_jetstream(mode::js_restart));
    EXPECT_FALSE(is_jetstream(mode::fdatasync));
    EXPECT_FALSE(is_jetstream(mode::pubsub));
}

TEST(BenchConfig, JetStreamReadsItsOptions) {
    const config c = parse({"--mode", "js-async", "--storage", "memory", "--window", "64", "--size", "16",
                            "--stream", "ORDERS_1", "--msgs", "5", "--warmup", "0"});
    EXPECT_EQ(c.storage, storage::memory);
    EXPECT_EQ(c.window, 64u);
    EXPECT_EQ(c.size, 16u);
    EXPECT_EQ(c.stream, "ORDERS_1");
    EXPECT_EQ(c.msgs, 5u);
    EXPECT_EQ(c.warmup, 0u);
    const config r = parse({"--mode", "js-restart", "--stream", "s", "--started-at", "1765000000.25"});
    EXPECT_DOUBLE_EQ(r.started_at, 1765000000.25);
    EXPECT_EQ(parse({"--mode", "js-streams", "--pid", "9", "--streams", "3"}).streams, 3u);
    EXPECT_STREQ(storage_name(storage::memory), "memory");
    EXPECT_STREQ(mode_name(mode::js_restart), "js-restart");
}

TEST(BenchConfig, ConsumerModes) {
    const config pull = parse({"--mode", "js-pull"});
    EXPECT_EQ(pull.mode, mode::js_pull);
    EXPECT_EQ(pull.batch, 100u);
    EXPECT_EQ(pull.msgs, 100'000u);
    EXPECT_EQ(pull.size, 128u);
    EXPECT_EQ(parse({"--mode", "js-pull", "--batch", "1000"}).batch, 1000u);
    EXPECT_EQ(parse({"--mode", "js-push"}).msgs, 100'000u);
    EXPECT_EQ(parse({"--mode", "js-ordered", "--msgs", "7"}).msgs, 7u);
    EXPECT_EQ(parse({"--mode", "js-consumers", "--pid", "1"}).consumers, 200u);
    EXPECT_EQ(parse({"--mode", "js-consumers", "--pid", "1", "--consumers", "3"}).consumers, 3u);
    for (auto m : {mode::js_pull, mode::js_push, mode::js_ordered, mode::js_consumers}) {
        EXPECT_TRUE(is_jetstream(m));
        EXPECT_EQ(parse({"--mode", mode_name(m), "--pid", "1"}).mode, m) << mode_name(m);
    }
}

TEST(BenchConfig, JetStreamRejectsBadInput) {
    EXPECT_THROW(parse({"--mode", "js-sync", "--storage", "disk"}), usage_error);
    EXPECT_THROW(parse({"--mode", "js-async", "--window", "0"}), usage_error);
    for (const char* bad : {"", "a.b", "a*", "a>", "a b", "a/b", "a\\b"})
        EXPECT_THROW(parse({"--mode", "js-sync", "--stream", bad}), usage_error) << "'" << bad << "'";
    EXPECT_THROW(parse({"--mode", "js-streams"}), usage_error);  // RSS needs --pid
    EXPECT_THROW(parse({"--mode", "js-fill"}), usage_error);
    EXPECT_THROW(parse({"--mode", "js-streams", "--pid", "1", "--streams", "0"}), usage_error);
    EXPECT_THROW(parse({"--mode", "js-restart"}), usage_error);  // which stream to wait for
    EXPECT_THROW(parse({"--mode", "js-restart", "--stream", "s", "--started-at", "0"}), usage_error);
    EXPECT_THROW(parse({"--mode", "js-restart", "--stream", "s", "--started-at", "x"}), usage_error);
    EXPECT_THROW(parse({"--mode", "js-consumers"}), usage_error);  // RSS needs --pid
    EXPECT_THROW(parse({"--mode", "js-consumers", "--pid", "1", "--consumers", "0"}), usage_error);
    EXPECT_THROW(parse({"--mode", "js-pull", "--batch", "0"}), usage_error);
    EXPECT_THROW(parse({"--mode", "js-pull", "--batch", "x"}), usage_error);
    EXPECT_THROW(parse({"--mode", "fdatasync"}), usage_error);  // which disk
    EXPECT_THROW(parse({"--mode", "fdatasync", "--dir", ""}), usage_error);
}

}  // namespace
}  // namespace nats::bench
