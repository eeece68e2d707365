#include "proc_status.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <sstream>

namespace nats::bench {
namespace {

std::optional<std::uint64_t> parse(const std::string& text) {
    std::istringstream in(text);
    return parse_vm_rss_kib(in);
}

TEST(BenchProcStatus, ParsesVmRss) {
    EXPECT_EQ(parse("Name:\tnats-server\nVmPeak:\t  999 kB\nVmRSS:\t   12345 kB\nThreads: 9\n"), 12345u);
}

TEST(BenchProcStatus, RejectsMissingOrMalformed) {
    EXPECT_FALSE(parse("Name:\tx\nVmSize:\t10 kB\n"));
    EXPECT_FALSE(parse("VmRSS:\t\n"));
    EXPECT_FALSE(parse("VmRSS:\t12 MB\n"));
    EXPECT_FALSE(parse("VmRSS:\t12\n"));
    EXPECT_FALSE(parse(""));
}

TEST(BenchProcStatus, ReadsLiveProcessAndMissesDeadOne) {
    const auto own = read_vm_rss_kib(::getpid());
    ASSERT_TRUE(own);
    EXPECT_GT(*own, 0u);
    EXPECT_FALSE(read_vm_rss_kib(0x7ffffff0));  // above pid_max on Linux
}

TEST(BenchProcStatus, ParsesStatCpuTimes) {
    // Field 2 may contain spaces and ')'; utime=250, stime=50 ticks.
    const std::string line = "1234 (odd) name)) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 5 6 7";
    EXPECT_DOUBLE_EQ(*parse_stat_cpu_seconds(line, 100), 3.0);
    EXPECT_FALSE(parse_stat_cpu_seconds("1234 (x) S 1 2 3", 100));
    EXPECT_FALSE(parse_stat_cpu_seconds("no parenthesis here", 100));
    EXPECT_FALSE(parse_stat_cpu_seconds("1 (x) S 1 1 1 0 -1 0 0 0 0 0 abc 50 0", 100));
    EXPECT_FALSE(parse_stat_cpu_seconds(line, 0));
}

TEST(BenchProcStatus, CpuSecondsOfLiveAndDeadProcesses) {
    volatile double sink = 0;
    for (int i = 0; i < 2'000'000; ++i) sink = sink + i * 0.5;
    const auto own = read_cpu_seconds(::getpid());
    ASSERT_TRUE(own);
    EXPECT_GE(*own, 0.0);
    EXPECT_GE(own_cpu_seconds(), 0.0);
    EXPECT_FALSE(read_cpu_seconds(0x7ffffff0));
}

}  // namespace
}  // namespace nats::bench
