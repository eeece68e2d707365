// The dashboard's JetStream section end to end: a server with JetStream and the
// monitoring plugin, streams and consumers set up over the raw protocol, and the page
// opened in headless Chromium (dashboard_driver.hpp); the section must show what
// /jsz?consumers=1 says. The section's absence without JetStream is checked by
// Monitoring.DashboardShowsTrafficInHeadlessChromium.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/integration/dashboard_driver.hpp"
#include "tests/integration/jetstream_test_helpers.hpp"
#include "tests/integration/plugin_test_helpers.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/net.hpp"

namespace nats::integration {
namespace {

std::vector<std::string> cells(const json& row) { return row.get<std::vector<std::string>>(); }

// The row of `rows` (cell texts) whose first cell is `name`; empty if none.
std::vector<std::string> row_named(const json& rows, const std::string& name) {
    for (const auto& r : rows)
        if (!r.empty() && r[0] == name) return cells(r);
    return {};
}

TEST(DashboardJetStream, ShowsStreamsAndConsumersFromJsz) {
    SKIP_WITHOUT_PLUGINS("monitoring", "jetstream");
    SKIP_UNLESS_PLUGIN_SERVER();
    if (const std::string missing = dashboard_driver_missing(); !missing.empty()) GTEST_SKIP() << missing;
    test_support::TempDir store;
    const int http_port = test_support::free_port();
    auto server = start_jetstream(store, {}, {"-m", std::to_string(http_port)});
    ASSERT_TRUE(wait_for_log(*server, "Server is ready")) << server->log_text();

    JsClient js(server->port());
    ASSERT_FALSE(js.reply_json("$JS.API.STREAM.CREATE.ORDERS", R"({"name":"ORDERS","subjects":["orders.*"]})")
                     .contains("error"));
    ASSERT_FALSE(js.reply_json("$JS.API.STREAM.CREATE.EMPTY", R"({"name":"EMPTY","subjects":["empty.*"]})")
                     .contains("error"));
    for (int i = 0; i < 5; ++i) ASSERT_FALSE(js.reply_json("orders.new", "order").contains("error"));
    for (const char* durable : {"WORKER", "AUDIT"})
        ASSERT_FALSE(js.reply_json(std::string("$JS.API.CONSUMER.DURABLE.CREATE.ORDERS.") + durable,
                                   std::string(R"({"stream_name":"ORDERS","config":{"durable_name":")") + durable +
                                       R"(","ack_policy":"explicit"}})")
                         .contains("error"));
    // WORKER: two delivered, the first acknowledged -> 3 pending, 1 awaiting ack,
    // delivered up to stream seq 2, ack floor 1. AUDIT: nothing delivered.
    const Frame first = js.pull("$JS.API.CONSUMER.MSG.NEXT.ORDERS.WORKER");
    const Frame second = js.pull("$JS.API.CONSUMER.MSG.NEXT.ORDERS.WORKER");
    ASSERT_EQ(first.payload, "order");
    ASSERT_EQ(second.payload, "order");
    ASSERT_EQ(first.reply.rfind("$JS.ACK.ORDERS.WORKER.", 0), 0u) << first.reply;
    js.raw().send(pub(first.reply, "+ACK"));
    js.raw().flush();
    // Acks are fire-and-forget: wait (bounded) until /jsz shows this one applied.
    bool acked = false;
    for (int i = 0; i < 100 && !acked; ++i) {
        const json jsz = test_support::http_get(http_port, "/jsz?consumers=1").json_body();
        for (const auto& stream : jsz["account_details"][0]["stream_detail"])
            for (const auto& c : stream.value("consumer_detail", json::array()))
                if (c["name"] == "WORKER" && c["ack_floor"]["stream_seq"] == 1) acked = true;
        if (!acked) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_TRUE(acked) << "the ack never showed in /jsz";

    const json result = run_dashboard(http_port, 300, 2500);
    ASSERT_TRUE(result.is_object()) << "driver output was not JSON";
    ASSERT_FALSE(result.contains("fatal")) << result.dump();
    EXPECT_EQ(result["errors"], json::array()) << "console errors: " << result["errors"].dump(2);
    const json& page = result["page"];
    ASSERT_TRUE(page["state"].is_object()) << page.dump();
    EXPECT_EQ(page["state"]["errors"], json::array());
    EXPECT_EQ(page["scripts"], 0) << "no external scripts or style sheets";

    const json& section = page["jetstream"];
    EXPECT_EQ(section["hidden"], false);
    EXPECT_NE(section["summary"].get<std::string>().find("2 streams"), std::string::npos) << section["summary"];
    EXPECT_NE(section["summary"].get<std::string>().find("2 consumers"), std::string::npos) << section["summary"];
    // Streams: name, account, messages, bytes, first seq, last seq, consumers.
    const auto orders = row_named(section["streams"], "ORDERS");
    ASSERT_EQ(orders.size(), 7u) << section["streams"];
    EXPECT_EQ(orders[1], "$G");
    EXPECT_EQ(orders[2], "5");
    EXPECT_EQ(orders[4], "1");
    EXPECT_EQ(orders[5], "5");
    EXPECT_EQ(orders[6], "2");
    const auto empty = row_named(section["streams"], "EMPTY");
    ASSERT_EQ(empty.size(), 7u) << section["streams"];
    EXPECT_EQ(empty[2], "0");
    EXPECT_EQ(empty[3], "0 B");
    EXPECT_EQ(empty[6], "0");
    // Consumers per stream: name, pending, ack pending, redelivered, waiting,
    // delivered stream seq, ack floor stream seq.
    EXPECT_FALSE(section["consumers"].contains("EMPTY")) << "no consumer table for a stream without consumers";
    ASSERT_TRUE(section["consumers"].contains("ORDERS")) << section.dump();
    EXPECT_EQ(row_named(section["consumers"]["ORDERS"], "WORKER"),
              (std::vector<std::string>{"WORKER", "3", "1", "0", "0", "2", "1"}));
    EXPECT_EQ(row_named(section["consumers"]["ORDERS"], "AUDIT"),
              (std::vector<std::string>{"AUDIT", "5", "0", "0", "0", "0", "0"}));

    // The state tests and tools read carries the same numbers.
    const json& state = page["state"]["jetstream"];
    EXPECT_EQ(state["enabled"], true);
    EXPECT_EQ(state["streams"], 2);
    EXPECT_EQ(state["consumers"], 2);
    EXPECT_EQ(state["messages"], 5);
}

}  // namespace
}  // namespace nats::integration
