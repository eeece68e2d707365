// `nats stream report|edit|copy|view|backup|restore` (tools/nats/commands/
// stream_admin.cpp, stream_backup.cpp) against a started server; texts are
// natscli 0.0.35's (cli/stream_command.go).
#include "tests/integration/nats_cli_js_fixture.hpp"

namespace nats::integration {
namespace {

using namespace cli_testing;

using NatsCliStreamAdmin = NatsCliJs;

TEST_F(NatsCliStreamAdmin, ReportListsStreams) {
    EXPECT_EQ(nats({"stream", "report"}).out, "Obtaining Stream stats\n\nNo Streams defined\n");
    add_orders(2);
    const auto r = nats({"stream", "report"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(r.out.starts_with("Obtaining Stream stats\n\n╭")) << r.out;
    EXPECT_TRUE(has(r.out, "│ +Stream Report +│\n")) << r.out;
    EXPECT_TRUE(has(r.out, "│ ORDERS │ File    │           │ 0         │ 2        │ \\d+ B +│ 0    │ 0       │ +│\n")) << r.out;
}

TEST_F(NatsCliStreamAdmin, EditAndCopy) {
    add_orders(0);
    auto r = nats({"stream", "edit", "ORDERS", "--max-msgs", "100", "--dry-run"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.out, "Differences (-old +new):\n-   \"max_msgs\": -1,\n+   \"max_msgs\": 100,\n");
    r = nats({"stream", "edit", "ORDERS", "--max-msgs", "100"});
    EXPECT_EQ(r.err, "nats: error: could not obtain confirmation: cannot ask for confirmation without a terminal\n");
    r = nats({"stream", "edit", "ORDERS", "--max-msgs", "100", "-f"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "^Differences \\(-old \\+new\\):\n.*\n.*\nStream ORDERS was updated\n\nInformation for Stream ORDERS")) << r.out;
    EXPECT_TRUE(has(r.out, "     Maximum Messages: 100\n"));
    EXPECT_EQ(nats({"stream", "edit", "ORDERS", "--max-msgs", "100"}).out, "No difference in configuration\n");
    r = nats({"stream", "edit", "ORDERS", "--mirror", "X", "-f"});
    EXPECT_EQ(r.err, "nats: error: could not create new configuration for Stream ORDERS: cannot edit mirrors or sources "
                     "using the CLI, use --config instead\n");

    r = nats({"stream", "copy", "ORDERS", "ARCHIVE", "--subjects", "ARCHIVE.*"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "^Stream ORDERS was created\n\nInformation for Stream ARCHIVE created")) << r.out;
    EXPECT_TRUE(has(r.out, "             Subjects: ARCHIVE.\\*\n"));
    EXPECT_TRUE(has(r.out, "     Maximum Messages: 100\n"));
    r = nats({"stream", "copy", "ORDERS", "ORDERS"});
    EXPECT_EQ(r.err, "nats: error: source and destination Stream names cannot be the same\n");
    r = nats({"stream", "copy", "NOPE", "X"});
    EXPECT_EQ(r.err, "nats: error: could not pick a Stream to operate on: cannot prompt for user input without a terminal\n");
}

TEST_F(NatsCliStreamAdmin, ViewPagesThroughMessages) {
    add_orders(0);
    ASSERT_EQ(nats({"pub", "ORDERS.new", "one", "-q"}).code, 0);
    ASSERT_EQ(nats({"pub", "ORDERS.new", "", "-q", "-H", "K:V"}).code, 0);
    ASSERT_EQ(nats({"pub", "ORDERS.old", "three", "-q"}).code, 0);
    auto r = nats({"stream", "view", "ORDERS"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(matches(r.out, "\\[1\\] Subject: ORDERS\\.new Received: " + rfc3339_pattern + "\n\none\n\n"
                               "\\[2\\] Subject: ORDERS\\.new Received: " + rfc3339_pattern + "\n\n  K: V\n\nnil body\n"
                               "\\[3\\] Subject: ORDERS\\.old Received: " + rfc3339_pattern + "\n\nthree\n\n"))
        << r.out;
    EXPECT_TRUE(matches(r.err, clock_pattern + " Reached apparent end of data\n")) << r.err;
    r = nats({"stream", "view", "ORDERS", "1", "--id", "3", "--raw"});
    EXPECT_EQ(r.out, "three\n");
    EXPECT_EQ(r.err, "");
    r = nats({"stream", "view", "ORDERS", "--subject", "ORDERS.old", "--raw"});
    EXPECT_EQ(r.out, "three\n");
    ASSERT_EQ(nats({"stream", "add", "JOBS", "--subjects", "jobs", "--retention", "work", "--defaults"}).code, 0);
    EXPECT_EQ(nats({"stream", "view", "JOBS"}).err, "nats: error: work queue stream contents can not be viewed\n");
}

TEST_F(NatsCliStreamAdmin, BackupAndRestore) {
    add_orders(3);
    const TempDir dir;
    const auto target = (dir.path() / "orders").string();
    auto r = nats({"stream", "backup", "ORDERS", target});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(matches(r.out, "Starting backup of Stream \"ORDERS\" with \\d+ B\n\n\n"
                               "Received [\\d.]+ (B|KiB) compressed data in \\d+ chunks for stream \"ORDERS\" in \\d+(\\.\\d+)?m?s, \\d+ B uncompressed \n"))
        << r.out;
    const auto meta = nlohmann::json::parse(read_file(dir.path() / "orders" / "backup.json"));
    EXPECT_EQ(meta["config"]["name"], "ORDERS");
    EXPECT_EQ(meta["state"]["messages"], 3);
    EXPECT_TRUE(std::filesystem::exists(dir.path() / "orders" / "stream.tar.s2"));

    r = nats({"stream", "restore", target});
    EXPECT_EQ(r.err, "nats: error: Stream \"ORDERS\" already exist\n");
    ASSERT_EQ(nats({"stream", "rm", "ORDERS", "-f"}).code, 0);
    r = nats({"stream", "restore", target});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, "^Starting restore of Stream \"ORDERS\" from file \"" + target + "\"\n\n\nRestored stream \"ORDERS\" in \\d+s\n\n"
                           "Information for Stream ORDERS created"))
        << r.out;
    EXPECT_TRUE(has(r.out, "             Messages: 3\n"));
    EXPECT_EQ(nats({"stream", "view", "ORDERS", "1", "--raw"}).out, "order 1\n");

    r = nats({"stream", "backup", "NOPE", target});
    EXPECT_EQ(r.err, "nats: error: stream not found (10059)\n");
    r = nats({"stream", "restore", (dir.path() / "missing").string()});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.starts_with("error: path '")) << r.err;
}

} // namespace
} // namespace nats::integration
