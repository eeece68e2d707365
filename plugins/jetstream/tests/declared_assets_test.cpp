// Reading declared assets from the jetstream block: items become the configs the API
// would receive (durations from Go text, KV and object store conventions as nats.go
// 1.22 writes them), and a bad item is refused naming its key.
#include <gtest/gtest.h>
#include <nats_sdk/error.hpp>
#include <nlohmann/json.hpp>

#include "declare/declared_assets.hpp"

namespace nmk::jetstream {
namespace {

using nlohmann::json;

std::string refusal(const json& block) {
    try {
        read_declared_assets(block);
    } catch (const nats_sdk::ConfigError& e) {
        return e.what();
    }
    return "accepted";
}

TEST(DeclaredAssets, StreamsTakeGoDurationsAndAnAccount) {
    const auto a = read_declared_assets(json::parse(R"({"streams":[
        {"name":"ORDERS","subjects":["orders.>"],"max_age":"1h30m","duplicate_window":5000000000},
        {"name":"OPS","account":"A","subjects":["ops"]}]})"));
    ASSERT_EQ(a.streams.size(), 2u);
    EXPECT_EQ(a.streams[0].account, "$G");
    EXPECT_EQ(a.streams[0].where, "jetstream.streams[0]");
    EXPECT_EQ(a.streams[0].config.max_age_ns, 5400LL * 1000000000);
    EXPECT_EQ(a.streams[0].config.duplicate_window_ns, 5000000000);
    EXPECT_EQ(a.streams[1].account, "A");
    EXPECT_TRUE(a.consumers.empty());
}

TEST(DeclaredAssets, KvBucketsAndObjectStoresAsNatsGoMakesThem) {
    const auto a = read_declared_assets(json::parse(R"({"kv":[{"bucket":"cfg","history":3,"ttl":"30s","max_value_size":1024}],
        "key_value":[{"bucket":"other","storage":"memory"}], "object_stores":[{"bucket":"files","ttl":"1h"}]})"));
    ASSERT_EQ(a.streams.size(), 3u);
    const StreamConfig& kv = a.streams[0].config;
    EXPECT_EQ(kv.name, "KV_cfg");
    EXPECT_EQ(kv.subjects, std::vector<std::string>{"$KV.cfg.>"});
    EXPECT_EQ(kv.max_msgs_per_subject, 3);
    EXPECT_EQ(kv.max_age_ns, 30LL * 1000000000);
    EXPECT_EQ(kv.duplicate_window_ns, 30LL * 1000000000);  // the TTL when below 2 minutes
    EXPECT_EQ(kv.max_msg_size, 1024);
    EXPECT_EQ(kv.max_bytes, -1);
    EXPECT_EQ(kv.discard, Discard::new_messages);
    EXPECT_TRUE(kv.allow_rollup && kv.deny_delete && kv.allow_direct);
    EXPECT_EQ(a.streams[1].config.storage, Storage::memory);
    EXPECT_EQ(a.streams[1].config.duplicate_window_ns, 120LL * 1000000000);
    const StreamConfig& obj = a.streams[2].config;
    EXPECT_EQ(obj.name, "OBJ_files");
    EXPECT_EQ(obj.subjects, (std::vector<std::string>{"$O.files.C.>", "$O.files.M.>"}));
    EXPECT_TRUE(obj.allow_rollup && obj.allow_direct && !obj.deny_delete);
}

TEST(DeclaredAssets, ConsumersNeedAStreamAndADurableName) {
    const auto a = read_declared_assets(json::parse(R"({"streams":[{"name":"S","subjects":["s.>"]}],
        "consumers":[{"stream":"S","durable_name":"w","ack_policy":"explicit","ack_wait":"1m","max_deliver":4,
                      "backoff":["1s","5s","30s"],"filter_subject":"s.a"}]})"));
    ASSERT_EQ(a.consumers.size(), 1u);
    EXPECT_EQ(a.consumers[0].stream, "S");
    EXPECT_EQ(a.consumers[0].config.ack_wait_ns, 60LL * 1000000000);
    EXPECT_EQ(a.consumers[0].config.backoff_ns, (std::vector<std::int64_t>{1000000000, 5000000000, 30000000000}));
    EXPECT_EQ(refusal(json::parse(R"({"consumers":[{"durable_name":"w"}]})")),
              "config key 'jetstream.consumers[0].stream' is required");
    // Checked against the declared stream as the API would check it.
    EXPECT_NE(refusal(json::parse(R"({"streams":[{"name":"S","subjects":["s.>"]}],
        "consumers":[{"stream":"S","durable_name":"w","filter_subject":"t.x"}]})"))
                  .find("config key 'jetstream.consumers[0]' consumer filter subject is not a valid subset"),
              std::string::npos);
}

TEST(DeclaredAssets, BadItemsAreRefusedByKey) {
    EXPECT_EQ(refusal(json::parse(R"({"streams":[{"subjects":["x"]}]})")), "config key 'jetstream.streams[0].name' is required");
    EXPECT_EQ(refusal(json::parse(R"({"streams":[1]})")), "config key 'jetstream.streams[0]' must be a map");
    EXPECT_EQ(refusal(json::parse(R"({"kv":[{"bucket":"a.b"}]})")),
              "config key 'jetstream.kv[0].bucket' 'a.b' is not a valid bucket name");
    EXPECT_EQ(refusal(json::parse(R"({"kv":[{"bucket":"a","storage":"disk"}]})")),
              "config key 'jetstream.kv[0].storage' must be file or memory, got 'disk'");
    EXPECT_EQ(refusal(json::parse(R"({"object_stores":[{"bucket":"a","ttl":true}]})")),
              "config key 'jetstream.object_stores[0].ttl' must be a duration");
    EXPECT_NE(refusal(json::parse(R"({"streams":[{"name":"S","max_age":"3x"}]})")).find("is not a duration"),
              std::string::npos);
    EXPECT_NE(refusal(json::parse(R"({"streams":[{"name":"S","retention":"forever"}]})")).find("is not a valid stream config"),
              std::string::npos);
    EXPECT_TRUE(read_declared_assets(json::parse("{}")).empty());
    EXPECT_TRUE(read_declared_assets(json("enabled")).empty());
}

}  // namespace
}  // namespace nmk::jetstream
