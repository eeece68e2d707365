// natscli 0.2+'s `nats bench` verbs (tools/nats/commands/bench_verbs.cpp):
// pub, sub, service request|serve (and request|reply), js pub sync|async (and
// 0.2.0's js pub --batch), js consume|fetch|ordered, js get sync, kv put|get, their banners, reports and
// CSV, and the mistakes natscli refuses. The 0.1 form is in nats_cli_test.cpp.
#include <csignal>
#include <map>
#include <sstream>

#include "tests/integration/nats_cli_js_fixture.hpp"

namespace nats::integration {
namespace {

using namespace cli_testing;
using namespace std::chrono_literals;

using NatsCliBench = NatsCliJs;

// Data rows of a natscli 0.2+ CSV: client id -> number of cells.
std::map<std::string, std::size_t> csv_rows(const std::string& csv) {
    std::map<std::string, std::size_t> rows;
    std::istringstream lines(csv);
    std::string line;
    std::getline(lines, line);
    while (std::getline(lines, line)) {
        std::vector<std::string> cells;
        std::istringstream row(line);
        for (std::string cell; std::getline(row, cell, ',');) cells.push_back(cell);
        if (cells.size() > 1) rows[cells[1]] = cells.size();
    }
    return rows;
}

TEST_F(NatsCliBench, PubReportsPerClientAndAggregate) {
    const TempDir dir;
    const auto csv = dir.file("pub.csv").string();
    auto r = nats({"bench", "pub", "load", "--clients", "2", "--msgs", "1000", "--size", "64B", "--no-progress", "--csv", csv});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "Starting Core NATS publisher benchmark [clients=2, msg-size=64 B, msgs=1,000, "
                                "multi-subject=false, multi-subject-max=100,000, multi-subject-randomize=false, "
                                "sleep=0s, subject=load]"))
        << r.err;
    EXPECT_EQ(count_of(r.err, "] Starting Core NATS publisher, publishing 500 messages"), 2u) << r.err;
    EXPECT_TRUE(has(r.out, R"(\n  \[1\] [\d,]+ msgs/sec ~ [\d.]+ \w*B/sec ~ min: [\d,.]+us .* \(500 msgs\)\n)")) << r.out;
    EXPECT_TRUE(has(r.out, R"(\n NATS Core NATS publisher aggregated stats: [\d,]+ msgs/sec ~ [\d.]+ \w*B/sec\n)")) << r.out;
    EXPECT_TRUE(has(r.out, R"(\n message rates min [\d,]+ \| avg [\d,]+ \| max [\d,]+ \| stddev [\d,]+ msgs\n)")) << r.out;
    EXPECT_TRUE(has(r.out, R"(\n latencies per operation min [\d,.]+us \| .* \| P99\.9: [\d,.]+us\n)")) << r.out;
    EXPECT_TRUE(contains(r.out, "Saved metric data in csv file " + csv));
    // Publishers time every publish, so the CSV has natscli's latency columns.
    EXPECT_EQ(csv_rows(read_file(csv)), (std::map<std::string, std::size_t>{{"P0", 15}, {"P1", 15}}));
}

TEST_F(NatsCliBench, SubReceivesFromPub) {
    auto sub = start({"bench", "sub", "feed", "--msgs", "300", "--clients", "2", "--no-progress"});
    ASSERT_TRUE(sub->wait_for_err("[2] Starting Core NATS subscriber, expecting 300 messages")) << sub->err();
    auto r = nats({"bench", "pub", "feed", "--msgs", "300", "--no-progress"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, R"(^\nNATS Core NATS publisher stats: [\d,]+ msgs/sec ~ .* ~ P99\.9: [\d,.]+us\n\n$)")) << r.out;
    ASSERT_EQ(sub->wait_exit(20s), 0) << sub->err();
    EXPECT_TRUE(has(sub->out(), R"(\n NATS Core NATS subscriber aggregated stats: [\d,]+ msgs/sec)")) << sub->out();
    EXPECT_TRUE(contains(sub->out(), "(300 msgs)")) << sub->out();
}

TEST_F(NatsCliBench, ServiceRequestAndServeInBothSpellings) {
    auto serve = start({"bench", "service", "serve", "svc", "--clients", "2"});
    ASSERT_TRUE(serve->wait_for_err("[2] Starting Core NATS service server, hit control-c to stop")) << serve->err();
    auto r = nats({"bench", "service", "request", "svc", "--msgs", "100", "--no-progress"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, R"(\nNATS Core NATS service requester stats: [\d,]+ msgs/sec ~ .* ~ min: [\d,.]+us)")) << r.out;
    r = nats({"bench", "request", "svc", "--msgs", "50", "--clients", "2", "--no-progress"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "Starting Core NATS service requester benchmark [clients=2, msg-size=128 B, msgs=50, "
                                "sleep=0s, subject=svc]"))
        << r.err;
    EXPECT_TRUE(contains(r.out, " NATS Core NATS service requester aggregated stats: ")) << r.out;
    serve->signal(SIGINT);
    ASSERT_EQ(serve->wait_exit(10s), 0) << serve->err();
    EXPECT_TRUE(contains(serve->err(), "Replied to 150 requests")) << serve->err();

    auto reply = start({"bench", "reply", "svc2"});
    ASSERT_TRUE(reply->wait_for_err("[1] Starting Core NATS service server")) << reply->err();
    EXPECT_EQ(nats({"bench", "request", "svc2", "--msgs", "10", "--no-progress"}).code, 0);
    reply->signal(SIGINT);
    EXPECT_EQ(reply->wait_exit(10s), 0);
}

TEST_F(NatsCliBench, JetStreamPublishAndConsume) {
    auto r = nats({"bench", "js", "pub", "sync", "bench.x", "--create", "--storage", "memory", "--msgs", "200",
                   "--clients", "2", "--purge", "--no-progress"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "Starting JetStream synchronous publisher benchmark [batch=500, clients=2, "
                                "dedup-window=2m0s, deduplication=false, max-bytes=1,073,741,824, msg-size=128 B, "
                                "msgs=200, multi-subject=false, multi-subject-max=100,000, "
                                "multi-subject-randomize=false, purge=true, replicas=1, sleep=0s, storage=memory, "
                                "stream=benchstream, subject=bench.x]"))
        << r.err;
    EXPECT_TRUE(contains(r.err, "Using stream: benchstream\n")) << r.err;
    EXPECT_TRUE(contains(r.err, "Purging the stream\n")) << r.err;
    EXPECT_TRUE(contains(r.out, " NATS JetStream synchronous publisher aggregated stats: ")) << r.out;
    r = nats({"bench", "js", "pub", "async", "bench.x", "--msgs", "300", "--batch", "100", "--no-progress"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, R"(\nNATS JetStream asynchronous publisher stats: [\d,]+ msgs/sec ~ .* ~ min: )")) << r.out;
    // natscli 0.2.0's form: --batch 1 publishes synchronously.
    r = nats({"bench", "js", "pub", "bench.x", "--batch", "1", "--msgs", "100", "--dedup", "--no-progress"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.out, "NATS JetStream synchronous publisher stats: ")) << r.out;
    r = nats({"stream", "info", "benchstream", "--json"});
    EXPECT_EQ(nlohmann::json::parse(r.out)["state"]["messages"], 600) << r.out;

    r = nats({"bench", "js", "get", "sync", "--msgs", "600", "--clients", "2", "--no-progress"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "Starting JetStream synchronous getter benchmark [clients=2, msg-size=128 B, msgs=600, "
                                "sleep=0s, stream=benchstream]"))
        << r.err;
    EXPECT_TRUE(contains(r.out, " NATS JetStream synchronous getter aggregated stats: ")) << r.out;
    r = nats({"bench", "js", "get", "sync", "--msgs", "601", "--no-progress"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.ends_with("nats: error: getting message sequence number 601 from the stream: nats: message not found\n"))
        << r.err;
    r = nats({"bench", "js", "fetch", "--msgs", "300", "--clients", "2", "--batch", "50", "--no-progress"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "Starting JetStream durable consumer (fetch) benchmark [acks=explicit, batch=50, "
                                "clients=2, consumer=nats-bench, double-acked=false, msg-size=128 B, msgs=300, "
                                "purge=false, sleep=0s, stream=benchstream]"))
        << r.err;
    EXPECT_TRUE(contains(r.out, " latencies per operation ")) << r.out;
    r = nats({"bench", "js", "consume", "--msgs", "300", "--no-progress"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, R"(^\nNATS JetStream durable consumer \(callback\) stats: [\d,]+ msgs/sec ~ [\d.]+ \w*B/sec\n\n$)"))
        << r.out;
    r = nats({"bench", "js", "ordered", "--msgs", "600", "--clients", "2", "--no-progress"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(count_of(r.out, "(600 msgs)"), 2u) << r.out;
    // Asking for more than the stream holds ends after the timeout with what arrived.
    r = nats({"--timeout", "1s", "bench", "js", "ordered", "--msgs", "700", "--no-progress"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(contains(r.err, "nats: error: client 1 received 600 of 700 messages\n")) << r.err;
}

TEST_F(NatsCliBench, KeyValuePutAndGet) {
    auto r = nats({"bench", "kv", "put", "--msgs", "200", "--clients", "2", "--storage", "memory", "--no-progress"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "Starting JetStream KV putter benchmark [bucket=benchbucket, clients=2, msg-size=128 B, "
                                "msgs=200, purge=false, sleep=0s]"))
        << r.err;
    EXPECT_EQ(count_of(r.err, "] Starting JetStream KV putter, publishing 100 messages"), 2u) << r.err;
    EXPECT_TRUE(contains(r.out, " NATS JetStream KV putter aggregated stats: ")) << r.out;
    r = nats({"kv", "status", "benchbucket"});
    EXPECT_TRUE(contains(r.out, "Values Stored: 200")) << r.out;
    r = nats({"bench", "kv", "get", "--msgs", "200", "--randomize", "50", "--no-progress"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(has(r.out, R"(^\nNATS JetStream KV getter stats: [\d,]+ msgs/sec ~ .* ~ P99\.9: [\d,.]+us\n\n$)")) << r.out;
    r = nats({"bench", "kv", "get", "--bucket", "nope", "--msgs", "1", "--no-progress"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.ends_with("nats: error: getting the kv bucket 'nope': nats: bucket not found\n")) << r.err;
}

TEST_F(NatsCliBench, RefusesBadInputLikeNatscli) {
    auto r = nats({"bench", "pub"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.starts_with("error: required argument 'subject' not provided\n\nusage: nats bench pub")) << r.err;
    r = nats({"bench", "pub", "x", "--size", "huge"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(r.err, "nats: error: can not parse or invalid the value specified for the message size: huge\n");
    r = nats({"bench", "pub", "x", "--msgs", "0"});
    EXPECT_EQ(r.err, "nats: error: number of messages should be greater than 0\n");
    r = nats({"bench", "pub", "x", "--duration", "1s"});
    EXPECT_EQ(r.err, "nats: error: --duration requires --throughput to be set\n");
    r = nats({"bench", "js", "bogus"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.starts_with("error: expected command but got \"bogus\"")) << r.err;
    r = nats({"bench", "js", "pub", "sync", "x", "--stream", "NOPE", "--msgs", "1"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.ends_with("nats: error: could not access stream NOPE: nats: stream not found\n")) << r.err;
    r = nats({"bench", "js", "pub", "atomic", "x"});
    EXPECT_EQ(r.err, "nats: error: Atomic Batch Publishing requires NATS Server 2.12, specify --async for async publishing "
                     "instead\n");
    r = nats({"bench", "request", "nobody", "--msgs", "2", "--no-progress"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.ends_with("nats: error: requesting: nats: no responders available for request\n")) << r.err;
    r = nats({"bench"});
    EXPECT_EQ(r.code, 1);
    EXPECT_TRUE(r.err.starts_with("error: a subcommand from the list below is required")) << r.err;
    // The 0.1 form is still the 0.1 form.
    r = nats({"bench", "old", "--pub", "1", "--msgs", "10", "--no-progress"});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_TRUE(contains(r.err, "Starting Core NATS pub/sub benchmark [subject=old")) << r.err;
    EXPECT_TRUE(contains(r.out, "\nPub stats: ")) << r.out;
}

} // namespace
} // namespace nats::integration
