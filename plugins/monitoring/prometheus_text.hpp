#pragma once
// Prometheus text exposition format 0.0.4: one # HELP and # TYPE per family,
// then its samples, families never interleaved.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace nats::monitoring {

using Labels = std::vector<std::pair<std::string, std::string>>;

class PrometheusText {
public:
    // Starts a family; a family already written is not started again (its
    // samples must then follow directly, which callers keep to).
    void family(std::string_view name, std::string_view help, std::string_view type);
    void sample(std::string_view name, const Labels& labels, double value);
    const std::string& text() const { return out_; }

private:
    std::string out_;
    std::vector<std::string> families_;
};

// [a-zA-Z_:][a-zA-Z0-9_:]*, other characters replaced by '_'.
std::string metric_name(std::string_view raw);
// A label value with \\, \" and \n escaped.
std::string escape_label_value(std::string_view value);
// Shortest text that reads back as `value`; NaN and ±Inf as Prometheus spells them.
std::string format_sample_value(double value);

inline constexpr std::string_view prometheus_content_type = "text/plain; version=0.0.4; charset=utf-8";

}  // namespace nats::monitoring
