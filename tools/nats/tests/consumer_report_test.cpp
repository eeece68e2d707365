// natscli 0.0.35's consumer layouts (cli/consumer_command.go showInfo,
// reportAction, the per-message line) and the configs its flags make.
#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "consumer_report.hpp"
#include "consumer_settings.hpp"

namespace nats::cli {
namespace {

using namespace std::chrono_literals;

class ConsumerReport : public ::testing::Test {
protected:
    void SetUp() override {
        setenv("TZ", "UTC", 1);
        tzset();
    }
};

const char* pull_info = R"({
  "type": "io.nats.jetstream.api.v1.consumer_info_response",
  "stream_name": "ORDERS", "name": "NEW", "created": "2023-01-02T15:04:05.5Z",
  "config": {"durable_name": "NEW", "name": "NEW", "deliver_policy": "all", "ack_policy": "explicit",
             "ack_wait": 30000000000, "max_deliver": -1, "filter_subject": "ORDERS.received",
             "replay_policy": "instant", "max_waiting": 512, "max_ack_pending": 1000, "num_replicas": 0},
  "delivered": {"consumer_seq": 1234, "stream_seq": 2345, "last_active": "2023-01-02T15:05:05Z"},
  "ack_floor": {"consumer_seq": 0, "stream_seq": 0},
  "num_ack_pending": 2, "num_redelivered": 1, "num_waiting": 0, "num_pending": 3,
  "cluster": {"leader": "n1"}
})";

TEST_F(ConsumerReport, PullConsumerInfoMatchesNatscliLayout) {
    const auto info = ordered_json::parse(pull_info);
    const timestamp now{*parse_rfc3339("2023-01-02T15:06:05Z")};
    EXPECT_EQ(render_consumer_info(info, now),
              "Information for Consumer ORDERS > NEW created 2023-01-02T15:04:05Z\n"
              "\n"
              "Configuration:\n"
              "\n"
              "                Name: NEW\n"
              "           Pull Mode: true\n"
              "      Filter Subject: ORDERS.received\n"
              "      Deliver Policy: All\n"
              "          Ack Policy: Explicit\n"
              "            Ack Wait: 30s\n"
              "       Replay Policy: Instant\n"
              "     Max Ack Pending: 1,000\n"
              "   Max Waiting Pulls: 512\n"
              "\n"
              "State:\n"
              "\n"
              "   Last Delivered Message: Consumer sequence: 1,234 Stream sequence: 2,345 Last delivery: 1m0s ago\n"
              "     Acknowledgment floor: Consumer sequence: 0 Stream sequence: 0\n"
              "         Outstanding Acks: 2 out of maximum 1,000\n"
              "     Redelivered Messages: 1\n"
              "     Unprocessed Messages: 3\n"
              "            Waiting Pulls: 0 of maximum 512\n"
              "\n");
}

TEST_F(ConsumerReport, PushConsumerShowsDeliveryAndInterest) {
    auto info = ordered_json::parse(pull_info);
    info["config"] = {{"durable_name", "MONITOR"}, {"deliver_subject", "monitor.ORDERS"}, {"deliver_group", "workers"},
                      {"deliver_policy", "by_start_sequence"}, {"opt_start_seq", 5}, {"ack_policy", "none"},
                      {"max_deliver", -1}, {"replay_policy", "original"}, {"idle_heartbeat", 5000000000},
                      {"flow_control", true}, {"rate_limit_bps", 8192}, {"sample_freq", "100"},
                      {"headers_only", true}, {"backoff", {60000000000, 120000000000}}, {"num_replicas", 1}};
    info["name"] = "MONITOR";
    info["push_bound"] = true;
    info["delivered"] = {{"consumer_seq", 0}, {"stream_seq", 0}};
    const std::string text = render_consumer_info(info, {});
    EXPECT_NE(text.find("        Durable Name: MONITOR\n    Delivery Subject: monitor.ORDERS\n"
                        "      Deliver Policy: From Sequence 5\n Deliver Queue Group: workers\n"
                        "          Ack Policy: None\n       Replay Policy: Original\n       Sampling Rate: 100\n"
                        "          Rate Limit: 1.0 KiB / second\n      Idle Heartbeat: 5.00s\n        Flow Control: true\n"
                        "        Headers Only: true\n             Backoff: 1m0s, 2m0s\n            Replicas: 1\n\n"),
              std::string::npos)
        << text;
    EXPECT_EQ(text.find("Ack Wait"), std::string::npos);
    EXPECT_NE(text.find("     Unprocessed Messages: 3\n          Active Interest: Active using Queue Group workers\n"),
              std::string::npos)
        << text;
    EXPECT_TRUE(text.ends_with("workers\n")) << text;
}

TEST(ConsumerLayouts, BackoffListsShortenAbove15Steps) {
    EXPECT_EQ(render_backoff({}), "unset");
    std::vector<std::chrono::nanoseconds> steps;
    for (int i = 1; i <= 16; ++i) steps.emplace_back(std::chrono::seconds(i));
    EXPECT_EQ(render_backoff(steps), "1s, 2s, 3s, 4s, 5s, ..., 12s, 13s, 14s, 15s, 16s (16 total)");
}

TEST(ConsumerLayouts, LinearBackoffAsJsm) {
    const auto steps = linear_backoff(4, 1min, 2min);
    ASSERT_EQ(steps.size(), 4u);
    EXPECT_EQ(steps[0], 60s);
    EXPECT_EQ(steps[1], 75s);
    EXPECT_EQ(steps[3], 105s);
    EXPECT_THROW(linear_backoff(0, 1min, 2min), cli_error);
}

TEST(ConsumerLayouts, ClusterPeersDropTheSharedDomain) {
    const auto cluster = ordered_json::parse(
        R"({"leader":"n1.example.net","replicas":[{"name":"n2.example.net","current":true},{"name":"n3.example.net","current":false}]})");
    EXPECT_EQ(render_cluster_peers(cluster), "n1*, n2, n3!");
    EXPECT_EQ(render_cluster_peers(ordered_json::parse(R"({"leader":"NABC"})")), "NABC*");
}

TEST(ConsumerLayouts, ReportTable) {
    const auto stream = ordered_json::parse(R"({"config":{"name":"ORDERS"},"state":{"messages":10,"consumer_count":1}})");
    const auto info = ordered_json::parse(pull_info);
    const std::string t = render_consumer_report(stream, {info}, false);
    EXPECT_NE(t.find("Consumer report for ORDERS with 1 consumers"), std::string::npos) << t;
    EXPECT_NE(t.find("│ NEW      │ Pull │ Explicit   │ 30.00s   │ 2           │ 1           │ 3 / 30%     │ 0         │ n1*     │"),
              std::string::npos)
        << t;
}

TEST(ConsumerLayouts, AckSubjectsOfBothVersions) {
    delivery_metadata m;
    ASSERT_TRUE(parse_ack_subject("$JS.ACK.ORDERS.NEW.2.10.3.1672671845000000000.7", m));
    EXPECT_EQ(delivery_line("15:04:05", "ORDERS.received", m),
              "[15:04:05] subj: ORDERS.received / tries: 2 / cons seq: 3 / str seq: 10 / pending: 7\n");
    ASSERT_TRUE(parse_ack_subject("$JS.ACK.hub.ACC.ORDERS.NEW.1.11.4.1672671845000000000.1234.r4nd", m));
    EXPECT_EQ(m.stream_sequence, 11u);
    EXPECT_EQ(m.pending, 1234u);
    EXPECT_FALSE(parse_ack_subject("_INBOX.abc", m));
    EXPECT_FALSE(parse_ack_subject("$JS.ACK.ORDERS.NEW.x.10.3.1.7", m));
}

TEST(ConsumerSettings, PullDefaultsAsTheirPrompts) {
    consumer_settings s;
    s.pull = true;
    const auto cfg = build_consumer_config("NEW", s);
    EXPECT_EQ(cfg.dump(), R"({"ack_policy":"explicit","deliver_policy":"all","durable_name":"NEW","max_deliver":-1,"replay_policy":"instant","num_replicas":0})");
}

TEST(ConsumerSettings, PushDefaultsAndChecks) {
    consumer_settings s;
    s.target = "monitor.ORDERS";
    s.start_policy = "last";
    s.filter = "ORDERS.*";
    s.heartbeat = "10s";
    s.flow_control = true;
    const auto cfg = build_consumer_config("MONITOR", s);
    EXPECT_EQ(cfg.dump(), R"({"ack_policy":"none","deliver_policy":"last","deliver_subject":"monitor.ORDERS","durable_name":"MONITOR","filter_subject":"ORDERS.*","flow_control":true,"idle_heartbeat":10000000000,"max_deliver":-1,"replay_policy":"instant","num_replicas":0})");

    consumer_settings bad;
    bad.ack_policy = "none";
    EXPECT_THROW(
        {
            try {
                build_consumer_config("X", bad);
            } catch (const cli_error& e) {
                EXPECT_STREQ(e.what(), "pull consumers can only be explicit or all acknowledgement modes");
                throw;
            }
        },
        cli_error);
    EXPECT_THROW(build_consumer_config("A.B", consumer_settings{}), cli_error);
    EXPECT_THROW(build_consumer_config("", consumer_settings{}), cli_error);
    consumer_settings seq;
    seq.start_policy = "42";
    EXPECT_EQ(build_consumer_config("S", seq)["opt_start_seq"], 42);
    consumer_settings since;
    since.start_policy = "1h";
    EXPECT_EQ(build_consumer_config("S", since)["deliver_policy"], "by_start_time");
}

TEST(ConsumerSettings, EditAndCopyApplyOnlyGivenFlags) {
    const auto current = build_consumer_config("NEW", consumer_settings{});
    consumer_settings edit;
    edit.description = "new orders";
    edit.max_deliver = 5;
    const auto edited = edit_consumer_config(current, edit);
    EXPECT_EQ(edited["description"], "new orders");
    EXPECT_EQ(edited["max_deliver"], 5);
    EXPECT_EQ(edited["ack_policy"], "explicit");

    consumer_settings copy;
    copy.filter = "ORDERS.shipped";
    const auto copied = copy_consumer_config(current, "SHIPPED", copy);
    EXPECT_EQ(copied["durable_name"], "SHIPPED");
    EXPECT_EQ(copied["filter_subject"], "ORDERS.shipped");
}

} // namespace
} // namespace nats::cli
