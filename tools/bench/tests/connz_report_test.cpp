#include "connz_report.hpp"

#include <gtest/gtest.h>

namespace nats::bench {
namespace {

TEST(BenchConnzReport, PhasesSideBySideWithRatio) {
    run_result r;
    r.fields["base_rate"] = 20000;
    r.fields["base_p99_us"] = 100.0;
    r.fields["read_rate"] = 15000;
    r.fields["read_p99_us"] = 250.0;
    r.fields["fetch1_path"] = "/connz?limit=10000";
    r.fields["fetch1_count"] = 12;
    r.fields["fetch1_p50_ms"] = 80.5;
    r.fields["fetch1_p99_ms"] = 120.0;
    r.fields["fetch1_max_ms"] = 120.0;
    r.fields["fetch1_bytes"] = 4200000;
    r.fields["fetch1_total"] = 10002;
    const std::string t = format_connz_table(r);
    EXPECT_NE(t.find("round trips/s   20000       15000       0.75\n"), std::string::npos) << t;
    EXPECT_NE(t.find("p99 µs          100.0       250.0       2.50\n"), std::string::npos) << t;
    EXPECT_EQ(t.find("p50 µs"), std::string::npos) << "rows without fields are left out";
    EXPECT_NE(t.find("GET /connz?limit=10000: 12 reads, p50 80.5 ms, p99 120.0 ms, max 120.0 ms, 4200000 bytes, "
                     "total 10002\n"),
              std::string::npos)
        << t;
}

TEST(BenchConnzReport, MissingSideShowsDash) {
    run_result r;
    r.fields["base_rate"] = 0;
    r.fields["read_rate"] = 10;
    const std::string t = format_connz_table(r);
    EXPECT_NE(t.find("round trips/s   0           10          -\n"), std::string::npos) << t;
    EXPECT_EQ(t.find("GET"), std::string::npos);
}

}  // namespace
}  // namespace nats::bench
