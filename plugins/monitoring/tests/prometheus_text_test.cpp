// The exposition text: names, escapes, values, one HELP/TYPE per family.
#include <gtest/gtest.h>

#include <cmath>

#include "plugins/monitoring/prometheus_text.hpp"

namespace nats::monitoring {
namespace {

TEST(PrometheusText, FamiliesAndSamples) {
    PrometheusText t;
    t.family("gnatsd_varz_in_msgs", "in_msgs", "gauge");
    t.sample("gnatsd_varz_in_msgs", {{"server_id", "S"}}, 42);
    t.family("gnatsd_varz_in_msgs", "again", "gauge");
    t.sample("gnatsd_varz_in_msgs", {{"server_id", "T"}}, 1.5);
    t.family("x", "multi\nline \\ help", "counter");
    t.sample("x", {}, 3);
    EXPECT_EQ(t.text(),
              "# HELP gnatsd_varz_in_msgs in_msgs\n# TYPE gnatsd_varz_in_msgs gauge\n"
              "gnatsd_varz_in_msgs{server_id=\"S\"} 42\ngnatsd_varz_in_msgs{server_id=\"T\"} 1.5\n"
              "# HELP x multi\\nline \\\\ help\n# TYPE x counter\nx 3\n");
}

TEST(PrometheusText, EscapesAndNames) {
    EXPECT_EQ(escape_label_value("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    EXPECT_EQ(metric_name("9lives.metric-x"), "_lives_metric_x");
    EXPECT_EQ(metric_name("ok_name:sub"), "ok_name:sub");
    EXPECT_EQ(format_sample_value(std::nan("")), "NaN");
    EXPECT_EQ(format_sample_value(INFINITY), "+Inf");
    EXPECT_EQ(format_sample_value(-INFINITY), "-Inf");
    EXPECT_EQ(format_sample_value(1e20), "1e+20");
    EXPECT_EQ(format_sample_value(-7), "-7");
    EXPECT_EQ(format_sample_value(0.25), "0.25");
}

}  // namespace
}  // namespace nats::monitoring
