// `nats consumer ...` (tools/nats/commands/consumer.cpp) against a started
// server; expected texts are natscli 0.0.35's (cli/consumer_command.go).
#include "tests/integration/nats_cli_js_fixture.hpp"

namespace nats::integration {
namespace {

using namespace cli_testing;

using NatsCliConsumer = NatsCliJs;

TEST_F(NatsCliConsumer, AddPullConsumerPrintsItsInfo) {
    add_orders(2);
    const auto r = nats({"consumer", "add", "ORDERS", "NEW", "--pull", "--filter", "ORDERS.new", "--max-pending", "100",
                         "--defaults"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(matches(r.out,
                        "Information for Consumer ORDERS > NEW created " + rfc3339_pattern + "\n"
                        "\n"
                        "Configuration:\n"
                        "\n"
                        "        Durable Name: NEW\n"
                        "           Pull Mode: true\n"
                        "      Filter Subject: ORDERS\\.new\n"
                        "      Deliver Policy: All\n"
                        "          Ack Policy: Explicit\n"
                        "            Ack Wait: 30s\n"
                        "       Replay Policy: Instant\n"
                        "     Max Ack Pending: 100\n"
                        "   Max Waiting Pulls: 512\n"
                        "\n"
                        "State:\n"
                        "\n"
                        "   Last Delivered Message: Consumer sequence: 0 Stream sequence: 0\n"
                        "     Acknowledgment floor: Consumer sequence: 0 Stream sequence: 0\n"
                        "         Outstanding Acks: 0 out of maximum 100\n"
                        "     Redelivered Messages: 0\n"
                        "     Unprocessed Messages: 2\n"
                        "            Waiting Pulls: 0 of maximum 512\n"
                        "\n"))
        << r.out;
    const auto ls = nats({"consumer", "ls", "ORDERS"});
    EXPECT_EQ(ls.out, "Consumers for Stream ORDERS:\n\n\tNEW\n\n");
    EXPECT_EQ(nats({"consumer", "ls", "ORDERS", "--names"}).out, "NEW\n");
    EXPECT_EQ(nats({"consumer", "ls", "ORDERS", "--json"}).out, "[\n  \"NEW\"\n]\n");
    const auto json = nats({"consumer", "info", "ORDERS", "NEW", "--json"});
    const auto parsed = nlohmann::json::parse(json.out);
    EXPECT_EQ(parsed["stream_name"], "ORDERS");
    EXPECT_EQ(parsed["config"]["filter_subject"], "ORDERS.new");
    EXPECT_EQ(parsed["num_pending"], 2);
    EXPECT_FALSE(parsed.contains("type"));
}

TEST_F(NatsCliConsumer, NextFetchesAndAcknowledges) {
    add_orders(0);
    ASSERT_EQ(nats({"pub", "ORDERS.new", "order 1", "-q"}).code, 0);
    ASSERT_EQ(nats({"pub", "ORDERS.new", "order 2", "-q", "-H", "Source:web"}).code, 0);
    ASSERT_EQ(nats({"consumer", "add", "ORDERS", "NEW", "--pull", "--defaults"}).code, 0);
    const auto r = nats({"consumer", "next", "ORDERS", "NEW", "--count", "2"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(matches(r.out,
                        "\\[" + clock_pattern + "\\] subj: ORDERS\\.new / tries: 1 / cons seq: 1 / str seq: 1 / pending: 1\n"
                        "\norder 1\n\nAcknowledged message\n\n"
                        "\\[" + clock_pattern + "\\] subj: ORDERS\\.new / tries: 1 / cons seq: 2 / str seq: 2 / pending: 0\n"
                        "\nHeaders:\n\n  Source: web\n\nData:\n\n\norder 2\n\nAcknowledged message\n\n"))
        << r.out;
    const auto info = nats({"consumer", "info", "ORDERS", "NEW"});
    EXPECT_TRUE(has(info.out, "Acknowledgment floor: Consumer sequence: 2 Stream sequence: 2 Last Ack: "));
    EXPECT_TRUE(has(info.out, "Unprocessed Messages: 0\n"));
    // Nothing left: natscli's "no message received" (after the pull expires).
    const auto empty = nats({"--timeout", "500ms", "consumer", "next", "ORDERS", "NEW", "--raw"});
    EXPECT_EQ(empty.code, 1);
    EXPECT_EQ(empty.err, "nats: error: no message received: nats: timeout\n");
}

TEST_F(NatsCliConsumer, SubOnPushConsumerPrintsUntilInterrupted) {
    add_orders(1);
    ASSERT_EQ(nats({"consumer", "add", "ORDERS", "MON", "--target", "mon.orders", "--ack", "explicit",
                    "--heartbeat=-1", "--defaults"})
                  .code,
              0);
    auto sub = start({"consumer", "sub", "ORDERS", "MON"});
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (!contains(sub->out(), "order 1\n\n") && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(10ms);
    }
    sub->signal(SIGINT);
    EXPECT_EQ(sub->wait_exit(5s), 0);
    EXPECT_TRUE(matches(sub->out(),
                        "Subscribing to topic mon\\.orders auto acknowlegement: true\n\n"
                        "Consumer Info:\n  Ack Policy: Explicit\n    Ack Wait: 30s\n\n"
                        "\\[" + clock_pattern + "\\] subj: ORDERS\\.new / tries: 1 / cons seq: 1 / str seq: 1 / pending: 0\n"
                        "order 1\n\n"))
        << sub->out();
    EXPECT_TRUE(has(nats({"consumer", "info", "ORDERS", "MON"}).out, "Outstanding Acks: 0 out of maximum 1,000\n"));
}

TEST_F(NatsCliConsumer, EditCopyReportAndRemove) {
    add_orders(3);
    ASSERT_EQ(nats({"consumer", "add", "ORDERS", "NEW", "--pull", "--defaults"}).code, 0);
    const auto dry = nats({"consumer", "edit", "ORDERS", "NEW", "--description", "new orders", "--dry-run"});
    EXPECT_EQ(dry.code, 1);
    EXPECT_EQ(dry.out, "Differences (-old +new):\n+   \"description\": \"new orders\",\n");
    const auto unconfirmed = nats({"consumer", "edit", "ORDERS", "NEW", "--description", "new orders"});
    EXPECT_EQ(unconfirmed.err, "nats: error: could not obtain confirmation: cannot ask for confirmation without a terminal\n");
    const auto edit = nats({"consumer", "edit", "ORDERS", "NEW", "--description", "new orders", "-f"});
    ASSERT_EQ(edit.code, 0) << edit.err;
    EXPECT_TRUE(has(edit.out, "\n         Description: new orders\n"));
    EXPECT_EQ(nats({"consumer", "edit", "ORDERS", "NEW", "--description", "new orders"}).out,
              "No difference in configuration\n");

    const auto copy = nats({"consumer", "copy", "ORDERS", "NEW", "SHIPPED", "--filter", "ORDERS.shipped"});
    ASSERT_EQ(copy.code, 0) << copy.err;
    EXPECT_TRUE(has(copy.out, "Information for Consumer ORDERS > SHIPPED created"));
    EXPECT_TRUE(has(copy.out, "Filter Subject: ORDERS.shipped\n"));

    const auto report = nats({"consumer", "report", "ORDERS"});
    ASSERT_EQ(report.code, 0) << report.err;
    EXPECT_TRUE(has(report.out, "Consumer report for ORDERS with 2 consumers"));
    EXPECT_TRUE(has(report.out, "│ NEW      │ Pull │ Explicit   │ 30.00s   │ 0           │ 0           │ 3 / 100%    │ 0         │"))
        << report.out;
    EXPECT_TRUE(has(report.out, "│ SHIPPED  │ Pull │"));

    EXPECT_EQ(nats({"consumer", "rm", "ORDERS", "SHIPPED"}).err,
              "nats: error: could not obtain confirmation: cannot ask for confirmation without a terminal\n");
    EXPECT_EQ(nats({"consumer", "rm", "ORDERS", "SHIPPED", "-f"}).code, 0);
    EXPECT_EQ(nats({"consumer", "ls", "ORDERS", "-n"}).out, "NEW\n");
}

TEST_F(NatsCliConsumer, BadInputFailsWithNatscliTexts) {
    add_orders(0);
    auto r = nats({"consumer", "info", "ORDERS", "NOPE"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "nats: error: could not select Consumer: no Consumers are defined for Stream ORDERS\n");
    r = nats({"consumer", "rm", "ORDERS", "NOPE", "-f"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "nats: error: consumer not found (10014)\n");
    r = nats({"consumer", "add", "NOSTREAM", "C", "--pull", "--defaults"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "nats: error: could not select Stream: cannot prompt for user input without a terminal\n");
    r = nats({"consumer", "add", "ORDERS", "C", "--pull", "--ack", "none"});
    EXPECT_EQ(r.err, "nats: error: pull consumers can only be explicit or all acknowledgement modes\n");
    r = nats({"consumer", "add", "ORDERS", "C.1", "--pull"});
    EXPECT_EQ(r.err, "nats: error: durable name can not contain '.', '*', '>'\n");
    r = nats({"consumer", "add", "ORDERS", "--pull"});
    EXPECT_EQ(r.err, "nats: error: could not request durable name: cannot prompt for user input without a terminal\n");
    r = nats({"consumer", "add", "ORDERS", "C", "--replay", "fast"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.starts_with("error: enum value must be one of instant,original, got 'fast' for flag '--replay'"))
        << r.err;
    r = nats({"consumer", "next", "ORDERS"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.starts_with("error: required argument 'consumer' not provided")) << r.err;
    r = nats({"consumer", "rm", "ORDERS", "-f"});
    EXPECT_EQ(r.err, "nats: error: --force requires a stream and consumer name\n");
}

// The server answers 409 "Consumer is push based"; natscli prints that status
// message and then fails to acknowledge it.
TEST_F(NatsCliConsumer, NextOnPushConsumerShowsTheServersRefusal) {
    add_orders(0);
    ASSERT_EQ(nats({"consumer", "add", "ORDERS", "PUSH", "--target", "p.x", "--heartbeat=-1", "--defaults"}).code, 0);
    const auto r = nats({"--timeout", "1s", "consumer", "next", "ORDERS", "PUSH"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(matches(r.out, "--- subject: _INBOX\\.\\w+\n\nHeaders:\n\n  Description: Consumer is push based\n"
                               "  Status: 409\n\nData:\n\n\n\n"))
        << r.out;
    EXPECT_EQ(r.err, "nats: error: could not Acknowledge message: nats: message does not have a reply\n");
}

} // namespace
} // namespace nats::integration
