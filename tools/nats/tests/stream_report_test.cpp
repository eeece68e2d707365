// natscli 0.0.35's stream layouts (cli/stream_command.go showStreamInfo,
// showStreamConfig, renderStreamsAsTable, getAction), from fixed API replies.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "stream_report.hpp"
#include "stream_settings.hpp"

namespace nats::cli {
namespace {

class StreamReport : public ::testing::Test {
protected:
    // Local times are printed in the local zone: pin it.
    void SetUp() override {
        setenv("TZ", "UTC", 1);
        tzset();
    }
};

const char* orders_info = R"({
  "type": "io.nats.jetstream.api.v1.stream_info_response",
  "config": {"name": "ORDERS", "subjects": ["ORDERS.*", "SHIP.>"], "retention": "limits", "max_consumers": -1,
             "max_msgs": -1, "max_bytes": -1, "max_age": 0, "max_msgs_per_subject": -1, "max_msg_size": -1,
             "discard": "old", "storage": "file", "num_replicas": 1, "duplicate_window": 120000000000,
             "sealed": false, "deny_delete": false, "deny_purge": false, "allow_rollup_hdrs": false,
             "allow_direct": false, "mirror_direct": false},
  "created": "2023-01-02T15:04:05.123456789Z",
  "state": {"messages": 1234, "bytes": 2048, "first_seq": 1, "first_ts": "2023-01-02T15:05:00.5Z",
            "last_seq": 1234, "last_ts": "2023-01-02T16:00:00Z", "consumer_count": 2, "num_subjects": 3}
})";

TEST_F(StreamReport, InfoMatchesNatscliLayout) {
    const auto info = ordered_json::parse(orders_info);
    EXPECT_EQ(render_stream_info("ORDERS", info, false),
              "Information for Stream ORDERS created 2023-01-02 15:04:05\n"
              "\n"
              "             Subjects: ORDERS.*, SHIP.>\n"
              "             Replicas: 1\n"
              "              Storage: File\n"
              "\n"
              "Options:\n"
              "\n"
              "            Retention: Limits\n"
              "     Acknowledgements: true\n"
              "       Discard Policy: Old\n"
              "     Duplicate Window: 2m0s\n"
              "    Allows Msg Delete: true\n"
              "         Allows Purge: true\n"
              "       Allows Rollups: false\n"
              "\n"
              "Limits:\n"
              "\n"
              "     Maximum Messages: unlimited\n"
              "  Maximum Per Subject: unlimited\n"
              "        Maximum Bytes: unlimited\n"
              "          Maximum Age: unlimited\n"
              " Maximum Message Size: unlimited\n"
              "    Maximum Consumers: unlimited\n"
              "\n"
              "\n"
              "State:\n"
              "\n"
              "             Messages: 1,234\n"
              "                Bytes: 2.0 KiB\n"
              "             FirstSeq: 1 @ 2023-01-02T15:05:00 UTC\n"
              "              LastSeq: 1,234 @ 2023-01-02T16:00:00 UTC\n"
              "     Active Consumers: 2\n"
              "   Number of Subjects: 3\n");
}

TEST_F(StreamReport, StateOnlyAndEmptyStream) {
    auto info = ordered_json::parse(orders_info);
    info["state"] = ordered_json::parse(R"({"messages":0,"bytes":0,"first_seq":0,"first_ts":"0001-01-01T00:00:00Z",
        "last_seq":0,"last_ts":"0001-01-01T00:00:00Z","consumer_count":0})");
    EXPECT_EQ(render_stream_info("ORDERS", info, true),
              "State for Stream ORDERS created 2023-01-02 15:04:05\n"
              "\n"
              "State:\n"
              "\n"
              "             Messages: 0\n"
              "                Bytes: 0 B\n"
              "             FirstSeq: 0\n"
              "              LastSeq: 0\n"
              "     Active Consumers: 0\n");
}

TEST_F(StreamReport, ConfigShowsLimitsOptionsAndReplication) {
    const auto cfg = ordered_json::parse(R"({"name":"X","description":"the x","subjects":["x"],"num_replicas":1,
        "storage":"memory","retention":"workqueue","discard":"new","discard_new_per_subject":true,
        "duplicate_window":1500000000,"allow_direct":true,"deny_delete":true,"allow_rollup_hdrs":true,
        "max_msgs":10,"max_msgs_per_subject":2,"max_bytes":1048576,"max_age":90000000000,"max_msg_size":512,
        "max_consumers":5,"sources":[{"name":"B","filter_subject":"b.>"},{"name":"A","opt_start_seq":1000}]})");
    EXPECT_EQ(render_stream_config(cfg),
              "          Description: the x\n"
              "             Subjects: x\n"
              "             Replicas: 1\n"
              "              Storage: Memory\n"
              "\n"
              "Options:\n"
              "\n"
              "            Retention: WorkQueue\n"
              "     Acknowledgements: true\n"
              "       Discard Policy: New Per Subject\n"
              "     Duplicate Window: 1.5s\n"
              "           Direct Get: true\n"
              "    Allows Msg Delete: false\n"
              "         Allows Purge: true\n"
              "       Allows Rollups: true\n"
              "\n"
              "Limits:\n"
              "\n"
              "     Maximum Messages: 10\n"
              "  Maximum Per Subject: 2\n"
              "        Maximum Bytes: 1.0 MiB\n"
              "          Maximum Age: 1m30s\n"
              " Maximum Message Size: 512 B\n"
              "    Maximum Consumers: 5\n"
              "\n"
              "Replication:\n"
              "\n"
              "              Sources: A, Start Seq: 1,000\n"
              "                       B, Subject: b.>\n"
              "\n");
}

TEST_F(StreamReport, TableSortsBySizeAndSaysNeverForEmptyStreams) {
    const auto big = ordered_json::parse(orders_info);
    auto empty = ordered_json::parse(orders_info);
    empty["config"]["name"] = "EMPTY";
    empty["config"]["description"] = "nothing yet";
    empty["state"] = ordered_json::parse(R"({"messages":0,"bytes":0,"last_ts":"0001-01-01T00:00:00Z"})");
    const timestamp now = *parse_rfc3339("2023-01-02T16:00:30Z");
    EXPECT_EQ(render_stream_table({big, empty}, "", now),
              "╭────────────────────────────────────────────────────────────────────────────────╮\n"
              "│                                    Streams                                     │\n"
              "├────────┬─────────────┬─────────────────────┬──────────┬─────────┬──────────────┤\n"
              "│ Name   │ Description │ Created             │ Messages │ Size    │ Last Message │\n"
              "├────────┼─────────────┼─────────────────────┼──────────┼─────────┼──────────────┤\n"
              "│ EMPTY  │ nothing yet │ 2023-01-02 15:04:05 │ 0        │ 0 B     │ never        │\n"
              "│ ORDERS │             │ 2023-01-02 15:04:05 │ 1,234    │ 2.0 KiB │ 30.00s       │\n"
              "╰────────┴─────────────┴─────────────────────┴──────────┴─────────┴──────────────╯\n");
    EXPECT_NE(render_stream_table({big}, "ORDERS.*", now).find("Streams matching ORDERS.*"), std::string::npos);
}

TEST_F(StreamReport, StoredMessageWithHeaders) {
    const auto msg = ordered_json::parse(R"({"subject":"ORDERS.new","seq":7,
        "hdrs":"TkFUUy8xLjANClgtVHJhY2U6IGFiYw0KQWNjb3VudDogMQ0KDQo=","data":"aGVsbG8=",
        "time":"2023-01-02T15:04:05.120Z"})");
    EXPECT_EQ(render_stored_message("ORDERS", msg),
              "Item: ORDERS#7 received 2023-01-02 15:04:05.12 +0000 UTC on Subject ORDERS.new\n"
              "\n"
              "Headers:\n"
              "  Account: 1\n"
              "  X-Trace: abc\n"
              "\n"
              "hello\n"
              "\n");
}

TEST_F(StreamReport, BadBase64IsAnError) {
    EXPECT_THROW(decode_base64("abc"), cli_error);
    EXPECT_EQ(decode_base64("aGk="), "hi");
    EXPECT_EQ(decode_base64(""), "");
}

TEST(StreamSettings, FlagsBecomeTheCreateRequest) {
    stream_settings s;
    s.subjects = {"a.*, b.>", "c"};
    s.storage = "m";
    s.retention = "work";
    s.max_msgs = 100;
    s.max_age = "1d";
    s.max_bytes = "1MB";
    const auto cfg = build_stream_config("S", s);
    EXPECT_EQ(cfg["subjects"], ordered_json({"a.*", "b.>", "c"}));
    EXPECT_EQ(cfg["storage"], "memory");
    EXPECT_EQ(cfg["retention"], "workqueue");
    EXPECT_EQ(cfg["max_msgs"], 100);
    EXPECT_EQ(cfg["max_age"], 86400000000000LL);
    EXPECT_EQ(cfg["max_bytes"], 1048576);
    EXPECT_EQ(cfg["max_msgs_per_subject"], -1);
    EXPECT_EQ(cfg["max_msg_size"], -1);
    EXPECT_EQ(cfg["duplicate_window"], 120000000000LL);
    EXPECT_EQ(cfg["discard"], "old");
    EXPECT_EQ(cfg["num_replicas"], 1);
}

TEST(StreamSettings, MissingValuesAreErrorsUnlessDefaults) {
    stream_settings s;
    EXPECT_THROW(build_stream_config("", s), cli_error);
    EXPECT_THROW(build_stream_config("S", s), cli_error);  // no subjects
    s.defaults = true;
    const auto cfg = build_stream_config("S", s);
    EXPECT_EQ(cfg["subjects"], ordered_json({"S"}));
    EXPECT_EQ(cfg["storage"], "file");
    s.max_age = "soon";
    EXPECT_THROW(build_stream_config("S", s), cli_error);
    s.max_age = "30s";
    EXPECT_EQ(build_stream_config("S", s)["duplicate_window"], 30000000000LL);  // capped at the max age
    s.mirror = "OTHER";
    s.subjects = {"x"};
    EXPECT_THROW(build_stream_config("S", s), cli_error);  // mirrors take no subjects
}

TEST(StreamSettings, GoJsonEscapesHtmlCharacters) {
    EXPECT_EQ(go_json_indent(ordered_json{{"a", "<&>"}, {"b", ordered_json::array()}}),
              "{\n  \"a\": \"\\u003c\\u0026\\u003e\",\n  \"b\": []\n}");
}

} // namespace
} // namespace nats::cli
