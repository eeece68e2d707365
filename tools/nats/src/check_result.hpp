#pragma once
// The result of a health check as natscli (jsm.go's monitor package) reports
// it: Nagios text ("OK Connection OK:... | perfdata"), JSON or a readable
// table, and the Nagios exit code (0 OK, 1 warning, 2 critical).
#include <string>
#include <vector>

namespace nats::cli {

struct perf_item {
    std::string name;
    double value = 0;
    double warn = 0;
    double crit = 0;
    std::string unit;
    std::string help;
};

class check_result {
public:
    check_result(std::string name, std::string suite);
    void ok(std::string message);
    void warning(std::string message);
    void critical(std::string message);
    void perf(perf_item item);

    // "OK", "WARNING" or "CRITICAL".
    std::string status() const;
    int exit_code() const;
    // format: "nagios", "json", "text" or "prometheus" (metric names under
    // `prometheus_namespace`).
    std::string render(const std::string& format, const std::string& prometheus_namespace = "nats_server_check") const;
    // natscli exits 0 for the Prometheus format whatever the status.
    int exit_code_for(const std::string& format) const { return format == "prometheus" ? 0 : exit_code(); }

private:
    std::string render_nagios() const;
    std::string render_json() const;
    std::string render_text() const;
    std::string render_prometheus(const std::string& ns) const;

    std::string name_;
    std::string suite_;
    std::vector<std::string> oks_;
    std::vector<std::string> warnings_;
    std::vector<std::string> criticals_;
    std::vector<perf_item> perf_;
};

// Go's %v for a float64: the shortest text that reads back to the same value.
std::string format_go_float(double value);

} // namespace nats::cli
