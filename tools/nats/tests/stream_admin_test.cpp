// `stream report`'s tables, `stream edit`'s config changes and the diff both
// edit verbs print.
#include <gtest/gtest.h>

#include "config_diff.hpp"
#include "stream_report_table.hpp"
#include "stream_settings.hpp"

namespace nats::cli {
namespace {

TEST(StreamReportTable, SortedBySizeWithNatscliColumns) {
    const auto a = ordered_json::parse(R"({"config":{"name":"BIG","storage":"file","placement":{"cluster":"c1","tags":["x","y"]}},
        "state":{"messages":12345,"bytes":2048,"consumer_count":2,"num_deleted":3}})");
    const auto b = ordered_json::parse(R"({"config":{"name":"SMALL","storage":"memory"},
        "state":{"messages":1,"bytes":10,"consumer_count":0,"lost":{"msgs":[5,6],"bytes":100}}})");
    const std::string t = render_stream_report({a, b}, stream_report_order::bytes, false);
    EXPECT_NE(t.find("│ Stream │ Storage │ Placement              │ Consumers │ Messages │ Bytes   │ Lost      │ Deleted │ Replicas │"),
              std::string::npos) << t;
    EXPECT_LT(t.find("SMALL"), t.find("BIG"));
    EXPECT_NE(t.find("│ SMALL  │ Memory  │                        │ 0         │ 1        │ 10 B    │ 2 (100 B) │ 0       │          │"),
              std::string::npos) << t;
    EXPECT_NE(t.find("│ BIG    │ File    │ cluster: c1 tags: x, y │ 2         │ 12,345   │ 2.0 KiB │ 0         │ 3       │          │"),
              std::string::npos) << t;
    const std::string by_name = render_stream_report({b, a}, stream_report_order::name, true);
    EXPECT_LT(by_name.find("BIG"), by_name.find("SMALL"));
    EXPECT_NE(by_name.find("│ 12345    │ 2048  │"), std::string::npos) << by_name;
}

TEST(StreamReportTable, ReplicationOnlyWithMirrorsOrSources) {
    const auto plain = ordered_json::parse(R"({"config":{"name":"A"},"state":{}})");
    EXPECT_EQ(render_replication_report({plain}, false), "");
    const auto mirror = ordered_json::parse(R"({"config":{"name":"M"},"state":{},
        "mirror":{"name":"A","lag":1234,"active":2000000000}})");
    const std::string t = render_replication_report({plain, mirror}, false);
    EXPECT_NE(t.find("│ M      │ Mirror │            │ A             │ 2.00s  │ 1,234 │       │"), std::string::npos) << t;
}

TEST(StreamEdit, AppliesOnlyGivenValues) {
    const auto current = ordered_json::parse(R"({"name":"S","subjects":["a"],"max_msgs":-1,"max_consumers":-1,
        "storage":"file","discard":"old","deny_delete":false})");
    stream_settings s;
    s.max_msgs = 100;
    s.description = "d";
    s.deny_delete = true;
    const auto edited = edit_stream_config(current, "S", s);
    EXPECT_EQ(edited["max_msgs"], 100);
    EXPECT_EQ(edited["description"], "d");
    EXPECT_EQ(edited["deny_delete"], true);
    EXPECT_EQ(edited["storage"], "file");
    EXPECT_EQ(config_diff(current, edited),
              "-   \"max_msgs\": -1,\n+   \"max_msgs\": 100,\n-   \"deny_delete\": false,\n+   \"deny_delete\": true,\n"
              "+   \"description\": \"d\",\n");
    stream_settings mirror;
    mirror.mirror = "X";
    EXPECT_THROW(edit_stream_config(current, "S", mirror), cli_error);
    // Lists that differ only in order are equal.
    EXPECT_EQ(config_diff(ordered_json::parse(R"({"subjects":["a","b"]})"), ordered_json::parse(R"({"subjects":["b","a"]})")), "");
}

} // namespace
} // namespace nats::cli
