// natscli 0.0.35's key-value and account layouts (cli/kv_command.go
// showStatus, getAction, historyAction, lsBuckets; cli/account_command.go).
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "account_report.hpp"
#include "kv_report.hpp"
#include "timestamps.hpp"

namespace nats::cli {
namespace {

class KvReport : public ::testing::Test {
protected:
    void SetUp() override {
        setenv("TZ", "UTC", 1);
        tzset();
    }
};

const char* bucket_info = R"({"config":{"name":"KV_CONFIG","subjects":["$KV.CONFIG.>"],"max_msgs_per_subject":5,
  "max_bytes":-1,"max_msg_size":-1,"storage":"file","discard":"new","allow_rollup_hdrs":true},
  "created":"2023-01-02T15:04:05Z","state":{"messages":3,"bytes":150,"last_ts":"2023-01-02T15:10:00Z"}})";

TEST_F(KvReport, StatusMatchesNatscliLayout) {
    EXPECT_EQ(render_kv_status("CONFIG", ordered_json::parse(bucket_info)),
              "Information for Key-Value Store Bucket CONFIG created 2023-01-02T15:04:05Z\n"
              "\n"
              "Configuration:\n"
              "\n"
              "          Bucket Name: CONFIG\n"
              "         History Kept: 5\n"
              "        Values Stored: 3\n"
              "   Backing Store Kind: JetStream\n"
              "          Bucket Size: 150 B\n"
              "  Maximum Bucket Size: unlimited\n"
              "   Maximum Value Size: unlimited\n"
              "     JetStream Stream: KV_CONFIG\n"
              "              Storage: File\n");
}

TEST_F(KvReport, OldBucketFormatGetsTheUpgradeWarning) {
    auto info = ordered_json::parse(bucket_info);
    info["config"]["discard"] = "old";
    const std::string text = render_kv_status("CONFIG", info);
    EXPECT_NE(text.find("Warning the bucket if not compatible with the latest\n"
                        "configuration format and needs a configuration upgrade.\n\n"
                        "Please run: nats kv upgrade CONFIG\n\n"),
              std::string::npos)
        << text;
}

TEST_F(KvReport, EntryAndLongEntry) {
    kv_entry_view e{"CONFIG", "colour", "blue", 4, *parse_rfc3339("2023-01-02T15:04:59Z"), "PUT"};
    EXPECT_EQ(render_kv_entry(e), "CONFIG > colour created @ 02 Jan 23 15:04 UTC\n\nblue\n\n");
    e.value = std::string(130, 'x');
    EXPECT_EQ(render_kv_entry(e), "CONFIG > colour created @ 02 Jan 23 15:04 UTC\n\n"
                                  "Showing first 120 bytes of 130, use --raw for full data\n\n" +
                                      std::string(120, 'x') + "\n\n");
}

TEST_F(KvReport, BinaryValuesShowAsBase64) {
    EXPECT_EQ(base64_if_not_printable("plain text"), "plain text");
    EXPECT_EQ(base64_if_not_printable(std::string("\x00\x01\xff", 3)), "AAH/");
    EXPECT_EQ(base64_if_not_printable("two\nlines"), "dHdvCmxpbmVz");
    EXPECT_EQ(abbreviate_value(std::string(41, 'a') + "END"), std::string(15, 'a') + "..." + std::string(12, 'a') + "END");
}

TEST_F(KvReport, HistoryTable) {
    const timestamp at = *parse_rfc3339("2023-01-02T15:04:05Z");
    const std::string text = render_kv_history("CONFIG", "colour",
                                               {{"CONFIG", "colour", "red", 1, at, "PUT"},
                                                {"CONFIG", "colour", "", 2, at, "DELETE"}});
    EXPECT_EQ(text,
              "╭───────────────────────────────────────────────────────────────────╮\n"
              "│                    History for CONFIG > colour                    │\n"
              "├────────┬──────────┬────────┬─────────────────────┬────────┬───────┤\n"
              "│ Key    │ Revision │ Op     │ Created             │ Length │ Value │\n"
              "├────────┼──────────┼────────┼─────────────────────┼────────┼───────┤\n"
              "│ colour │ 1        │ PUT    │ 02 Jan 23 15:04 UTC │ 3      │ red   │\n"
              "│ colour │ 2        │ DELETE │ 02 Jan 23 15:04 UTC │ 0      │       │\n"
              "╰────────┴──────────┴────────┴─────────────────────┴────────┴───────╯\n");
}

TEST(AccountReport, JetStreamSectionMatchesNatscli) {
    const auto info = ordered_json::parse(R"({"memory":0,"storage":2048,"streams":2,"consumers":1,
      "limits":{"max_memory":-1,"max_storage":-1,"max_streams":-1,"max_consumers":-1,"max_ack_pending":-1,
                "memory_max_stream_bytes":-1,"storage_max_stream_bytes":-1,"max_bytes_required":false}})");
    EXPECT_EQ(render_jetstream_account(info, 1048576, ""),
              "JetStream Account Information:\n"
              "\n"
              "Account Usage:\n"
              "\n"
              "    Storage: 2.0 KiB\n"
              "     Memory: 0 B\n"
              "    Streams: 2\n"
              "  Consumers: 1\n"
              "\n"
              "Account Limits:\n"
              "\n"
              "   Max Message Payload: 1.0 MiB \n"
              "\n"
              "   Tier: Default\n"
              "\n"
              "      Configuration Requirements:\n"
              "\n"
              "         Stream Requires Max Bytes Set: false\n"
              "          Consumer Maximum Ack Pending: Unlimited\n"
              "\n"
              "      Stream Resource Usage Limits:\n"
              "\n"
              "                    Memory: 0 B of Unlimited\n"
              "         Memory Per Stream: Unlimited\n"
              "                   Storage: 2.0 KiB of Unlimited\n"
              "        Storage Per Stream: Unlimited\n"
              "                   Streams: 2 of Unlimited\n"
              "                 Consumers: 1 of Unlimited\n"
              "\n"
              "\n");
    EXPECT_EQ(render_jetstream_account(std::nullopt, 0, "JetStream is not supported in this account"),
              "JetStream Account Information:\n\n   JetStream is not supported in this account\n");
}

TEST(AccountReport, LimitsAndTiers) {
    const auto info = ordered_json::parse(R"({"memory":0,"storage":0,"streams":0,"consumers":0,
      "limits":{"max_memory":1073741824,"max_storage":-1,"max_streams":10,"max_consumers":-1,"max_ack_pending":100,
                "memory_max_stream_bytes":1024,"storage_max_stream_bytes":-1,"max_bytes_required":true},
      "tiers":{"R3":{"memory":0,"storage":0,"streams":0,"consumers":0,"limits":{}},
               "R1":{"memory":0,"storage":0,"streams":0,"consumers":0,"limits":{}}}})");
    const std::string text = render_jetstream_account(info, 1024, "");
    EXPECT_LT(text.find("   Tier: R1\n"), text.find("   Tier: R3\n"));
    EXPECT_EQ(text.find("Tier: Default"), std::string::npos);
    const std::string untiered = render_jetstream_account(ordered_json::parse(R"({"limits":{"max_memory":1073741824,
      "max_streams":10,"max_ack_pending":100,"memory_max_stream_bytes":1024,"max_bytes_required":true}})"), 1024, "");
    EXPECT_NE(untiered.find("                    Memory: 0 B of 1.0 GiB\n"), std::string::npos) << untiered;
    EXPECT_NE(untiered.find("         Memory Per Stream: 1.0 KiB\n"), std::string::npos);
    EXPECT_NE(untiered.find("                   Streams: 0 of 10\n"), std::string::npos);
    EXPECT_NE(untiered.find("          Consumer Maximum Ack Pending: 100\n"), std::string::npos);
    EXPECT_NE(untiered.find("         Stream Requires Max Bytes Set: true\n"), std::string::npos);
}

TEST(Timestamps, ParsesAndFormatsLikeGo) {
    const auto t = parse_rfc3339("2023-01-02T16:04:05.000000100+01:00");
    ASSERT_TRUE(t);
    EXPECT_EQ(go_time_string_utc(*t), "2023-01-02 15:04:05.0000001 +0000 UTC");
    EXPECT_EQ(go_time_string_utc(*parse_rfc3339("2023-01-02T15:04:05Z")), "2023-01-02 15:04:05 +0000 UTC");
    EXPECT_TRUE(is_go_zero_time(*parse_rfc3339("0001-01-01T00:00:00Z")));
    EXPECT_FALSE(parse_rfc3339("2023-01-02 15:04:05"));
    EXPECT_FALSE(parse_rfc3339("2023-01-02T15:04:05"));
    EXPECT_FALSE(parse_rfc3339(""));
    const timestamp now = *parse_rfc3339("2023-01-02T15:04:06.5Z");
    EXPECT_EQ(since(*parse_rfc3339("2023-01-02T15:04:05Z"), now).count(), 1500000000);
    EXPECT_EQ(since(*parse_rfc3339("0001-01-01T00:00:00Z"), now).count(), std::numeric_limits<std::int64_t>::max());
}

} // namespace
} // namespace nats::cli
