// The Object Store meta as nats.go marshals it and natscli 0.0.35's object
// layouts (cli/object_command.go).
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "object_report.hpp"
#include "object_store.hpp"

namespace nats::cli {
namespace {

object_info sample_info() {
    object_info i;
    i.name = "dir/a<b>&\"c\".txt";
    i.description = "line\nnext\u2028\x01\u00e9";
    i.headers = {{"A", {"1"}}, {"X-B", {"2", "3"}}};
    i.has_options = true;
    i.chunk_size = 131072;
    i.bucket = "B";
    i.nuid = "N1";
    i.size = 5;
    i.chunks = 1;
    i.digest = "SHA-256=x";
    return i;
}

// Expected texts are what Go 1.19's json.Marshal of nats.go's ObjectInfo prints.
TEST(ObjectMeta, MarshalsAsNatsGo) {
    EXPECT_EQ(marshal_object_info(sample_info()),
              R"({"name":"dir/a\u003cb\u003e\u0026\"c\".txt","description":"line\nnext\u2028\u0001)"
              "\u00e9"
              R"(","headers":{"A":["1"],"X-B":["2","3"]},"options":{"max_chunk_size":131072},"bucket":"B","nuid":"N1","size":5,"mtime":"0001-01-01T00:00:00Z","chunks":1,"digest":"SHA-256=x"})");
    object_info link;
    link.name = "n";
    link.has_options = true;
    link.link = std::make_pair(std::string("o"), std::string());
    link.bucket = "B";
    link.nuid = "N2";
    link.deleted = true;
    EXPECT_EQ(marshal_object_info(link),
              R"({"name":"n","options":{"link":{"bucket":"o"}},"bucket":"B","nuid":"N2","size":0,"mtime":"0001-01-01T00:00:00Z","chunks":0,"deleted":true})");
}

TEST(ObjectMeta, ParsesWhatItMarshals) {
    const auto parsed = parse_object_info(marshal_object_info(sample_info()));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(marshal_object_info(*parsed), marshal_object_info(sample_info()));
    EXPECT_FALSE(parse_object_info("not json").has_value());
}

TEST(ObjectMeta, NamesDigestsAndNuids) {
    EXPECT_EQ(base64url("data.bin"), "ZGF0YS5iaW4=");
    EXPECT_EQ(base64url("\xfb\xff"), "-_8=");
    // sha256("hello"); natscli shows the 30 bytes Go's padded decoder yields.
    EXPECT_EQ(digest_display("SHA-256=LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="),
              "SHA-256 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b");
    const auto a = new_nuid(), b = new_nuid();
    EXPECT_EQ(a.size(), 22u);
    EXPECT_NE(a, b);
    EXPECT_TRUE(valid_bucket_name("my-files_2"));
    EXPECT_FALSE(valid_bucket_name("a.b"));
    EXPECT_FALSE(valid_bucket_name(""));
}

TEST(ObjectMeta, BucketStreamConfigAsNatsGo) {
    object_bucket_config c;
    c.bucket = "FILES";
    const auto cfg = object_stream_config(c);
    EXPECT_EQ(cfg["name"], "OBJ_FILES");
    EXPECT_EQ(cfg["subjects"], ordered_json({"$O.FILES.C.>", "$O.FILES.M.>"}));
    EXPECT_EQ(cfg["discard"], "new");
    EXPECT_EQ(cfg["allow_rollup_hdrs"], true);
    EXPECT_EQ(cfg["allow_direct"], true);
    EXPECT_EQ(cfg["max_bytes"], -1);
}

class ObjectReport : public ::testing::Test {
protected:
    void SetUp() override {
        setenv("TZ", "UTC", 1);
        tzset();
    }
};

TEST_F(ObjectReport, ObjectInfoLayout) {
    object_info i = sample_info();
    i.name = "x.txt";
    i.digest = "SHA-256=LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=";
    i.mtime = *parse_rfc3339("2023-01-02T15:04:05Z");
    i.size = 2048;
    EXPECT_EQ(render_object_info(i),
              "Object information for B > x.txt\n\n"
              "      Description: line\nnext\u2028\x01\u00e9\n"
              "               Size: 2.0 KiB\n"
              "  Modification Time: 02 Jan 23 15:04 +0000\n"
              "             Chunks: 1\n"
              "             Digest: SHA-256 2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b\n"
              "            Headers: A: 1\n"
              "                     X-B: 2\n"
              "                     X-B: 3\n");
}

TEST_F(ObjectReport, BucketLayoutsAndWatchLine) {
    const auto info = ordered_json::parse(R"({"config":{"name":"OBJ_FILES","description":"blobs","num_replicas":1,
        "max_age":3600000000000,"max_bytes":1048576,"sealed":true},"created":"2023-01-02T15:04:05Z",
        "state":{"bytes":4096,"last_ts":"2023-01-02T15:05:05Z"}})");
    EXPECT_EQ(render_object_bucket_info("FILES", info),
              "Information for Object Store Bucket FILES created 2023-01-02T15:04:05Z\n\n"
              "Configuration:\n\n"
              "         Bucket Name: FILES\n"
              "         Description: blobs\n"
              "            Replicas: 1\n"
              "                 TTL: 1h0m0s\n"
              "              Sealed: true\n"
              "                Size: 4.0 KiB\n"
              " Maximum Bucket Size: 1.0 MiB\n"
              "  Backing Store Kind: JetStream\n"
              "    JetStream Stream: OBJ_FILES\n");
    const std::string table = render_object_buckets({info}, *parse_rfc3339("2023-01-02T15:06:05Z"));
    // natscli's "15:01:05" layout puts the month where the minutes belong.
    EXPECT_NE(table.find("│ FILES  │ blobs       │ 2023-01-02 15:01:05 │ 4.0 KiB │ 1m0s        │"), std::string::npos)
        << table;
    object_info i = sample_info();
    i.name = "a";
    i.size = 1024;
    i.mtime = *parse_rfc3339("2023-01-02T15:04:05Z");
    EXPECT_EQ(render_object_update(i), "[2023-01-02 15:04:05] PUT B > a: 1.0 KiB bytes in 1 chunks\n");
    i.deleted = true;
    EXPECT_EQ(render_object_update(i), "[2023-01-02 15:04:05] DEL B > a\n");
    const std::string list = render_object_list({i});
    EXPECT_NE(list.find("│ a    │ 1.0 KiB │ 2023-01-02T15:04:05Z │"), std::string::npos) << list;
}

} // namespace
} // namespace nats::cli
