#include <gtest/gtest.h>

#include "bench_report.hpp"

namespace nats::cli {
namespace {

using namespace std::chrono;

bench_sample sample(std::int64_t msgs, std::size_t size, milliseconds took, std::vector<std::uint64_t> lat = {}) {
    const auto start = steady_clock::time_point{} + seconds(100);
    return {.job_msgs = msgs,
            .msg_bytes = static_cast<std::uint64_t>(msgs) * size,
            .io_msgs = static_cast<std::uint64_t>(msgs),
            .start = start,
            .end = start + took,
            .latencies_ns = std::move(lat)};
}

TEST(BenchReport, SplitsMessagesEvenly) {
    EXPECT_EQ(messages_per_client(10, 3), (std::vector<std::int64_t>{4, 3, 3}));
    EXPECT_EQ(messages_per_client(2, 4), (std::vector<std::int64_t>{1, 1, 0, 0}));
    EXPECT_TRUE(messages_per_client(10, 0).empty());
}

TEST(BenchReport, SinglePublisherLine) {
    EXPECT_EQ(bench_report("NATS", {sample(1000, 1024, seconds(1))}, {}), "Pub stats: 1,000 msgs/sec ~ 1000.00 KB/sec\n");
}

TEST(BenchReport, PubSubWithSeveralSubscribers) {
    const std::string report = bench_report("NATS", {sample(1000, 128, seconds(1))},
                                            {sample(1000, 128, seconds(1)), sample(1000, 128, seconds(2))});
    EXPECT_EQ(report,
              "NATS Pub/Sub stats: 1,500 msgs/sec ~ 187.50 KB/sec\n"
              " Pub stats: 1,000 msgs/sec ~ 125.00 KB/sec\n"
              " Sub stats: 1,000 msgs/sec ~ 125.00 KB/sec\n"
              "  [1] 1,000 msgs/sec ~ 125.00 KB/sec (1000 msgs)\n"
              "  [2] 500 msgs/sec ~ 62.50 KB/sec (1000 msgs)\n"
              "  min 500 | avg 750 | max 1,000 | stddev 250 msgs\n");
}

TEST(BenchReport, RequesterLatencies) {
    std::vector<std::uint64_t> lat;
    for (int i = 1; i <= 100; ++i) lat.push_back(static_cast<std::uint64_t>(i) * 1000);
    const std::string line = sample_text(sample(100, 16, milliseconds(100), lat));
    EXPECT_EQ(line,
              "1,000 msgs/sec ~ 15.62 KB/sec ~ min: 1us ~ avg: 50.5us ~ max: 100us ~ P50: 50us ~ P90: 90us ~ P99: "
              "99us ~ P99.9: 100us");
    EXPECT_EQ(latency_percentile_us(lat, 50), 50);
}

TEST(BenchReport, EmptyAndCsv) {
    EXPECT_EQ(bench_report("NATS", {}, {}), "No publisher or subscribers. Nothing to report.");
    const std::string csv = bench_csv("RUN", {sample(10, 8, seconds(1))}, {sample(10, 8, seconds(2))});
    EXPECT_EQ(csv,
              "#RunID,ClientID,MsgCount,MsgBytes,MsgsPerSec,BytesPerSec,DurationSecs\n"
              "RUN,S0,10,80,5,40.000000,2.000000\n"
              "RUN,P0,10,80,10,80.000000,1.000000\n");
}

// natscli 0.2+'s layout: one client is one line, several get per-client
// lines, the aggregate, the rate spread and (with latencies) their statistics.
TEST(BenchTypeReport, OneClientOneLine) {
    EXPECT_EQ(bench_type_report("NATS", "Core NATS subscriber", {sample(1000, 1024, seconds(1))}),
              "NATS Core NATS subscriber stats: 1,000 msgs/sec ~ 1000 KiB/sec\n");
    EXPECT_EQ(bench_type_report("NATS", "Core NATS subscriber", {}), "No publisher or subscribers. Nothing to report.");
}

TEST(BenchTypeReport, SeveralClientsWithLatencies) {
    const std::vector<std::uint64_t> lat{1000, 2000, 3000, 4000};
    const std::string report = bench_type_report("NATS", "Core NATS publisher",
                                                 {sample(1000, 128, seconds(1), lat), sample(1000, 128, seconds(2), lat)});
    EXPECT_EQ(report,
              "  [1] 1,000 msgs/sec ~ 125 KiB/sec ~ min: 1us ~ avg: 2.5us ~ max: 4us ~ P50: 2us ~ P90: 4us ~ P99: 4us ~ "
              "P99.9: 4us (1,000 msgs)\n"
              "  [2] 500 msgs/sec ~ 62 KiB/sec ~ min: 1us ~ avg: 2.5us ~ max: 4us ~ P50: 2us ~ P90: 4us ~ P99: 4us ~ "
              "P99.9: 4us (1,000 msgs)\n"
              "\n NATS Core NATS publisher aggregated stats: 1,000 msgs/sec ~ 125 KiB/sec\n"
              " message rates min 500 | avg 750 | max 1,000 | stddev 250 msgs\n"
              " latencies per operation min 1us | avg 2.5us | max 4us | stddev 1.12us | P50 2us | P90 4us | P99 4us | "
              "P99.9: 4us\n");
}

TEST(BenchTypeReport, CsvAddsLatencyColumnsWhenMeasured) {
    EXPECT_EQ(bench_type_csv("RUN", 'S', {sample(10, 8, seconds(2))}),
              "#RunID,ClientID,MsgCount,MsgBytes,MsgsPerSec,BytesPerSec,DurationSecs\n"
              "RUN,S0,10,80,5,40.000000,2.000000\n");
    EXPECT_EQ(bench_type_csv("RUN", 'P', {sample(10, 8, seconds(1), {1000, 3000})}),
              "#RunID,ClientID,MsgCount,MsgBytes,MsgsPerSec,BytesPerSec,DurationSecs,MinLatencyMicroSecs,"
              "AvgLatencyMicroSecs,MaxLatencyMicroSecs,P50LatencyMicroSecs,P90LatencyMicroSecs,P99LatencyMicroSecs,"
              "P99.9LatencyMicroSecs,StdDevLatencyMicroSecs\n"
              "RUN,P0,10,80,10,80.000000,1.000000,1.000000,2.000000,3.000000,1.000000,3.000000,3.000000,3.000000,"
              "1.000000\n");
}

} // namespace
} // namespace nats::cli
